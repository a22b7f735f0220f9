// The pipeline file checker: every kind of mistake gives a clear "FILE:LINE: key: problem"
// message before anything runs, secrets come from the environment or files and are redacted.
#include "runner/pipeline/pipeline_config.h"

#include <gtest/gtest.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>

#include "common/redact.h"
#include "runner/pipeline/config_tree.h"

namespace sluice::runner::pipeline {
namespace {

const char* kGood = R"(name: demo
sources:
  db:
    url: mysql://etl@127.0.0.1:3306/shop
    password: ${SLUICE_TEST_PW}
    max_connections: 2
destination: /tmp/lake
defaults:
  chunk_rows: 500_000
  memory_limit: 256MB
  task_memory: 32MB
tables:
  - name: orders
    key: id
    casts:
      amount: decimal(12,2)
  - name: customers
    table: shop.customers_v2
    columns: [id, name]
    mode: range
    chunk_keys: 7000
transforms:
  - name: t
    sql: SELECT 1
    output: marts/t.parquet
alerts:
  webhook: http://127.0.0.1:9/hook
  on_success: true
)";

class PipelineConfigTest : public ::testing::Test {
 protected:
  void SetUp() override { setenv("SLUICE_TEST_PW", "s3cret-pw", 1); }
  static std::string Error(const std::string& text) {
    auto config = ParsePipelineConfig(text, "p.yaml", ".");
    EXPECT_FALSE(config.ok()) << text;
    return config.ok() ? "" : config.status().message();
  }
};

TEST_F(PipelineConfigTest, GoodFileParsesWithDefaultsAndSecrets) {
  auto config = ParsePipelineConfig(kGood, "p.yaml", ".");
  ASSERT_TRUE(config.ok()) << config.status().ToString();
  EXPECT_EQ(config->name, "demo");
  ASSERT_EQ(config->sources.size(), 1u);
  EXPECT_EQ(config->sources[0].max_connections, 2);
  EXPECT_NE(config->sources[0].url.find("etl:s3cret-pw@"), std::string::npos);
  EXPECT_EQ(Redact(config->sources[0].url).find("s3cret-pw"), std::string::npos);
  EXPECT_EQ(config->defaults.chunk_rows, 500000);
  EXPECT_EQ(config->defaults.memory_limit_bytes, 256ll << 20);
  EXPECT_EQ(config->defaults.fetch_rows, 2000);  // default kept
  ASSERT_EQ(config->tables.size(), 2u);
  EXPECT_EQ(config->tables[0].source, "db");  // the only source
  EXPECT_EQ(config->tables[0].table, "orders");
  EXPECT_EQ(config->tables[0].casts.at("amount"), "decimal(12,2)");
  EXPECT_EQ(config->tables[1].table, "shop.customers_v2");
  EXPECT_EQ(config->tables[1].columns, (std::vector<std::string>{"id", "name"}));
  EXPECT_EQ(config->tables[1].chunk_keys, 7000);
  EXPECT_EQ(config->transforms[0].output, "marts/t.parquet");
  EXPECT_TRUE(config->alerts.on_success);
  EXPECT_TRUE(config->alerts.on_failure);
}

TEST_F(PipelineConfigTest, UnknownKeyNamesLineAndSuggestion) {
  std::string text = kGood;
  text.replace(text.find("    key: id"), 11, "    kee: id");
  EXPECT_NE(Error(text).find("p.yaml:14: tables.orders.kee: unknown key (did you mean 'key'?)"),
            std::string::npos)
      << Error(text);
  EXPECT_NE(
      Error("sources: {}\ndestinaton: x\ntables: []\n").find("p.yaml:2: destinaton: unknown key"),
      std::string::npos);
}

TEST_F(PipelineConfigTest, WrongTypesAreReportedWithLines) {
  std::string text = kGood;
  text.replace(text.find("max_connections: 2"), 18, "max_connections: lots");
  text.replace(text.find("chunk_keys: 7000"), 16, "chunk_keys: [1]");
  std::string error = Error(text);
  EXPECT_NE(error.find("p.yaml:6: sources.db.max_connections: expected an integer, found 'lots'"),
            std::string::npos)
      << error;
  EXPECT_NE(error.find("p.yaml:21: tables.customers.chunk_keys: expected a string, found a list"),
            std::string::npos)
      << error;  // every error, not only the first
  EXPECT_NE(
      Error("sources: []\ndestination: x\ntables: []\n").find("p.yaml:1: sources: expected a map"),
      std::string::npos);
  EXPECT_NE(Error(std::string(kGood) + "defaults2: 1\n").find("defaults2"), std::string::npos);
}

TEST_F(PipelineConfigTest, BadValuesAndRanges) {
  std::string text = kGood;
  text.replace(text.find("mode: range"), 11, "mode: fast");
  EXPECT_NE(Error(text).find(
                "p.yaml:20: tables.customers.mode: 'fast' is not one of balanced, range, scan"),
            std::string::npos)
      << Error(text);
  text = kGood;
  text.replace(text.find("memory_limit: 256MB"), 19, "memory_limit: 256XB");
  EXPECT_NE(Error(text).find("p.yaml:10: defaults.memory_limit: unknown size unit 'XB'"),
            std::string::npos)
      << Error(text);
  text = kGood;
  text.replace(text.find("task_memory: 32MB"), 17, "task_memory: 1GB");
  EXPECT_NE(Error(text).find("task_memory: is larger than defaults.memory_limit"),
            std::string::npos)
      << Error(text);
  text = kGood;
  text.replace(text.find("output: marts/t.parquet"), 23, "output: /etc/t.csv");
  EXPECT_NE(Error(text).find("transforms[0].output: expected a relative path ending in .parquet"),
            std::string::npos);
  text = kGood;
  text.replace(text.find("http://127.0.0.1:9/hook"), 23, "ftp://x");
  EXPECT_NE(Error(text).find("alerts.webhook: expected an http:// or https:// URL"),
            std::string::npos);
}

TEST_F(PipelineConfigTest, MissingFields) {
  std::string error = Error("name: x\n");
  EXPECT_NE(error.find("p.yaml:1: missing required key 'sources'"), std::string::npos) << error;
  EXPECT_NE(error.find("missing required key 'destination'"), std::string::npos);
  EXPECT_NE(error.find("missing required key 'tables'"), std::string::npos);
  error = Error("sources:\n  db:\n    max_connections: 1\ndestination: x\ntables:\n  - key: id\n");
  EXPECT_NE(error.find("p.yaml:3: sources.db: missing required key 'url'"), std::string::npos)
      << error;
  EXPECT_NE(error.find("p.yaml:6: tables[0]: missing required key 'name'"), std::string::npos)
      << error;
}

TEST_F(PipelineConfigTest, SourcesAreCrossChecked) {
  std::string two =
      "sources:\n  a:\n    url: mysql://u@h/d\n  b:\n    url: mysql://u@h/d\n"
      "destination: x\ntables:\n  - name: t\n  - name: u\n    source: c\n"
      "  - name: t\n    source: a\n";
  std::string error = Error(two);
  EXPECT_NE(error.find("p.yaml:8: tables.t: missing key 'source'"), std::string::npos) << error;
  EXPECT_NE(error.find("p.yaml:9: tables.u.source: unknown source 'c' (sources: a, b)"),
            std::string::npos)
      << error;
  EXPECT_NE(error.find("p.yaml:11: tables.t.name: duplicate table name 't'"), std::string::npos)
      << error;
}

TEST_F(PipelineConfigTest, SecretsNeverInline) {
  std::string error = Error(
      "sources:\n  db:\n    url: mysql://u:hunter22@h/d\ndestination: x\n"
      "tables:\n  - name: t\n");
  EXPECT_NE(error.find("p.yaml:3: sources.db.url: the URL holds a literal password"),
            std::string::npos)
      << error;
  EXPECT_EQ(error.find("hunter22"), std::string::npos) << error;
  error = Error(
      "sources:\n  db:\n    url: mysql://u@h/d\n    password: hunter22\ndestination: x\n"
      "tables:\n  - name: t\n");
  EXPECT_NE(error.find("p.yaml:4: sources.db.password: a literal password is not allowed"),
            std::string::npos);
  EXPECT_EQ(error.find("hunter22"), std::string::npos) << error;
  unsetenv("NO_SUCH_VAR_X");
  error = Error(
      "sources:\n  db:\n    url: mysql://u@h/d\n    password: ${NO_SUCH_VAR_X}\n"
      "destination: x\ntables:\n  - name: t\n");
  EXPECT_NE(
      error.find("p.yaml:4: sources.db.password: environment variable NO_SUCH_VAR_X is not set"),
      std::string::npos)
      << error;
  error = Error(
      "sources:\n  db:\n    url: mysql://u@h/d\n    password_file: /no/such/file\n"
      "destination: x\ntables:\n  - name: t\n");
  EXPECT_NE(error.find("p.yaml:4: sources.db.password_file: cannot read /no/such/file"),
            std::string::npos);
}

TEST_F(PipelineConfigTest, PasswordFileIsReadRelativeToTheConfig) {
  std::string dir = ::testing::TempDir();
  std::ofstream(dir + "/pw.txt") << "from-file-pw\n";
  auto config = ParsePipelineConfig(
      "sources:\n  db:\n    url: mysql://u@h/d\n    password_file: pw.txt\ndestination: x\n"
      "tables:\n  - name: t\n",
      "p.yaml", dir);
  ASSERT_TRUE(config.ok()) << config.status().ToString();
  EXPECT_NE(config->sources[0].url.find("u:from-file-pw@"), std::string::npos);
  EXPECT_EQ(Redact("error: from-file-pw"), "error: ***");
}

TEST_F(PipelineConfigTest, EnvExpansionEverywhereAndEscapes) {
  setenv("SLUICE_TEST_LAKE", "/data/lake", 1);
  auto config = ParsePipelineConfig(
      "sources:\n  db:\n    url: mysql://u@h/d\ndestination: ${SLUICE_TEST_LAKE}/x\n"
      "tables:\n  - name: t\n    where: \"note = '$${literal}'\"\n",
      "p.yaml", ".");
  ASSERT_TRUE(config.ok()) << config.status().ToString();
  EXPECT_EQ(config->destination, "/data/lake/x");
  EXPECT_EQ(config->tables[0].where, "note = '${literal}'");
  EXPECT_NE(Error("sources:\n  db:\n    url: mysql://u@h/d\ndestination: ${BAD-NAME}\ntables:\n"
                  "  - name: t\n")
                .find("p.yaml:4: destination: bad variable name"),
            std::string::npos);
}

TEST_F(PipelineConfigTest, InvalidYamlAndDuplicateKeysNameTheLine) {
  EXPECT_NE(Error("sources:\n  db: [\n").find("p.yaml:3: invalid YAML"), std::string::npos)
      << Error("sources:\n  db: [\n");
  std::string error = Error("sources:\n  db:\n    url: a\n    url: b\n");
  EXPECT_NE(error.find("p.yaml:4: duplicate key 'url'"), std::string::npos) << error;
  EXPECT_NE(Error("- a\n- b\n").find("p.yaml:1: a pipeline file is a map"), std::string::npos);
  EXPECT_NE(Error("").find("a pipeline file is a map"), std::string::npos);
  EXPECT_NE(Error("a: 1\n---\nb: 2\n").find("only one YAML document"), std::string::npos);
}

TEST_F(PipelineConfigTest, ValueCastsBecomeTheTablesContractWithPipelineLocations) {
  auto config = ParsePipelineConfig(
      "sources:\n  db:\n    url: mysql://u@h/d\ndestination: x\ntables:\n  - name: t\n"
      "    casts:\n      fee: {type: 'decimal(10,2)', format: comma, on_error: 'null'}\n"
      "      id: int64\n",
      "p.yaml", ".");
  ASSERT_TRUE(config.ok()) << config.status().ToString();
  const TableConfig& table = config->tables[0];
  EXPECT_EQ(table.casts.at("id"), "int64");  // a source type override, as before
  ASSERT_TRUE(table.contract.has_value());
  ASSERT_EQ(table.contract->casts.size(), 1u);
  const CastSpec& cast = table.contract->casts[0];
  EXPECT_EQ(cast.column, "fee");
  EXPECT_EQ(cast.target, CastTarget::kDecimal);
  EXPECT_EQ(cast.precision, 10);
  EXPECT_EQ(cast.format, "comma");
  EXPECT_EQ(cast.on_error, OnError::kNull);
  EXPECT_EQ(cast.location.ToString(), "p.yaml:8: tables.t.casts.fee: ");
  EXPECT_NE(Error("sources:\n  db:\n    url: mysql://u@h/d\ndestination: x\ntables:\n  - name: t\n"
                  "    casts:\n      fee: {typ: int32}\n")
                .find("p.yaml:8: tables.t.casts.fee.typ: unknown key (did you mean 'type'?)"),
            std::string::npos);
  EXPECT_NE(Error("sources:\n  db:\n    url: mysql://u@h/d\ndestination: x\ntables:\n  - name: t\n"
                  "    casts:\n      fee: {type: money}\n")
                .find("p.yaml:8: tables.t.casts.fee.type: "),
            std::string::npos);
  // A table without casts or contract has none.
  auto plain = ParsePipelineConfig(kGood, "p.yaml", ".");
  ASSERT_TRUE(plain.ok()) << plain.status().ToString();
  EXPECT_FALSE(plain->tables[0].contract.has_value());
}

const char* kHead = "sources:\n  db:\n    url: mysql://u@h/d\ndestination: x\ntables:\n";

TEST_F(PipelineConfigTest, InlineContractIsParsedWithPipelineLinesAndKeys) {
  auto config = ParsePipelineConfig(std::string(kHead) +
                                        "  - name: orders\n"                             // 6
                                        "    contract:\n"                                // 7
                                        "      key: id\n"                                // 8
                                        "      casts:\n"                                 // 9
                                        "        amount: {type: 'decimal(12,2)'}\n"      // 10
                                        "      columns:\n"                               // 11
                                        "        id: {nullable: false, unique: true}\n"  // 12
                                        "        status:\n"                              // 13
                                        "          allowed: [new, paid]\n"               // 14
                                        "        note:\n"                                // 15
                                        "      checks:\n"                                // 16
                                        "        row_count: {min: 1}\n"                  // 17
                                        "        unique: [[id, status]]\n",              // 18
                                    "p.yaml", ".");
  ASSERT_TRUE(config.ok()) << config.status().ToString();
  const auto& contract = config->tables[0].contract;
  ASSERT_TRUE(contract.has_value());
  EXPECT_EQ(contract->name, "orders");
  EXPECT_EQ(contract->key, "id");
  ASSERT_EQ(contract->casts.size(), 1u);
  EXPECT_EQ(contract->casts[0].location.ToString(),
            "p.yaml:10: tables.orders.contract.casts.amount: ");
  ASSERT_EQ(contract->columns.size(), 3u);
  EXPECT_EQ(contract->columns[0].checks.size(), 2u);
  EXPECT_EQ(contract->columns[1].checks[0].kind, CheckKind::kAllowed);
  EXPECT_EQ(contract->columns[1].checks[0].args, (std::vector<std::string>{"new", "paid"}));
  EXPECT_EQ(contract->columns[1].checks[0].location.ToString(),
            "p.yaml:14: tables.orders.contract.columns.status.allowed: ");
  EXPECT_TRUE(contract->columns[2].checks.empty());  // `note:` alone: must be present
  ASSERT_EQ(contract->table_checks.size(), 2u);
  EXPECT_EQ(contract->table_checks[1].args, (std::vector<std::string>{"id", "status"}));

  // Mistakes inside the contract name the pipeline file's line and the full key path.
  std::string error = Error(std::string(kHead) +
                            "  - name: orders\n    contract:\n      columns:\n"
                            "        id: {uniqe: true}\n");
  EXPECT_NE(error.find("p.yaml:9: tables.orders.contract.columns.id.uniqe: unknown check"),
            std::string::npos)
      << error;
  error = Error(std::string(kHead) +
                "  - name: orders\n    contract:\n      columns:\n        id:\n"
                "          nullable: maybe\n");
  EXPECT_NE(error.find("p.yaml:10: tables.orders.contract.columns.id.nullable: expected true or "
                       "false, found 'maybe'"),
            std::string::npos)
      << error;
  error = Error(std::string(kHead) + "  - name: orders\n    contract:\n      colums: {}\n");
  EXPECT_NE(error.find("p.yaml:8: tables.orders.contract.colums: unknown key (did you mean "
                       "'columns'?)"),
            std::string::npos)
      << error;
  error = Error(std::string(kHead) + "  - name: orders\n    contract: [a]\n");
  EXPECT_NE(error.find("p.yaml:7: tables.orders.contract: expected a contract file or a map"),
            std::string::npos)
      << error;
  // Every table's problems are reported together with the rest of the file's.
  error = Error(std::string(kHead) +
                "  - name: a\n    contract:\n      columns:\n        id: {min: [1]}\n"
                "  - name: b\n    retries: lots\n");
  EXPECT_NE(error.find("p.yaml:9: tables.a.contract.columns.id.min: expected a single value"),
            std::string::npos)
      << error;
  EXPECT_NE(error.find("p.yaml:11: tables.b.retries"), std::string::npos) << error;
}

TEST_F(PipelineConfigTest, ContractFileIsRelativeToThePipelineAndMergesWithInline) {
  std::string dir =
      (std::filesystem::path(::testing::TempDir()) / "pipeline_contract_test").lexically_normal();
  std::filesystem::create_directories(dir + "/contracts");
  std::ofstream(dir + "/contracts/shop.yaml")
      << "tables:\n  orders:\n    key: id\n    columns:\n      id: {unique: true}\n"
         "  customers:\n    columns:\n      email: {regex: '.*@.*'}\n";
  std::ofstream(dir + "/p.yaml") << std::string(kHead) +
                                        "  - name: orders\n    contract:\n"
                                        "      file: contracts/shop.yaml\n"
                                        "      columns:\n        amount: {min: 0}\n"
                                        "  - name: clients\n    contract:\n"
                                        "      file: contracts/shop.yaml\n"
                                        "      section: customers\n";
  auto config = LoadPipelineConfig(dir + "/p.yaml");
  ASSERT_TRUE(config.ok()) << config.status().ToString();
  const auto& orders = config->tables[0].contract;
  ASSERT_TRUE(orders.has_value());
  EXPECT_EQ(config->tables[0].contract_file, dir + "/contracts/shop.yaml");
  EXPECT_EQ(orders->key, "id");
  ASSERT_EQ(orders->columns.size(), 2u);
  EXPECT_EQ(orders->columns[0].location.file, dir + "/contracts/shop.yaml");  // from the file
  EXPECT_EQ(orders->columns[1].location.file, dir + "/p.yaml");               // inline
  const auto& clients = config->tables[1].contract;
  ASSERT_TRUE(clients.has_value());
  EXPECT_EQ(clients->name, "clients");
  ASSERT_EQ(clients->columns.size(), 1u);
  EXPECT_EQ(clients->columns[0].name, "email");

  // A string value is the file alone; a missing file or section is named with the pipeline line.
  std::ofstream(dir + "/p.yaml") << std::string(kHead) +
                                        "  - name: orders\n"
                                        "    contract: contracts/nope.yaml\n";
  auto missing = LoadPipelineConfig(dir + "/p.yaml");
  ASSERT_FALSE(missing.ok());
  EXPECT_NE(missing.status().message().find(dir +
                                            "/p.yaml:7: tables.orders.contract: contract "
                                            "file " +
                                            dir + "/contracts/nope.yaml: cannot open"),
            std::string::npos)
      << missing.status().message();
  std::ofstream(dir + "/p.yaml") << std::string(kHead) +
                                        "  - name: items\n"
                                        "    contract: contracts/shop.yaml\n";
  auto section = LoadPipelineConfig(dir + "/p.yaml");
  ASSERT_FALSE(section.ok());
  EXPECT_NE(section.status().message().find("has no section 'items' (sections: orders, "
                                            "customers); name one with contract.section"),
            std::string::npos)
      << section.status().message();
  // Errors inside the contract file name that file's line and key.
  std::ofstream(dir + "/contracts/bad.yaml") << "tables:\n  orders:\n    columns:\n"
                                                "      id: {uniqe: true}\n";
  std::ofstream(dir + "/p.yaml") << std::string(kHead) +
                                        "  - name: orders\n"
                                        "    contract: contracts/bad.yaml\n";
  auto bad = LoadPipelineConfig(dir + "/p.yaml");
  ASSERT_FALSE(bad.ok());
  EXPECT_NE(
      bad.status().message().find(dir + "/contracts/bad.yaml:4: tables.orders.columns.id.uniqe: "
                                        "unknown check"),
      std::string::npos)
      << bad.status().message();
}

TEST_F(PipelineConfigTest, SnapshotModeInDefaultsAndPerTable) {
  auto config = ParsePipelineConfig(std::string(kHead) +
                                        "  - name: a\n  - name: b\n    snapshot: false\n"
                                        "defaults:\n  snapshot: true\n",
                                    "p.yaml", ".");
  ASSERT_TRUE(config.ok()) << config.status().ToString();
  EXPECT_TRUE(config->defaults.snapshot);
  EXPECT_FALSE(config->tables[0].snapshot.has_value());
  EXPECT_EQ(config->tables[1].snapshot, false);
  EXPECT_NE(Error(std::string(kHead) + "  - name: a\n    snapshot: sometimes\n")
                .find("p.yaml:7: tables.a.snapshot: expected true or false, found 'sometimes'"),
            std::string::npos);
}

// max_local_disk bounds an upload's staging directory: s3:// and gs:// destinations only.
TEST_F(PipelineConfigTest, MaxLocalDiskInDefaultsAndPerTable) {
  std::string text = kGood;
  text.replace(text.find("destination: /tmp/lake"), 22, "destination: s3://bucket/lake");
  text.replace(text.find("  task_memory: 32MB\n"), 19,
               "  task_memory: 32MB\n  max_local_disk: 2GB\n");
  text.replace(text.find("    chunk_keys: 7000\n"), 21,
               "    chunk_keys: 7000\n    max_local_disk: 512MB\n");
  auto config = ParsePipelineConfig(text, "p.yaml", ".");
  ASSERT_TRUE(config.ok()) << config.status().ToString();
  EXPECT_EQ(config->defaults.max_local_disk_bytes, 2ll << 30);
  EXPECT_EQ(config->tables[0].max_local_disk_bytes, 0);
  EXPECT_EQ(config->tables[1].max_local_disk_bytes, 512ll << 20);
  std::string bad = text;
  bad.replace(bad.find("max_local_disk: 512MB"), 21, "max_local_disk: lots");
  EXPECT_NE(Error(bad).find("p.yaml:24: tables.customers.max_local_disk: expected a size like "
                            "256MB, found 'lots'"),
            std::string::npos)
      << Error(bad);
  // A directory destination has no staging directory to bound.
  bad = text;
  bad.replace(bad.find("destination: s3://bucket/lake"), 29, "destination: /tmp/lake");
  std::string error = Error(bad);
  EXPECT_NE(error.find("p.yaml:12: defaults.max_local_disk: bounds the staging directory of an "
                       "s3:// or gs:// destination"),
            std::string::npos)
      << error;
  EXPECT_NE(error.find("p.yaml:24: tables.customers.max_local_disk: bounds"), std::string::npos)
      << error;
}

// file_bytes rolls scan-mode files by size: in defaults (for the tables that scan) and per
// table; a table whose mode is explicitly keyed cannot take it.
TEST_F(PipelineConfigTest, FileBytesInDefaultsAndPerScanTable) {
  auto config = ParsePipelineConfig(std::string(kHead) +
                                        "  - name: a\n"                      // 6
                                        "  - name: b\n"                      // 7
                                        "    mode: scan\n"                   // 8
                                        "    file_bytes: 64MB\n"             // 9
                                        "  - name: c\n"                      // 10
                                        "    query: SELECT 1 AS x\n"         // 11
                                        "    file_bytes: 2GB\n"              // 12
                                        "defaults:\n  file_bytes: 256MB\n",  // 13-14
                                    "p.yaml", ".");
  ASSERT_TRUE(config.ok()) << config.status().ToString();
  EXPECT_EQ(config->defaults.file_bytes, 256ll << 20);
  EXPECT_EQ(config->tables[0].file_bytes, 0);
  EXPECT_EQ(config->tables[1].file_bytes, 64ll << 20);
  EXPECT_EQ(config->tables[2].file_bytes, 2ll << 30);
  // Keyed modes: a clear error at the key's line.
  std::string error = Error(std::string(kHead) +
                            "  - name: a\n    mode: balanced\n    file_bytes: 64MB\n"
                            "  - name: r\n    mode: range\n    file_bytes: 64MB\n");
  EXPECT_NE(error.find("p.yaml:8: tables.a.file_bytes: applies to scan mode"), std::string::npos)
      << error;
  EXPECT_NE(error.find("p.yaml:11: tables.r.file_bytes: applies to scan mode"), std::string::npos)
      << error;
  EXPECT_NE(error.find("sized by chunk_rows / chunk_keys"), std::string::npos) << error;
  // A defaults.mode that is keyed does not make defaults.file_bytes an error: it applies to the
  // tables that end up scanning (no usable key, queries).
  EXPECT_TRUE(ParsePipelineConfig(
                  std::string(kHead) + "  - name: a\ndefaults:\n  mode: range\n  file_bytes: 1GB\n",
                  "p.yaml", ".")
                  .ok());
  // Bad sizes.
  error = Error(std::string(kHead) + "  - name: a\n    file_bytes: 512KB\n");
  EXPECT_NE(error.find("p.yaml:7: tables.a.file_bytes: must be at least 1MB"), std::string::npos)
      << error;
  error = Error(std::string(kHead) + "  - name: a\ndefaults:\n  file_bytes: huge\n");
  EXPECT_NE(error.find("p.yaml:8: defaults.file_bytes: expected a size like 256MB, found 'huge'"),
            std::string::npos)
      << error;
}

TEST(ParseSizeTest, Units) {
  EXPECT_EQ(ParseSize("64MB").value(), 64ll << 20);
  EXPECT_EQ(ParseSize("1GiB").value(), 1ll << 30);
  EXPECT_EQ(ParseSize("512k").value(), 512ll << 10);
  EXPECT_EQ(ParseSize("1048576").value(), 1048576);
  EXPECT_FALSE(ParseSize("-1MB").ok());
  EXPECT_FALSE(ParseSize("MB").ok());
  EXPECT_FALSE(ParseSize("99999999999G").ok());
}

}  // namespace
}  // namespace sluice::runner::pipeline

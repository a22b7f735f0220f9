// The pipeline file checker: every kind of mistake gives a clear "FILE:LINE: key: problem"
// message before anything runs, secrets come from the environment or files and are redacted.
#include "runner/pipeline/pipeline_config.h"

#include <gtest/gtest.h>

#include <cstdlib>
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

TEST_F(PipelineConfigTest, ValidationKeysAreAcceptedAndChecked) {
  // Map-form casts and contracts belong to the validation module: accepted (checked for
  // unknown keys) here; the run refuses them with NotSupported naming the key.
  auto config = ParsePipelineConfig(
      "sources:\n  db:\n    url: mysql://u@h/d\ndestination: x\ntables:\n  - name: t\n"
      "    casts:\n      fee: {type: 'decimal(10,2)', format: comma, on_error: 'null'}\n"
      "    contract: contracts/t.yaml\n",
      "p.yaml", ".");
  ASSERT_TRUE(config.ok()) << config.status().ToString();
  EXPECT_TRUE(config->tables[0].has_validation_casts);
  EXPECT_EQ(config->tables[0].contract, "contracts/t.yaml");
  EXPECT_NE(Error("sources:\n  db:\n    url: mysql://u@h/d\ndestination: x\ntables:\n  - name: t\n"
                  "    casts:\n      fee: {typ: int32}\n")
                .find("p.yaml:8: tables.t.casts.fee.typ: unknown key (did you mean 'type'?)"),
            std::string::npos);
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

// Differential tests: every query runs through sluice's engine and through DuckDB
// (../shared/tools/pqcheck sql) over the same DuckDB-generated Parquet files, and the results
// must match — exactly for integers, decimals, strings, dates and NULLs; doubles within 1e-9
// relative (floating sums depend on addition order, which differs between any two parallel
// engines). Rows are compared in order only when the query has an ORDER BY with a total order.
// Each query also runs with 4 threads (parallel pipelines and aggregation) and with a tiny memory
// limit and 3 threads, so the spilling paths (grace hash join, partitioned aggregation, external
// sort) must give the same answers.
#include <gtest/gtest.h>
#include <stdlib.h>

#include <array>
#include <cmath>
#include <cstdio>
#include <filesystem>
#include <nlohmann/json.hpp>
#include <sstream>

#include "engine/query_engine.h"

namespace sluice::engine {
namespace {

using Json = nlohmann::ordered_json;

std::string Shell(const std::string& command, int* rc) {
  std::string output;
  FILE* pipe = ::popen(command.c_str(), "r");
  if (!pipe) {
    *rc = -1;
    return output;
  }
  std::array<char, 65536> buf{};
  size_t got;
  while ((got = std::fread(buf.data(), 1, buf.size(), pipe)) > 0) output.append(buf.data(), got);
  *rc = ::pclose(pipe);
  return output;
}

std::string Quote(const std::string& text) {
  std::string out = "'";
  for (char ch : text) {
    if (ch == '\'') {
      out += "'\\''";
    } else {
      out.push_back(ch);
    }
  }
  return out + "'";
}

std::vector<std::string> Lines(const std::string& text) {
  std::vector<std::string> out;
  std::istringstream in(text);
  for (std::string line; std::getline(in, line);) {
    if (!line.empty()) out.push_back(line);
  }
  return out;
}

// Row values (keys dropped: DuckDB and sluice name expression columns differently).
std::vector<Json> Values(const std::string& line) {
  std::vector<Json> out;
  Json row = Json::parse(line);
  for (auto& [key, value] : row.items()) out.push_back(value);
  return out;
}

// Canonical text for sorting unordered results: doubles rounded to 9 significant digits.
std::string SortKey(const std::vector<Json>& row) {
  std::string out;
  for (const auto& value : row) {
    if (value.is_number_float()) {
      char buf[64];
      std::snprintf(buf, sizeof(buf), "%.9g", value.get<double>());
      out += buf;
    } else {
      out += value.dump();
    }
    out += "|";
  }
  return out;
}

bool SameValue(const Json& a, const Json& b) {
  if (a.is_number() && b.is_number() && (a.is_number_float() || b.is_number_float())) {
    double x = a.get<double>();
    double y = b.get<double>();
    return std::fabs(x - y) <= 1e-9 * std::max(1.0, std::max(std::fabs(x), std::fabs(y)));
  }
  return a == b;
}

struct QueryCase {
  const char* sql;
  bool ordered;
};

// {O} orders (50k rows, skewed and NULL cust_id, NULL-heavy amounts), {C} customers (2k),
// {E} an empty file with the orders schema, {D} decimals up to DECIMAL(38,10).
const QueryCase kQueries[] = {
    {"SELECT count(*), count(cust_id), count(amount), sum(amount), min(amount), max(amount), "
     "sum(qty), avg(qty) FROM {O}",
     false},
    {"SELECT status, count(*), sum(amount), avg(amount), min(ts), max(ts) FROM {O} GROUP BY status",
     false},
    {"SELECT cust_id, count(*) AS n, sum(qty) AS q FROM {O} GROUP BY cust_id HAVING count(*) > 30",
     false},
    {"SELECT count(DISTINCT cust_id), count(DISTINCT status), count(DISTINCT qty) FROM {O}", false},
    // DISTINCT aggregates on one argument run as two aggregation levels (keys + argument, then
    // keys); the cases below cover NULL arguments and keys, empty input, mixes with count(*),
    // count(y), sum/min/max, HAVING, and the in-memory fallback (different arguments, avg).
    {"SELECT status, count(DISTINCT cust_id) FROM {O} GROUP BY status", false},
    {"SELECT status, count(DISTINCT cust_id), count(*), count(amount), sum(amount), min(qty), "
     "max(ts), max(status) FROM {O} GROUP BY status",
     false},
    {"SELECT count(DISTINCT amount), sum(DISTINCT amount), min(DISTINCT amount), avg(DISTINCT "
     "amount), count(*), count(cust_id), sum(qty) FROM {O}",
     false},
    {"SELECT count(DISTINCT cust_id % 100), count(cust_id), max(cust_id) FROM {O} WHERE oid < "
     "10000",
     false},
    {"SELECT cust_id % 7 AS m, count(DISTINCT qty) AS dq, count(*) AS n FROM {O} GROUP BY m "
     "HAVING count(DISTINCT qty) > 1 ORDER BY m",
     true},
    {"SELECT qty, count(DISTINCT qty), count(DISTINCT status) FROM {O} WHERE qty < 5 GROUP BY qty",
     false},
    {"SELECT count(DISTINCT status), avg(qty), count(*) FROM {O}", false},
    // Mixed DISTINCT aggregates (different arguments, or with avg/stddev/var) run as an expansion
    // into one copy per DISTINCT argument, then two spilling aggregation levels.
    {"SELECT status, count(DISTINCT cust_id), count(DISTINCT qty), avg(amount), "
     "stddev_samp(price), "
     "count(*), min(ts) FROM {O} GROUP BY status",
     false},
    {"SELECT count(DISTINCT cust_id), sum(DISTINCT qty), avg(DISTINCT amount), var_samp(price), "
     "max(status), count(cust_id), sum(amount) FROM {O}",
     false},
    {"SELECT count(DISTINCT cust_id), avg(qty), count(DISTINCT status), count(*) FROM {E}", false},
    {"SELECT status, count(DISTINCT cust_id), avg(qty) FROM {E} GROUP BY status", false},
    {"SELECT qty % 3 AS m, count(DISTINCT status) AS ds, stddev_samp(DISTINCT price) AS sd, "
     "sum(amount) AS s FROM {O} GROUP BY m HAVING count(DISTINCT cust_id) > 10 ORDER BY m",
     true},
    {"SELECT c.region, count(DISTINCT o.cust_id), count(DISTINCT o.status), avg(o.amount) FROM {O} "
     "o JOIN {C} c ON o.cust_id = c.id GROUP BY c.region",
     false},
    {"SELECT count(DISTINCT cust_id) AS a, count(DISTINCT cust_id % 10) AS b, min(DISTINCT "
     "amount), "
     "max(DISTINCT ts), avg(DISTINCT qty) FROM {O} WHERE oid % 3 = 0",
     false},
    {"SELECT cust_id % 5 AS m, count(DISTINCT qty), count(DISTINCT status), max(price) FROM {O} "
     "GROUP BY m",
     false},
    {"SELECT sum(big), count(DISTINCT small), avg(small), count(DISTINCT k % 7), sum(DISTINCT big) "
     "FROM {D}",
     false},
    // Global aggregates merge per-thread states (Chan's formula for the variance).
    {"SELECT stddev_samp(price), var_samp(price), avg(price), min(status), max(status), "
     "sum(amount), count(*), min(amount), max(ts) FROM {O}",
     false},
    {"SELECT count(DISTINCT cust_id), count(*), sum(amount), min(status) FROM {E}", false},
    {"SELECT status, count(DISTINCT cust_id), count(*) FROM {E} GROUP BY status", false},
    {"SELECT count(DISTINCT cust_id) FROM {O} WHERE oid < 0", false},
    {"SELECT qty, stddev_samp(price), var_samp(price), avg(price), sum(price) FROM {O} GROUP BY "
     "qty",
     false},
    {"SELECT o.oid, c.name, o.amount FROM {O} o JOIN {C} c ON o.cust_id = c.id WHERE o.oid < 300",
     false},
    {"SELECT c.region, count(*), sum(o.amount) FROM {O} o JOIN {C} c ON o.cust_id = c.id GROUP BY "
     "c.region",
     false},
    {"SELECT c.id, c.name, count(o.oid) AS n FROM {C} c LEFT JOIN {O} o ON o.cust_id = c.id GROUP "
     "BY c.id, c.name",
     false},
    {"SELECT o.oid, c.id FROM {O} o LEFT JOIN {C} c ON o.cust_id = c.id WHERE o.oid % 97 = 0",
     false},
    {"SELECT o.oid, c.region FROM {O} o LEFT JOIN {C} c ON o.cust_id = c.id AND c.region = 'north' "
     "WHERE o.oid < 500",
     false},
    {"SELECT a.oid, b.oid FROM {O} a JOIN {O} b ON a.cust_id = b.cust_id AND a.qty = b.qty WHERE "
     "a.oid < 200 AND b.oid < 2000",
     false},
    {"SELECT oid, amount * 2 + 1, amount - credit, qty * 3, price / 2 FROM {O} JOIN {C} ON cust_id "
     "= id WHERE oid < 100",
     false},
    {"SELECT oid, CASE WHEN amount IS NULL THEN 'none' WHEN amount > 5000 THEN 'big' ELSE 'small' "
     "END, coalesce(status, 'unknown') FROM {O} WHERE oid < 1000",
     false},
    {"SELECT oid FROM {O} WHERE status IN ('paid', 'shipped') AND qty BETWEEN 2 AND 4 AND oid < "
     "5000",
     false},
    {"SELECT oid FROM {O} WHERE status NOT IN ('paid', 'shipped') AND oid < 3000", false},
    {"SELECT name, lower(name), upper(region), length(name), substr(name, 2, 3), trim('  ' || "
     "region || ' '), concat(name, '-', region) FROM {C} WHERE id < 200",
     false},
    {"SELECT name FROM {C} WHERE name LIKE 'cust1%5' OR name LIKE '%99'", false},
    {"SELECT year(birth), month(birth), day(birth), extract(year FROM birth), date_trunc('month', "
     "birth) FROM {C} WHERE id < 300",
     false},
    {"SELECT year(ts) AS y, count(*) FROM {O} GROUP BY y", false},
    {"SELECT * FROM {O} ORDER BY amount DESC NULLS LAST, oid LIMIT 20", true},
    {"SELECT oid, price FROM {O} ORDER BY price NULLS FIRST, oid LIMIT 15 OFFSET 5", true},
    {"SELECT id, credit FROM {C} ORDER BY credit DESC, id", true},
    {"SELECT oid, status, amount FROM {O} ORDER BY status DESC NULLS FIRST, amount, oid", true},
    {"SELECT count(*), sum(amount), min(status), avg(qty) FROM {E}", false},
    {"SELECT status, count(*) FROM {E} GROUP BY status", false},
    {"SELECT o.oid FROM {O} o JOIN {E} e ON o.oid = e.oid", false},
    {"SELECT o.oid, e.oid FROM {O} o LEFT JOIN {E} e ON o.oid = e.oid WHERE o.oid < 50", false},
    {"SELECT * FROM {E} ORDER BY oid LIMIT 3", true},
    {"SELECT sum(big), min(big), max(big), sum(small), avg(small) FROM {D}", false},
    {"SELECT k, big * 2, small * small, big + small, -small FROM {D} WHERE k < 50", false},
    {"SELECT CAST(small AS INTEGER), CAST(small AS DOUBLE), CAST(small AS DECIMAL(12,1)), CAST(k "
     "AS VARCHAR) FROM {D} WHERE k % 37 = 0",
     false},
    {"WITH t AS (SELECT cust_id, sum(amount) AS s FROM {O} GROUP BY cust_id) SELECT c.region, "
     "max(t.s), count(*) FROM t JOIN {C} c ON t.cust_id = c.id GROUP BY c.region",
     false},
    {"SELECT x.region, x.n FROM (SELECT region, count(*) AS n FROM {C} GROUP BY region) x WHERE "
     "x.n > 10",
     false},
    {"SELECT id AS k FROM {C} WHERE id < 10 UNION ALL SELECT oid FROM {O} WHERE oid < 10", false},
    {"SELECT status, qty, count(*) FROM {O} WHERE oid > 40000 GROUP BY status, qty", false},
    {"SELECT DISTINCT region FROM {C}", false},
    {"SELECT cust_id, min(status), max(status) FROM {O} GROUP BY cust_id", false},
    {"SELECT 1 + 2, 'a' || 'b', 7 // 2, 7 % 3, 1.5 * 2.25, CAST('2024-02-29' AS DATE) + 1, NULL IS "
     "NULL",
     false},
    {"SELECT oid FROM {O} WHERE amount > 9990 AND oid > 100", false},
    {"SELECT region, count(*) AS n FROM {C} WHERE region IS NOT NULL GROUP BY region HAVING "
     "count(*) > 300 ORDER BY 2 DESC, region",
     true},
    {"SELECT c.region, o.status, count(*), sum(o.qty) FROM {C} c JOIN {O} o ON c.id = o.cust_id "
     "JOIN {C} c2 ON c2.id = c.id GROUP BY c.region, o.status",
     false},
    {"SELECT oid, ts FROM {O} WHERE ts >= TIMESTAMP '2023-03-01 00:00:00' AND ts < '2023-03-05' "
     "ORDER BY ts, oid",
     true},
    {"SELECT cust_id, sum(amount) AS s FROM {O} GROUP BY cust_id ORDER BY s DESC NULLS LAST, "
     "cust_id LIMIT 10",
     true},
    {"SELECT count(*) FROM {O} WHERE oid >= 49000", false},
    {"SELECT qty, count(*) FROM {O} GROUP BY qty HAVING sum(amount) > 100000 ORDER BY qty", true},
    {"SELECT o.status, c.region, count(*) FROM {O} o LEFT JOIN {C} c ON o.cust_id = c.id GROUP BY "
     "o.status, c.region",
     false},
    // Join chains where the last table joins the middle one are reassociated
    // (O JOIN (C JOIN C2)), also with a LEFT join on top and a filter on the last table.
    {"SELECT c.region, c2.name, count(*), sum(o.qty) FROM {O} o JOIN {C} c ON o.cust_id = c.id "
     "LEFT JOIN {C} c2 ON c.id + 7 = c2.id GROUP BY c.region, c2.name",
     false},
    {"SELECT c2.region, o.status, count(*), max(o.amount) FROM {O} o JOIN {C} c ON o.cust_id = "
     "c.id JOIN {C} c2 ON c.id % 10 = c2.id WHERE c2.region <> 'north' GROUP BY c2.region, "
     "o.status",
     false},
    {"SELECT count(*), sum(a.qty) FROM {O} a JOIN {C} c ON a.cust_id = c.id JOIN {O} b ON c.id = "
     "b.cust_id WHERE b.oid < 200",
     false},
    // Join key layouts: 32-bit ids (compact slots), negative and wide integers, doubles.
    {"SELECT count(*), sum(b.qty) FROM {O} a JOIN {O} b ON a.oid - 25000 = b.oid - 25000 WHERE "
     "a.oid % 7 = 0",
     false},
    {"SELECT count(*), max(b.oid) FROM {O} a JOIN {O} b ON a.oid * 10000000000 = b.oid * "
     "10000000000 WHERE b.oid % 5 = 0",
     false},
    {"SELECT count(*), min(a.oid) FROM {O} a JOIN {O} b ON a.price = b.price WHERE b.oid < 3000",
     false},
    {"SELECT region, avg(credit), min(birth), max(name) FROM {C} GROUP BY ALL", false},
    {"SELECT count(*) FROM (SELECT DISTINCT cust_id, qty FROM {O})", false},
    {"SELECT x.region, y.n FROM (SELECT DISTINCT region FROM {C}) x LEFT JOIN (SELECT region, "
     "count(*) n FROM {C} WHERE id < 100 GROUP BY region) y ON x.region = y.region",
     false},
    {"SELECT count(*) FROM {O} a JOIN {O} b ON a.cust_id = b.cust_id WHERE a.oid < 3000 AND b.oid "
     "< 3000",
     false},
};

class DifferentialTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    char pattern[] = "/tmp/sluice-engine-diff-XXXXXX";
    ASSERT_NE(::mkdtemp(pattern), nullptr);
    dir_ = pattern;
    const std::string d = dir_;
    const std::vector<std::string> statements = {
        "COPY (SELECT i AS id, CASE WHEN i % 17 = 0 THEN NULL ELSE 'cust' || i END AS name, CASE "
        "WHEN i % 11 = 0 THEN NULL ELSE ['north','south','east','west','central'][1 + i % 5] END "
        "AS region, DATE '1950-01-01' + (i * 7 % 20000)::INT AS birth, ((i * 37) % 100000 / "
        "100.0)::DECIMAL(10,2) AS credit FROM range(1, 2001) t(i)) TO '" +
            d + "/cust.parquet' (FORMAT PARQUET, ROW_GROUP_SIZE 500)",
        "COPY (SELECT i AS oid, CASE WHEN i % 50 = 0 THEN NULL WHEN i % 3 = 0 THEN 1 ELSE (hash(i) "
        "% 2100)::BIGINT + 1 END AS cust_id, CASE WHEN i % 4 = 0 THEN NULL ELSE ((hash(i * 3) % "
        "10000000)::BIGINT / 1000.0)::DECIMAL(18,4) END AS amount, (i % 9)::INTEGER AS qty, CASE "
        "WHEN i % 13 = 0 THEN NULL ELSE (hash(i*7) % 100000) / 77.0 END AS price, TIMESTAMP "
        "'2023-01-01 00:00:00' + to_seconds((i * 613) % 40000000) AS ts, "
        "['new','paid','shipped','cancelled', NULL][1 + i % 5] AS status FROM range(1, 50001) "
        "t(i)) TO '" +
            d + "/orders.parquet' (FORMAT PARQUET, ROW_GROUP_SIZE 8192)",
        "COPY (SELECT * FROM read_parquet('" + d + "/orders.parquet') WHERE false) TO '" + d +
            "/empty.parquet' (FORMAT PARQUET)",
        "COPY (SELECT i AS k, (i::DECIMAL(38,0) * 12345678901234567890::DECIMAL(38,0) / "
        "7)::DECIMAL(38,10) AS big, (i - 500)::DECIMAL(9,3) AS small FROM range(1000) t(i)) TO '" +
            d + "/dec.parquet' (FORMAT PARQUET)",
    };
    for (const auto& statement : statements) {
      int rc = 0;
      std::string out =
          Shell(std::string(SLUICE_PQCHECK) + " sql " + Quote(statement) + " 2>&1", &rc);
      ASSERT_EQ(rc, 0) << out;
    }
  }
  static void TearDownTestSuite() {
    std::error_code ec;
    std::filesystem::remove_all(dir_, ec);
  }

  static std::string Expand(std::string sql) {
    const std::pair<const char*, const char*> tables[] = {
        {"{O}", "orders"}, {"{C}", "cust"}, {"{E}", "empty"}, {"{D}", "dec"}};
    for (const auto& [placeholder, name] : tables) {
      for (size_t pos; (pos = sql.find(placeholder)) != std::string::npos;) {
        sql.replace(pos, 3, "read_parquet('" + dir_ + "/" + name + ".parquet')");
      }
    }
    return sql;
  }

  static Result<std::vector<std::string>> RunSluice(const std::string& sql,
                                                    const QueryOptions& options) {
    QueryEngine engine(options);
    std::ostringstream out;
    auto sink = MakeTextSink(OutputFormat::kJsonl, &out);
    SLUICE_RETURN_IF_ERROR(engine.Execute(sql, sink.get()));
    return Lines(out.str());
  }

  static void Compare(const QueryCase& query, const QueryOptions& options) {
    std::string sql = Expand(query.sql);
    int rc = 0;
    std::string expected_text =
        Shell(std::string(SLUICE_PQCHECK) + " sql " + Quote(sql) + " 2>&1", &rc);
    ASSERT_EQ(rc, 0) << "DuckDB failed on " << sql << ": " << expected_text;
    auto got = RunSluice(sql, options);
    ASSERT_TRUE(got.ok()) << sql << ": " << got.status().ToString();
    std::vector<std::vector<Json>> expected_rows;
    std::vector<std::vector<Json>> got_rows;
    for (const auto& line : Lines(expected_text)) expected_rows.push_back(Values(line));
    for (const auto& line : *got) got_rows.push_back(Values(line));
    ASSERT_EQ(got_rows.size(), expected_rows.size()) << sql;
    if (!query.ordered) {
      auto by_key = [](const std::vector<Json>& a, const std::vector<Json>& b) {
        return SortKey(a) < SortKey(b);
      };
      std::sort(expected_rows.begin(), expected_rows.end(), by_key);
      std::sort(got_rows.begin(), got_rows.end(), by_key);
    }
    for (size_t row = 0; row < got_rows.size(); ++row) {
      ASSERT_EQ(got_rows[row].size(), expected_rows[row].size()) << sql;
      for (size_t col = 0; col < got_rows[row].size(); ++col) {
        ASSERT_TRUE(SameValue(got_rows[row][col], expected_rows[row][col]))
            << sql << "\nrow " << row << " column " << col << ": sluice "
            << got_rows[row][col].dump() << " vs DuckDB " << expected_rows[row][col].dump();
      }
    }
  }

  static std::string dir_;
};

std::string DifferentialTest::dir_;

TEST_F(DifferentialTest, InMemorySingleThread) {
  QueryOptions options;
  options.threads = 1;
  for (const auto& query : kQueries) {
    SCOPED_TRACE(query.sql);
    Compare(query, options);
  }
}

// Several workers aggregate into shared shards (or per-worker states merged at the end).
TEST_F(DifferentialTest, InMemoryFourThreads) {
  QueryOptions options;
  options.threads = 4;
  for (const auto& query : kQueries) {
    SCOPED_TRACE(query.sql);
    Compare(query, options);
  }
}

TEST_F(DifferentialTest, TinyMemoryLimitSpillsAndStillMatches) {
  QueryOptions options;
  options.threads = 3;
  // 64 KiB: smaller than one hash table of the test data, so joins, aggregates and sorts spill.
  options.memory_limit_bytes = 64 << 10;
  options.spill_dir = dir_ + "/spill";
  for (const auto& query : kQueries) {
    SCOPED_TRACE(query.sql);
    Compare(query, options);
  }
}

TEST_F(DifferentialTest, PruningSkipsRowGroupsWithoutChangingResults) {
  QueryOptions options;
  QueryEngine engine(options);
  std::ostringstream out;
  auto sink = MakeTextSink(OutputFormat::kJsonl, &out);
  QueryStats stats;
  ASSERT_TRUE(
      engine.Execute(Expand("SELECT count(*) FROM {O} WHERE oid >= 49000"), sink.get(), &stats)
          .ok());
  EXPECT_EQ(out.str(), "{\"count_star()\":1001}\n");
  // 50k rows in row groups of 8192: oid >= 49000 lives in the last two (40961..49152, 49153..).
  EXPECT_EQ(stats.row_groups_read, 2);
  EXPECT_EQ(stats.row_groups_skipped, 5);
}

TEST_F(DifferentialTest, TablesRegisteredByName) {
  QueryEngine engine(QueryOptions{});
  ASSERT_TRUE(engine.RegisterTable("Orders", dir_ + "/orders.parquet").ok());
  ASSERT_TRUE(engine.RegisterTable("customers", dir_).ok() == false);  // schemas differ
  EXPECT_EQ(engine.RegisterTable("nothing", dir_ + "/none-*.parquet").code(),
            StatusCode::kNotFound);
  std::ostringstream out;
  auto sink = MakeTextSink(OutputFormat::kJsonl, &out);
  ASSERT_TRUE(
      engine.Execute("SELECT count(*) AS n FROM orders o WHERE o.qty = 0", sink.get()).ok());
  EXPECT_EQ(out.str(), "{\"n\":5555}\n");
}

TEST_F(DifferentialTest, ExplainShowsPushdownAndBuildSide) {
  QueryEngine engine(QueryOptions{});
  auto plan = engine.Explain(
      Expand("SELECT c.region, sum(o.amount) FROM {O} o JOIN {C} c ON o.cust_id = c.id "
             "WHERE o.qty > 3 + 2 GROUP BY c.region"));
  ASSERT_TRUE(plan.ok()) << plan.status().ToString();
  // Constant folded and pushed into the orders scan; only needed columns read; small side hashed.
  EXPECT_NE(plan->find("[cust_id, amount, qty]"), std::string::npos) << *plan;
  EXPECT_NE(plan->find("filters=[(#0.3 > 5)]"), std::string::npos) << *plan;
  EXPECT_NE(plan->find("[id, region]"), std::string::npos) << *plan;
  EXPECT_NE(plan->find("build=right"), std::string::npos) << *plan;
}

TEST_F(DifferentialTest, ExplainReassociatesJoinChains) {
  QueryEngine engine(QueryOptions{});
  auto plan = engine.Explain(
      Expand("SELECT c2.region, count(*) FROM {O} o JOIN {C} c ON o.cust_id = c.id JOIN {C} c2 ON "
             "c.id = c2.id GROUP BY c2.region"));
  ASSERT_TRUE(plan.ok()) << plan.status().ToString();
  // orders JOIN (cust JOIN cust): the orders scan comes right under the outer join, before the
  // inner join of the two small tables.
  size_t outer = plan->find("HASH_JOIN");
  size_t orders = plan->find("orders.parquet");
  size_t inner = plan->find("HASH_JOIN", outer + 1);
  ASSERT_NE(inner, std::string::npos) << *plan;
  EXPECT_LT(orders, inner) << *plan;
}

}  // namespace
}  // namespace sluice::engine

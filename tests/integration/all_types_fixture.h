// The all-types table used by the cursor integration test and the CLI end-to-end test: every
// MySQL/MariaDB column type sluice maps, with NULLs, empty strings, the extremes of every
// integer width, DECIMAL(38,10), fractional seconds, zero dates, negative and >24 h TIME,
// 4-byte UTF-8 and a value longer than the binary cursor's initial buffer.
#pragma once

#include <string>
#include <vector>

namespace sluice::testing {

inline const char* kAllTypesDdl = R"sql(
CREATE TABLE all_types (
  id INT NOT NULL PRIMARY KEY,
  ti TINYINT, tiu TINYINT UNSIGNED, tb TINYINT(1), si SMALLINT, siu SMALLINT UNSIGNED,
  mi MEDIUMINT, miu MEDIUMINT UNSIGNED, i INT, iu INT UNSIGNED, bi BIGINT, biu BIGINT UNSIGNED,
  dec_small DECIMAL(9,2), dec_mid DECIMAL(18,4), dec_big DECIMAL(38,10),
  dec_u DECIMAL(20,0) UNSIGNED,
  f FLOAT, d DOUBLE, b1 BIT(1), b12 BIT(12), b64 BIT(64),
  dt DATE, dtm DATETIME, dtm6 DATETIME(6), ts TIMESTAMP(3) NULL DEFAULT NULL, tm TIME(6),
  yr YEAR, c CHAR(5), vc VARCHAR(100), tx TEXT, lt LONGTEXT, bin BINARY(4), vb VARBINARY(50),
  bl BLOB, en ENUM('small','medium','large'), st SET('a','b','c'), js JSON,
  gen BIGINT AS (bi DIV 2) VIRTUAL
) DEFAULT CHARSET = utf8mb4
)sql";

inline std::vector<std::string> AllTypesInserts() {
  return {
      "SET SESSION sql_mode = 'ALLOW_INVALID_DATES'",
      "INSERT INTO all_types (id) VALUES (1)",
      "INSERT INTO all_types VALUES (2, -128, 0, -128, -32768, 0, -8388608, 0, -2147483648, 0,"
      " -9223372036854775808, 0, -9999999.99, -99999999999999.9999,"
      " -9999999999999999999999999999.9999999999, 0, -1.5, -1.7976931348623157e308, b'0', b'0',"
      " b'0', '1000-01-01', '1000-01-01 00:00:00', '1000-01-01 00:00:00.000000',"
      " '1970-01-01 00:00:01.000', '-838:59:59.000000', 1901, '', '', '', '', x'00000000', '',"
      " '', 'small', '', '[]', DEFAULT)",
      "INSERT INTO all_types VALUES (3, 127, 255, 127, 32767, 65535, 8388607, 16777215,"
      " 2147483647, 4294967295, 9223372036854775807, 18446744073709551615, 9999999.99,"
      " 99999999999999.9999, 9999999999999999999999999999.9999999999, 99999999999999999999,"
      " 0.25, 1.7976931348623157e308, b'1', b'111111111111',"
      " b'1111111111111111111111111111111111111111111111111111111111111111', '9999-12-31',"
      " '9999-12-31 23:59:59', '9999-12-31 23:59:59.999999', '2038-01-19 03:14:07.999',"
      " '838:59:59.000000', 2155, 'abcde', '😀 4-byte 한국어 ñ', REPEAT('tx', 1000),"
      " REPEAT('long', 100000), x'DEADBEEF', x'00FF00', x'000102FEFF', 'large', 'a,c',"
      " '{\"k\": [1, 2.5, \"😀\"]}', DEFAULT)",
      "INSERT INTO all_types VALUES (4, 0, 1, 1, 0, 1, 0, 1, 0, 1, 0, 1, -0.00, -0.0001,"
      " 0.0000000001, 1, 1.1, 0.1, b'0', b'101', b'1', '0000-00-00', '0000-00-00 00:00:00',"
      " '2024-02-29 12:34:56.000001', '0000-00-00 00:00:00', '-00:00:00.500000', 2024, 'a',"
      " 'line\\nbreak \\'quote\\' \\\\ back', 'tab\\there', NULL, x'00', x'', NULL, 'medium',"
      " 'a,b,c', '{}', DEFAULT)",
      "INSERT INTO all_types VALUES (5, 5, 5, 0, 5, 5, 5, 5, 5, 5, 5, 5, 12.34, 5678.9012,"
      " -12345678901234567890.0123456789, 42, 3.25, 2.718281828459045, b'1', b'10', b'10',"
      " '2024-01-31', '2024-01-31 10:20:30', '1969-12-31 23:59:59.999999',"
      " '2024-01-31 10:20:30.123', '25:00:00.000001', 2000, 'xyz', 'plain', 'text', 'lt',"
      " x'01020304', x'ABCD', x'CAFE', 'small', 'b', '{\"a\": null}', DEFAULT)",
  };
}

/// Column name, SQL expression giving the expected canonical text (pqcheck's forms), and
/// whether it is a boolean.
struct ExpectedColumn {
  const char* name;
  const char* sql;
  bool is_bool = false;
};

inline std::vector<ExpectedColumn> AllTypesExpected() {
  auto zero_guard = [](const char* col, const char* fmt) { return std::string(col) + fmt; };
  (void)zero_guard;
  return {
      {"id", "CAST(id AS CHAR)"},
      {"ti", "CAST(ti AS CHAR)"},
      {"tiu", "CAST(tiu AS CHAR)"},
      {"tb", "CAST(tb AS CHAR)"},
      {"si", "CAST(si AS CHAR)"},
      {"siu", "CAST(siu AS CHAR)"},
      {"mi", "CAST(mi AS CHAR)"},
      {"miu", "CAST(miu AS CHAR)"},
      {"i", "CAST(i AS CHAR)"},
      {"iu", "CAST(iu AS CHAR)"},
      {"bi", "CAST(bi AS CHAR)"},
      {"biu", "CAST(biu AS CHAR)"},
      {"dec_small", "CAST(dec_small AS CHAR)"},
      {"dec_mid", "CAST(dec_mid AS CHAR)"},
      {"dec_big", "CAST(dec_big AS CHAR)"},
      {"dec_u", "CAST(dec_u AS CHAR)"},
      {"f", "CAST(f AS CHAR)"},
      {"d", "CAST(d AS CHAR)"},
      {"b1", "IF(b1 IS NULL, NULL, IF(b1 = 1, 'true', 'false'))", true},
      {"b12", "CAST(b12 + 0 AS CHAR)"},
      {"b64", "CAST(b64 + 0 AS CHAR)"},
      {"dt", "IF(MONTH(dt) = 0 OR DAYOFMONTH(dt) = 0, NULL, DATE_FORMAT(dt, '%Y-%m-%d'))"},
      {"dtm", "IF(MONTH(dtm) = 0, NULL, DATE_FORMAT(dtm, '%Y-%m-%d %H:%i:%s.%f'))"},
      {"dtm6", "IF(MONTH(dtm6) = 0, NULL, DATE_FORMAT(dtm6, '%Y-%m-%d %H:%i:%s.%f'))"},
      {"ts", "IF(MONTH(ts) = 0, NULL, CONCAT(DATE_FORMAT(ts, '%Y-%m-%d %H:%i:%s.%f'), 'Z'))"},
      {"tm", "CAST(ROUND(TIME_TO_SEC(tm) * 1000000) AS SIGNED)"},
      {"yr", "CAST(yr AS CHAR)"},
      {"c", "c"},
      {"vc", "vc"},
      {"tx", "tx"},
      {"lt", "lt"},
      {"bin", "LOWER(HEX(bin))"},
      {"vb", "LOWER(HEX(vb))"},
      {"bl", "LOWER(HEX(bl))"},
      {"en", "en"},
      {"st", "st"},
      {"js", "js"},
      {"gen", "CAST(gen AS CHAR)"},
  };
}

}  // namespace sluice::testing

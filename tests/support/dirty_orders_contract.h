// Test support: the contract both validation e2e suites (`sluice validate` on Parquet files and
// `sluice extract --contract` on MariaDB) apply to the dirty `orders` data of
// tests/validate/dirty_orders.sql, so their expected counts stay the same.
#pragma once

#include <string>
#include <vector>

namespace sluice::testing {

/// Casts amount/qty/created with `on_error`; `strict` adds unique, range and length checks.
inline std::string DirtyOrdersContract(const std::string& on_error, bool strict) {
  return "tables:\n"
         "  orders:\n"
         "    key: id\n"
         "    casts:\n"
         "      amount: {type: \"decimal(12,2)\", format: comma, on_error: " +
         on_error +
         "}\n"
         "      qty: {type: int32, on_error: " +
         on_error +
         "}\n"
         "      created: {type: date, on_error: " +
         on_error +
         "}\n"
         "    columns:\n"
         "      id: {type: int64" +
         std::string(strict ? ", unique: true" : "") +
         "}\n"
         "      amount: {type: \"decimal(12,2)\"" +
         (strict ? ", min: 0, max: 1000000" : "") +
         "}\n"
         "      status: {allowed: [new, paid, shipped, lost]" +
         (strict ? ", max_length: 4" : "") +
         "}\n"
         "    checks:\n"
         "      row_count: {min: 1}\n";
}

/// The output rows under DirtyOrdersContract("quarantine", false), as pqcheck prints
/// `SELECT id, amount, qty, created, status ... ORDER BY id, amount`: rows 4 (n/a), 5 (12.345),
/// 7 (qty x) and 8 (2024-02-30) are quarantined; blanks became NULL, "1,234.50" 1234.50 and
/// " 4 " 4. The same whichever command applied the contract.
inline std::vector<std::string> DirtyOrdersQuarantineOutput() {
  return {
      R"J({"id":1,"amount":"1234.50","qty":3,"created":"2024-01-05","status":"new"})J",
      R"J({"id":2,"amount":"17.00","qty":4,"created":"2024-01-06","status":"paid"})J",
      R"J({"id":3,"amount":null,"qty":1,"created":"2024-01-07","status":"paid"})J",
      R"J({"id":6,"amount":"-5.00","qty":1,"created":"2024-01-10","status":"shipped"})J",
      R"J({"id":9,"amount":"30.00","qty":2,"created":"2024-01-12","status":"new"})J",
      R"J({"id":9,"amount":"31.00","qty":2,"created":"2024-01-13","status":"new"})J",
      R"J({"id":10,"amount":null,"qty":null,"created":null,"status":null})J",
      R"J({"id":11,"amount":"2000000.00","qty":5,"created":"2024-01-14","status":"lost"})J",
  };
}

}  // namespace sluice::testing

// Test support: the contract both validation e2e suites (`sluice validate` on Parquet files and
// `sluice extract --contract` on MariaDB) apply to the dirty `orders` data of
// tests/validate/dirty_orders.sql, so their expected counts stay the same.
#pragma once

#include <string>

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

}  // namespace sluice::testing

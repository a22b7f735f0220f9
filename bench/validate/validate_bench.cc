// validate_bench: how much do casts + contract checks cost next to writing Parquet?
//
// Rows have the shape of bench/macro's coverages table (as the MySQL source delivers them:
// insured_amount is numeric text, DECIMALs are unscaled int64, dates int32 days). The contract is
// the realistic one of issue 5: 2 casts (insured_amount -> DECIMAL(18,2) with quarantine,
// coverage_name trimmed) and 10 column checks + a row count, including a whole-table unique check
// on id. Measured on the same batches, each phase alone and together:
//   write     ParquetFileWriter (zstd, the extract default) on the cast batches
//   cast      CastPlan::Apply
//   validate  ContractValidator::Consume
//   all       cast + validate + write (what extract --contract does per batch)
// and the overhead ratio (all - write) / write, in wall time and in CPU time of the thread (the
// machine is shared: CPU time is what other load disturbs least).
// Usage: validate_bench [ROWS] [UNIQUE_MEMORY_MB] [PHASES]  (PHASES e.g. "cast,validate" to
// profile only those; default all)
#include <time.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <memory>
#include <string>
#include <vector>

#include "sluice/parquet_writer.h"
#include "sluice/validate.h"

namespace {

using namespace sluice;
using Clock = std::chrono::steady_clock;

// 8,192 rows per batch: within the range extract's cursor produces (2,000-row fetches grouped
// up to a byte limit), and large enough that per-batch overhead does not dominate.
constexpr int64_t kBatchRows = 8192;
// Distinct batches generated up front and cycled (ids rewritten per use), so generation cost
// stays out of the timings while values still vary.
constexpr int kPoolBatches = 16;

const char* kContract = R"Y(tables:
  coverages:
    key: id
    casts:
      insured_amount: {type: "decimal(18,2)", on_error: quarantine}
      coverage_name: {type: string}
    columns:
      id: {nullable: false, unique: true}
      customer_id: {min: 1}
      insured_amount: {min: 0}
      premium: {min: 0, max: 300000}
      rate: {max: 25}
      currency: {allowed: [KRW, USD]}
      status: {allowed: [active, pending, lapsed, cancelled, expired]}
      coverage_code: {regex: '[A-Z]{2}[0-9]{3}'}
    checks:
      row_count: {min: 1}
)Y";

uint32_t Rand(uint64_t* state) {
  *state = *state * 6364136223846793005ULL + 1442695040888963407ULL;
  return static_cast<uint32_t>(*state >> 33);
}

Schema SourceSchema() {
  auto str = [](const char* name) {
    return ColumnSchema{name, PhysicalType::kByteArray, 0, true, LogicalType::String()};
  };
  return Schema{{
      ColumnSchema{"id", PhysicalType::kInt64, 0, false, LogicalType::None()},
      ColumnSchema{"customer_id", PhysicalType::kInt64, 0, false, LogicalType::None()},
      ColumnSchema{"contract_id", PhysicalType::kInt64, 0, false, LogicalType::None()},
      str("coverage_code"),
      str("coverage_name"),
      str("insured_amount"),
      ColumnSchema{"premium", PhysicalType::kInt64, 0, false, LogicalType::Decimal(18, 2)},
      ColumnSchema{"rate", PhysicalType::kInt64, 0, false, LogicalType::Decimal(12, 4)},
      str("currency"),
      ColumnSchema{"start_date", PhysicalType::kInt32, 0, false, LogicalType::Date()},
      ColumnSchema{"end_date", PhysicalType::kInt32, 0, true, LogicalType::Date()},
      ColumnSchema{"updated_at", PhysicalType::kInt64, 0, false,
                   LogicalType::Timestamp(TimeUnit::kMicros, false)},
      str("status"),
      str("note"),
      ColumnSchema{"flags", PhysicalType::kInt32, 0, false, LogicalType::None()},
  }};
}

ColumnBatch MakeBatch(const Schema& schema, int64_t first_id, uint64_t* rng) {
  static const char* kStatus[] = {"active", "pending", "lapsed", "cancelled", "expired"};
  static const char* kNames[] = {"Hospitalization", "Cancer diagnosis", "Accident death",
                                 "Outpatient care", "Dental"};
  ColumnBatch batch(schema);
  char text[64];
  for (int64_t row = 0; row < kBatchRows; ++row) {
    int64_t id = first_id + row;
    batch.column(0).Append<int64_t>(id);
    batch.column(1).Append<int64_t>(1 + id / 25);
    batch.column(2).Append<int64_t>(id / 5);
    std::snprintf(text, sizeof(text), "%c%c%03u", 'A' + Rand(rng) % 26, 'A' + Rand(rng) % 26,
                  Rand(rng) % 1000);
    batch.column(3).AppendBytes(text);
    batch.column(4).AppendBytes(kNames[Rand(rng) % 5]);
    if (Rand(rng) % 50 == 0) {
      batch.column(5).AppendNull();  // 2% NULL, as in the bench table
    } else {
      std::snprintf(text, sizeof(text), "%u.%02u", 50'000 + Rand(rng) % 99'950'000,
                    Rand(rng) % 100);
      batch.column(5).AppendBytes(text);
    }
    batch.column(6).Append<int64_t>(Rand(rng) % 30'000'000);
    batch.column(7).Append<int64_t>(Rand(rng) % 250'000);
    batch.column(8).AppendBytes(Rand(rng) % 10 == 0 ? "USD" : "KRW");
    batch.column(9).Append<int32_t>(static_cast<int32_t>(17'000 + Rand(rng) % 3'000));
    if (Rand(rng) % 3 == 0) {
      batch.column(10).AppendNull();
    } else {
      batch.column(10).Append<int32_t>(static_cast<int32_t>(20'000 + Rand(rng) % 3'000));
    }
    batch.column(11).Append<int64_t>(1'700'000'000'000'000LL + Rand(rng));
    batch.column(12).AppendBytes(kStatus[Rand(rng) % 5]);
    if (Rand(rng) % 10 < 3) {
      batch.column(13).AppendNull();
    } else {
      batch.column(13).AppendBytes("renewal note for customer; 갱신 메모 " +
                                   std::to_string(id % 977));
    }
    batch.column(14).Append<int32_t>(static_cast<int32_t>(Rand(rng) % 8));
  }
  return batch;
}

void SetIds(ColumnBatch* batch, int64_t first_id) {
  auto& values = const_cast<std::vector<uint8_t>&>(batch->column(0).values());
  for (int64_t row = 0; row < kBatchRows; ++row) {
    int64_t id = first_id + row;
    std::memcpy(values.data() + row * 8, &id, 8);
  }
}

int Fail(const Status& status) {
  std::fprintf(stderr, "validate_bench: %s\n", status.ToString().c_str());
  return 1;
}

}  // namespace

int main(int argc, char** argv) {
  const int64_t rows = argc > 1 ? std::atoll(argv[1]) : 5'000'000;
  const int64_t unique_mb = argc > 2 ? std::atoll(argv[2]) : 64;
  const std::string only = argc > 3 ? argv[3] : "";
  const int64_t batches = (rows + kBatchRows - 1) / kBatchRows;
  const Schema source = SourceSchema();
  auto contract = Contract::Parse(kContract, "bench-contract.yaml");
  if (!contract.ok()) return Fail(contract.status());
  const TableContract& table = contract->tables[0];
  auto plan = CastPlan::Make(table.casts, source, table.key);
  if (!plan.ok()) return Fail(plan.status());

  uint64_t rng = 42;
  std::vector<ColumnBatch> pool;
  for (int idx = 0; idx < kPoolBatches; ++idx) pool.push_back(MakeBatch(source, 0, &rng));
  // Cast batches for the write-only and validate-only phases.
  std::vector<ColumnBatch> cast_pool(kPoolBatches);
  for (int idx = 0; idx < kPoolBatches; ++idx) {
    Status st = plan->Apply(pool[static_cast<size_t>(idx)], &cast_pool[static_cast<size_t>(idx)],
                            nullptr, nullptr);
    if (!st.ok()) return Fail(st);
  }
  const std::string path = "/tmp/validate_bench_" + std::to_string(getpid()) + ".parquet";

  auto seconds = [](Clock::time_point start) {
    return std::chrono::duration<double>(Clock::now() - start).count();
  };
  auto cpu_now = [] {
    timespec now{};
    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &now);
    return static_cast<double>(now.tv_sec) + static_cast<double>(now.tv_nsec) / 1e9;
  };
  double cpu[4] = {0, 0, 0, 0};
  enum Phase { kWrite, kCast, kValidate, kAll };
  const char* names[] = {"write", "cast", "validate", "cast+validate+write"};
  double times[4] = {0, 0, 0, 0};
  int64_t peak_unique = 0, runs = 0;
  for (int phase = kWrite; phase <= kAll; ++phase) {
    const char* short_names[] = {"write", "cast", "validate", "all"};
    if (!only.empty() && only.find(short_names[phase]) == std::string::npos) continue;
    std::unique_ptr<ParquetFileWriter> writer;
    if (phase == kWrite || phase == kAll) {
      auto opened = ParquetFileWriter::Open(path, plan->output_schema(), ParquetWriterOptions{});
      if (!opened.ok()) return Fail(opened.status());
      writer = std::move(*opened);
    }
    ValidatorOptions options;
    options.unique_memory_bytes = unique_mb << 20;
    auto validator = ContractValidator::Make(table, plan->output_schema(), options);
    if (!validator.ok()) return Fail(validator.status());
    ColumnBatch out;
    auto start = Clock::now();
    const double cpu_start = cpu_now();
    for (int64_t batch_idx = 0; batch_idx < batches; ++batch_idx) {
      auto slot = static_cast<size_t>(batch_idx % kPoolBatches);
      int64_t first_id = 1 + batch_idx * kBatchRows;
      Status st;
      if (phase == kWrite) {
        SetIds(&cast_pool[slot], first_id);
        st = writer->WriteBatch(cast_pool[slot]);
      } else if (phase == kCast) {
        SetIds(&pool[slot], first_id);
        st = plan->Apply(pool[slot], &out, nullptr, nullptr);
      } else if (phase == kValidate) {
        SetIds(&cast_pool[slot], first_id);
        st = (*validator)->Consume(cast_pool[slot]);
      } else {
        SetIds(&pool[slot], first_id);
        st = plan->Apply(pool[slot], &out, nullptr, (*validator)->cast_stats());
        if (st.ok()) st = (*validator)->Consume(out);
        if (st.ok()) st = writer->WriteBatch(out);
      }
      if (!st.ok()) return Fail(st);
    }
    if (writer != nullptr) {
      Status st = writer->Close();
      if (!st.ok()) return Fail(st);
    }
    if (phase == kValidate || phase == kAll) {
      auto report = (*validator)->Finish();
      if (!report.ok()) return Fail(report.status());
      if (!report->passed()) {
        std::fprintf(stderr, "unexpected failures:\n%s", report->ToText().c_str());
        return 1;
      }
      peak_unique = (*validator)->peak_unique_memory_bytes();
      runs = (*validator)->spilled_runs();
    }
    times[phase] = seconds(start);
    cpu[phase] = cpu_now() - cpu_start;
    std::remove(path.c_str());
  }
  const double total_rows = static_cast<double>(batches * kBatchRows);
  for (int phase = kWrite; phase <= kAll; ++phase) {
    if (times[phase] == 0) continue;
    std::printf("%-22s %7.3f s  %7.2f M rows/s  cpu %7.3f s\n", names[phase], times[phase],
                total_rows / times[phase] / 1e6, cpu[phase]);
  }
  if (!only.empty()) return 0;
  std::printf("cast+validate alone vs write:        +%.1f%% (cpu +%.1f%%)\n",
              100.0 * (times[kCast] + times[kValidate]) / times[kWrite],
              100.0 * (cpu[kCast] + cpu[kValidate]) / cpu[kWrite]);
  std::printf("all vs write (overhead on writing):  +%.1f%% (cpu +%.1f%%)\n",
              100.0 * (times[kAll] - times[kWrite]) / times[kWrite],
              100.0 * (cpu[kAll] - cpu[kWrite]) / cpu[kWrite]);
  std::printf("unique-check memory peak %.1f MiB (budget %lld MiB), spilled runs %lld\n",
              static_cast<double>(peak_unique) / (1 << 20), static_cast<long long>(unique_mb),
              static_cast<long long>(runs));
  return 0;
}

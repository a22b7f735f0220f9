#include "source/partitioner.h"

#include <limits>

namespace sluice::source {

Result<PartitionMode> ParsePartitionMode(const std::string& name) {
  if (name == "range") return PartitionMode::kRange;
  if (name == "balanced") return PartitionMode::kBalanced;
  if (name == "scan") return PartitionMode::kScan;
  return Status::InvalidArgument("--mode '" + name + "' is not range, balanced or scan");
}

const char* PartitionModeName(PartitionMode mode) {
  switch (mode) {
    case PartitionMode::kRange:
      return "range";
    case PartitionMode::kBalanced:
      return "balanced";
    case PartitionMode::kScan:
      return "scan";
  }
  return "?";
}

namespace {

constexpr int64_t kMaxKey = std::numeric_limits<int64_t>::max();

Status PlanFixedWidth(KeyProbe* probe, int64_t min_key, int64_t max_key, int64_t width,
                      std::vector<KeyRange>* out) {
  int64_t lo = min_key;
  while (true) {
    // 128-bit arithmetic: lo + width may pass INT64_MAX near the top of the key space.
    __int128 end = static_cast<__int128>(lo) + width - 1;
    int64_t hi = end >= max_key ? max_key : static_cast<int64_t>(end);
    out->push_back({lo, hi, false});
    if (hi >= max_key) break;
    SLUICE_ASSIGN_OR_RETURN(auto next, probe->NextKeyAtOrAfter(hi + 1));
    if (!next.has_value() || *next > max_key) break;
    // Windows stay aligned to MIN + k * width, whatever gap was skipped.
    __int128 steps = (static_cast<__int128>(*next) - min_key) / width;
    lo = static_cast<int64_t>(min_key + steps * width);
  }
  return Status::OK();
}

Status PlanBalanced(KeyProbe* probe, int64_t min_key, int64_t max_key, int64_t chunk_rows,
                    std::vector<KeyRange>* out) {
  int64_t lo = min_key;
  while (true) {
    SLUICE_ASSIGN_OR_RETURN(auto boundary, probe->KeyAtOffset(lo, chunk_rows));
    if (!boundary.has_value() || *boundary > max_key) {
      out->push_back({lo, max_key, false});
      break;
    }
    if (*boundary > lo) {
      // At most chunk_rows rows have a key in [lo, boundary).
      out->push_back({lo, *boundary - 1, false});
      lo = *boundary;
      continue;
    }
    // The single key `lo` holds more than chunk_rows rows: it is one chunk on its own.
    out->push_back({lo, lo, false});
    if (lo == max_key || lo == kMaxKey) break;
    SLUICE_ASSIGN_OR_RETURN(auto next, probe->NextKeyAtOrAfter(lo + 1));
    if (!next.has_value() || *next > max_key) break;
    lo = *next;
  }
  return Status::OK();
}

}  // namespace

Result<std::vector<KeyRange>> PlanRanges(KeyProbe* probe, const PlanOptions& options) {
  std::vector<KeyRange> ranges;
  if (options.mode == PartitionMode::kScan) {
    return Status::Internal("PlanRanges called for scan mode");
  }
  if (options.mode == PartitionMode::kRange && options.chunk_keys < 1) {
    return Status::InvalidArgument("--chunk-keys must be at least 1");
  }
  if (options.mode == PartitionMode::kBalanced && options.chunk_rows < 1) {
    return Status::InvalidArgument("--chunk-rows must be at least 1");
  }
  SLUICE_ASSIGN_OR_RETURN(auto min_max, probe->MinMax());
  if (min_max.has_value()) {
    auto [min_key, max_key] = *min_max;
    if (options.mode == PartitionMode::kRange) {
      SLUICE_RETURN_IF_ERROR(PlanFixedWidth(probe, min_key, max_key, options.chunk_keys, &ranges));
    } else {
      SLUICE_RETURN_IF_ERROR(PlanBalanced(probe, min_key, max_key, options.chunk_rows, &ranges));
    }
  }
  SLUICE_ASSIGN_OR_RETURN(bool has_nulls, probe->HasNullKeys());
  if (has_nulls) ranges.push_back({0, 0, true});
  return ranges;
}

}  // namespace sluice::source

#include "engine/exec/grouped_aggregator.h"

#include <cmath>
#include <cstring>

namespace sluice::engine {

namespace {

// Initial hash table size (power of two); it doubles at 50% load.
constexpr size_t kInitialSlots = 1024;
// Rough per-entry overhead of an unordered_set<std::string> node (node, bucket, string header).
constexpr int64_t kSetEntryOverhead = 64;

Status SumOverflow(const SqlType& type) {
  return Status::InvalidArgument("Out of Range: overflow in sum of " + type.ToString());
}

}  // namespace

GroupedAggregator::GroupedAggregator(std::vector<SqlType> key_types,
                                     std::vector<AggregateSpec> specs)
    : key_types_(std::move(key_types)), specs_(std::move(specs)), group_keys_(key_types_) {
  states_.resize(specs_.size());
  slots_.assign(kInitialSlots, 0);
  RecomputeMemory();
}

std::vector<SqlType> GroupedAggregator::result_types() const {
  std::vector<SqlType> out = key_types_;
  for (const auto& spec : specs_) out.push_back(spec.result_type);
  return out;
}

void GroupedAggregator::AddGroupState() {
  for (size_t agg = 0; agg < specs_.size(); ++agg) {
    State& state = states_[agg];
    const AggregateSpec& spec = specs_[agg];
    state.count.push_back(0);
    state.has.push_back(0);
    if (spec.name == "sum" || spec.name == "avg" || spec.name == "min" || spec.name == "max") {
      switch (spec.arg_type.storage()) {
        case Storage::kI128:
          state.wide.push_back(0);
          break;
        case Storage::kI64:
        case Storage::kU8:
          if (spec.name == "sum" || spec.name == "avg") {
            state.wide.push_back(0);
          } else {
            state.narrow.push_back(0);
          }
          break;
        case Storage::kF64:
          state.real.push_back(0);
          break;
        case Storage::kStr:
          state.text.emplace_back();
          break;
      }
    } else if (spec.name == "stddev_samp" || spec.name == "var_samp") {
      state.real.push_back(0);
      state.m2.push_back(0);
    }
  }
}

namespace {

// A slot holds the group id + 1 in its low 32 bits and the hash's high 32 bits as a tag, so most
// mismatching probes are rejected without touching the key bytes.
constexpr uint64_t kGroupMask = 0xFFFFFFFFULL;

uint64_t Tag(uint64_t hash) { return hash & ~kGroupMask; }

bool SameBytes(const char* a, const char* b, size_t length) {
  if (length <= 16) {
    for (size_t pos = 0; pos < length; ++pos) {
      if (a[pos] != b[pos]) return false;
    }
    return true;
  }
  return std::memcmp(a, b, length) == 0;
}

}  // namespace

void GroupedAggregator::Grow() {
  std::vector<uint64_t, HugePageAllocator<uint64_t>> bigger(slots_.size() * 2, 0);
  size_t mask = bigger.size() - 1;
  for (size_t group = 0; group < group_hashes_.size(); ++group) {
    size_t pos = group_hashes_[group] & mask;
    while (bigger[pos] != 0) pos = (pos + 1) & mask;
    bigger[pos] = Tag(group_hashes_[group]) | (group + 1);
  }
  slots_ = std::move(bigger);
}

uint32_t GroupedAggregator::FindOrAdd(const EncodedKeys& keys, size_t row, const DataChunk& input,
                                      bool may_add) {
  uint64_t hash = keys.hashes[row];
  std::string_view key = keys.Key(row);
  size_t mask = slots_.size() - 1;
  size_t pos = hash & mask;
  uint64_t tag = Tag(hash);
  while (slots_[pos] != 0) {
    if ((slots_[pos] & ~kGroupMask) == tag) {
      auto group = static_cast<uint32_t>((slots_[pos] & kGroupMask) - 1);
      uint64_t begin = key_offsets_[group];
      uint64_t length = key_offsets_[group + 1] - begin;
      if (length == key.size() && SameBytes(key_arena_.data() + begin, key.data(), length)) {
        return group;
      }
    }
    pos = (pos + 1) & mask;
  }
  if (!may_add) return UINT32_MAX;
  auto group = static_cast<uint32_t>(group_hashes_.size());
  slots_[pos] = tag | (group + 1);
  group_hashes_.push_back(hash);
  key_arena_.append(key);
  key_offsets_.push_back(key_arena_.size());
  for (size_t col = 0; col < key_types_.size(); ++col) {
    group_keys_.columns[col].AppendFrom(input.columns[col], static_cast<int64_t>(row));
  }
  ++group_keys_.size;
  AddGroupState();
  if (group_hashes_.size() * 2 > slots_.size()) Grow();
  return group;
}

Status GroupedAggregator::Consume(const DataChunk& input, const EncodedKeys& keys,
                                  std::vector<uint32_t>* rejected) {
  auto count = static_cast<size_t>(input.size);
  std::vector<uint32_t> groups(count);
  std::vector<uint8_t> active(count, 1);
  // Overlap the cache misses of the whole chunk: first the slots, then the matching groups' keys.
  size_t mask = slots_.size() - 1;
  for (size_t row = 0; row < count; ++row) __builtin_prefetch(&slots_[keys.hashes[row] & mask]);
  for (size_t row = 0; row < count; ++row) {
    uint64_t slot = slots_[keys.hashes[row] & mask];
    if (slot != 0 && (slot & ~kGroupMask) == Tag(keys.hashes[row])) {
      uint64_t group = (slot & kGroupMask) - 1;
      __builtin_prefetch(&key_offsets_[group]);
    }
  }
  for (size_t row = 0; row < count; ++row) {
    groups[row] = FindOrAdd(keys, row, input, rejected == nullptr);
    if (groups[row] == UINT32_MAX) {
      active[row] = 0;
      rejected->push_back(static_cast<uint32_t>(row));
    }
  }
  Vector empty;
  for (size_t agg = 0; agg < specs_.size(); ++agg) {
    const AggregateSpec& spec = specs_[agg];
    const Vector& arg =
        spec.arg_column >= 0 ? input.columns[static_cast<size_t>(spec.arg_column)] : empty;
    SLUICE_RETURN_IF_ERROR(Update(agg, arg, groups, active));
  }
  RecomputeMemory();
  return Status::OK();
}

Status GroupedAggregator::Update(size_t agg, const Vector& arg, const std::vector<uint32_t>& groups,
                                 const std::vector<uint8_t>& active) {
  const AggregateSpec& spec = specs_[agg];
  State& state = states_[agg];
  size_t count = groups.size();
  if (spec.name == "count_star") {
    for (size_t row = 0; row < count; ++row) {
      if (active[row]) ++state.count[groups[row]];
    }
    return Status::OK();
  }
  std::vector<uint8_t> take(count, 0);
  for (size_t row = 0; row < count; ++row)
    take[row] = active[row] && !arg.IsNull(static_cast<int64_t>(row));
  if (spec.distinct) {
    EncodedKeys values;
    EncodeKeys({&arg}, static_cast<int64_t>(count), &values);
    std::string key;
    for (size_t row = 0; row < count; ++row) {
      if (!take[row]) continue;
      key.assign(reinterpret_cast<const char*>(&groups[row]), 4);
      key.append(values.Key(row));
      auto inserted = state.seen.insert(key);
      if (inserted.second) {
        distinct_bytes_ += static_cast<int64_t>(key.size()) + kSetEntryOverhead;
      } else {
        take[row] = 0;
      }
    }
  }
  const std::string& name = spec.name;
  Storage storage = spec.arg_type.storage();
  // One tight loop per aggregate kind and storage: no per-row dispatch on names.
  if (name == "count") {
    for (size_t row = 0; row < count; ++row) {
      if (take[row]) ++state.count[groups[row]];
    }
    return Status::OK();
  }
  if (name == "count_merge") {
    // Partial counts of a two-level (DISTINCT) aggregation: BIGINT, never NULL.
    const int64_t* partials = arg.i64().data();
    for (size_t row = 0; row < count; ++row) {
      if (take[row]) state.count[groups[row]] += partials[row];
    }
    return Status::OK();
  }
  if (name == "stddev_samp" || name == "var_samp") {
    const double* values = arg.f64().data();
    for (size_t row = 0; row < count; ++row) {
      if (!take[row]) continue;
      uint32_t group = groups[row];
      // Welford's update, in DuckDB's order of operations so results match it.
      double x = values[row];
      auto n = static_cast<double>(++state.count[group]);
      double mean = state.real[group];
      double new_mean = mean + (x - mean) / n;
      state.m2[group] += (x - new_mean) * (x - mean);
      state.real[group] = new_mean;
    }
    return Status::OK();
  }
  if (name == "sum" || name == "avg") {
    switch (storage) {
      case Storage::kI128: {
        const int128* values = arg.i128().data();
        for (size_t row = 0; row < count; ++row) {
          if (!take[row]) continue;
          uint32_t group = groups[row];
          ++state.count[group];
          state.has[group] = 1;
          if (__builtin_add_overflow(state.wide[group], values[row], &state.wide[group])) {
            return SumOverflow(spec.result_type);
          }
        }
        return Status::OK();
      }
      case Storage::kI64:
      case Storage::kU8:
        for (size_t row = 0; row < count; ++row) {
          if (!take[row]) continue;
          uint32_t group = groups[row];
          ++state.count[group];
          state.has[group] = 1;
          // 2^64 additions of int64 values cannot overflow 128 bits.
          state.wide[group] += storage == Storage::kI64 ? arg.i64()[row] : arg.u8()[row];
        }
        return Status::OK();
      case Storage::kF64: {
        const double* values = arg.f64().data();
        for (size_t row = 0; row < count; ++row) {
          if (!take[row]) continue;
          uint32_t group = groups[row];
          ++state.count[group];
          state.has[group] = 1;
          state.real[group] += values[row];
        }
        return Status::OK();
      }
      case Storage::kStr:
        return Status::Internal("sum over strings");
    }
  }
  bool want_min = name == "min";
  for (size_t row = 0; row < count; ++row) {
    if (!take[row]) continue;
    uint32_t group = groups[row];
    ++state.count[group];
    bool first = !state.has[group];
    state.has[group] = 1;
    switch (storage) {
      case Storage::kI128: {
        int128 value = arg.i128()[row];
        int128& slot = state.wide[group];
        if (first || (want_min ? value < slot : value > slot)) slot = value;
        break;
      }
      case Storage::kI64:
      case Storage::kU8: {
        int64_t value = storage == Storage::kI64 ? arg.i64()[row] : arg.u8()[row];
        int64_t& slot = state.narrow[group];
        if (first || (want_min ? value < slot : value > slot)) slot = value;
        break;
      }
      case Storage::kF64: {
        double value = arg.f64()[row];
        double& slot = state.real[group];
        // NaN is the largest double (DuckDB's order).
        auto less = [](double a, double b) { return std::isnan(b) ? !std::isnan(a) : a < b; };
        if (first || (want_min ? less(value, slot) : less(slot, value))) slot = value;
        break;
      }
      case Storage::kStr: {
        std::string_view value = arg.Str(static_cast<int64_t>(row));
        std::string& slot = state.text[group];
        if (first || (want_min ? value < slot : value > slot)) {
          text_bytes_ += static_cast<int64_t>(value.size()) - static_cast<int64_t>(slot.size());
          slot.assign(value);
        }
        break;
      }
    }
  }
  return Status::OK();
}

void GroupedAggregator::RecomputeMemory() {
  int64_t per_group_bytes = 0;
  for (const auto& state : states_) {
    per_group_bytes += static_cast<int64_t>(
        state.count.capacity() * 8 + state.has.capacity() + state.wide.capacity() * 16 +
        state.narrow.capacity() * 8 + state.real.capacity() * 8 + state.m2.capacity() * 8 +
        state.text.capacity() * sizeof(std::string));
  }
  memory_bytes_ = per_group_bytes + group_keys_.allocated_bytes() +
                  static_cast<int64_t>(key_arena_.capacity() + key_offsets_.capacity() * 8 +
                                       group_hashes_.capacity() * 8 + slots_.capacity() * 8) +
                  distinct_bytes_ + text_bytes_;
}

Status GroupedAggregator::Finalize(size_t agg, uint32_t group, Vector* out) const {
  const AggregateSpec& spec = specs_[agg];
  const State& state = states_[agg];
  const std::string& name = spec.name;
  int64_t count = state.count[group];
  if (name == "count_star" || name == "count" || name == "count_merge") {
    out->AppendValue(Value::Int(spec.result_type, count));
    return Status::OK();
  }
  if (count == 0 || ((name == "stddev_samp" || name == "var_samp") && count < 2)) {
    out->AppendNull();
    return Status::OK();
  }
  if (name == "stddev_samp" || name == "var_samp") {
    double variance = state.m2[group] / static_cast<double>(count - 1);
    out->AppendValue(Value::Double(name == "var_samp" ? variance : std::sqrt(variance)));
    return Status::OK();
  }
  Storage storage = spec.arg_type.storage();
  if (name == "sum") {
    if (storage == Storage::kF64) {
      out->AppendValue(Value::Double(state.real[group]));
    } else {
      int128 sum = state.wide[group];
      if (spec.result_type.id == TypeId::kDecimal && !FitsPrecision(sum, kMaxDecimalPrecision)) {
        return SumOverflow(spec.result_type);
      }
      out->AppendValue(Value::Wide(spec.result_type, sum));
    }
    return Status::OK();
  }
  if (name == "avg") {
    if (storage == Storage::kF64) {
      out->AppendValue(Value::Double(state.real[group] / static_cast<double>(count)));
      return Status::OK();
    }
    // DuckDB: long double sum / (count * 10^scale), then rounded to double.
    long double divisor = static_cast<long double>(count);
    if (spec.arg_type.id == TypeId::kDecimal) {
      divisor *= static_cast<long double>(Pow10(spec.arg_type.scale));
    }
    out->AppendValue(
        Value::Double(static_cast<double>(static_cast<long double>(state.wide[group]) / divisor)));
    return Status::OK();
  }
  Value value{spec.result_type, false};
  switch (storage) {
    case Storage::kI128:
      value.i128 = state.wide[group];
      break;
    case Storage::kI64:
    case Storage::kU8:
      value.i64 = state.narrow[group];
      break;
    case Storage::kF64:
      value.f64 = state.real[group];
      break;
    case Storage::kStr:
      value.str = state.text[group];
      break;
  }
  out->AppendValue(value);
  return Status::OK();
}

Result<bool> GroupedAggregator::NextResult(DataChunk* out) {
  if (!finalized_empty_check_) {
    finalized_empty_check_ = true;
    // An aggregate without GROUP BY returns one row even over no input.
    if (key_types_.empty() && group_hashes_.empty()) {
      group_hashes_.push_back(0);
      key_arena_.clear();
      key_offsets_.push_back(0);
      ++group_keys_.size;
      AddGroupState();
    }
  }
  if (next_output_ >= group_hashes_.size()) return false;
  auto end =
      static_cast<uint32_t>(std::min<size_t>(group_hashes_.size(), next_output_ + kChunkRows));
  *out = DataChunk(result_types());
  for (uint32_t group = next_output_; group < end; ++group) {
    for (size_t col = 0; col < key_types_.size(); ++col) {
      out->columns[col].AppendFrom(group_keys_.columns[col], group);
    }
    for (size_t agg = 0; agg < specs_.size(); ++agg) {
      SLUICE_RETURN_IF_ERROR(Finalize(agg, group, &out->columns[key_types_.size() + agg]));
    }
  }
  out->size = end - next_output_;
  next_output_ = end;
  return true;
}

}  // namespace sluice::engine

#include "engine/exec/grouped_aggregator.h"

#include <algorithm>
#include <cmath>
#include <cstring>
#include <string>

namespace sluice::engine {

namespace {

// Groups a new table has room for; the slot array is a power of two >= 2x the capacity.
constexpr size_t kInitialGroups = 512;
// Assumed average encoded key length when variable (text) keys are not yet seen.
constexpr size_t kGuessedKeyBytes = 24;

size_t SlotsFor(size_t groups) {
  size_t slots = 1;
  while (slots < groups * 2) slots <<= 1;
  return slots;
}

Status SumOverflow(const SqlType& type) {
  return Status::InvalidArgument("Out of Range: overflow in sum of " + type.ToString());
}

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

// NaN is the largest double (DuckDB's order).
bool LessDouble(double a, double b) { return std::isnan(b) ? !std::isnan(a) : a < b; }

}  // namespace

Result<std::unique_ptr<GroupedAggregator>> GroupedAggregator::Create(
    std::vector<SqlType> key_types, std::vector<AggregateSpec> specs) {
  for (const auto& spec : specs) {
    if (spec.distinct) return Status::Internal("DISTINCT aggregate reached the hash table");
  }
  return std::unique_ptr<GroupedAggregator>(
      new GroupedAggregator(std::move(key_types), std::move(specs)));
}

GroupedAggregator::GroupedAggregator(std::vector<SqlType> key_types,
                                     std::vector<AggregateSpec> specs)
    : key_types_(std::move(key_types)),
      specs_(std::move(specs)),
      fixed_key_length_(FixedKeyLength(key_types_)) {
  if (fixed_key_length_ < 0) key_offsets_.push_back(0);
  states_.resize(specs_.size());
  for (const auto& spec : specs_) {
    const std::string& name = spec.name;
    if (name == "count_star") {
      kinds_.push_back(Kind::kCountStar);
    } else if (name == "count") {
      kinds_.push_back(Kind::kCount);
    } else if (name == "count_merge") {
      kinds_.push_back(Kind::kCountMerge);
    } else if (name == "sum" || name == "avg") {
      kinds_.push_back(Kind::kSum);
    } else if (name == "min") {
      kinds_.push_back(Kind::kMin);
    } else if (name == "max") {
      kinds_.push_back(Kind::kMax);
    } else {
      kinds_.push_back(Kind::kVariance);  // stddev_samp, var_samp
    }
  }
  ReserveGroups(kInitialGroups);
}

std::vector<SqlType> GroupedAggregator::result_types() const {
  std::vector<SqlType> out = key_types_;
  for (const auto& spec : specs_) out.push_back(spec.result_type);
  return out;
}

void GroupedAggregator::AddGroupStates() {
  for (size_t agg = 0; agg < specs_.size(); ++agg) {
    State& state = states_[agg];
    state.count.push_back(0);
    Kind kind = kinds_[agg];
    if (kind == Kind::kVariance) {
      state.real.push_back(0);
      state.m2.push_back(0);
      continue;
    }
    if (kind != Kind::kSum && kind != Kind::kMin && kind != Kind::kMax) continue;
    switch (specs_[agg].arg_type.storage()) {
      case Storage::kI128:
        state.wide.push_back(0);
        break;
      case Storage::kI64:
      case Storage::kU8:
        if (kind == Kind::kSum) {
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
  }
}

int64_t GroupedAggregator::BytesForCapacity(size_t groups) const {
  size_t key_bytes = fixed_key_length_ >= 0  ? static_cast<size_t>(fixed_key_length_)
                     : group_hashes_.empty() ? kGuessedKeyBytes
                                             : key_arena_.size() / group_hashes_.size() + 1;
  size_t per_group = 8 + key_bytes + (fixed_key_length_ >= 0 ? 0 : 8);  // hash, key, offset
  for (size_t agg = 0; agg < specs_.size(); ++agg) {
    per_group += 8;  // count
    Kind kind = kinds_[agg];
    if (kind == Kind::kVariance) {
      per_group += 16;
    } else if (kind == Kind::kSum || kind == Kind::kMin || kind == Kind::kMax) {
      switch (specs_[agg].arg_type.storage()) {
        case Storage::kI128:
          per_group += 16;
          break;
        case Storage::kI64:
        case Storage::kU8:
          per_group += kind == Kind::kSum ? 16 : 8;
          break;
        case Storage::kF64:
          per_group += 8;
          break;
        case Storage::kStr:
          per_group += sizeof(std::string);
          break;
      }
    }
  }
  return static_cast<int64_t>(per_group * groups + SlotsFor(groups) * 8 + groups_.capacity() * 4 +
                              identity_.capacity() * 4) +
         text_bytes_;
}

void GroupedAggregator::ReserveGroups(size_t groups) {
  if (groups <= capacity_groups_) return;
  capacity_groups_ = groups;
  for (size_t agg = 0; agg < specs_.size(); ++agg) {
    State& state = states_[agg];
    state.count.reserve(groups);
    Kind kind = kinds_[agg];
    if (kind == Kind::kVariance) {
      state.real.reserve(groups);
      state.m2.reserve(groups);
    } else if (kind == Kind::kSum || kind == Kind::kMin || kind == Kind::kMax) {
      switch (specs_[agg].arg_type.storage()) {
        case Storage::kI128:
          state.wide.reserve(groups);
          break;
        case Storage::kI64:
        case Storage::kU8:
          if (kind == Kind::kSum) {
            state.wide.reserve(groups);
          } else {
            state.narrow.reserve(groups);
          }
          break;
        case Storage::kF64:
          state.real.reserve(groups);
          break;
        case Storage::kStr:
          state.text.reserve(groups);
          break;
      }
    }
  }
  group_hashes_.reserve(groups);
  if (fixed_key_length_ >= 0) {
    key_arena_.reserve(groups * static_cast<size_t>(fixed_key_length_));
  } else {
    key_offsets_.reserve(groups + 1);
    size_t average =
        group_hashes_.empty() ? kGuessedKeyBytes : key_arena_.size() / group_hashes_.size() + 1;
    key_arena_.reserve(groups * average);
  }
  size_t slots = SlotsFor(groups);
  if (slots > slots_.size()) {
    LargeVector<uint64_t> bigger(slots, 0);
    size_t mask = slots - 1;
    for (size_t group = 0; group < group_hashes_.size(); ++group) {
      size_t pos = group_hashes_[group] & mask;
      while (bigger[pos] != 0) pos = (pos + 1) & mask;
      bigger[pos] = Tag(group_hashes_[group]) | (group + 1);
    }
    slots_ = std::move(bigger);
  }
  RecomputeMemory();
}

uint32_t GroupedAggregator::FindOrAdd(uint64_t hash, std::string_view key, bool bounded) {
  size_t mask = slots_.size() - 1;
  size_t pos = hash & mask;
  uint64_t tag = Tag(hash);
  while (slots_[pos] != 0) {
    if ((slots_[pos] & ~kGroupMask) == tag) {
      auto group = static_cast<uint32_t>((slots_[pos] & kGroupMask) - 1);
      std::string_view stored = KeyOf(group);
      if (stored.size() == key.size() && SameBytes(stored.data(), key.data(), key.size())) {
        return group;
      }
    }
    pos = (pos + 1) & mask;
  }
  if (group_hashes_.size() >= capacity_groups_) {
    if (bounded) return kRejected;
    ReserveGroups(std::max(kInitialGroups, capacity_groups_ * 2));
    return FindOrAdd(hash, key, bounded);  // the slots moved
  }
  auto group = static_cast<uint32_t>(group_hashes_.size());
  slots_[pos] = tag | (group + 1);
  group_hashes_.push_back(hash);
  key_arena_.append(key);
  if (fixed_key_length_ < 0) key_offsets_.push_back(key_arena_.size());
  AddGroupStates();
  return group;
}

Status GroupedAggregator::Consume(const DataChunk& input, const EncodedKeys& keys,
                                  const uint32_t* rows, size_t count,
                                  std::vector<uint32_t>* rejected) {
  if (rows == nullptr) {
    count = static_cast<size_t>(input.size);
    while (identity_.size() < count) identity_.push_back(static_cast<uint32_t>(identity_.size()));
    rows = identity_.data();
  }
  groups_.resize(count);
  // Overlap the cache misses of the whole chunk: first the slots, then the matching groups' keys.
  size_t mask = slots_.size() - 1;
  for (size_t idx = 0; idx < count; ++idx)
    __builtin_prefetch(&slots_[keys.hashes[rows[idx]] & mask]);
  for (size_t idx = 0; idx < count; ++idx) {
    uint64_t hash = keys.hashes[rows[idx]];
    uint64_t slot = slots_[hash & mask];
    if (slot != 0 && (slot & ~kGroupMask) == Tag(hash)) {
      auto group = static_cast<size_t>((slot & kGroupMask) - 1);
      if (fixed_key_length_ >= 0) {
        __builtin_prefetch(key_arena_.data() + group * static_cast<size_t>(fixed_key_length_));
      } else {
        __builtin_prefetch(&key_offsets_[group]);
      }
    }
  }
  for (size_t idx = 0; idx < count; ++idx) {
    uint32_t row = rows[idx];
    groups_[idx] = FindOrAdd(keys.hashes[row], keys.Key(row), rejected != nullptr);
    if (groups_[idx] == kRejected) rejected->push_back(row);
  }
  Vector empty;
  for (size_t agg = 0; agg < specs_.size(); ++agg) {
    int column = specs_[agg].arg_column;
    const Vector& arg = column >= 0 ? input.columns[static_cast<size_t>(column)] : empty;
    SLUICE_RETURN_IF_ERROR(Update(agg, arg, rows, count));
  }
  RecomputeMemory();
  return Status::OK();
}

namespace {

// Calls fn(group, row) for every consumed row that has a group and a non-NULL argument.
template <typename Fn>
void ForEachValue(const Vector& arg, const uint32_t* groups, const uint32_t* rows, size_t count,
                  Fn&& fn) {
  constexpr uint32_t kNone = UINT32_MAX;
  if (!arg.has_nulls()) {
    for (size_t idx = 0; idx < count; ++idx) {
      if (groups[idx] != kNone) fn(groups[idx], rows[idx]);
    }
    return;
  }
  const uint8_t* nulls = arg.nulls().data();
  for (size_t idx = 0; idx < count; ++idx) {
    if (groups[idx] != kNone && !nulls[rows[idx]]) fn(groups[idx], rows[idx]);
  }
}

// min/max over one storage: `better(value, current)` decides replacement.
template <typename T, typename Better>
void UpdateExtreme(const Vector& arg, const T* values, T* slots, int64_t* counts,
                   const uint32_t* groups, const uint32_t* rows, size_t count, Better better) {
  ForEachValue(arg, groups, rows, count, [&](uint32_t group, uint32_t row) {
    if (counts[group]++ == 0 || better(values[row], slots[group])) slots[group] = values[row];
  });
}

}  // namespace

Status GroupedAggregator::Update(size_t agg, const Vector& arg, const uint32_t* rows,
                                 size_t count) {
  const AggregateSpec& spec = specs_[agg];
  State& state = states_[agg];
  const uint32_t* groups = groups_.data();
  int64_t* counts = state.count.data();
  Kind kind = kinds_[agg];
  // One tight loop per aggregate kind and storage: no per-row dispatch.
  switch (kind) {
    case Kind::kCountStar:
      for (size_t idx = 0; idx < count; ++idx) {
        if (groups[idx] != kRejected) ++counts[groups[idx]];
      }
      return Status::OK();
    case Kind::kCount:
      ForEachValue(arg, groups, rows, count, [&](uint32_t group, uint32_t) { ++counts[group]; });
      return Status::OK();
    case Kind::kCountMerge: {
      // Partial counts of a two-level (DISTINCT) aggregation: BIGINT, never NULL.
      const int64_t* partials = arg.i64().data();
      ForEachValue(arg, groups, rows, count,
                   [&](uint32_t group, uint32_t row) { counts[group] += partials[row]; });
      return Status::OK();
    }
    case Kind::kVariance: {
      const double* values = arg.f64().data();
      double* means = state.real.data();
      double* m2 = state.m2.data();
      ForEachValue(arg, groups, rows, count, [&](uint32_t group, uint32_t row) {
        // Welford's update, in DuckDB's order of operations so results match it.
        double x = values[row];
        auto n = static_cast<double>(++counts[group]);
        double mean = means[group];
        double new_mean = mean + (x - mean) / n;
        m2[group] += (x - new_mean) * (x - mean);
        means[group] = new_mean;
      });
      return Status::OK();
    }
    case Kind::kSum:
      switch (spec.arg_type.storage()) {
        case Storage::kI128: {
          const int128* values = arg.i128().data();
          int128* sums = state.wide.data();
          bool overflow = false;
          ForEachValue(arg, groups, rows, count, [&](uint32_t group, uint32_t row) {
            ++counts[group];
            overflow |= __builtin_add_overflow(sums[group], values[row], &sums[group]);
          });
          return overflow ? SumOverflow(spec.result_type) : Status::OK();
        }
        case Storage::kI64: {
          // 2^64 additions of int64 values cannot overflow 128 bits.
          const int64_t* values = arg.i64().data();
          int128* sums = state.wide.data();
          ForEachValue(arg, groups, rows, count, [&](uint32_t group, uint32_t row) {
            ++counts[group];
            sums[group] += values[row];
          });
          return Status::OK();
        }
        case Storage::kU8: {
          const uint8_t* values = arg.u8().data();
          int128* sums = state.wide.data();
          ForEachValue(arg, groups, rows, count, [&](uint32_t group, uint32_t row) {
            ++counts[group];
            sums[group] += values[row];
          });
          return Status::OK();
        }
        case Storage::kF64: {
          const double* values = arg.f64().data();
          double* sums = state.real.data();
          ForEachValue(arg, groups, rows, count, [&](uint32_t group, uint32_t row) {
            ++counts[group];
            sums[group] += values[row];
          });
          return Status::OK();
        }
        case Storage::kStr:
          return Status::Internal("sum over strings");
      }
      return Status::OK();
    case Kind::kMin:
    case Kind::kMax:
      break;
  }
  bool want_min = kind == Kind::kMin;
  switch (spec.arg_type.storage()) {
    case Storage::kI128:
      if (want_min) {
        UpdateExtreme(arg, arg.i128().data(), state.wide.data(), counts, groups, rows, count,
                      [](int128 a, int128 b) { return a < b; });
      } else {
        UpdateExtreme(arg, arg.i128().data(), state.wide.data(), counts, groups, rows, count,
                      [](int128 a, int128 b) { return a > b; });
      }
      break;
    case Storage::kI64:
      if (want_min) {
        UpdateExtreme(arg, arg.i64().data(), state.narrow.data(), counts, groups, rows, count,
                      [](int64_t a, int64_t b) { return a < b; });
      } else {
        UpdateExtreme(arg, arg.i64().data(), state.narrow.data(), counts, groups, rows, count,
                      [](int64_t a, int64_t b) { return a > b; });
      }
      break;
    case Storage::kU8: {
      const uint8_t* values = arg.u8().data();
      int64_t* slots = state.narrow.data();
      ForEachValue(arg, groups, rows, count, [&](uint32_t group, uint32_t row) {
        int64_t value = values[row];
        if (counts[group]++ == 0 || (want_min ? value < slots[group] : value > slots[group])) {
          slots[group] = value;
        }
      });
      break;
    }
    case Storage::kF64:
      if (want_min) {
        UpdateExtreme(arg, arg.f64().data(), state.real.data(), counts, groups, rows, count,
                      [](double a, double b) { return LessDouble(a, b); });
      } else {
        UpdateExtreme(arg, arg.f64().data(), state.real.data(), counts, groups, rows, count,
                      [](double a, double b) { return LessDouble(b, a); });
      }
      break;
    case Storage::kStr:
      ForEachValue(arg, groups, rows, count, [&](uint32_t group, uint32_t row) {
        std::string_view value = arg.Str(row);
        std::string& slot = state.text[group];
        if (counts[group]++ == 0 || (want_min ? value < slot : value > slot)) {
          text_bytes_ += static_cast<int64_t>(value.size()) - static_cast<int64_t>(slot.size());
          slot.assign(value);
        }
      });
      break;
  }
  return Status::OK();
}

Status GroupedAggregator::MergeFrom(const GroupedAggregator& other, const uint32_t* groups,
                                    size_t count, std::vector<uint32_t>* rejected) {
  std::vector<uint32_t> sources;
  if (groups == nullptr) {
    sources.resize(other.group_hashes_.size());
    for (size_t group = 0; group < sources.size(); ++group) {
      sources[group] = static_cast<uint32_t>(group);
    }
  } else {
    sources.assign(groups, groups + count);
  }
  std::vector<uint32_t> targets(sources.size());
  for (size_t idx = 0; idx < sources.size(); ++idx) {
    uint32_t group = sources[idx];
    targets[idx] = FindOrAdd(other.group_hashes_[group], other.KeyOf(group), rejected != nullptr);
    if (targets[idx] == kRejected) rejected->push_back(group);
  }
  for (size_t agg = 0; agg < specs_.size(); ++agg) {
    SLUICE_RETURN_IF_ERROR(Combine(agg, other.states_[agg], sources, targets));
  }
  RecomputeMemory();
  return Status::OK();
}

void GroupedAggregator::Reset() {
  for (auto& state : states_) {
    state.count.clear();
    state.wide.clear();
    state.narrow.clear();
    state.real.clear();
    state.m2.clear();
    state.text.clear();
  }
  key_arena_.clear();
  key_offsets_.clear();
  if (fixed_key_length_ < 0) key_offsets_.push_back(0);
  group_hashes_.clear();
  std::fill(slots_.begin(), slots_.end(), 0);
  text_bytes_ = 0;
  next_output_ = 0;
  finalized_empty_check_ = false;
  RecomputeMemory();
}

Status GroupedAggregator::Combine(size_t agg, const State& from,
                                  const std::vector<uint32_t>& sources,
                                  const std::vector<uint32_t>& targets) {
  const AggregateSpec& spec = specs_[agg];
  State& state = states_[agg];
  Kind kind = kinds_[agg];
  Storage storage = spec.arg_type.storage();
  bool want_min = kind == Kind::kMin;
  for (size_t idx = 0; idx < targets.size(); ++idx) {
    uint32_t source = sources[idx];
    uint32_t target = targets[idx];
    if (target == kRejected) continue;
    int64_t theirs = from.count[source];
    int64_t& ours = state.count[target];
    if (theirs == 0) continue;
    switch (kind) {
      case Kind::kCountStar:
      case Kind::kCount:
      case Kind::kCountMerge:
        break;
      case Kind::kSum:
        if (storage == Storage::kF64) {
          state.real[target] += from.real[source];
        } else if (__builtin_add_overflow(state.wide[target], from.wide[source],
                                          &state.wide[target])) {
          return SumOverflow(spec.result_type);
        }
        break;
      case Kind::kVariance:
        if (ours == 0) {
          state.real[target] = from.real[source];
          state.m2[target] = from.m2[source];
        } else {
          // Chan et al.'s pairwise combination, as DuckDB combines its thread-local states.
          auto target_count = static_cast<double>(ours);
          auto source_count = static_cast<double>(theirs);
          double total = target_count + source_count;
          double mean =
              (source_count * from.real[source] + target_count * state.real[target]) / total;
          double delta = from.real[source] - state.real[target];
          state.m2[target] = from.m2[source] + state.m2[target] +
                             delta * delta * source_count * target_count / total;
          state.real[target] = mean;
        }
        break;
      case Kind::kMin:
      case Kind::kMax: {
        bool first = ours == 0;
        switch (storage) {
          case Storage::kI128: {
            int128 value = from.wide[source];
            int128& slot = state.wide[target];
            if (first || (want_min ? value < slot : value > slot)) slot = value;
            break;
          }
          case Storage::kI64:
          case Storage::kU8: {
            int64_t value = from.narrow[source];
            int64_t& slot = state.narrow[target];
            if (first || (want_min ? value < slot : value > slot)) slot = value;
            break;
          }
          case Storage::kF64: {
            double value = from.real[source];
            double& slot = state.real[target];
            if (first || (want_min ? LessDouble(value, slot) : LessDouble(slot, value))) {
              slot = value;
            }
            break;
          }
          case Storage::kStr: {
            const std::string& value = from.text[source];
            std::string& slot = state.text[target];
            if (first || (want_min ? value < slot : value > slot)) {
              text_bytes_ += static_cast<int64_t>(value.size()) - static_cast<int64_t>(slot.size());
              slot = value;
            }
            break;
          }
        }
        break;
      }
    }
    ours += theirs;
  }
  return Status::OK();
}

void GroupedAggregator::RecomputeMemory() {
  int64_t per_group_bytes = 0;
  for (const auto& state : states_) {
    per_group_bytes +=
        static_cast<int64_t>(state.count.capacity() * 8 + state.wide.capacity() * 16 +
                             state.narrow.capacity() * 8 + state.real.capacity() * 8 +
                             state.m2.capacity() * 8 + state.text.capacity() * sizeof(std::string));
  }
  memory_bytes_ = per_group_bytes +
                  static_cast<int64_t>(key_arena_.capacity() + key_offsets_.capacity() * 8 +
                                       group_hashes_.capacity() * 8 + slots_.capacity() * 8 +
                                       groups_.capacity() * 4 + identity_.capacity() * 4) +
                  text_bytes_;
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
      group_hashes_.push_back(0);  // the empty key
      AddGroupStates();
    }
  }
  if (next_output_ >= group_hashes_.size()) return false;
  auto end =
      static_cast<uint32_t>(std::min<size_t>(group_hashes_.size(), next_output_ + kChunkRows));
  *out = DataChunk(result_types());
  for (uint32_t group = next_output_; group < end; ++group) {
    if (!key_types_.empty()) DecodeKey(KeyOf(group), key_types_, fixed_key_length_ >= 0, out);
    for (size_t agg = 0; agg < specs_.size(); ++agg) {
      SLUICE_RETURN_IF_ERROR(Finalize(agg, group, &out->columns[key_types_.size() + agg]));
    }
  }
  out->size = end - next_output_;
  next_output_ = end;
  return true;
}

}  // namespace sluice::engine

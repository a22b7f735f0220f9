#include "format/parquet/writer/statistics.h"

#include <cmath>
#include <cstring>

namespace sluice::parquet {

namespace {

// Byte-array bounds longer than this are not stored: statistics live in every footer and page
// index, and a 1 MB TEXT value there would bloat them for no pruning benefit.
constexpr size_t kMaxStatBytes = 1024;

template <typename T>
T Load(std::string_view bytes) {
  T out;
  std::memcpy(&out, bytes.data(), sizeof(T));
  return out;
}

int CompareSignedBigEndian(std::string_view lhs, std::string_view rhs) {
  // Sign-extend the shorter operand conceptually: compare sign first, then magnitude bytes.
  bool lneg = !lhs.empty() && (static_cast<uint8_t>(lhs[0]) & 0x80);
  bool rneg = !rhs.empty() && (static_cast<uint8_t>(rhs[0]) & 0x80);
  if (lneg != rneg) return lneg ? -1 : 1;
  size_t len = std::max(lhs.size(), rhs.size());
  uint8_t lpad = lneg ? 0xFF : 0x00;
  for (size_t idx = 0; idx < len; ++idx) {
    size_t lpos = idx + lhs.size();
    size_t rpos = idx + rhs.size();
    uint8_t lb = lpos < len ? lpad : static_cast<uint8_t>(lhs[lpos - len]);
    uint8_t rb = rpos < len ? lpad : static_cast<uint8_t>(rhs[rpos - len]);
    if (lb != rb) return lb < rb ? -1 : 1;
  }
  return 0;
}

int CompareBytes(std::string_view lhs, std::string_view rhs) {
  size_t common = std::min(lhs.size(), rhs.size());
  int cmp = common == 0 ? 0 : std::memcmp(lhs.data(), rhs.data(), common);
  if (cmp != 0) return cmp < 0 ? -1 : 1;
  if (lhs.size() == rhs.size()) return 0;
  return lhs.size() < rhs.size() ? -1 : 1;
}

template <typename T>
int Cmp(T lhs, T rhs) {
  return lhs < rhs ? -1 : (rhs < lhs ? 1 : 0);
}

}  // namespace

SortOrder SortOrderFor(const ColumnSchema& column) {
  using K = LogicalType::Kind;
  switch (column.physical) {
    case PhysicalType::kBoolean:
    case PhysicalType::kInt32:
    case PhysicalType::kInt64:
      if (column.logical.kind == K::kInteger && !column.logical.is_signed) {
        return SortOrder::kUnsigned;
      }
      return SortOrder::kSigned;
    case PhysicalType::kFloat:
    case PhysicalType::kDouble:
      return SortOrder::kFloat;
    case PhysicalType::kByteArray:
    case PhysicalType::kFixedLenByteArray:
      if (column.logical.kind == K::kDecimal) return SortOrder::kSignedBigEndian;
      return SortOrder::kBytes;
    case PhysicalType::kInt96:
      return SortOrder::kNone;
  }
  return SortOrder::kNone;
}

int CompareStatValues(SortOrder order, PhysicalType type, std::string_view lhs,
                      std::string_view rhs) {
  switch (order) {
    case SortOrder::kSigned:
      if (type == PhysicalType::kInt32) return Cmp(Load<int32_t>(lhs), Load<int32_t>(rhs));
      if (type == PhysicalType::kInt64) return Cmp(Load<int64_t>(lhs), Load<int64_t>(rhs));
      return Cmp(static_cast<uint8_t>(lhs[0]), static_cast<uint8_t>(rhs[0]));  // BOOLEAN
    case SortOrder::kUnsigned:
      if (type == PhysicalType::kInt32) return Cmp(Load<uint32_t>(lhs), Load<uint32_t>(rhs));
      return Cmp(Load<uint64_t>(lhs), Load<uint64_t>(rhs));
    case SortOrder::kFloat:
      if (type == PhysicalType::kFloat) return Cmp(Load<float>(lhs), Load<float>(rhs));
      return Cmp(Load<double>(lhs), Load<double>(rhs));
    case SortOrder::kBytes:
      return CompareBytes(lhs, rhs);
    case SortOrder::kSignedBigEndian:
      return CompareSignedBigEndian(lhs, rhs);
    case SortOrder::kNone:
      return 0;
  }
  return 0;
}

StatisticsCollector::StatisticsCollector(const ColumnSchema& column)
    : order_(SortOrderFor(column)), type_(column.physical) {}

void StatisticsCollector::Reset() {
  null_count_ = 0;
  has_min_max_ = false;
  too_long_ = false;
  min_.clear();
  max_.clear();
}

void StatisticsCollector::Offer(std::string_view value) {
  if (!has_min_max_) {
    min_.assign(value);
    max_.assign(value);
    has_min_max_ = true;
    return;
  }
  if (CompareStatValues(order_, type_, value, min_) < 0) min_.assign(value);
  if (CompareStatValues(order_, type_, value, max_) > 0) max_.assign(value);
}

template <typename T, typename Less>
void StatisticsCollector::UpdateFixed(const ColumnVector& col, int64_t begin, int64_t end,
                                      Less less) {
  bool any = false;
  T lo{};
  T hi{};
  for (int64_t row = begin; row < end; ++row) {
    if (!col.IsValid(row)) continue;
    T value = col.Get<T>(row);
    if constexpr (std::is_floating_point_v<T>) {
      if (std::isnan(value)) continue;  // the spec: NaN never becomes a bound
    }
    if (!any) {
      lo = hi = value;
      any = true;
    } else {
      if (less(value, lo)) lo = value;
      if (less(hi, value)) hi = value;
    }
  }
  if (!any) return;
  if constexpr (std::is_floating_point_v<T>) {
    // The spec: a zero lower bound is written as -0.0 and a zero upper bound as +0.0, so
    // readers never exclude the other zero.
    if (lo == 0) lo = -static_cast<T>(0);
    if (hi == 0) hi = static_cast<T>(0);
  }
  Offer(std::string_view(reinterpret_cast<const char*>(&lo), sizeof(T)));
  Offer(std::string_view(reinterpret_cast<const char*>(&hi), sizeof(T)));
}

void StatisticsCollector::UpdateBytes(const ColumnVector& col, int64_t begin, int64_t end) {
  if (order_ == SortOrder::kBytes && col.width() == 0) {
    // Hot path (every string column): track the bounds as views into the batch and copy them
    // into min_/max_ once per call instead of once per new bound.
    std::string_view lo;
    std::string_view hi;
    bool any = false;
    for (int64_t row = begin; row < end; ++row) {
      if (!col.IsValid(row)) continue;
      std::string_view value = col.BytesAt(row);
      if (value.size() > kMaxStatBytes) {
        too_long_ = true;
        continue;
      }
      if (!any) {
        lo = hi = value;
        any = true;
      } else if (value < lo) {
        lo = value;
      } else if (hi < value) {
        hi = value;
      }
    }
    if (any) {
      Offer(lo);
      Offer(hi);
    }
    return;
  }
  for (int64_t row = begin; row < end; ++row) {
    if (!col.IsValid(row)) continue;
    std::string_view value = col.width() > 0
                                 ? std::string_view(reinterpret_cast<const char*>(col.FixedAt(row)),
                                                    static_cast<size_t>(col.width()))
                                 : col.BytesAt(row);
    if (value.size() > kMaxStatBytes) {
      too_long_ = true;
      continue;
    }
    Offer(value);
  }
}

void StatisticsCollector::Update(const ColumnVector& col, int64_t begin, int64_t end) {
  if (col.has_nulls()) {
    for (int64_t row = begin; row < end; ++row) null_count_ += col.IsValid(row) ? 0 : 1;
  }
  switch (order_) {
    case SortOrder::kNone:
      return;
    case SortOrder::kSigned:
      if (type_ == PhysicalType::kInt32) {
        UpdateFixed<int32_t>(col, begin, end, std::less<int32_t>());
      } else if (type_ == PhysicalType::kInt64) {
        UpdateFixed<int64_t>(col, begin, end, std::less<int64_t>());
      } else {
        UpdateFixed<uint8_t>(col, begin, end, std::less<uint8_t>());
      }
      return;
    case SortOrder::kUnsigned:
      if (type_ == PhysicalType::kInt32) {
        UpdateFixed<uint32_t>(col, begin, end, std::less<uint32_t>());
      } else {
        UpdateFixed<uint64_t>(col, begin, end, std::less<uint64_t>());
      }
      return;
    case SortOrder::kFloat:
      if (type_ == PhysicalType::kFloat) {
        UpdateFixed<float>(col, begin, end, std::less<float>());
      } else {
        UpdateFixed<double>(col, begin, end, std::less<double>());
      }
      return;
    case SortOrder::kBytes:
    case SortOrder::kSignedBigEndian:
      UpdateBytes(col, begin, end);
      return;
  }
}

void StatisticsCollector::Merge(const StatisticsCollector& other) {
  null_count_ += other.null_count_;
  too_long_ = too_long_ || other.too_long_;
  if (other.has_min_max_) {
    Offer(other.min_);
    Offer(other.max_);
  }
}

}  // namespace sluice::parquet

#include "engine/exec/expression_evaluator.h"

#include <cmath>
#include <limits>

namespace sluice::engine {

namespace {

Result<const Vector*> EvalRef(const BoundExpr& expr, const DataChunk& input, Vector* scratch) {
  if (expr.kind == BoundExpr::Kind::kColumnRef) {
    return &input.columns[static_cast<size_t>(expr.index)];
  }
  SLUICE_RETURN_IF_ERROR(Evaluate(expr, input, scratch));
  return scratch;
}

// out->nulls = a.nulls | b.nulls (or empty when neither has NULLs).
void MergeNulls(const Vector& a, const Vector& b, int64_t count, Vector* out) {
  auto& nulls = out->nulls();
  nulls.clear();
  if (!a.has_nulls() && !b.has_nulls()) return;
  nulls.assign(static_cast<size_t>(count), 0);
  for (int64_t row = 0; row < count; ++row) {
    nulls[static_cast<size_t>(row)] = static_cast<uint8_t>(a.IsNull(row) || b.IsNull(row));
  }
}

Status Overflow(const char* what, const SqlType& type) {
  return Status::InvalidArgument(std::string("Out of Range: overflow in ") + what + " of " +
                                 type.ToString());
}

// Kernel results: 0 = value, 1 = NULL, 2 = overflow.
template <typename T, typename Out, typename Fn>
Status BinaryKernel(const ColumnArray<T>& a, const ColumnArray<T>& b, const Vector& av,
                    const Vector& bv, int64_t count, ColumnArray<Out>* out, Vector* result,
                    const char* what, Fn fn) {
  out->resize(static_cast<size_t>(count));
  MergeNulls(av, bv, count, result);
  auto& nulls = result->nulls();
  for (int64_t row = 0; row < count; ++row) {
    auto idx = static_cast<size_t>(row);
    if (!nulls.empty() && nulls[idx]) {
      (*out)[idx] = Out{};
      continue;
    }
    int rc = fn(a[idx], b[idx], &(*out)[idx]);
    if (rc == 1) {
      if (nulls.empty()) nulls.assign(static_cast<size_t>(count), 0);
      nulls[idx] = 1;
      (*out)[idx] = Out{};
    } else if (rc == 2) {
      return Overflow(what, result->type());
    }
  }
  result->SetSize(count);
  return Status::OK();
}

const char* OpName(const std::string& op) {
  if (op == "+") return "addition";
  if (op == "-") return "subtraction";
  if (op == "*") return "multiplication";
  if (op == "//" || op == "/") return "division";
  return "modulo";
}

Status EvalArith(const BoundExpr& expr, const Vector& a, const Vector& b, int64_t count,
                 Vector* out) {
  const std::string& op = expr.op;
  const SqlType& type = expr.type;
  const char* what = OpName(op);
  if (op == "date+" || op == "date-") {
    bool minus = op == "date-";
    return BinaryKernel(
        a.i64(), b.i64(), a, b, count, &out->i64(), out, what,
        [minus](int64_t x, int64_t y, int64_t* r) {
          return (minus ? __builtin_sub_overflow(x, y, r) : __builtin_add_overflow(x, y, r)) ? 2
                                                                                             : 0;
        });
  }
  switch (type.storage()) {
    case Storage::kF64:
      return BinaryKernel(a.f64(), b.f64(), a, b, count, &out->f64(), out, what,
                          [&op](double x, double y, double* r) {
                            switch (op[0]) {
                              case '+':
                                *r = x + y;
                                break;
                              case '-':
                                *r = x - y;
                                break;
                              case '*':
                                *r = x * y;
                                break;
                              case '/':
                                *r = x / y;
                                break;
                              default:
                                if (y == 0) return 1;
                                *r = std::fmod(x, y);
                            }
                            return 0;
                          });
    case Storage::kI64: {
      bool narrow = type.id == TypeId::kInt32;
      return BinaryKernel(a.i64(), b.i64(), a, b, count, &out->i64(), out, what,
                          [&op, narrow](int64_t x, int64_t y, int64_t* r) {
                            bool overflow = false;
                            if (op == "+") {
                              overflow = __builtin_add_overflow(x, y, r);
                            } else if (op == "-") {
                              overflow = __builtin_sub_overflow(x, y, r);
                            } else if (op == "*") {
                              overflow = __builtin_mul_overflow(x, y, r);
                            } else {
                              if (y == 0) return 1;  // DuckDB: integer division by zero is NULL
                              if (y == -1 && x == std::numeric_limits<int64_t>::min()) return 2;
                              *r = op == "%" ? x % y : x / y;
                            }
                            if (overflow) return 2;
                            if (narrow && (*r > std::numeric_limits<int32_t>::max() ||
                                           *r < std::numeric_limits<int32_t>::min())) {
                              return 2;
                            }
                            return 0;
                          });
    }
    case Storage::kI128: {
      int precision = type.id == TypeId::kDecimal ? type.precision : 0;
      return BinaryKernel(a.i128(), b.i128(), a, b, count, &out->i128(), out, what,
                          [&op, precision](int128 x, int128 y, int128* r) {
                            bool overflow = false;
                            if (op == "+") {
                              overflow = __builtin_add_overflow(x, y, r);
                            } else if (op == "-") {
                              overflow = __builtin_sub_overflow(x, y, r);
                            } else if (op == "*") {
                              overflow = __builtin_mul_overflow(x, y, r);
                            } else {
                              if (y == 0) return 1;
                              if (y == -1 && x == std::numeric_limits<int128>::min()) return 2;
                              *r = op == "%" ? x % y : x / y;
                            }
                            if (overflow) return 2;
                            if (precision > 0 && !FitsPrecision(*r, precision)) return 2;
                            return 0;
                          });
    }
    default:
      return Status::Internal("arithmetic on " + type.ToString());
  }
}

template <typename T>
int Cmp(T x, T y) {
  return x < y ? -1 : (y < x ? 1 : 0);
}

bool ApplyCompare(const std::string& op, int cmp) {
  switch (op[0]) {
    case '=':
      return cmp == 0;
    case '<':
      if (op.size() == 1) return cmp < 0;
      return op[1] == '=' ? cmp <= 0 : cmp != 0;
    case '>':
      return op.size() == 1 ? cmp > 0 : cmp >= 0;
  }
  return false;
}

template <typename T>
void CompareLoop(const ColumnArray<T>& a, const ColumnArray<T>& b, int64_t count,
                 const std::string& op, ColumnArray<uint8_t>* out) {
  out->resize(static_cast<size_t>(count));
  uint8_t* dst = out->data();
  const T* x = a.data();
  const T* y = b.data();
  // Specialised loops for the common operators so the compiler can vectorise them.
  if (op == "=") {
    for (int64_t row = 0; row < count; ++row) dst[row] = x[row] == y[row];
  } else if (op == "<") {
    for (int64_t row = 0; row < count; ++row) dst[row] = x[row] < y[row];
  } else if (op == "<=") {
    for (int64_t row = 0; row < count; ++row) dst[row] = x[row] <= y[row];
  } else if (op == ">") {
    for (int64_t row = 0; row < count; ++row) dst[row] = x[row] > y[row];
  } else if (op == ">=") {
    for (int64_t row = 0; row < count; ++row) dst[row] = x[row] >= y[row];
  } else {
    for (int64_t row = 0; row < count; ++row) dst[row] = x[row] != y[row];
  }
}

Status EvalCompare(const BoundExpr& expr, const Vector& a, const Vector& b, int64_t count,
                   Vector* out) {
  MergeNulls(a, b, count, out);
  auto& result = out->u8();
  switch (a.type().storage()) {
    case Storage::kU8:
      CompareLoop(a.u8(), b.u8(), count, expr.op, &result);
      break;
    case Storage::kI64:
      CompareLoop(a.i64(), b.i64(), count, expr.op, &result);
      break;
    case Storage::kI128:
      CompareLoop(a.i128(), b.i128(), count, expr.op, &result);
      break;
    case Storage::kF64:
      CompareLoop(a.f64(), b.f64(), count, expr.op, &result);
      break;
    case Storage::kStr:
      result.resize(static_cast<size_t>(count));
      for (int64_t row = 0; row < count; ++row) {
        result[static_cast<size_t>(row)] = ApplyCompare(expr.op, a.Str(row).compare(b.Str(row)));
      }
      break;
  }
  if (out->has_nulls()) {
    for (int64_t row = 0; row < count; ++row) {
      if (out->IsNull(row)) result[static_cast<size_t>(row)] = 0;
    }
  }
  out->SetSize(count);
  return Status::OK();
}

Status EvalCase(const BoundExpr& expr, const DataChunk& input, Vector* out) {
  int64_t count = input.size;
  size_t pairs = expr.children.size() / 2;
  std::vector<Vector> conditions(pairs);
  std::vector<Vector> results(pairs + 1);
  for (size_t idx = 0; idx < pairs; ++idx) {
    SLUICE_RETURN_IF_ERROR(Evaluate(*expr.children[2 * idx], input, &conditions[idx]));
    SLUICE_RETURN_IF_ERROR(Evaluate(*expr.children[2 * idx + 1], input, &results[idx]));
  }
  SLUICE_RETURN_IF_ERROR(Evaluate(*expr.children.back(), input, &results[pairs]));
  *out = Vector(expr.type);
  out->Reserve(count);
  for (int64_t row = 0; row < count; ++row) {
    size_t pick = pairs;
    for (size_t idx = 0; idx < pairs; ++idx) {
      if (!conditions[idx].IsNull(row) && conditions[idx].u8()[static_cast<size_t>(row)]) {
        pick = idx;
        break;
      }
    }
    out->AppendFrom(results[pick], row);
  }
  return Status::OK();
}

Status EvalIn(const BoundExpr& expr, const DataChunk& input, Vector* out) {
  int64_t count = input.size;
  std::vector<Vector> values(expr.children.size());
  for (size_t idx = 0; idx < expr.children.size(); ++idx) {
    SLUICE_RETURN_IF_ERROR(Evaluate(*expr.children[idx], input, &values[idx]));
  }
  *out = Vector(expr.type);
  out->Reserve(count);
  for (int64_t row = 0; row < count; ++row) {
    if (values[0].IsNull(row)) {
      out->AppendNull();
      continue;
    }
    bool found = false;
    bool saw_null = false;
    for (size_t idx = 1; idx < values.size() && !found; ++idx) {
      if (values[idx].IsNull(row)) {
        saw_null = true;
      } else if (CompareValues(values[0], row, values[idx], row) == 0) {
        found = true;
      }
    }
    if (!found && saw_null) {
      out->AppendNull();
    } else {
      out->AppendValue(Value::Boolean(found != expr.negated));
    }
  }
  return Status::OK();
}

Status EvalLogical(const BoundExpr& expr, const DataChunk& input, Vector* out) {
  int64_t count = input.size;
  Vector left_scratch;
  Vector right_scratch;
  SLUICE_ASSIGN_OR_RETURN(const Vector* a, EvalRef(*expr.children[0], input, &left_scratch));
  SLUICE_ASSIGN_OR_RETURN(const Vector* b, EvalRef(*expr.children[1], input, &right_scratch));
  bool is_and = expr.kind == BoundExpr::Kind::kAnd;
  *out = Vector(expr.type);
  auto& result = out->u8();
  result.resize(static_cast<size_t>(count));
  if (!a->has_nulls() && !b->has_nulls()) {
    for (int64_t row = 0; row < count; ++row) {
      auto idx = static_cast<size_t>(row);
      result[idx] = is_and ? (a->u8()[idx] & b->u8()[idx]) : (a->u8()[idx] | b->u8()[idx]);
    }
    out->SetSize(count);
    return Status::OK();
  }
  ColumnArray<uint8_t> nulls(static_cast<size_t>(count), 0);
  for (int64_t row = 0; row < count; ++row) {
    auto idx = static_cast<size_t>(row);
    bool an = a->IsNull(row);
    bool bn = b->IsNull(row);
    bool av = !an && a->u8()[idx];
    bool bv = !bn && b->u8()[idx];
    // Three-valued logic: FALSE AND NULL = FALSE, TRUE OR NULL = TRUE, otherwise NULL wins.
    bool decided = is_and ? ((!an && !av) || (!bn && !bv)) : (av || bv);
    if (decided) {
      result[idx] = is_and ? 0 : 1;
    } else if (an || bn) {
      result[idx] = 0;
      nulls[idx] = 1;
    } else {
      result[idx] = is_and ? 1 : 0;
    }
  }
  out->nulls() = std::move(nulls);
  out->SetSize(count);
  return Status::OK();
}

Status EvalRowWise(const BoundExpr& expr, const DataChunk& input, Vector* out) {
  int64_t count = input.size;
  std::vector<Vector> args(expr.children.size());
  for (size_t idx = 0; idx < expr.children.size(); ++idx) {
    SLUICE_RETURN_IF_ERROR(Evaluate(*expr.children[idx], input, &args[idx]));
  }
  *out = Vector(expr.type);
  out->Reserve(count);
  std::vector<Value> values(args.size());
  for (int64_t row = 0; row < count; ++row) {
    if (expr.kind == BoundExpr::Kind::kCoalesce) {
      bool done = false;
      for (auto& arg : args) {
        if (!arg.IsNull(row)) {
          out->AppendFrom(arg, row);
          done = true;
          break;
        }
      }
      if (!done) out->AppendNull();
      continue;
    }
    bool any_null = false;
    for (size_t idx = 0; idx < args.size(); ++idx) {
      values[idx] = args[idx].GetValue(row);
      any_null = any_null || values[idx].is_null;
    }
    if (any_null && expr.op != "concat") {
      out->AppendNull();
      continue;
    }
    SLUICE_ASSIGN_OR_RETURN(Value value, EvaluateFunction(expr.op, expr.type, values));
    out->AppendValue(value);
  }
  return Status::OK();
}

}  // namespace

int CompareValues(const Vector& a, int64_t ra, const Vector& b, int64_t rb) {
  auto ia = static_cast<size_t>(ra);
  auto ib = static_cast<size_t>(rb);
  switch (a.type().storage()) {
    case Storage::kU8:
      return Cmp(a.u8()[ia], b.u8()[ib]);
    case Storage::kI64:
      return Cmp(a.i64()[ia], b.i64()[ib]);
    case Storage::kI128:
      return Cmp(a.i128()[ia], b.i128()[ib]);
    case Storage::kF64: {
      // Total order as in DuckDB: NaN sorts after every other value and equals itself.
      double x = a.f64()[ia];
      double y = b.f64()[ib];
      bool xn = std::isnan(x);
      bool yn = std::isnan(y);
      if (xn || yn) return xn == yn ? 0 : (xn ? 1 : -1);
      return Cmp(x, y);
    }
    case Storage::kStr: {
      int cmp = a.Str(ra).compare(b.Str(rb));
      return cmp < 0 ? -1 : (cmp > 0 ? 1 : 0);
    }
  }
  return 0;
}

bool LikeMatch(std::string_view text, std::string_view pattern) {
  // Iterative wildcard matching with backtracking to the last '%'.
  size_t t = 0;
  size_t p = 0;
  size_t star_p = std::string_view::npos;
  size_t star_t = 0;
  while (t < text.size()) {
    if (p < pattern.size() && (pattern[p] == '_' || pattern[p] == text[t]) && pattern[p] != '%') {
      ++t;
      ++p;
    } else if (p < pattern.size() && pattern[p] == '%') {
      star_p = p++;
      star_t = t;
    } else if (star_p != std::string_view::npos) {
      p = star_p + 1;
      t = ++star_t;
    } else {
      return false;
    }
  }
  while (p < pattern.size() && pattern[p] == '%') ++p;
  return p == pattern.size();
}

Status CastVector(const Vector& input, const SqlType& target, Vector* out) {
  const SqlType& source = input.type();
  int64_t count = input.size();
  *out = Vector(target);
  if (source.storage() == target.storage() &&
      (source == target ||
       (source.IsInteger() && target.IsInteger() &&
        (target.id == TypeId::kInt64 || target.id == TypeId::kInt128)) ||
       (source.id == TypeId::kDecimal && target.id == TypeId::kDecimal &&
        source.scale == target.scale && source.precision <= target.precision) ||
       (source.id == TypeId::kNull))) {
    // Re-type only: the stored representation is the same.
    *out = input;
    out->Retype(target);
    return Status::OK();
  }
  if (source.id == TypeId::kNull) {
    out->AppendNulls(count);
    return Status::OK();
  }
  // Fast paths: integers widening into HUGEINT/DECIMAL/DOUBLE.
  if (source.storage() == Storage::kI64 && source.IsInteger()) {
    if (target.id == TypeId::kInt128 || target.id == TypeId::kDecimal ||
        target.id == TypeId::kDouble) {
      out->nulls() = input.nulls();
      int128 factor = target.id == TypeId::kDecimal ? Pow10(target.scale) : 1;
      int precision = target.id == TypeId::kDecimal ? target.precision : 0;
      for (int64_t row = 0; row < count; ++row) {
        int64_t v = input.i64()[static_cast<size_t>(row)];
        if (target.id == TypeId::kDouble) {
          out->f64().push_back(static_cast<double>(v));
          continue;
        }
        int128 scaled = static_cast<int128>(v) * factor;
        if (precision > 0 && !input.IsNull(row) && !FitsPrecision(scaled, precision)) {
          return Status::InvalidArgument("value " + std::to_string(v) + " is out of range for " +
                                         target.ToString());
        }
        out->i128().push_back(scaled);
      }
      out->SetSize(count);
      return Status::OK();
    }
  }
  if (source.id == TypeId::kDecimal && target.id == TypeId::kDouble) {
    out->nulls() = input.nulls();
    long double divisor = static_cast<long double>(Pow10(source.scale));
    for (int64_t row = 0; row < count; ++row) {
      out->f64().push_back(static_cast<double>(
          static_cast<long double>(input.i128()[static_cast<size_t>(row)]) / divisor));
    }
    out->SetSize(count);
    return Status::OK();
  }
  if (source.id == TypeId::kDecimal && target.id == TypeId::kDecimal) {
    out->nulls() = input.nulls();
    for (int64_t row = 0; row < count; ++row) {
      int128 v = input.i128()[static_cast<size_t>(row)];
      SLUICE_ASSIGN_OR_RETURN(int128 scaled, Rescale(v, source.scale, target.scale));
      if (!FitsPrecision(scaled, target.precision) && !input.IsNull(row)) {
        return Status::InvalidArgument("value " + Value::Wide(source, v).ToSql() +
                                       " is out of range for " + target.ToString());
      }
      out->i128().push_back(scaled);
    }
    out->SetSize(count);
    return Status::OK();
  }
  out->Reserve(count);
  for (int64_t row = 0; row < count; ++row) {
    if (input.IsNull(row)) {
      out->AppendNull();
      continue;
    }
    SLUICE_ASSIGN_OR_RETURN(Value value, CastValue(input.GetValue(row), target));
    out->AppendValue(value);
  }
  return Status::OK();
}

Status Evaluate(const BoundExpr& expr, const DataChunk& input, Vector* out) {
  int64_t count = input.size;
  switch (expr.kind) {
    case BoundExpr::Kind::kColumnRef:
      *out = input.columns[static_cast<size_t>(expr.index)];
      return Status::OK();
    case BoundExpr::Kind::kConstant:
      *out = Vector::Constant(expr.value, count);
      return Status::OK();
    case BoundExpr::Kind::kCast: {
      Vector scratch;
      SLUICE_ASSIGN_OR_RETURN(const Vector* child, EvalRef(*expr.children[0], input, &scratch));
      return CastVector(*child, expr.type, out);
    }
    case BoundExpr::Kind::kCompare:
    case BoundExpr::Kind::kArith: {
      Vector left_scratch;
      Vector right_scratch;
      SLUICE_ASSIGN_OR_RETURN(const Vector* a, EvalRef(*expr.children[0], input, &left_scratch));
      SLUICE_ASSIGN_OR_RETURN(const Vector* b, EvalRef(*expr.children[1], input, &right_scratch));
      *out = Vector(expr.type);
      if (expr.kind == BoundExpr::Kind::kCompare) return EvalCompare(expr, *a, *b, count, out);
      return EvalArith(expr, *a, *b, count, out);
    }
    case BoundExpr::Kind::kNegate: {
      Vector scratch;
      SLUICE_ASSIGN_OR_RETURN(const Vector* child, EvalRef(*expr.children[0], input, &scratch));
      Value zero{expr.type, false};
      Vector zeros = Vector::Constant(zero, count);
      BoundExpr minus;
      minus.op = "-";
      minus.type = expr.type;
      *out = Vector(expr.type);
      return EvalArith(minus, zeros, *child, count, out);
    }
    case BoundExpr::Kind::kAnd:
    case BoundExpr::Kind::kOr:
      return EvalLogical(expr, input, out);
    case BoundExpr::Kind::kNot: {
      Vector scratch;
      SLUICE_ASSIGN_OR_RETURN(const Vector* child, EvalRef(*expr.children[0], input, &scratch));
      *out = Vector(expr.type);
      out->nulls() = child->nulls();
      out->u8().resize(static_cast<size_t>(count));
      for (int64_t row = 0; row < count; ++row) {
        out->u8()[static_cast<size_t>(row)] =
            child->IsNull(row) ? 0 : !child->u8()[static_cast<size_t>(row)];
      }
      out->SetSize(count);
      return Status::OK();
    }
    case BoundExpr::Kind::kIsNull: {
      Vector scratch;
      SLUICE_ASSIGN_OR_RETURN(const Vector* child, EvalRef(*expr.children[0], input, &scratch));
      *out = Vector(expr.type);
      out->u8().resize(static_cast<size_t>(count));
      for (int64_t row = 0; row < count; ++row) {
        out->u8()[static_cast<size_t>(row)] = child->IsNull(row) != expr.negated;
      }
      out->SetSize(count);
      return Status::OK();
    }
    case BoundExpr::Kind::kIn:
      return EvalIn(expr, input, out);
    case BoundExpr::Kind::kLike: {
      Vector left_scratch;
      Vector right_scratch;
      SLUICE_ASSIGN_OR_RETURN(const Vector* text, EvalRef(*expr.children[0], input, &left_scratch));
      SLUICE_ASSIGN_OR_RETURN(const Vector* pattern,
                              EvalRef(*expr.children[1], input, &right_scratch));
      *out = Vector(expr.type);
      MergeNulls(*text, *pattern, count, out);
      out->u8().resize(static_cast<size_t>(count));
      for (int64_t row = 0; row < count; ++row) {
        if (out->IsNull(row)) continue;
        out->u8()[static_cast<size_t>(row)] =
            LikeMatch(text->Str(row), pattern->Str(row)) != expr.negated;
      }
      out->SetSize(count);
      return Status::OK();
    }
    case BoundExpr::Kind::kCase:
      return EvalCase(expr, input, out);
    case BoundExpr::Kind::kCoalesce:
    case BoundExpr::Kind::kFunction:
      return EvalRowWise(expr, input, out);
  }
  return Status::Internal("unknown expression kind");
}

Status EvaluateFilter(const BoundExpr& expr, const DataChunk& input,
                      std::vector<uint32_t>* selected) {
  Vector scratch;
  SLUICE_ASSIGN_OR_RETURN(const Vector* result, EvalRef(expr, input, &scratch));
  selected->clear();
  const auto& values = result->u8();
  for (int64_t row = 0; row < input.size; ++row) {
    if (values[static_cast<size_t>(row)] && !result->IsNull(row)) {
      selected->push_back(static_cast<uint32_t>(row));
    }
  }
  return Status::OK();
}

}  // namespace sluice::engine

// UnionAllOperator: the rows of each child in turn (children already project to one type list).
// Thread-safety: single consumer. Ownership: owns its children.
#pragma once

#include "engine/exec/operator.h"

namespace sluice::engine {

class UnionAllOperator : public Operator {
 public:
  explicit UnionAllOperator(std::vector<OperatorPtr> children) : children_(std::move(children)) {}
  Result<bool> Next(DataChunk* out) override {
    while (current_ < children_.size()) {
      SLUICE_ASSIGN_OR_RETURN(bool more, children_[current_]->Next(out));
      if (more) return true;
      children_[current_].reset();  // release the finished branch's resources early
      ++current_;
    }
    return false;
  }

 private:
  std::vector<OperatorPtr> children_;
  size_t current_ = 0;
};

}  // namespace sluice::engine

// RegexMatcher: a small regular-expression engine for contract `regex` checks, compiled once to a
// byte-level DFA so matching costs one table lookup per byte (std::regex backtracks and is
// 10-100x slower on typical column patterns; see bench/validate).
//
// Supported syntax (full-match semantics: the pattern must match the whole value; a leading '^'
// and trailing '$' are accepted and redundant): literals and escapes (\. \\ \t \n ...), '.',
// classes [a-z0-9_] [^...] with ASCII members, \d \D \w \W \s \S, groups (...) and (?:...),
// alternation |, quantifiers * + ? {n} {n,} {n,m} (a lazy '?' suffix is accepted: it does not
// change what a full match accepts). '.', negated classes and \D \W \S match one whole UTF-8
// character. Back-references, look-around, \b and non-ASCII class members are NotSupported.
// Thread-safety: an immutable value after Compile(); Matches() may run on many threads.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "sluice/result.h"

namespace sluice::validate {

class RegexMatcher {
 public:
  static Result<RegexMatcher> Compile(std::string_view pattern);

  bool Matches(std::string_view text) const {
    int32_t state = 0;
    for (unsigned char byte : text) {
      state = table_[static_cast<size_t>(state) * 256 + byte];
      if (state < 0) return false;
    }
    return accepting_[static_cast<size_t>(state)] != 0;
  }

  const std::string& pattern() const { return pattern_; }
  int num_states() const { return static_cast<int>(accepting_.size()); }

 private:
  std::string pattern_;
  std::vector<int32_t> table_;  // num_states * 256; -1 = dead
  std::vector<uint8_t> accepting_;
};

}  // namespace sluice::validate

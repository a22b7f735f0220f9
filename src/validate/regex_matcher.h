// RegexMatcher: a small regular-expression engine for contract `regex` checks, compiled once to a
// byte-level DFA so matching costs one table lookup per byte (std::regex backtracks and is
// 10-100x slower on typical column patterns; see bench/validate). A pattern that is a fixed
// sequence of byte classes is further checked position by position, without the DFA's chain.
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
    if (fixed_length_ >= 0) {
      // Positional form: every byte checked against its position's class, independently
      // (no chain of dependent table lookups).
      if (text.size() != static_cast<size_t>(fixed_length_)) return false;
      uint8_t ok = 1;
      const uint8_t* masks = position_masks_.data();
      for (size_t pos = 0; pos < text.size(); ++pos) {
        ok &= masks[pos * 256 + static_cast<unsigned char>(text[pos])];
      }
      return ok != 0;
    }
    int32_t state = 0;
    for (unsigned char byte : text) {
      state = table_[static_cast<size_t>(state) * 256 + byte];
      if (state < 0) return false;
    }
    return accepting_[static_cast<size_t>(state)] != 0;
  }

  const std::string& pattern() const { return pattern_; }
  int num_states() const { return static_cast<int>(accepting_.size()); }
  /// The length every match has when the pattern is a fixed sequence of byte classes (codes
  /// such as '[A-Z]{3}-[0-9]{4}'), else -1.
  int fixed_length() const { return fixed_length_; }

 private:
  void FindPositionalForm();

  std::string pattern_;
  std::vector<int32_t> table_;  // num_states * 256; -1 = dead
  std::vector<uint8_t> accepting_;
  int32_t fixed_length_ = -1;
  std::vector<uint8_t> position_masks_;  // fixed_length_ * 256: 1 = the byte may be there
};

}  // namespace sluice::validate

#include "validate/regex_matcher.h"

#include <algorithm>
#include <bitset>
#include <map>
#include <memory>

namespace sluice::validate {

namespace {

// Limits that keep a hostile or accidental pattern from exhausting memory: the NFA after
// expanding counted repetitions, and the DFA (each state is a 1 KiB row of the table).
constexpr size_t kMaxNfaStates = 20000;
constexpr size_t kMaxDfaStates = 4096;

using ByteSet = std::bitset<256>;

struct Node {
  enum class Kind { kSet, kConcat, kAlt, kRepeat, kEmpty };
  Kind kind = Kind::kEmpty;
  ByteSet set;
  std::vector<std::unique_ptr<Node>> children;
  int min = 0;
  int max = 0;  // -1: unbounded
};
using NodePtr = std::unique_ptr<Node>;

NodePtr MakeSet(const ByteSet& set) {
  auto node = std::make_unique<Node>();
  node->kind = Node::Kind::kSet;
  node->set = set;
  return node;
}
NodePtr MakeByte(unsigned char byte) {
  ByteSet set;
  set.set(byte);
  return MakeSet(set);
}
NodePtr MakeRange(unsigned lo, unsigned hi) {
  ByteSet set;
  for (unsigned value = lo; value <= hi; ++value) set.set(value);
  return MakeSet(set);
}
NodePtr MakeSeq(std::vector<NodePtr> parts) {
  auto node = std::make_unique<Node>();
  node->kind = Node::Kind::kConcat;
  node->children = std::move(parts);
  return node;
}

// One UTF-8 character whose first byte is ASCII and in `ascii`, or any multi-byte character
// (when `multibyte`).
NodePtr Utf8Char(const ByteSet& ascii, bool multibyte) {
  auto alt = std::make_unique<Node>();
  alt->kind = Node::Kind::kAlt;
  alt->children.push_back(MakeSet(ascii));
  if (multibyte) {
    std::vector<NodePtr> two;
    two.push_back(MakeRange(0xC2, 0xDF));
    two.push_back(MakeRange(0x80, 0xBF));
    alt->children.push_back(MakeSeq(std::move(two)));
    std::vector<NodePtr> three;
    three.push_back(MakeRange(0xE0, 0xEF));
    three.push_back(MakeRange(0x80, 0xBF));
    three.push_back(MakeRange(0x80, 0xBF));
    alt->children.push_back(MakeSeq(std::move(three)));
    std::vector<NodePtr> four;
    four.push_back(MakeRange(0xF0, 0xF4));
    four.push_back(MakeRange(0x80, 0xBF));
    four.push_back(MakeRange(0x80, 0xBF));
    four.push_back(MakeRange(0x80, 0xBF));
    alt->children.push_back(MakeSeq(std::move(four)));
  }
  return alt;
}

NodePtr Clone(const Node& node) {
  auto out = std::make_unique<Node>();
  out->kind = node.kind;
  out->set = node.set;
  out->min = node.min;
  out->max = node.max;
  for (const auto& child : node.children) out->children.push_back(Clone(*child));
  return out;
}

class Parser {
 public:
  explicit Parser(std::string_view pattern) : text_(pattern) {}

  Result<NodePtr> ParseAll() {
    if (pos_ < text_.size() && text_[pos_] == '^') ++pos_;
    SLUICE_ASSIGN_OR_RETURN(NodePtr node, ParseAlt());
    if (pos_ < text_.size()) return Error("unbalanced ')'");
    return node;
  }

 private:
  Status Error(const std::string& what) const {
    return Status::InvalidArgument("regex '" + std::string(text_) + "' at offset " +
                                   std::to_string(pos_) + ": " + what);
  }
  Status Unsupported(const std::string& what) const {
    return Status::NotSupported("regex '" + std::string(text_) + "' at offset " +
                                std::to_string(pos_) + ": " + what);
  }

  Result<NodePtr> ParseAlt() {
    auto alt = std::make_unique<Node>();
    alt->kind = Node::Kind::kAlt;
    while (true) {
      SLUICE_ASSIGN_OR_RETURN(NodePtr branch, ParseConcat());
      alt->children.push_back(std::move(branch));
      if (pos_ < text_.size() && text_[pos_] == '|') {
        ++pos_;
        continue;
      }
      break;
    }
    if (alt->children.size() == 1) return std::move(alt->children[0]);
    return alt;
  }

  Result<NodePtr> ParseConcat() {
    std::vector<NodePtr> parts;
    while (pos_ < text_.size() && text_[pos_] != '|' && text_[pos_] != ')') {
      if (text_[pos_] == '$' && pos_ + 1 == text_.size()) {
        ++pos_;  // trailing anchor: redundant under full-match semantics
        break;
      }
      SLUICE_ASSIGN_OR_RETURN(NodePtr atom, ParseAtom());
      SLUICE_ASSIGN_OR_RETURN(atom, ParseQuantifiers(std::move(atom)));
      parts.push_back(std::move(atom));
    }
    if (parts.size() == 1) return std::move(parts[0]);
    return MakeSeq(std::move(parts));
  }

  Result<int> ReadNumber() {
    size_t start = pos_;
    int value = 0;
    while (pos_ < text_.size() && text_[pos_] >= '0' && text_[pos_] <= '9') {
      value = value * 10 + (text_[pos_] - '0');
      // Counts above 1000 would expand into an NFA far beyond kMaxNfaStates anyway.
      if (value > 1000) return Unsupported("repetition count above 1000");
      ++pos_;
    }
    if (pos_ == start) return Error("expected a number in {}");
    return value;
  }

  Result<NodePtr> ParseQuantifiers(NodePtr atom) {
    while (pos_ < text_.size()) {
      char ch = text_[pos_];
      int min = 0, max = 0;
      if (ch == '*') {
        min = 0, max = -1;
        ++pos_;
      } else if (ch == '+') {
        min = 1, max = -1;
        ++pos_;
      } else if (ch == '?') {
        min = 0, max = 1;
        ++pos_;
      } else if (ch == '{') {
        ++pos_;
        SLUICE_ASSIGN_OR_RETURN(min, ReadNumber());
        max = min;
        if (pos_ < text_.size() && text_[pos_] == ',') {
          ++pos_;
          if (pos_ < text_.size() && text_[pos_] == '}') {
            max = -1;
          } else {
            SLUICE_ASSIGN_OR_RETURN(max, ReadNumber());
          }
        }
        if (pos_ >= text_.size() || text_[pos_] != '}') return Error("expected '}'");
        ++pos_;
        if (max >= 0 && max < min) return Error("{n,m} with m < n");
      } else {
        break;
      }
      // A lazy/possessive suffix does not change the set of full matches.
      if (pos_ < text_.size() && (text_[pos_] == '?' || text_[pos_] == '+') && ch != '?') ++pos_;
      auto rep = std::make_unique<Node>();
      rep->kind = Node::Kind::kRepeat;
      rep->min = min;
      rep->max = max;
      rep->children.push_back(std::move(atom));
      atom = std::move(rep);
    }
    return atom;
  }

  // Class escapes shared by atoms and bracket classes. Returns true when handled.
  bool ClassEscape(char ch, ByteSet* set, bool* negated) {
    ByteSet out;
    switch (ch) {
      case 'd':
      case 'D':
        for (unsigned c = '0'; c <= '9'; ++c) out.set(c);
        break;
      case 'w':
      case 'W':
        for (unsigned c = '0'; c <= '9'; ++c) out.set(c);
        for (unsigned c = 'a'; c <= 'z'; ++c) out.set(c);
        for (unsigned c = 'A'; c <= 'Z'; ++c) out.set(c);
        out.set('_');
        break;
      case 's':
      case 'S':
        for (char c : std::string_view(" \t\n\r\f\v")) out.set(static_cast<unsigned char>(c));
        break;
      default:
        return false;
    }
    *negated = ch == 'D' || ch == 'W' || ch == 'S';
    *set = out;
    return true;
  }

  Result<unsigned char> LiteralEscape(char ch) {
    switch (ch) {
      case 't':
        return static_cast<unsigned char>('\t');
      case 'n':
        return static_cast<unsigned char>('\n');
      case 'r':
        return static_cast<unsigned char>('\r');
      case 'f':
        return static_cast<unsigned char>('\f');
      case 'v':
        return static_cast<unsigned char>('\v');
      case '0':
        return static_cast<unsigned char>('\0');
      default:
        break;
    }
    if ((ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') || (ch >= '0' && ch <= '9')) {
      return Unsupported(std::string("escape '\\") + ch + "'");
    }
    return static_cast<unsigned char>(ch);
  }

  Result<NodePtr> ParseAtom() {
    char ch = text_[pos_];
    if (ch == '(') {
      ++pos_;
      if (pos_ < text_.size() && text_[pos_] == '?') {
        if (pos_ + 1 < text_.size() && text_[pos_ + 1] == ':') {
          pos_ += 2;
        } else {
          return Unsupported("look-around and inline flags");
        }
      }
      SLUICE_ASSIGN_OR_RETURN(NodePtr inner, ParseAlt());
      if (pos_ >= text_.size() || text_[pos_] != ')') return Error("missing ')'");
      ++pos_;
      return inner;
    }
    if (ch == '[') return ParseClass();
    if (ch == '.') {
      ++pos_;
      ByteSet ascii;
      for (unsigned c = 0; c < 0x80; ++c) ascii.set(c);
      ascii.reset('\n');
      return Utf8Char(ascii, true);
    }
    if (ch == '*' || ch == '+' || ch == '?' || ch == '{') return Error("nothing to repeat");
    if (ch == '^' || ch == '$') return Unsupported("anchors inside the pattern");
    if (ch == '\\') {
      if (++pos_ >= text_.size()) return Error("pattern ends with '\\'");
      char esc = text_[pos_++];
      ByteSet set;
      bool negated = false;
      if (ClassEscape(esc, &set, &negated)) {
        if (!negated) return MakeSet(set);
        ByteSet ascii;
        for (unsigned c = 0; c < 0x80; ++c) ascii.set(c);
        return Utf8Char(ascii & ~set, true);
      }
      SLUICE_ASSIGN_OR_RETURN(unsigned char byte, LiteralEscape(esc));
      return MakeByte(byte);
    }
    // A literal character: a whole UTF-8 sequence, so a quantifier applies to all of it.
    auto lead = static_cast<unsigned char>(ch);
    size_t len = lead < 0x80 ? 1 : lead >= 0xF0 ? 4 : lead >= 0xE0 ? 3 : 2;
    if (pos_ + len > text_.size()) return Error("truncated UTF-8 character");
    std::vector<NodePtr> bytes;
    for (size_t idx = 0; idx < len; ++idx) {
      bytes.push_back(MakeByte(static_cast<unsigned char>(text_[pos_ + idx])));
    }
    pos_ += len;
    if (bytes.size() == 1) return std::move(bytes[0]);
    return MakeSeq(std::move(bytes));
  }

  Result<NodePtr> ParseClass() {
    ++pos_;  // '['
    bool negate = false;
    if (pos_ < text_.size() && text_[pos_] == '^') {
      negate = true;
      ++pos_;
    }
    ByteSet set;
    bool first = true;
    while (true) {
      if (pos_ >= text_.size()) return Error("missing ']'");
      char ch = text_[pos_];
      if (ch == ']' && !first) {
        ++pos_;
        break;
      }
      first = false;
      unsigned char lo;
      if (ch == '\\') {
        if (++pos_ >= text_.size()) return Error("pattern ends with '\\'");
        char esc = text_[pos_++];
        ByteSet escaped;
        bool negated = false;
        if (ClassEscape(esc, &escaped, &negated)) {
          if (negated) {
            ByteSet ascii;
            for (unsigned c = 0; c < 0x80; ++c) ascii.set(c);
            escaped = ascii & ~escaped;
          }
          set |= escaped;
          continue;
        }
        SLUICE_ASSIGN_OR_RETURN(lo, LiteralEscape(esc));
      } else {
        lo = static_cast<unsigned char>(ch);
        ++pos_;
      }
      if (lo >= 0x80) return Unsupported("non-ASCII characters in a class");
      unsigned char hi = lo;
      if (pos_ + 1 < text_.size() && text_[pos_] == '-' && text_[pos_ + 1] != ']') {
        ++pos_;
        char end = text_[pos_];
        if (end == '\\') {
          if (++pos_ >= text_.size()) return Error("pattern ends with '\\'");
          SLUICE_ASSIGN_OR_RETURN(hi, LiteralEscape(text_[pos_]));
        } else {
          hi = static_cast<unsigned char>(end);
        }
        ++pos_;
        if (hi >= 0x80) return Unsupported("non-ASCII characters in a class");
        if (hi < lo) return Error("class range out of order");
      }
      for (unsigned value = lo; value <= hi; ++value) set.set(value);
    }
    if (!negate) return MakeSet(set);
    ByteSet ascii;
    for (unsigned c = 0; c < 0x80; ++c) ascii.set(c);
    return Utf8Char(ascii & ~set, true);
  }

  std::string_view text_;
  size_t pos_ = 0;
};

// Thompson NFA: a state either consumes one byte of `set` and goes to `out`, or is an epsilon
// split to `out` and `out1` (-1 = none), or is the final match state.
struct NfaState {
  enum class Kind { kByte, kSplit, kMatch };
  Kind kind;
  ByteSet set;
  int out = -1;
  int out1 = -1;
};

class NfaBuilder {
 public:
  // A fragment: its start state and the dangling exits (state index, which out) to patch.
  struct Frag {
    int start;
    std::vector<std::pair<int, int>> exits;
  };

  Result<Frag> Build(const Node& node) {
    if (states_.size() > kMaxNfaStates) {
      return Status::NotSupported("regex too large after expanding repetitions");
    }
    switch (node.kind) {
      case Node::Kind::kSet: {
        int id = Add({NfaState::Kind::kByte, node.set});
        return Frag{id, {{id, 0}}};
      }
      case Node::Kind::kEmpty: {
        int id = Add({NfaState::Kind::kSplit, {}});
        return Frag{id, {{id, 0}}};
      }
      case Node::Kind::kConcat: {
        if (node.children.empty()) return Build(Node{});
        SLUICE_ASSIGN_OR_RETURN(Frag frag, Build(*node.children[0]));
        for (size_t idx = 1; idx < node.children.size(); ++idx) {
          SLUICE_ASSIGN_OR_RETURN(Frag next, Build(*node.children[idx]));
          Patch(frag.exits, next.start);
          frag.exits = std::move(next.exits);
        }
        return frag;
      }
      case Node::Kind::kAlt: {
        SLUICE_ASSIGN_OR_RETURN(Frag frag, Build(*node.children[0]));
        for (size_t idx = 1; idx < node.children.size(); ++idx) {
          SLUICE_ASSIGN_OR_RETURN(Frag other, Build(*node.children[idx]));
          int split = Add({NfaState::Kind::kSplit, {}});
          states_[static_cast<size_t>(split)].out = frag.start;
          states_[static_cast<size_t>(split)].out1 = other.start;
          frag.start = split;
          frag.exits.insert(frag.exits.end(), other.exits.begin(), other.exits.end());
        }
        return frag;
      }
      case Node::Kind::kRepeat: {
        const Node& child = *node.children[0];
        // Mandatory copies, then optional copies (or a star for an unbounded max).
        std::vector<Frag> parts;
        for (int copy = 0; copy < node.min; ++copy) {
          SLUICE_ASSIGN_OR_RETURN(Frag part, Build(child));
          parts.push_back(std::move(part));
        }
        if (node.max < 0) {
          SLUICE_ASSIGN_OR_RETURN(Frag body, Build(child));
          int split = Add({NfaState::Kind::kSplit, {}});
          states_[static_cast<size_t>(split)].out = body.start;
          Patch(body.exits, split);
          parts.push_back(Frag{split, {{split, 1}}});
        } else {
          for (int copy = node.min; copy < node.max; ++copy) {
            SLUICE_ASSIGN_OR_RETURN(Frag body, Build(child));
            int split = Add({NfaState::Kind::kSplit, {}});
            states_[static_cast<size_t>(split)].out = body.start;
            body.exits.push_back({split, 1});
            parts.push_back(Frag{split, std::move(body.exits)});
          }
        }
        if (parts.empty()) return Build(Node{});
        Frag frag = std::move(parts[0]);
        for (size_t idx = 1; idx < parts.size(); ++idx) {
          Patch(frag.exits, parts[idx].start);
          frag.exits = std::move(parts[idx].exits);
        }
        return frag;
      }
    }
    return Status::Internal("unknown regex node");
  }

  int Add(NfaState state) {
    states_.push_back(std::move(state));
    return static_cast<int>(states_.size()) - 1;
  }
  void Patch(const std::vector<std::pair<int, int>>& exits, int target) {
    for (const auto& [state, which] : exits) {
      if (which == 0) {
        states_[static_cast<size_t>(state)].out = target;
      } else {
        states_[static_cast<size_t>(state)].out1 = target;
      }
    }
  }
  std::vector<NfaState>& states() { return states_; }

 private:
  std::vector<NfaState> states_;
};

void Closure(const std::vector<NfaState>& states, int start, std::vector<uint8_t>* seen,
             std::vector<int>* out) {
  std::vector<int> stack = {start};
  while (!stack.empty()) {
    int id = stack.back();
    stack.pop_back();
    if (id < 0 || (*seen)[static_cast<size_t>(id)]) continue;
    (*seen)[static_cast<size_t>(id)] = 1;
    const NfaState& state = states[static_cast<size_t>(id)];
    if (state.kind == NfaState::Kind::kSplit) {
      stack.push_back(state.out1);
      stack.push_back(state.out);
    } else {
      out->push_back(id);
    }
  }
}

}  // namespace

Result<RegexMatcher> RegexMatcher::Compile(std::string_view pattern) {
  Parser parser(pattern);
  SLUICE_ASSIGN_OR_RETURN(NodePtr root, parser.ParseAll());
  NfaBuilder builder;
  SLUICE_ASSIGN_OR_RETURN(NfaBuilder::Frag frag, builder.Build(*root));
  int match = builder.Add({NfaState::Kind::kMatch, {}});
  builder.Patch(frag.exits, match);
  const std::vector<NfaState>& states = builder.states();

  RegexMatcher out;
  out.pattern_ = std::string(pattern);
  std::map<std::vector<int>, int32_t> ids;
  std::vector<std::vector<int>> sets;
  std::vector<uint8_t> seen(states.size());
  auto intern = [&](std::vector<int> set) -> Result<int32_t> {
    std::sort(set.begin(), set.end());
    auto it = ids.find(set);
    if (it != ids.end()) return it->second;
    if (sets.size() >= kMaxDfaStates) {
      return Status::NotSupported("regex '" + out.pattern_ + "' needs more than " +
                                  std::to_string(kMaxDfaStates) + " DFA states");
    }
    auto id = static_cast<int32_t>(sets.size());
    ids.emplace(set, id);
    sets.push_back(std::move(set));
    return id;
  };
  std::vector<int> start;
  Closure(states, frag.start, &seen, &start);
  SLUICE_ASSIGN_OR_RETURN(int32_t start_id, intern(std::move(start)));
  (void)start_id;
  for (size_t dfa = 0; dfa < sets.size(); ++dfa) {
    out.table_.resize((dfa + 1) * 256, -1);
    bool accepting = false;
    for (int id : sets[dfa])
      accepting |= states[static_cast<size_t>(id)].kind == NfaState::Kind::kMatch;
    out.accepting_.push_back(accepting ? 1 : 0);
    for (unsigned byte = 0; byte < 256; ++byte) {
      std::fill(seen.begin(), seen.end(), 0);
      std::vector<int> next;
      for (int id : sets[dfa]) {
        const NfaState& state = states[static_cast<size_t>(id)];
        if (state.kind == NfaState::Kind::kByte && state.set.test(byte)) {
          Closure(states, state.out, &seen, &next);
        }
      }
      if (next.empty()) continue;
      SLUICE_ASSIGN_OR_RETURN(int32_t target, intern(std::move(next)));
      out.table_[dfa * 256 + byte] = target;
    }
  }
  out.FindPositionalForm();
  return out;
}

void RegexMatcher::FindPositionalForm() {
  // Walk from the start: each step must lead every accepted byte to one and the same state,
  // only the last state may accept, and it must accept nothing more.
  constexpr size_t kMaxPositions = 64;
  std::vector<uint8_t> masks;
  int32_t state = 0;
  for (size_t position = 0; position <= kMaxPositions; ++position) {
    const int32_t* row = table_.data() + static_cast<size_t>(state) * 256;
    int32_t next = -1;
    for (unsigned byte = 0; byte < 256; ++byte) {
      if (row[byte] < 0) continue;
      if (next >= 0 && row[byte] != next) return;  // branches: not positional
      next = row[byte];
    }
    if (accepting_[static_cast<size_t>(state)]) {
      if (next >= 0) return;  // accepts here and also goes on: lengths vary
      fixed_length_ = static_cast<int32_t>(position);
      position_masks_ = std::move(masks);
      return;
    }
    if (next < 0) return;  // a dead end before accepting
    for (unsigned byte = 0; byte < 256; ++byte) masks.push_back(row[byte] == next ? 1 : 0);
    state = next;
  }
}

}  // namespace sluice::validate

#include "validate/regex_matcher.h"

#include <gtest/gtest.h>

#include <regex>

namespace sluice::validate {
namespace {

bool Match(const std::string& pattern, const std::string& text) {
  auto matcher = RegexMatcher::Compile(pattern);
  EXPECT_TRUE(matcher.ok()) << pattern << ": " << matcher.status().ToString();
  return matcher.ok() && matcher->Matches(text);
}

TEST(RegexMatcherTest, FullMatchSemantics) {
  EXPECT_TRUE(Match("abc", "abc"));
  EXPECT_FALSE(Match("abc", "abcd"));
  EXPECT_FALSE(Match("abc", "xabc"));
  EXPECT_TRUE(Match("^abc$", "abc"));
  EXPECT_TRUE(Match(".*abc.*", "xxabcxx"));
  EXPECT_TRUE(Match("", ""));
  EXPECT_FALSE(Match("", "a"));
}

TEST(RegexMatcherTest, CommonColumnPatterns) {
  const std::string email = R"([A-Za-z0-9._%+-]+@[A-Za-z0-9.-]+\.[A-Za-z]{2,})";
  EXPECT_TRUE(Match(email, "jane.doe+x@example.co.uk"));
  EXPECT_FALSE(Match(email, "jane.doe@example"));
  EXPECT_FALSE(Match(email, "@example.com"));
  EXPECT_TRUE(Match(R"([A-Z]{2}-\d{4})", "AB-1234"));
  EXPECT_FALSE(Match(R"([A-Z]{2}-\d{4})", "AB-123"));
  EXPECT_FALSE(Match(R"([A-Z]{2}-\d{4})", "ab-1234"));
  EXPECT_TRUE(Match(R"(\d{3}(-\d{2,4})?)", "123"));
  EXPECT_TRUE(Match(R"(\d{3}(-\d{2,4})?)", "123-12"));
  EXPECT_FALSE(Match(R"(\d{3}(-\d{2,4})?)", "123-12345"));
  EXPECT_TRUE(Match("(new|paid|shipped)", "paid"));
  EXPECT_FALSE(Match("(new|paid|shipped)", "pai"));
  EXPECT_TRUE(Match(R"([^,]+,[^,]+)", "a,b"));
  EXPECT_FALSE(Match(R"([^,]+,[^,]+)", "a,b,c"));
  EXPECT_TRUE(Match(R"(\s*\w+\s*)", "  hello_1 "));
  EXPECT_TRUE(Match(R"(a{2,})", "aaaa"));
  EXPECT_FALSE(Match(R"(a{2,})", "a"));
  EXPECT_TRUE(Match(R"([a\-z]+)", "-a-z"));
  EXPECT_TRUE(Match(R"(x*?y)", "xxy"));
  EXPECT_TRUE(Match(R"(\.\*)", ".*"));
}

TEST(RegexMatcherTest, Utf8) {
  EXPECT_TRUE(Match("...", "héé"));  // '.' is one character, not one byte
  EXPECT_FALSE(Match("..", "héé"));
  EXPECT_TRUE(Match("caf(é)+", "caféé"));  // quantifier applies to the whole character
  EXPECT_TRUE(Match("[^a]b", "éb"));
  EXPECT_TRUE(Match(R"(\D+)", "日本"));
}

TEST(RegexMatcherTest, AgreesWithStdRegexOnSamples) {
  const char* patterns[] = {R"([0-9]+(\.[0-9]{1,2})?)", "(ab|a)(bc|c)", "a*b*c*",
                            R"([a-c]{1,3}d?)"};
  const char* texts[] = {"",     "1",      "12.3", "12.345", "abc", "ac",
                         "abbc", "aabbcc", "abd",  "cba",    "acd", "x"};
  for (const char* pattern : patterns) {
    std::regex expected(pattern);
    for (const char* text : texts) {
      EXPECT_EQ(Match(pattern, text), std::regex_match(text, expected)) << pattern << " / " << text;
    }
  }
}

// Fixed sequences of byte classes are matched position by position; the answers must be the
// DFA's (and std::regex's) for every length around the fixed one.
TEST(RegexMatcherTest, PositionalFormAgreesWithStdRegex) {
  struct Case {
    const char* pattern;
    int fixed_length;
  };
  const Case cases[] = {{R"([A-Z]{3}-[0-9]{4})", 8},
                        {R"(\d\d\d)", 3},
                        {"(a|b)c", 2},
                        {"", 0},
                        {"(ab|cd)", -1},
                        {"a?", -1},
                        {"a+", -1},
                        {"..", -1}};  // '.' spans UTF-8 bytes
  const char* texts[] = {"",          "a",        "ac",       "bc",       "cc",       "ab",
                         "cd",        "123",      "12a",      "1234",     "HOS-0034", "HOS-003",
                         "HOS-00345", "HoS-0034", "HOS_0034", "ZZZ-9999", "aa"};
  for (const Case& test : cases) {
    auto matcher = RegexMatcher::Compile(test.pattern);
    ASSERT_TRUE(matcher.ok()) << test.pattern;
    EXPECT_EQ(matcher->fixed_length(), test.fixed_length) << test.pattern;
    std::regex expected(test.pattern);
    for (const char* text : texts) {
      EXPECT_EQ(matcher->Matches(text), std::regex_match(text, expected))
          << test.pattern << " / " << text;
    }
  }
}

TEST(RegexMatcherTest, RejectsUnsupportedAndMalformed) {
  EXPECT_EQ(RegexMatcher::Compile(R"((a)\1)").status().code(), StatusCode::kNotSupported);
  EXPECT_EQ(RegexMatcher::Compile("(?=a)").status().code(), StatusCode::kNotSupported);
  EXPECT_EQ(RegexMatcher::Compile(R"(\bword)").status().code(), StatusCode::kNotSupported);
  EXPECT_EQ(RegexMatcher::Compile("[é]").status().code(), StatusCode::kNotSupported);
  EXPECT_EQ(RegexMatcher::Compile("a{2000}").status().code(), StatusCode::kNotSupported);
  EXPECT_EQ(RegexMatcher::Compile("(ab").status().code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(RegexMatcher::Compile("ab)").status().code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(RegexMatcher::Compile("[ab").status().code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(RegexMatcher::Compile("*a").status().code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(RegexMatcher::Compile("a{3,2}").status().code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(RegexMatcher::Compile("[z-a]").status().code(), StatusCode::kInvalidArgument);
}

}  // namespace
}  // namespace sluice::validate

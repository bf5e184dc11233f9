//===- LexerFastPathTest.cpp - The lexer's fast path vs the runtime's steps -===//

#include "python/LexerFastPath.h"
#include "python/PythonSyntax.h"
#include "TreeShape.h"

#include <gtest/gtest.h>

#include <random>
#include <string>
#include <vector>

using namespace paramlint;
using namespace paramlint::py;

namespace {

/// A parser of its own, with or without the fast path.
struct LexerParser : test::OwnParser {
  explicit LexerParser(bool Fast) {
    if (Fast)
      EXPECT_TRUE(useLexerFastPath(P));
  }
};

} // namespace

// Debian's runtime is 0.20.7: the self-check passes and the parse arena's
// parsers take the fast path. (Another runtime would turn it off, which
// this test is here to notice.)
TEST(LexerFastPathTest, ActiveOnThisRuntime) {
  if (lexerFastPathSwitchedOff()) {
    EXPECT_FALSE(lexerFastPathAvailable());
    GTEST_SKIP() << "PARAMLINT_LEXER_FAST_PATH=off";
  }
  EXPECT_TRUE(lexerFastPathAvailable());
}

// Every fixture parses to the same tree, rows and columns included, with
// the fast path and without.
TEST(LexerFastPathTest, FixturesSameTrees) {
  if (!lexerFastPathAvailable())
    GTEST_SKIP() << "fast path off";
  LexerParser Plain(false), Fast(true);
  size_t Files = 0;
  for (const auto &[Rel, Text] : test::repositoryPythonFiles()) {
    EXPECT_EQ(Fast.shape(Text), Plain.shape(Text)) << Rel;
    ++Files;
  }
  EXPECT_GT(Files, 60u);
}

// The steps the fast path hands back to the runtime: characters of two to
// four bytes and undecodable bytes (in names, strings, comments), at the
// start and the very end of the text; CR, CRLF and tabs; NUL bytes; line
// continuations; an empty text and one without a final newline.
TEST(LexerFastPathTest, StepsItDeclines) {
  if (!lexerFastPathAvailable())
    GTEST_SKIP() << "fast path off";
  static const char NulText[] = "s = 'a\0b'\n# \0\nt = 1";
  const std::vector<std::string> Texts = {
      "",
      "x",
      "\xc3\xa9",
      "\xc3\xa9 = 1\n",
      "x = '\xf0\x9f\x98\x80'",
      "x = '\xf0\x9f\x98'\n",
      "\xff\xfe = 2\n",
      "a\r\nb = 1\rc = \\\r\n  2\n",
      "def f():\n\tif x:\n\t\treturn \xce\xbb\n\telse:\n  \t  pass\n",
      std::string(NulText, sizeof NulText - 1),
      "# \xe2\x86\x92 comment at the end \xe2\x86\x92",
      "f\"{x!r:>{w}} \xe2\x82\xac {'q' + \"r\"}\" \\\n  'tail'\n",
      "class A(nn.Module):\n    def __init__(self):\n        self.\xc3\xa9 = nn.LayerNorm(4)\n",
  };
  LexerParser Plain(false), Fast(true);
  for (const std::string &T : Texts)
    EXPECT_EQ(Fast.shape(T), Plain.shape(T)) << T;
}

// Random texts built from Python's pieces and stray bytes of every kind:
// the fast path and the runtime agree on each.
TEST(LexerFastPathTest, RandomTextsSameTrees) {
  if (!lexerFastPathAvailable())
    GTEST_SKIP() << "fast path off";
  const std::vector<std::string> Pieces = {
      "x", " ", "  ", "\t", "\n", "\r\n", "\r", "\\\n", "(", ")", "[", "]", ":",
      "def ", "class ", "if ", "return ", "self.scale", " = ", "nn.Parameter(", "'",
      "\"", "'''", "f'", "{", "}", "#", "1.5e-3", ",", ".", "\xc3\xa9", "\xe2\x86\x92",
      "\xf0\x9f\x98\x80", "\xff", "\x80", std::string(1, '\0'), "\xc3"};
  std::mt19937 Random(20261128);
  LexerParser Plain(false), Fast(true);
  for (int I = 0; I < 400; ++I) {
    std::string Text;
    const int Length = static_cast<int>(Random() % 200);
    for (int J = 0; J < Length; ++J)
      Text += Pieces[Random() % Pieces.size()];
    ASSERT_EQ(Fast.shape(Text), Plain.shape(Text)) << "text " << I << ": " << Text;
  }
}

// Included ranges: a step onto a range's end is the runtime's, and the
// trees agree.
TEST(LexerFastPathTest, IncludedRanges) {
  if (!lexerFastPathAvailable())
    GTEST_SKIP() << "fast path off";
  const std::string Text = "a = 1\nIGNORED\nb = a.scale\n";
  TSRange Ranges[2] = {{{0, 0}, {1, 0}, 0, 6}, {{2, 0}, {3, 0}, 14, 26}};
  LexerParser Plain(false), Fast(true);
  ASSERT_TRUE(ts_parser_set_included_ranges(Plain.P, Ranges, 2));
  ASSERT_TRUE(ts_parser_set_included_ranges(Fast.P, Ranges, 2));
  const test::Shape S = Plain.shape(Text);
  EXPECT_GT(S.size(), 5u);
  EXPECT_EQ(Fast.shape(Text), S);
}

// With a logger listening every step is the runtime's (which logs it): the
// logger hears the same steps with the fast path installed.
TEST(LexerFastPathTest, LoggerHearsEveryStep) {
  if (!lexerFastPathAvailable())
    GTEST_SKIP() << "fast path off";
  auto Count = [](bool FastPath) {
    LexerParser Parser(FastPath);
    size_t Lines = 0;
    TSLogger Logger{&Lines, [](void *Payload, TSLogType Type, const char *) {
                      if (Type == TSLogTypeLex)
                        ++*static_cast<size_t *>(Payload);
                    }};
    ts_parser_set_logger(Parser.P, Logger);
    Parser.shape("x = self.norm.scale\n");
    return Lines;
  };
  const size_t Plain = Count(false);
  EXPECT_GT(Plain, 20u);
  EXPECT_EQ(Count(true), Plain);
}

// A parser that is not the runtime's as made (its step already replaced
// by someone else) is left alone.
TEST(LexerFastPathTest, OnlyFreshParsers) {
  if (!lexerFastPathAvailable())
    GTEST_SKIP() << "fast path off";
  LexerParser P(true);
  EXPECT_TRUE(useLexerFastPath(P.P)); // Already on: still on.
  EXPECT_FALSE(useLexerFastPath(nullptr));
}

//===- SourceTextTest.cpp - Which bytes are source text -------------------===//
#include "SourceText.h"

#include <gtest/gtest.h>

#include <random>
#include <string>
#include <vector>

using namespace paramlint;

namespace {

/// Where the bytes stop being text, found one code point at a time with
/// Python's rules (what `bytes.decode("utf-8")` accepts), or npos: the
/// reference for sourceTextProblem, which skips ASCII a word at a time.
size_t firstProblem(const std::string &S) {
  for (size_t I = 0; I < S.size();) {
    unsigned char C = S[I];
    if (C == 0)
      return I;
    if (C < 0x80) {
      ++I;
      continue;
    }
    size_t Len = C >= 0xC2 && C <= 0xDF   ? 2
                 : C >= 0xE0 && C <= 0xEF ? 3
                 : C >= 0xF0 && C <= 0xF4 ? 4
                                          : 0;
    if (Len == 0 || I + Len > S.size())
      return I;
    unsigned char Lo = 0x80, Hi = 0xBF, C1 = S[I + 1];
    if (C == 0xE0)
      Lo = 0xA0;
    else if (C == 0xED)
      Hi = 0x9F;
    else if (C == 0xF0)
      Lo = 0x90;
    else if (C == 0xF4)
      Hi = 0x8F;
    if (C1 < Lo || C1 > Hi)
      return I;
    for (size_t K = 2; K < Len; ++K)
      if ((static_cast<unsigned char>(S[I + K]) & 0xC0) != 0x80)
        return I;
    I += Len;
  }
  return std::string::npos;
}

void expectSame(const std::string &S) {
  std::optional<TextProblem> P = sourceTextProblem(S);
  size_t Want = firstProblem(S);
  ASSERT_EQ(P.has_value(), Want != std::string::npos) << "length " << S.size();
  if (P)
    EXPECT_EQ(P->At, Want) << "length " << S.size();
}

} // namespace

TEST(SourceTextTest, EveryCharacterKindAtEveryOffsetOfAWord) {
  const std::vector<std::string> Pieces = {
      "\xc3\xa9",         "\xe2\x82\xac",     "\xf0\x9f\x98\x80", // valid
      std::string(1, '\0'), "\x80",           "\xc0\xaf",         // NUL, stray, overlong
      "\xe0\x80\xaf",     "\xed\xa0\x80",     "\xf4\x90\x80\x80", // overlong, surrogate, > U+10FFFF
      "\xc3",             "\xe2\x82",         "\xf0\x9f\x98",     // cut short
      "\xff",             "\xf5\x80\x80\x80"};
  for (const std::string &Piece : Pieces)
    for (size_t Before = 0; Before < 20; ++Before)
      for (size_t After : {0, 1, 7, 8, 9, 17}) {
        expectSame(std::string(Before, 'a') + Piece + std::string(After, 'b'));
        expectSame(std::string(Before, '\n') + Piece + "\xc3\xa9" +
                   std::string(After, 'b') + Piece);
      }
}

TEST(SourceTextTest, RandomBytesAgreeWithTheReference) {
  std::mt19937 Random(8);
  // Mostly ASCII with now and then a high or NUL byte, as in real files.
  for (int Round = 0; Round < 4000; ++Round) {
    std::string S(Random() % 64, 'x');
    for (char &C : S) {
      unsigned R = Random() % 100;
      C = R < 90 ? static_cast<char>(0x20 + Random() % 0x5f)
                 : R < 99 ? static_cast<char>(0x80 + Random() % 0x80)
                          : '\0';
    }
    expectSame(S);
  }
  expectSame("");
  expectSame(std::string(1000, 'a'));
}

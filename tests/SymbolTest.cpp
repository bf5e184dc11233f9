//===- SymbolTest.cpp - Interned names: one copy per text -----------------===//
#include "graph/Symbol.h"

#include <gtest/gtest.h>

#include <string>
#include <thread>
#include <vector>

using namespace paramlint;

namespace {

TEST(SymbolTest, EqualTextsShareOneCopy) {
  std::string A = "transformer.h.0.ln_1.weight";
  std::string B = A; // Another buffer, the same text.
  Symbol SA(A), SB(B);
  EXPECT_EQ(SA.data(), SB.data());
  EXPECT_EQ(SA, SB);
  EXPECT_EQ(SA.str(), A);
  EXPECT_NE(SA.data(), A.data()); // A copy of its own, not the caller's.
}

TEST(SymbolTest, TextsThatDifferAreApart) {
  // Same length and hash-unfriendly neighbours: prefixes, one-letter changes.
  Symbol A("norm1.scale"), B("norm1.shift"), C("norm1.scal"), D("norm1.scale ");
  EXPECT_NE(A, B);
  EXPECT_NE(A, C);
  EXPECT_NE(A, D);
  EXPECT_EQ(A.str(), "norm1.scale");
  EXPECT_EQ(C.str(), "norm1.scal");
  EXPECT_TRUE(Symbol("").empty());
  EXPECT_EQ(Symbol(""), Symbol());
}

TEST(SymbolTest, EmbeddedZeroBytesArePartOfTheText) {
  std::string WithZero("a\0b", 3), Other("a\0c", 3);
  EXPECT_NE(Symbol(WithZero), Symbol(Other));
  EXPECT_EQ(Symbol(WithZero).size(), 3u);
}

TEST(SymbolTest, AssignFromAViewAndASlice) {
  std::string_view Text = "model.encoder.layer";
  Symbol S;
  S.assign(Text, 6, 7);
  EXPECT_EQ(S, Symbol("encoder"));
  S.assign(Text);
  EXPECT_EQ(S.data(), Symbol("model.encoder.layer").data());
}

/// Enough names that every shard's index grows several times: the
/// addresses handed out before a growth stay valid and stay the answer.
TEST(SymbolTest, AddressesSurviveTheIndexGrowing) {
  constexpr int N = 200000;
  std::vector<const char *> First;
  First.reserve(N);
  for (int I = 0; I < N; ++I)
    First.push_back(Symbol("symbol_test_grow_" + std::to_string(I)).data());
  for (int I = 0; I < N; ++I) {
    std::string Text = "symbol_test_grow_" + std::to_string(I);
    Symbol Again(Text);
    ASSERT_EQ(Again.data(), First[I]) << Text;
    ASSERT_EQ(Again.str(), Text);
  }
}

/// The extraction workers intern at the same time: each text still gets
/// exactly one copy.
TEST(SymbolTest, ConcurrentInterningAgrees) {
  constexpr int Threads = 4, N = 20000;
  std::vector<std::vector<const char *>> Seen(Threads, std::vector<const char *>(N));
  std::vector<std::thread> Workers;
  for (int T = 0; T < Threads; ++T)
    Workers.emplace_back([T, &Seen] {
      for (int K = 0; K < N; ++K) {
        int I = (K * 7919 + T * 104729) % N; // Each thread in its own order.
        Seen[T][I] = Symbol("symbol_test_race_" + std::to_string(I)).data();
      }
    });
  for (std::thread &W : Workers)
    W.join();
  for (int I = 0; I < N; ++I)
    for (int T = 1; T < Threads; ++T)
      ASSERT_EQ(Seen[T][I], Seen[0][I]) << I;
}

} // namespace

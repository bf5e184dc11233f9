//===- ProbesTest.cpp - Seeded probes and weights
//--------------------------===//
#include "Probes.h"

#include <gtest/gtest.h>

#include <cmath>

using namespace paramlint::harness;

TEST(ProbesTest, SeededAndReproducible) {
  EXPECT_EQ(randomRows(3, 5, 1).Values, randomRows(3, 5, 1).Values);
  EXPECT_NE(randomRows(3, 5, 1).Values, randomRows(3, 5, 2).Values);
  // Pinned values: a change of generator changes every stored comparison.
  SeededRandom R(0);
  EXPECT_EQ(R.next(), 0xe220a8397b1dcdafULL);
  EXPECT_EQ(seedFor(""), 0xcbf29ce484222325ULL);
}

TEST(ProbesTest, KindsHaveTheirShape) {
  for (std::size_t W : probeWidths()) {
    std::vector<Probe> P = makeProbes(W);
    ASSERT_EQ(P.size(), 4u);
    EXPECT_EQ(P[0].Name, "random");
    EXPECT_EQ(P[1].Name, "mean-shifted");
    EXPECT_EQ(P[2].Name, "near-constant");
    EXPECT_EQ(P[3].Name, "constant");
    for (const Probe &Pr : P) {
      EXPECT_EQ(Pr.X.Width, W);
      EXPECT_EQ(Pr.X.Values.size(), Pr.X.Rows * W);
    }
    for (float V : P[1].X.Values)
      EXPECT_NEAR(V, 1e4, 7);
    RowMatrix All = stackProbes(P);
    EXPECT_EQ(All.Rows, 13u);
    EXPECT_EQ(All.Values.size(), 13 * W);
  }
  EXPECT_EQ(probeWidths().front(), 2u);
  EXPECT_EQ(probeWidths().back(), 16384u);
}

TEST(ProbesTest, NormalIsStandard) {
  SeededRandom R(11);
  double Sum = 0, Sq = 0;
  const int N = 100000;
  for (int I = 0; I < N; ++I) {
    double X = R.normal();
    Sum += X;
    Sq += X * X;
  }
  EXPECT_NEAR(Sum / N, 0, 0.02);
  EXPECT_NEAR(Sq / N, 1, 0.02);
}

TEST(ProbesTest, WeightsAreKeyedByPathAndRole) {
  auto A = seededWeights("h.0.ln_1", WeightRole::Scale, 8);
  EXPECT_EQ(A, seededWeights("h.0.ln_1", WeightRole::Scale, 8));
  EXPECT_NE(A, seededWeights("h.1.ln_1", WeightRole::Scale, 8));
  EXPECT_NE(A, seededWeights("h.0.ln_1", WeightRole::Shift, 8));
  for (float S : A)
    EXPECT_NEAR(S, 1.0, 0.6);
  NormVariant V = NormVariant::rmsNorm();
  NormWeights W = seededWeightsFor("x", V, 8);
  EXPECT_EQ(W.Scale.size(), 8u);
  EXPECT_TRUE(W.Shift.empty());
}

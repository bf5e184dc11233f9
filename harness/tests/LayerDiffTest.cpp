//===- LayerDiffTest.cpp - Old and new versions of one layer
//---------------===//
#include "LayerDiff.h"

#include <gtest/gtest.h>

#include <cmath>
#include <cstdio>
#include <limits>

using namespace paramlint::harness;

namespace {

LayerSide side(const NormVariant &V, std::size_t Width,
               const char *Key = "trf_blocks.0.norm1") {
  return {V, seededWeightsFor(Key, V, Width), Width};
}

bool contains(const std::vector<std::string> &Lines, const std::string &S) {
  for (const std::string &L : Lines)
    if (L.find(S) != std::string::npos)
      return true;
  return false;
}

} // namespace

TEST(LayerDiffTest, RenameIsBitIdentical) {
  // The book's LayerNorm (scale/shift) renamed to nn.LayerNorm
  // (weight/bias): the same variant on the same tensors.
  NormVariant V = NormVariant::torchLayerNorm();
  Result<LayerDiff> D = diffLayer(side(V, 768), side(V, 768));
  ASSERT_TRUE(D) << D.error();
  EXPECT_EQ(D->Outcome, Verdict::BitIdentical);
  EXPECT_EQ(verdictName(D->Outcome), "bit-identical");
  EXPECT_TRUE(D->SemanticDifferences.empty());
  ASSERT_EQ(D->Probes.size(), 4u);
  EXPECT_EQ(D->Probes[1].Probe, "mean-shifted");
}

TEST(LayerDiffTest, UnbiasedVarianceIsDifferentBySqrtNOverNMinusOne) {
  NormVariant Torch = NormVariant::torchLayerNorm();
  NormVariant Custom = Torch;
  Custom.Variance = VarianceKind::Unbiased;
  const std::size_t N = 1024;
  Result<LayerDiff> D = diffLayer(side(Custom, N), side(Torch, N));
  ASSERT_TRUE(D) << D.error();
  EXPECT_EQ(D->Outcome, Verdict::Different);
  ASSERT_EQ(D->SemanticDifferences.size(), 1u);
  EXPECT_NE(D->SemanticDifferences[0].find("unbiased -> biased"),
            std::string::npos);
  EXPECT_NE(D->SemanticDifferences[0].find("+0.0489% at n=1024"),
            std::string::npos)
      << D->SemanticDifferences[0];
  // On random rows (variance ~1 >> eps) the centred part grows by
  // sqrt(n/(n-1)) - 1 = 4.9e-4 relative: |x_hat| up to ~4 gives ~2e-3.
  const Comparison &Random = D->Probes[0].Result;
  EXPECT_FALSE(Random.pass());
  EXPECT_GT(Random.MaxAbs, 1e-3);
  EXPECT_LT(Random.MaxAbs, 5e-3);
}

TEST(LayerDiffTest, StdPlusEpsAgainstTorchIsMeasured) {
  // The Annotated Transformer: a_2 * (x - mean) / (std + eps) + b_2, with
  // torch's unbiased std and eps 1e-6, against nn.LayerNorm(eps=1e-5).
  NormVariant Annotated = NormVariant::torchLayerNorm(1e-6);
  Annotated.Variance = VarianceKind::Unbiased;
  Annotated.Eps = EpsPlacement::AddedToStd;
  NormVariant Torch = NormVariant::torchLayerNorm(1e-5);
  Result<LayerDiff> D = diffLayer(side(Annotated, 512), side(Torch, 512));
  ASSERT_TRUE(D) << D.error();
  EXPECT_EQ(D->Outcome, Verdict::Different);
  EXPECT_TRUE(contains(D->SemanticDifferences,
                       "eps added to the std -> inside the sqrt"));
  EXPECT_TRUE(contains(D->SemanticDifferences, "eps 1e-06 -> 1e-05"));
  for (const std::string &L : D->SemanticDifferences)
    std::printf("  %s\n", L.c_str());
  for (const ProbeDiff &P : D->Probes)
    std::printf("  %-14s %s\n", P.Probe.c_str(), P.Result.summary().c_str());
  // Near-constant rows (std 1e-3) feel eps placement most.
  EXPECT_GT(D->Probes[2].Result.MaxAbs, D->Probes[0].Result.MaxAbs);
}

TEST(LayerDiffTest, PrecisionChangeIsWithinTolerance) {
  NormVariant F32 = NormVariant::torchLayerNorm();
  NormVariant F64 = F32;
  F64.Accumulation = AccumType::F64;
  Result<LayerDiff> D = diffLayer(side(F32, 4096), side(F64, 4096));
  ASSERT_TRUE(D) << D.error();
  EXPECT_EQ(D->Outcome, Verdict::WithinTolerance) << D->Overall.summary();
  NormVariant Bf16 = F32;
  Bf16.Storage = DType::BF16;
  D = diffLayer(side(F32, 64), side(Bf16, 64));
  ASSERT_TRUE(D) << D.error();
  EXPECT_EQ(D->ComparedIn, DType::BF16);
  EXPECT_EQ(D->Overall.Tol.RTol, 1.6e-2);
}

TEST(LayerDiffTest, BadInputIsAnErrorOrReported) {
  NormVariant V = NormVariant::torchLayerNorm();
  Result<LayerDiff> Widths = diffLayer(side(V, 768), side(V, 1024));
  ASSERT_FALSE(Widths);
  EXPECT_NE(Widths.error().find("old side normalises 768 elements, the new "
                                "side 1024"),
            std::string::npos);
  EXPECT_FALSE(diffLayer(side(V, 0), side(V, 0)));
  LayerSide Short = side(V, 16);
  Short.Weights.Scale.pop_back();
  Result<LayerDiff> Weights = diffLayer(side(V, 16), Short);
  ASSERT_FALSE(Weights);
  EXPECT_NE(Weights.error().find("new side: shape mismatch: scale has 15"),
            std::string::npos);
  LayerSide Nan = side(V, 16);
  Nan.Weights.Shift[3] = std::numeric_limits<float>::quiet_NaN();
  Result<LayerDiff> D = diffLayer(Nan, side(V, 16));
  ASSERT_TRUE(D);
  EXPECT_EQ(D->Outcome, Verdict::NotFinite);
  EXPECT_EQ(D->OldNonFinite.Shift, 1u);
  EXPECT_EQ(D->NewNonFinite.Shift, 0u);
}

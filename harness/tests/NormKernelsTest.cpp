//===- NormKernelsTest.cpp - Every variant on hand-checked rows
//------------===//
#include "NormKernels.h"
#include "Compare.h"
#include "Probes.h"

#include <gtest/gtest.h>

#include <cmath>
#include <limits>

using namespace paramlint::harness;

namespace {

struct Precision {
  DType Storage;
  AccumType Accumulation;
  MomentAlgorithm Moments;
};

/// Every storage with every accumulation (and both fp64 algorithms).
std::vector<Precision> allPrecisions() {
  std::vector<Precision> P;
  for (DType T : {DType::F32, DType::F16, DType::BF16}) {
    P.push_back({T, AccumType::F32, MomentAlgorithm::TwoPass});
    P.push_back({T, AccumType::F64, MomentAlgorithm::TwoPass});
    P.push_back({T, AccumType::F64, MomentAlgorithm::Welford});
  }
  return P;
}

std::vector<float> run(const NormVariant &V, std::size_t Width,
                       std::vector<float> X, NormWeights W = {},
                       unsigned Threads = 1) {
  RowMatrix M{X.size() / Width, Width, std::move(X)};
  RunOptions Opts;
  Opts.Threads = Threads;
  Result<NormOutput> R = runNorm(V, M, W, Opts);
  EXPECT_TRUE(R) << (R ? "" : R.error());
  return R ? R->Y.Values : std::vector<float>{};
}

NormVariant plain(NormKind Kind, VarianceKind Var, EpsPlacement Eps,
                  double EpsValue) {
  NormVariant V;
  V.Kind = Kind;
  V.Variance = Var;
  V.Eps = Eps;
  V.EpsValue = EpsValue;
  V.HasScale = V.HasShift = false;
  return V;
}

/// A hand-computed case: the variant without precision, input, expected.
struct HandCase {
  const char *Name;
  NormVariant V;
  std::size_t Width;
  std::vector<float> X;
  NormWeights W;
  std::vector<double> Expected;
};

std::vector<HandCase> handCases() {
  using K = NormKind;
  using VK = VarianceKind;
  using E = EpsPlacement;
  std::vector<HandCase> C;
  // [0, 2]: mean 1, biased var 1, unbiased var 2.
  C.push_back({"inside",
               plain(K::LayerNorm, VK::Biased, E::InsideSqrt, 3),
               2,
               {0, 2},
               {},
               {-0.5, 0.5}});
  C.push_back({"unbiased inside",
               plain(K::LayerNorm, VK::Unbiased, E::InsideSqrt, 2),
               2,
               {0, 2},
               {},
               {-0.5, 0.5}});
  C.push_back({"added to std",
               plain(K::LayerNorm, VK::Biased, E::AddedToStd, 1),
               2,
               {0, 2},
               {},
               {-0.5, 0.5}});
  C.push_back({"unbiased added to std",
               plain(K::LayerNorm, VK::Unbiased, E::AddedToStd, 0.5),
               2,
               {0, 2},
               {},
               {-1 / (std::sqrt(2.0) + 0.5), 1 / (std::sqrt(2.0) + 0.5)}});
  C.push_back({"clamp binds",
               plain(K::LayerNorm, VK::Biased, E::ClampStd, 2),
               2,
               {0, 2},
               {},
               {-0.5, 0.5}});
  C.push_back({"clamp idle",
               plain(K::LayerNorm, VK::Biased, E::ClampStd, 0.5),
               2,
               {0, 2},
               {},
               {-1, 1}});
  // [0, 2]: var 1; a variance clamp at 4 makes the std 2, at 0.5 it idles.
  C.push_back({"variance clamp binds",
               plain(K::LayerNorm, VK::Biased, E::ClampVar, 4),
               2,
               {0, 2},
               {},
               {-0.5, 0.5}});
  C.push_back({"variance clamp idle",
               plain(K::LayerNorm, VK::Biased, E::ClampVar, 0.5),
               2,
               {0, 2},
               {},
               {-1, 1}});
  // [1, 2, 3, 4]: mean 2.5, biased var 1.25; eps 1 makes the std 1.5.
  C.push_back({"width 4",
               plain(K::LayerNorm, VK::Biased, E::InsideSqrt, 1),
               4,
               {1, 2, 3, 4},
               {},
               {-1, -1 / 3.0, 1 / 3.0, 1}});
  // RMS of [3, 4]: mean square 12.5; unbiased: 25 / 1.
  C.push_back({"rms",
               plain(K::RMSNorm, VK::Biased, E::InsideSqrt, 0),
               2,
               {3, 4},
               {},
               {3 / std::sqrt(12.5), 4 / std::sqrt(12.5)}});
  C.push_back({"rms unbiased",
               plain(K::RMSNorm, VK::Unbiased, E::InsideSqrt, 0),
               2,
               {3, 4},
               {},
               {0.6, 0.8}});
  C.push_back({"rms added to std",
               plain(K::RMSNorm, VK::Unbiased, E::AddedToStd, 5),
               2,
               {3, 4},
               {},
               {0.3, 0.4}});
  // Affine: xhat = [-1, 1] (eps 0).
  NormVariant Affine = plain(K::LayerNorm, VK::Biased, E::InsideSqrt, 0);
  Affine.HasScale = Affine.HasShift = true;
  C.push_back(
      {"scale and shift", Affine, 2, {0, 2}, {{2, 3}, {1, -1}}, {-1, 2}});
  NormVariant Offset = Affine;
  Offset.ScaleOffset = true;
  C.push_back({"1 + w", Offset, 2, {0, 2}, {{2, 3}, {1, -1}}, {-2, 3}});
  NormVariant ScaleOnly = Affine;
  ScaleOnly.HasShift = false;
  C.push_back({"scale only", ScaleOnly, 2, {0, 2}, {{2, 3}, {}}, {-2, 3}});
  NormVariant RmsAffine = plain(K::RMSNorm, VK::Unbiased, E::InsideSqrt, 0);
  RmsAffine.HasScale = RmsAffine.HasShift = true;
  C.push_back({"rms scale and shift",
               RmsAffine,
               2,
               {3, 4},
               {{2, 0.5}, {1, 1}},
               {2.2, 1.4}});
  // A constant row has no variance: the centred values are 0, y = shift
  // (with eps 0 it would be 0/0).
  NormVariant Torch = NormVariant::torchLayerNorm();
  C.push_back(
      {"constant row", Torch, 3, {7, 7, 7}, {{2, 3, 4}, {1, 2, 3}}, {1, 2, 3}});
  return C;
}

} // namespace

TEST(NormKernelsTest, EveryVariantMatchesHandComputedRows) {
  for (const HandCase &C : handCases())
    for (const Precision &P : allPrecisions()) {
      NormVariant V = C.V;
      V.Storage = P.Storage;
      V.Accumulation = P.Accumulation;
      V.Moments = P.Moments;
      std::vector<float> Y = run(V, C.Width, C.X, C.W);
      ASSERT_EQ(Y.size(), C.Expected.size()) << C.Name;
      std::vector<float> Expected;
      for (double E : C.Expected)
        Expected.push_back(roundToStorage(float(E), V.Storage));
      Result<Comparison> Cmp = compare(Y, Expected, V.Storage);
      ASSERT_TRUE(Cmp);
      EXPECT_TRUE(Cmp->pass())
          << C.Name << " " << describe(V) << ": " << Cmp->summary();
      EXPECT_LE(Cmp->MaxUlp, 2u) << C.Name << " " << describe(V);
    }
}

TEST(NormKernelsTest, UnbiasedDiffersBySqrtNOverNMinusOne) {
  for (std::size_t N : {2u, 7u, 64u, 1024u}) {
    RowMatrix X = randomRows(3, N, 42);
    NormVariant B = plain(NormKind::LayerNorm, VarianceKind::Biased,
                          EpsPlacement::InsideSqrt, 0);
    NormVariant U = B;
    U.Variance = VarianceKind::Unbiased;
    for (AccumType A : {AccumType::F32, AccumType::F64}) {
      B.Accumulation = U.Accumulation = A;
      std::vector<float> YB = run(B, N, X.Values), YU = run(U, N, X.Values);
      double Factor = std::sqrt(double(N) / double(N - 1));
      for (std::size_t I = 0; I < YB.size(); ++I)
        EXPECT_NEAR(YB[I] / YU[I], Factor, 1e-5 * Factor) << N << " " << I;
    }
  }
}

TEST(NormKernelsTest, SameVariantAndWeightsAreBitIdentical) {
  // A rename (scale/shift -> weight/bias) runs the same variant on the same
  // tensors: not a single output bit may change, whatever the threads.
  const std::size_t N = 768;
  RowMatrix X = stackProbes(makeProbes(N, {7, 64}));
  NormVariant V = NormVariant::torchLayerNorm();
  NormWeights Book = seededWeightsFor("trf_blocks.0.norm1", V, N);
  NormWeights Renamed{Book.Scale, Book.Shift};
  for (DType T : {DType::F32, DType::F16, DType::BF16}) {
    V.Storage = T;
    std::vector<float> A = run(V, N, X.Values, Book, 1);
    std::vector<float> B = run(V, N, X.Values, Renamed, 2);
    Result<Comparison> C = compare(A, B, T);
    ASSERT_TRUE(C);
    EXPECT_TRUE(C->BitIdentical) << C->summary();
    EXPECT_EQ(C->MaxUlp, 0u);
  }
}

TEST(NormKernelsTest, ThreadsAndBatchingDoNotChangeBits) {
  const std::size_t N = 1000;
  RowMatrix X = randomRows(37, N, 3, 0.5, 2.0);
  for (NormVariant V :
       {NormVariant::torchLayerNorm(), NormVariant::rmsNorm()}) {
    NormWeights W = seededWeightsFor("l", V, N);
    std::vector<float> One = run(V, N, X.Values, W, 1);
    for (unsigned T : {2u, 3u, 8u, 64u})
      EXPECT_EQ(run(V, N, X.Values, W, T), One) << T;
    // Row 5 alone gives the bits it had in the batch.
    std::vector<float> Row(X.Values.begin() + 5 * N, X.Values.begin() + 6 * N);
    std::vector<float> Alone = run(V, N, Row, W, 1);
    EXPECT_TRUE(std::equal(Alone.begin(), Alone.end(), One.begin() + 5 * N));
  }
}

TEST(NormKernelsTest, ScaleOffsetEqualsPrecomputedScale) {
  const std::size_t N = 333;
  RowMatrix X = randomRows(4, N, 9);
  NormVariant Gemma = NormVariant::rmsNorm();
  Gemma.ScaleOffset = true;
  NormWeights W{seededWeights("g", WeightRole::ScaleOffset, N), {}};
  NormWeights Plus1{W.Scale, {}};
  for (float &S : Plus1.Scale)
    S = 1.0f + S;
  EXPECT_EQ(run(Gemma, N, X.Values, W),
            run(NormVariant::rmsNorm(), N, X.Values, Plus1));
}

TEST(NormKernelsTest, Fp32KernelKeepsMeanShiftedRowsAccurate) {
  // 1e4 + N(0, 1): a naive fp32 kernel loses about 1e-3 absolute here;
  // the shifted two-pass stays within the fp32 tolerance of fp64.
  for (std::size_t N : probeWidths()) {
    RowMatrix X = stackProbes(makeProbes(N));
    for (NormVariant V :
         {NormVariant::torchLayerNorm(), NormVariant::rmsNorm()}) {
      NormWeights W = seededWeightsFor("shifted", V, N);
      std::vector<float> Fast = run(V, N, X.Values, W);
      V.Accumulation = AccumType::F64;
      std::vector<float> Ref = run(V, N, X.Values, W);
      Result<Comparison> C = compare(Fast, Ref, DType::F32);
      ASSERT_TRUE(C);
      EXPECT_TRUE(C->pass()) << N << " " << describe(V) << ": " << C->summary();
    }
  }
}

TEST(NormKernelsTest, WelfordAndTwoPassAgreeInFp64) {
  RowMatrix X = stackProbes(makeProbes(4096));
  NormVariant V = NormVariant::torchLayerNorm();
  V.Accumulation = AccumType::F64;
  NormWeights W = seededWeightsFor("welford", V, 4096);
  std::vector<float> TwoPass = run(V, 4096, X.Values, W);
  V.Moments = MomentAlgorithm::Welford;
  Result<Comparison> C =
      compare(run(V, 4096, X.Values, W), TwoPass, DType::F32);
  ASSERT_TRUE(C);
  // One fp32 rounding apart at most (ULP counts explode near zero).
  EXPECT_LE(C->MaxAbs, 2.4e-7) << C->summary();
}

TEST(NormKernelsTest, BadShapesAreErrors) {
  NormVariant V = NormVariant::torchLayerNorm();
  NormWeights W{{1, 1}, {0, 0}};
  auto Err = [&](const NormVariant &Var, RowMatrix X, const NormWeights &Wt) {
    Result<NormOutput> R = runNorm(Var, X, Wt);
    EXPECT_FALSE(R);
    return R ? std::string() : R.error();
  };
  EXPECT_NE(Err(V, {3, 0, {}}, {}).find("zero-width rows"), std::string::npos);
  EXPECT_NE(
      Err(V, {3, 2, {1, 2, 3}}, W).find("3 values are not 3 rows of width 2"),
      std::string::npos);
  EXPECT_NE(
      Err(V, {1, 2, {1, 2}}, {{1, 1, 1}, {0, 0}}).find("scale has 3 values"),
      std::string::npos);
  EXPECT_NE(Err(V, {1, 2, {1, 2}}, {{1, 1}, {}}).find("shift has 0 values"),
            std::string::npos);
  NormVariant NoShift = V;
  NoShift.HasShift = false;
  EXPECT_NE(Err(NoShift, {1, 2, {1, 2}}, W).find("has no shift"),
            std::string::npos);
  NormVariant Unbiased = plain(NormKind::LayerNorm, VarianceKind::Unbiased,
                               EpsPlacement::InsideSqrt, 1e-5);
  EXPECT_NE(Err(Unbiased, {1, 1, {1}}, {}).find("width >= 2"),
            std::string::npos);
  NormVariant BadEps = V;
  BadEps.EpsValue = -1;
  EXPECT_NE(Err(BadEps, {1, 2, {1, 2}}, W).find("eps"), std::string::npos);
  BadEps.EpsValue = std::numeric_limits<double>::quiet_NaN();
  EXPECT_NE(Err(BadEps, {1, 2, {1, 2}}, W).find("eps"), std::string::npos);
  // No rows is fine; width 1 biased is fine (y = shift).
  EXPECT_TRUE(runNorm(V, {0, 2, {}}, W));
  Result<NormOutput> One = runNorm(V, {1, 1, {5}}, {{2}, {3}});
  ASSERT_TRUE(One);
  EXPECT_EQ(One->Y.Values, std::vector<float>{3});
}

TEST(NormKernelsTest, NonFiniteValuesAreCountedNotHidden) {
  const float Nan = std::numeric_limits<float>::quiet_NaN();
  const float Inf = std::numeric_limits<float>::infinity();
  NormVariant V = NormVariant::torchLayerNorm();
  for (AccumType A : {AccumType::F32, AccumType::F64}) {
    V.Accumulation = A;
    Result<NormOutput> R =
        runNorm(V, {3, 2, {1, Nan, 1, 2, Inf, 0}}, {{1, Inf}, {0, 0}});
    ASSERT_TRUE(R);
    EXPECT_EQ(R->NonFinite.Input, 2u);
    EXPECT_EQ(R->NonFinite.Scale, 1u);
    EXPECT_EQ(R->NonFinite.Shift, 0u);
    EXPECT_GE(R->NonFinite.Output, 5u); // rows 0 and 2, and the Inf scale
    EXPECT_TRUE(R->NonFinite.any());
    EXPECT_NE(R->NonFinite.describe(V.Storage).find("2 NaN/Inf inputs"),
              std::string::npos);
  }
  // 1e5 does not fit fp16: it overflows to Inf and is said so.
  V.Storage = DType::F16;
  Result<NormOutput> R = runNorm(V, {1, 2, {1e5f, 1}}, {{1, 1}, {0, 0}});
  ASSERT_TRUE(R);
  EXPECT_EQ(R->NonFinite.InputOverflow, 1u);
  EXPECT_NE(R->NonFinite.describe(DType::F16).find("1 overflowed fp16"),
            std::string::npos);
  Result<NormOutput> Clean = runNorm(V, {1, 2, {1, 2}}, {{1, 1}, {0, 0}});
  ASSERT_TRUE(Clean);
  EXPECT_FALSE(Clean->NonFinite.any());
  EXPECT_EQ(Clean->NonFinite.describe(DType::F16), "");
}

TEST(NormKernelsTest, VariantDescriptions) {
  NormVariant V = NormVariant::torchLayerNorm();
  EXPECT_EQ(describe(V), "LayerNorm(biased var, eps=1e-05 inside sqrt, scale, "
                         "shift; fp32, fp32 accumulation)");
  EXPECT_EQ(
      formula(V),
      "(x - x.mean(-1)) * rsqrt(x.var(-1, unbiased=False) + 1e-05) * w + b");
  NormVariant R = NormVariant::rmsNorm();
  R.ScaleOffset = true;
  R.Eps = EpsPlacement::AddedToStd;
  EXPECT_EQ(formula(R), "x / (sqrt(x.pow(2).mean(-1)) + 1e-06) * (1 + w)");
  NormVariant W = V;
  W.Moments = MomentAlgorithm::Welford;
  EXPECT_NE(W, V);
  EXPECT_TRUE(sameSemantics(W, V)); // fp32 path: no Welford
  W.Accumulation = V.Accumulation = AccumType::F64;
  EXPECT_FALSE(sameSemantics(W, V));
  EXPECT_NE(describe(W).find("Welford"), std::string::npos);
}

TEST(NormKernelsTest, StreamedLargeOutputsHaveTheSameBits) {
  // Outputs of 32 MiB and more take the non-temporal store path; rows run
  // alone (small outputs) take the ordinary one.
  const std::size_t N = 4096, Rows = 2100;
  RowMatrix X = randomRows(Rows, N, 5, 1.0, 3.0);
  NormVariant V = NormVariant::torchLayerNorm();
  NormWeights W = seededWeightsFor("big", V, N);
  std::vector<float> All = run(V, N, X.Values, W, 2);
  for (std::size_t R : {std::size_t(0), std::size_t(1049), Rows - 1}) {
    std::vector<float> Row(X.Values.begin() + R * N,
                           X.Values.begin() + (R + 1) * N);
    std::vector<float> Alone = run(V, N, Row, W, 1);
    EXPECT_TRUE(std::equal(Alone.begin(), Alone.end(), All.begin() + R * N))
        << R;
  }
}

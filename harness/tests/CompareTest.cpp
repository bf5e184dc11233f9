//===- CompareTest.cpp - ULP distance, tolerances, verdicts
//----------------===//
#include "Compare.h"

#include <gtest/gtest.h>

#include <cmath>
#include <limits>

using namespace paramlint::harness;

TEST(CompareTest, DefaultTolerancesAreTorchs) {
  EXPECT_EQ(defaultTolerance(DType::F32).RTol, 1.3e-6);
  EXPECT_EQ(defaultTolerance(DType::F32).ATol, 1e-5);
  EXPECT_EQ(defaultTolerance(DType::F16).RTol, 1e-3);
  EXPECT_EQ(defaultTolerance(DType::F16).ATol, 1e-5);
  EXPECT_EQ(defaultTolerance(DType::BF16).RTol, 1.6e-2);
  EXPECT_EQ(defaultTolerance(DType::BF16).ATol, 1e-5);
}

TEST(CompareTest, UlpDistance) {
  float One = 1.0f;
  EXPECT_EQ(ulpDistance(One, std::nextafter(One, 2.0f), DType::F32), 1u);
  EXPECT_EQ(ulpDistance(One, std::nextafter(One, 0.0f), DType::F32), 1u);
  EXPECT_EQ(ulpDistance(0.0f, -0.0f, DType::F32), 0u);
  float Tiny = std::numeric_limits<float>::denorm_min();
  EXPECT_EQ(ulpDistance(-Tiny, Tiny, DType::F32), 2u);
  EXPECT_EQ(ulpDistance(1.0f, 1.0009765625f, DType::F16), 1u);
  EXPECT_EQ(ulpDistance(1.0f, 2.0f, DType::F16), 1024u);
  EXPECT_EQ(ulpDistance(1.0f, 2.0f, DType::BF16), 128u);
  EXPECT_EQ(ulpDistance(1.0f, -1.0f, DType::BF16), 2u * 0x3f80);
  float Inf = std::numeric_limits<float>::infinity();
  EXPECT_EQ(ulpDistance(65504.0f, Inf, DType::F16), 1u);
  EXPECT_EQ(ulpDistance(std::nanf(""), 1.0f, DType::F32),
            std::numeric_limits<std::uint64_t>::max());
}

TEST(CompareTest, AssertCloseRule) {
  // |a - e| <= atol + rtol * |e| with fp32 defaults: at e = 1 the bound is
  // 1.13e-5.
  std::vector<float> E{1.0f, 0.0f, -2.0f};
  Result<Comparison> In =
      compare({1.0f + 1.1e-5f, 9e-6f, -2.0f}, E, DType::F32);
  ASSERT_TRUE(In);
  EXPECT_TRUE(In->pass()) << In->summary();
  EXPECT_FALSE(In->BitIdentical);
  EXPECT_NEAR(In->MaxAbs, 1.1e-5, 1e-7);
  EXPECT_TRUE(std::isinf(In->MaxRel)); // 9e-6 against 0
  Result<Comparison> Out =
      compare({1.0f + 1.2e-5f, 0.0f, -2.0f}, E, DType::F32);
  ASSERT_TRUE(Out);
  EXPECT_FALSE(Out->pass());
  EXPECT_EQ(Out->Mismatches, 1u);
  EXPECT_EQ(Out->WorstIndex, 0u);
  EXPECT_NE(Out->summary().find("FAIL"), std::string::npos);
  // Configurable.
  Tolerance Loose{1e-4, 0, false};
  Result<Comparison> L =
      compare({1.0f + 1.2e-5f, 0.0f, -2.0f}, E, DType::F32, Loose);
  ASSERT_TRUE(L);
  EXPECT_TRUE(L->pass());
}

TEST(CompareTest, IdenticalAndNonFinite) {
  float Nan = std::nanf(""), Inf = std::numeric_limits<float>::infinity();
  Result<Comparison> Same = compare({1, 2, Inf}, {1, 2, Inf}, DType::F16);
  ASSERT_TRUE(Same);
  EXPECT_TRUE(Same->BitIdentical);
  EXPECT_TRUE(Same->pass());
  EXPECT_EQ(Same->MaxUlp, 0u);
  EXPECT_EQ(Same->NonFiniteActual, 1u);
  Result<Comparison> Nans = compare({Nan, 1}, {Nan, 1}, DType::F32);
  ASSERT_TRUE(Nans);
  EXPECT_FALSE(Nans->pass()); // as assert_close: NaN != NaN by default
  EXPECT_EQ(Nans->WorstIndex, 0u);
  Tolerance EqualNan = defaultTolerance(DType::F32);
  EqualNan.EqualNan = true;
  EXPECT_TRUE(compare({Nan, 1}, {Nan, 1}, DType::F32, EqualNan)->pass());
  EXPECT_FALSE(compare({Inf, 1}, {-Inf, 1}, DType::F32)->pass());
  EXPECT_FALSE(compare({1e30f, 1}, {Inf, 1}, DType::F32)->pass());
}

TEST(CompareTest, SizeMismatchIsAnError) {
  Result<Comparison> R = compare({1, 2}, {1, 2, 3}, DType::F32);
  ASSERT_FALSE(R);
  EXPECT_NE(R.error().find("shape mismatch"), std::string::npos);
}

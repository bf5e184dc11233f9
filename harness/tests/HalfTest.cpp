//===- HalfTest.cpp - fp16/bf16 conversions, exhaustively
//------------------===//
#include "Half.h"

#include <gtest/gtest.h>

#include <cmath>
#include <cstring>
#include <limits>

using namespace paramlint::harness;

namespace {

/// The value of a 16-bit IEEE-style pattern (1 sign bit, 15 - MantBits
/// exponent bits) computed independently, in double.
double referenceValue(std::uint16_t Bits, int MantBits) {
  const int ExpMax = (1 << (15 - MantBits)) - 1, Bias = ExpMax / 2;
  int Sign = (Bits & 0x8000) ? -1 : 1;
  int Exp = (Bits >> MantBits) & ExpMax;
  int Mant = Bits & ((1 << MantBits) - 1);
  if (Exp == ExpMax)
    return Mant ? std::numeric_limits<double>::quiet_NaN()
                : Sign * std::numeric_limits<double>::infinity();
  if (Exp == 0)
    return Sign * std::ldexp(double(Mant), 1 - Bias - MantBits);
  return Sign * std::ldexp(1.0 + std::ldexp(Mant, -MantBits), Exp - Bias);
}

double halfReference(std::uint16_t Bits) { return referenceValue(Bits, 10); }
double bf16Reference(std::uint16_t Bits) { return referenceValue(Bits, 7); }

/// Checks To(From(Bits)) rounding on every pattern and on the midpoints to
/// the next pattern up: below a midpoint rounds down, above rounds up, on
/// it rounds to the even pattern.
template <typename ToBits, typename Reference>
void checkExhaustive(ToBits Encode, Reference Ref, std::uint16_t InfBits,
                     const char *Name) {
  for (std::uint32_t B = 0; B <= 0xffff; ++B) {
    auto Bits = std::uint16_t(B);
    double V = Ref(Bits);
    if (std::isnan(V))
      continue;
    float F = float(V);
    ASSERT_EQ(double(F), V) << Name << " " << B << " not exact in float";
    ASSERT_EQ(Encode(F), Bits) << Name << " round trip of " << B;
    // The midpoint to the next magnitude up (towards infinity).
    std::uint16_t Up = std::uint16_t(Bits + 1);
    if ((Up & 0x7fff) >= InfBits) // the edge cases test the step to Inf
      continue;
    double Next = Ref(Up);
    double Mid = (V + Next) / 2;
    float MidF = float(Mid);
    ASSERT_EQ(double(MidF), Mid) << Name << " midpoint not exact";
    std::uint16_t Even = (Bits & 1) ? Up : Bits;
    EXPECT_EQ(Encode(MidF), Even) << Name << " tie above " << B;
    float Below = std::nextafter(MidF, float(V));
    float Above = std::nextafter(MidF, float(Next));
    EXPECT_EQ(Encode(Below), Bits) << Name << " below the midpoint of " << B;
    EXPECT_EQ(Encode(Above), Up) << Name << " above the midpoint of " << B;
  }
}

std::uint32_t bitsOf(float V) {
  std::uint32_t B;
  std::memcpy(&B, &V, 4);
  return B;
}

} // namespace

TEST(HalfTest, DecodeMatchesReferenceOnAllPatterns) {
  for (std::uint32_t B = 0; B <= 0xffff; ++B) {
    double Ref = halfReference(std::uint16_t(B));
    float Got = halfBitsToFloat(std::uint16_t(B));
    if (std::isnan(Ref))
      EXPECT_TRUE(std::isnan(Got)) << B;
    else
      EXPECT_EQ(double(Got), Ref) << B;
    Ref = bf16Reference(std::uint16_t(B));
    Got = bfloat16BitsToFloat(std::uint16_t(B));
    if (std::isnan(Ref))
      EXPECT_TRUE(std::isnan(Got)) << B;
    else
      EXPECT_EQ(double(Got), Ref) << B;
  }
}

TEST(HalfTest, HalfEncodeRoundsToNearestEvenEverywhere) {
  checkExhaustive(floatToHalfBits, halfReference, 0x7c00, "fp16");
}

TEST(HalfTest, BFloat16EncodeRoundsToNearestEvenEverywhere) {
  checkExhaustive(floatToBFloat16Bits, bf16Reference, 0x7f80, "bf16");
}

TEST(HalfTest, HalfEdgeCases) {
  const float Inf = std::numeric_limits<float>::infinity();
  EXPECT_EQ(floatToHalfBits(65504.0f), 0x7bff);
  EXPECT_EQ(floatToHalfBits(65519.99f), 0x7bff);
  EXPECT_EQ(floatToHalfBits(65520.0f), 0x7c00); // the tie goes to infinity
  EXPECT_EQ(floatToHalfBits(1e10f), 0x7c00);
  EXPECT_EQ(floatToHalfBits(-1e10f), 0xfc00);
  EXPECT_EQ(floatToHalfBits(Inf), 0x7c00);
  EXPECT_EQ(floatToHalfBits(-Inf), 0xfc00);
  EXPECT_EQ(floatToHalfBits(-0.0f), 0x8000);
  EXPECT_EQ(floatToHalfBits(std::ldexp(1.0f, -24)), 0x0001);
  EXPECT_EQ(floatToHalfBits(std::ldexp(1.0f, -25)), 0x0000); // tie to even
  EXPECT_EQ(floatToHalfBits(std::ldexp(1.5f, -25)), 0x0001);
  EXPECT_EQ(floatToHalfBits(std::ldexp(1.0f, -30)), 0x0000);
  EXPECT_EQ(floatToHalfBits(-std::ldexp(1.0f, -30)), 0x8000);
  EXPECT_EQ(floatToHalfBits(std::ldexp(1023.5f, -24)), 0x0400); // to normal
  EXPECT_EQ(floatToHalfBits(std::numeric_limits<float>::denorm_min()), 0);
  // NaN stays NaN, including a payload only in the low bits, sign kept.
  float LowPayloadNan;
  std::uint32_t B = 0x7f800001;
  std::memcpy(&LowPayloadNan, &B, 4);
  EXPECT_TRUE(std::isnan(halfBitsToFloat(floatToHalfBits(LowPayloadNan))));
  EXPECT_EQ(floatToHalfBits(-std::numeric_limits<float>::quiet_NaN()) & 0x8000,
            0x8000);
}

TEST(HalfTest, BFloat16EdgeCases) {
  float Max = std::numeric_limits<float>::max();
  EXPECT_EQ(floatToBFloat16Bits(Max), 0x7f80); // rounds past the largest bf16
  EXPECT_EQ(floatToBFloat16Bits(-0.0f), 0x8000);
  float LowPayloadNan;
  std::uint32_t B = 0x7f800001;
  std::memcpy(&LowPayloadNan, &B, 4);
  EXPECT_TRUE(
      std::isnan(bfloat16BitsToFloat(floatToBFloat16Bits(LowPayloadNan))));
  // Subnormals round like any other value.
  float Sub = std::numeric_limits<float>::denorm_min();
  EXPECT_EQ(floatToBFloat16Bits(Sub), 0x0000);
  EXPECT_EQ(bitsOf(roundToStorage(1.00390625f, DType::BF16)), bitsOf(1.0f));
  EXPECT_EQ(roundToStorage(1.01171875f, DType::BF16), 1.015625f);
}

TEST(HalfTest, RoundToStorageAndNames) {
  EXPECT_EQ(roundToStorage(0.1f, DType::F32), 0.1f);
  EXPECT_EQ(roundToStorage(0.1f, DType::F16), halfBitsToFloat(0x2e66));
  // fp16 values near 1e4 are 8 apart; 10004 is a tie that goes to even.
  EXPECT_EQ(roundToStorage(10003.0f, DType::F16), 10000.0f);
  EXPECT_EQ(roundToStorage(10004.0f, DType::F16), 10000.0f);
  EXPECT_EQ(roundToStorage(10005.0f, DType::F16), 10008.0f);
  EXPECT_EQ(storageBits(1.0f, DType::F16), 0x3c00u);
  EXPECT_EQ(storageBits(1.0f, DType::BF16), 0x3f80u);
  EXPECT_EQ(storageBits(1.0f, DType::F32), 0x3f800000u);
  EXPECT_EQ(dtypeName(DType::BF16), "bf16");
}

TEST(HalfTest, DecodeLittleEndianTensors) {
  const unsigned char F32[] = {0x00, 0x00, 0x80, 0x3f, 0x00, 0x00, 0x00, 0xc0};
  EXPECT_EQ(decodeLittleEndian(F32, 2, DType::F32),
            (std::vector<float>{1.0f, -2.0f}));
  const unsigned char F16[] = {0x00, 0x3c, 0x00, 0x7c, 0x01, 0x00};
  std::vector<float> H = decodeLittleEndian(F16, 3, DType::F16);
  EXPECT_EQ(H[0], 1.0f);
  EXPECT_TRUE(std::isinf(H[1]));
  EXPECT_EQ(H[2], std::ldexp(1.0f, -24));
  const unsigned char BF16[] = {0x80, 0x3f, 0xc0, 0x7f};
  std::vector<float> B = decodeLittleEndian(BF16, 2, DType::BF16);
  EXPECT_EQ(B[0], 1.0f);
  EXPECT_TRUE(std::isnan(B[1]));
  EXPECT_TRUE(decodeLittleEndian(nullptr, 0, DType::F16).empty());
}

//===- Half.cpp - fp16 and bf16 conversions
//--------------------------------===//
#include "Half.h"

#include <cstring>

namespace paramlint::harness {

namespace {

std::uint32_t bitsOf(float V) {
  std::uint32_t B;
  std::memcpy(&B, &V, sizeof B);
  return B;
}

float floatOf(std::uint32_t B) {
  float V;
  std::memcpy(&V, &B, sizeof V);
  return V;
}

/// Shifts Value right by Shift bits (1..31), rounding to nearest with ties
/// to even on the bits shifted out.
std::uint32_t shiftRoundEven(std::uint32_t Value, unsigned Shift) {
  std::uint32_t Kept = Value >> Shift;
  std::uint32_t Rest = Value & ((1u << Shift) - 1);
  std::uint32_t Half = 1u << (Shift - 1);
  if (Rest > Half || (Rest == Half && (Kept & 1)))
    ++Kept;
  return Kept;
}

} // namespace

std::string_view dtypeName(DType T) {
  switch (T) {
  case DType::F32:
    return "fp32";
  case DType::F16:
    return "fp16";
  case DType::BF16:
    return "bf16";
  }
  return "?";
}

std::uint16_t floatToHalfBits(float V) {
  std::uint32_t F = bitsOf(V);
  auto Sign = static_cast<std::uint16_t>((F >> 16) & 0x8000);
  std::uint32_t Abs = F & 0x7fffffff;
  if (Abs >= 0x7f800000) {
    if (Abs == 0x7f800000)
      return Sign | 0x7c00;
    // NaN: keep the top payload bits and force the quiet bit so that a
    // payload living only in the low bits cannot turn into infinity.
    return static_cast<std::uint16_t>(Sign | 0x7e00 | ((Abs >> 13) & 0x3ff));
  }
  int Exp = static_cast<int>(Abs >> 23) - 127;
  if (Exp > 15) // 2^16 and above: beyond the largest finite half (65504).
    return Sign | 0x7c00;
  if (Exp < -14) {
    // fp16 subnormal (or zero): count units of 2^-24. Below 2^-25 even the
    // tie cannot reach the smallest subnormal.
    if (Exp < -25)
      return Sign;
    std::uint32_t Significand = (Abs & 0x7fffff) | 0x800000;
    // Value = Significand * 2^(Exp - 23) = units * 2^-24.
    auto Units = shiftRoundEven(Significand, static_cast<unsigned>(-(Exp + 1)));
    return static_cast<std::uint16_t>(Sign | Units); // 0x400 = smallest normal
  }
  std::uint32_t Packed =
      (static_cast<std::uint32_t>(Exp + 15) << 23) | (Abs & 0x7fffff);
  // Rounding may carry into the exponent, up to 0x7c00 = infinity: correct.
  return static_cast<std::uint16_t>(Sign | shiftRoundEven(Packed, 13));
}

float halfBitsToFloat(std::uint16_t Bits) {
  std::uint32_t Sign = static_cast<std::uint32_t>(Bits & 0x8000) << 16;
  std::uint32_t Exp = (Bits >> 10) & 0x1f;
  std::uint32_t Mant = Bits & 0x3ff;
  if (Exp == 0x1f)
    return floatOf(Sign | 0x7f800000 | (Mant << 13));
  if (Exp == 0) {
    // Subnormal: Mant * 2^-24, exact in float.
    float Mag = static_cast<float>(Mant) * (1.0f / 16777216.0f);
    return Sign ? -Mag : Mag;
  }
  return floatOf(Sign | ((Exp - 15 + 127) << 23) | (Mant << 13));
}

std::uint16_t floatToBFloat16Bits(float V) {
  std::uint32_t F = bitsOf(V);
  if ((F & 0x7fffffff) > 0x7f800000) // NaN: truncate, force quiet
    return static_cast<std::uint16_t>((F >> 16) | 0x40);
  // Adding 0x7fff (+1 when the kept lsb is odd) rounds to nearest-even; a
  // carry out of the mantissa bumps the exponent, up to infinity.
  std::uint32_t Bias = 0x7fff + ((F >> 16) & 1);
  return static_cast<std::uint16_t>((F + Bias) >> 16);
}

float bfloat16BitsToFloat(std::uint16_t Bits) {
  return floatOf(static_cast<std::uint32_t>(Bits) << 16);
}

float roundToStorage(float V, DType T) {
  switch (T) {
  case DType::F32:
    return V;
  case DType::F16:
    return halfBitsToFloat(floatToHalfBits(V));
  case DType::BF16:
    return bfloat16BitsToFloat(floatToBFloat16Bits(V));
  }
  return V;
}

std::uint32_t storageBits(float V, DType T) {
  switch (T) {
  case DType::F32:
    return bitsOf(V);
  case DType::F16:
    return floatToHalfBits(V);
  case DType::BF16:
    return floatToBFloat16Bits(V);
  }
  return bitsOf(V);
}

std::vector<float> decodeLittleEndian(const unsigned char *Bytes,
                                      std::size_t Count, DType T) {
  std::vector<float> Out(Count);
  for (std::size_t I = 0; I < Count; ++I) {
    if (T == DType::F32) {
      const unsigned char *P = Bytes + 4 * I;
      Out[I] = floatOf(std::uint32_t(P[0]) | std::uint32_t(P[1]) << 8 |
                       std::uint32_t(P[2]) << 16 | std::uint32_t(P[3]) << 24);
      continue;
    }
    auto Bits = std::uint16_t(Bytes[2 * I] | Bytes[2 * I + 1] << 8);
    Out[I] =
        T == DType::F16 ? halfBitsToFloat(Bits) : bfloat16BitsToFloat(Bits);
  }
  return Out;
}

} // namespace paramlint::harness

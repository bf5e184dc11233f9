//===- Half.h - Storage dtypes: fp32, fp16 and bf16 --------------*- C++
//-*-===//
///
/// \file
/// The three storage dtypes a norm layer's tensors come in, and exact
/// conversions between fp32 and the two 16-bit formats. Every fp16 and bf16
/// value is exactly representable in fp32, so the harness carries all
/// tensors as float and rounds them to the storage dtype where a real
/// kernel would store them.
///
/// Rounding is IEEE round-to-nearest-even, as in torch's `.half()` and
/// `.bfloat16()`: overflow gives infinity, tiny values become fp16
/// subnormals, NaN stays NaN (quiet, sign kept) and infinities stay
/// infinities.
///
//===----------------------------------------------------------------------===//
#ifndef PARAMLINT_HARNESS_HALF_H
#define PARAMLINT_HARNESS_HALF_H

#include <cstddef>
#include <cstdint>
#include <string_view>
#include <vector>

namespace paramlint::harness {

/// How a tensor is stored.
enum class DType : std::uint8_t { F32, F16, BF16 };

/// "fp32", "fp16" or "bf16".
std::string_view dtypeName(DType T);

/// The IEEE binary16 bit pattern nearest to V (ties to even).
std::uint16_t floatToHalfBits(float V);
/// The value of an IEEE binary16 bit pattern (exact).
float halfBitsToFloat(std::uint16_t Bits);

/// The bfloat16 bit pattern nearest to V (ties to even).
std::uint16_t floatToBFloat16Bits(float V);
/// The value of a bfloat16 bit pattern (exact).
float bfloat16BitsToFloat(std::uint16_t Bits);

/// V rounded to the storage dtype T and widened back to float (identity for
/// F32). A double is first rounded to float, as torch does when it casts a
/// double tensor to fp16 or bf16.
float roundToStorage(float V, DType T);

/// The bit pattern of V in dtype T (V must already be representable in T,
/// e.g. the output of roundToStorage): 32 bits for F32, 16 for the others.
std::uint32_t storageBits(float V, DType T);

/// Count little-endian values of dtype T read from Bytes (4 * Count bytes
/// for F32, 2 * Count otherwise), widened to float exactly: how a
/// checkpoint's raw tensor data becomes harness weights.
std::vector<float> decodeLittleEndian(const unsigned char *Bytes,
                                      std::size_t Count, DType T);

} // namespace paramlint::harness

#endif // PARAMLINT_HARNESS_HALF_H

//===- Compare.h - How far apart two norm outputs are ------------*- C++
//-*-===//
///
/// \file
/// Compares an actual output with an expected one element by element, the
/// way `torch.testing.assert_close` does (|a - e| <= atol + rtol * |e|,
/// NaN never equal unless asked, infinities equal only to themselves), and
/// also measures what a user wants to read in a report: max abs and rel
/// difference, max ULP distance in the storage dtype, bit-identity.
///
//===----------------------------------------------------------------------===//
#ifndef PARAMLINT_HARNESS_COMPARE_H
#define PARAMLINT_HARNESS_COMPARE_H

#include "Half.h"
#include "Result.h"

#include <cstddef>
#include <cstdint>
#include <limits>
#include <string>
#include <vector>

namespace paramlint::harness {

/// Closeness bounds: |actual - expected| <= ATol + RTol * |expected|.
struct Tolerance {
  double RTol = 1.3e-6;
  double ATol = 1e-5;
  /// Count NaN == NaN at the same place as equal.
  bool EqualNan = false;
};

/// torch.testing.assert_close's defaults for the dtype: fp32 1.3e-6/1e-5,
/// fp16 1e-3/1e-5, bf16 1.6e-2/1e-5 (rtol/atol).
Tolerance defaultTolerance(DType T);

/// The ULP distance of A and B in dtype T (both representable in T): how
/// many representable values apart they are; 0 for +0 and -0; the maximum
/// value when exactly one is NaN or when both are NaN. Near zero the count
/// explodes (1e-9 and -1e-9 are ~1.6e9 fp32 values apart), which is why the
/// verdict rests on atol/rtol and ULPs are only reported.
std::uint64_t ulpDistance(float A, float B, DType T);

/// The outcome of compare().
struct Comparison {
  std::size_t Count = 0;
  double MaxAbs = 0; ///< Over elements where both are finite.
  double MaxRel = 0; ///< |a - e| / |e|; infinite where e == 0 != a.
  std::uint64_t MaxUlp = 0;
  bool BitIdentical = true;   ///< Every element has the same storage bits.
  std::size_t Mismatches = 0; ///< Elements outside the tolerance.
  /// The element with the largest |a - e| - (atol + rtol |e|), i.e. the
  /// worst offender (any element when all pass; a NaN/Inf mismatch first).
  std::size_t WorstIndex = 0;
  std::size_t NonFiniteActual = 0;
  std::size_t NonFiniteExpected = 0;
  Tolerance Tol;

  /// No element outside the tolerance.
  bool pass() const { return Mismatches == 0; }
  /// A one-line summary, e.g. "max abs 2.4e-07, max rel 3.1e-07, max ulp 2,
  /// not bit-identical, 0/1024 outside rtol 1.3e-06 atol 1e-05: pass".
  std::string summary() const;
};

/// Compares Actual with Expected in dtype T under Tol. An error when the
/// sizes differ.
Result<Comparison> compare(const std::vector<float> &Actual,
                           const std::vector<float> &Expected, DType T,
                           const Tolerance &Tol);

/// compare() under defaultTolerance(T).
Result<Comparison> compare(const std::vector<float> &Actual,
                           const std::vector<float> &Expected, DType T);

} // namespace paramlint::harness

#endif // PARAMLINT_HARNESS_COMPARE_H

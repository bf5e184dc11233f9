//===- Compare.cpp - How far apart two norm outputs are
//--------------------===//
#include "Compare.h"

#include <cmath>
#include <cstdio>

namespace paramlint::harness {

namespace {

/// Maps a sign-magnitude bit pattern of Bits bits onto a line where
/// neighbouring values are neighbouring integers (-0 and +0 both at 0).
std::int64_t orderedIndex(std::uint32_t Pattern, unsigned Bits) {
  std::uint32_t SignBit = 1u << (Bits - 1);
  auto Magnitude = std::int64_t(Pattern & (SignBit - 1));
  return (Pattern & SignBit) ? -Magnitude : Magnitude;
}

} // namespace

Tolerance defaultTolerance(DType T) {
  switch (T) {
  case DType::F32:
    return {1.3e-6, 1e-5};
  case DType::F16:
    return {1e-3, 1e-5};
  case DType::BF16:
    return {1.6e-2, 1e-5};
  }
  return {};
}

std::uint64_t ulpDistance(float A, float B, DType T) {
  if (std::isnan(A) || std::isnan(B))
    return std::numeric_limits<std::uint64_t>::max();
  unsigned Bits = T == DType::F32 ? 32 : 16;
  std::int64_t IA = orderedIndex(storageBits(A, T), Bits);
  std::int64_t IB = orderedIndex(storageBits(B, T), Bits);
  return std::uint64_t(IA > IB ? IA - IB : IB - IA);
}

Result<Comparison> compare(const std::vector<float> &Actual,
                           const std::vector<float> &Expected, DType T,
                           const Tolerance &Tol) {
  if (Actual.size() != Expected.size())
    return Error{"shape mismatch: " + std::to_string(Actual.size()) +
                 " values compared with " + std::to_string(Expected.size())};
  Comparison C;
  C.Count = Actual.size();
  C.Tol = Tol;
  double WorstExcess = -std::numeric_limits<double>::infinity();
  for (std::size_t I = 0; I < Actual.size(); ++I) {
    double A = Actual[I], E = Expected[I];
    bool FiniteA = std::isfinite(A), FiniteE = std::isfinite(E);
    C.NonFiniteActual += !FiniteA;
    C.NonFiniteExpected += !FiniteE;
    if (storageBits(Actual[I], T) != storageBits(Expected[I], T))
      C.BitIdentical = false;
    std::uint64_t Ulp = ulpDistance(Actual[I], Expected[I], T);
    if (Ulp > C.MaxUlp)
      C.MaxUlp = Ulp;
    double Excess;
    if (FiniteA && FiniteE) {
      double Abs = std::fabs(A - E);
      double Rel =
          E != 0 ? Abs / std::fabs(E)
                 : (Abs != 0 ? std::numeric_limits<double>::infinity() : 0.0);
      C.MaxAbs = std::max(C.MaxAbs, Abs);
      C.MaxRel = std::max(C.MaxRel, Rel);
      Excess = Abs - (Tol.ATol + Tol.RTol * std::fabs(E));
    } else {
      bool Same = (A == E) || (Tol.EqualNan && std::isnan(A) && std::isnan(E));
      Excess = Same ? -std::numeric_limits<double>::max()
                    : std::numeric_limits<double>::infinity();
    }
    if (Excess > 0)
      ++C.Mismatches;
    if (Excess > WorstExcess) {
      WorstExcess = Excess;
      C.WorstIndex = I;
    }
  }
  return C;
}

Result<Comparison> compare(const std::vector<float> &Actual,
                           const std::vector<float> &Expected, DType T) {
  return compare(Actual, Expected, T, defaultTolerance(T));
}

std::string Comparison::summary() const {
  char Buf[256];
  std::snprintf(Buf, sizeof Buf,
                "max abs %.3g, max rel %.3g, max ulp %llu, %s, %zu/%zu outside "
                "rtol %g atol %g%s: %s",
                MaxAbs, MaxRel, static_cast<unsigned long long>(MaxUlp),
                BitIdentical ? "bit-identical" : "not bit-identical",
                Mismatches, Count, Tol.RTol, Tol.ATol,
                NonFiniteActual || NonFiniteExpected ? " (NaN/Inf present)"
                                                     : "",
                pass() ? "pass" : "FAIL");
  return Buf;
}

} // namespace paramlint::harness

//===- Probes.h - Seeded inputs and weights for norm layers ------*- C++
//-*-===//
///
/// \file
/// Probe rows that exercise where norm implementations part ways: ordinary
/// random rows, rows of 1e4 + small noise (where E[x^2] - E[x]^2 and plain
/// fp32 means lose the variance), near-constant rows (variance near or
/// below eps, where eps placement dominates) and an exactly constant row.
///
/// Everything is a pure function of its seed, on every platform: a
/// splitmix64 stream and an Irwin-Hall normal (no libm calls whose last bit
/// could differ between C libraries).
///
//===----------------------------------------------------------------------===//
#ifndef PARAMLINT_HARNESS_PROBES_H
#define PARAMLINT_HARNESS_PROBES_H

#include "NormKernels.h"

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace paramlint::harness {

/// A deterministic random stream (splitmix64).
class SeededRandom {
public:
  /// A stream that depends only on Seed.
  explicit SeededRandom(std::uint64_t Seed) : State(Seed) {}
  /// The next 64 random bits.
  std::uint64_t next();
  /// Uniform in [0, 1).
  double uniform();
  /// Approximately standard normal (mean 0, variance 1, within +-6).
  double normal();

private:
  std::uint64_t State;
};

/// A stable 64-bit seed for a name (FNV-1a), e.g. a module path and role.
std::uint64_t seedFor(std::string_view Name, std::uint64_t Base = 0);

/// One named batch of probe rows of a given width.
struct Probe {
  std::string Name; ///< "random", "mean-shifted", "near-constant", "constant"
  RowMatrix X;
};

/// How many rows of each kind makeProbes() makes.
struct ProbeOptions {
  std::uint64_t Seed = 0x5eed;
  std::size_t RowsPerKind = 4;
};

/// Rows * Width values of Mean + Std * N(0, 1).
RowMatrix randomRows(std::size_t Rows, std::size_t Width, std::uint64_t Seed,
                     double Mean = 0.0, double Std = 1.0);

/// Rows of 1e4 + N(0, 1).
RowMatrix meanShiftedRows(std::size_t Rows, std::size_t Width,
                          std::uint64_t Seed);

/// Rows of c + 1e-3 N(0, 1), with c uniform in [-3, 3] per row.
RowMatrix nearConstantRows(std::size_t Rows, std::size_t Width,
                           std::uint64_t Seed);

/// The probes for one layer of width Width (>= 1): random, mean-shifted,
/// near-constant, and one constant row.
std::vector<Probe> makeProbes(std::size_t Width, const ProbeOptions &Opts = {});

/// All probes of makeProbes() stacked into one matrix (the order is that of
/// makeProbes()).
RowMatrix stackProbes(const std::vector<Probe> &Probes);

/// Widths from 2 to 16384 that cover odd sizes, sizes below and above the
/// kernel's 16 lanes, and common model widths.
const std::vector<std::size_t> &probeWidths();

/// The kind of weight a seeded tensor stands in for.
enum class WeightRole : std::uint8_t {
  Scale,       ///< around 1: 1 + 0.1 N(0, 1)
  ScaleOffset, ///< a `1 + w` scale's w: 0.1 N(0, 1)
  Shift,       ///< 0.1 N(0, 1)
};

/// Width seeded weights for Key (e.g. "trf_blocks.0.norm1") and Role: the
/// same key gives the same tensor on both sides of a comparison, whatever
/// each side names the parameter.
std::vector<float> seededWeights(std::string_view Key, WeightRole Role,
                                 std::size_t Width);

/// Seeded weights for every parameter V has (ScaleOffset picks the offset
/// role for the scale).
NormWeights seededWeightsFor(std::string_view Key, const NormVariant &V,
                             std::size_t Width);

} // namespace paramlint::harness

#endif // PARAMLINT_HARNESS_PROBES_H

//===- Probes.cpp - Seeded inputs and weights for norm layers
//--------------===//
#include "Probes.h"

namespace paramlint::harness {

std::uint64_t SeededRandom::next() {
  State += 0x9e3779b97f4a7c15ULL;
  std::uint64_t Z = State;
  Z = (Z ^ (Z >> 30)) * 0xbf58476d1ce4e5b9ULL;
  Z = (Z ^ (Z >> 27)) * 0x94d049bb133111ebULL;
  return Z ^ (Z >> 31);
}

double SeededRandom::uniform() {
  return double(next() >> 11) * (1.0 / 9007199254740992.0); // 2^-53
}

double SeededRandom::normal() {
  // Irwin-Hall: the sum of 12 uniforms minus 6 has mean 0 and variance 1.
  double Sum = 0;
  for (int I = 0; I < 12; ++I)
    Sum += uniform();
  return Sum - 6.0;
}

std::uint64_t seedFor(std::string_view Name, std::uint64_t Base) {
  std::uint64_t H = 0xcbf29ce484222325ULL ^ Base;
  for (unsigned char C : Name) {
    H ^= C;
    H *= 0x100000001b3ULL;
  }
  return H;
}

RowMatrix randomRows(std::size_t Rows, std::size_t Width, std::uint64_t Seed,
                     double Mean, double Std) {
  RowMatrix M{Rows, Width, std::vector<float>(Rows * Width)};
  SeededRandom Rng(Seed);
  for (float &V : M.Values)
    V = float(Mean + Std * Rng.normal());
  return M;
}

RowMatrix meanShiftedRows(std::size_t Rows, std::size_t Width,
                          std::uint64_t Seed) {
  return randomRows(Rows, Width, Seed, 1e4, 1.0);
}

RowMatrix nearConstantRows(std::size_t Rows, std::size_t Width,
                           std::uint64_t Seed) {
  RowMatrix M{Rows, Width, std::vector<float>(Rows * Width)};
  SeededRandom Rng(Seed);
  for (std::size_t R = 0; R < Rows; ++R) {
    double C = -3.0 + 6.0 * Rng.uniform();
    for (std::size_t I = 0; I < Width; ++I)
      M.Values[R * Width + I] = float(C + 1e-3 * Rng.normal());
  }
  return M;
}

std::vector<Probe> makeProbes(std::size_t Width, const ProbeOptions &Opts) {
  std::size_t N = Opts.RowsPerKind;
  std::uint64_t S = seedFor(std::to_string(Width), Opts.Seed);
  std::vector<Probe> P;
  P.push_back({"random", randomRows(N, Width, S + 1)});
  P.push_back({"mean-shifted", meanShiftedRows(N, Width, S + 2)});
  P.push_back({"near-constant", nearConstantRows(N, Width, S + 3)});
  P.push_back(
      {"constant", RowMatrix{1, Width, std::vector<float>(Width, 0.75f)}});
  return P;
}

RowMatrix stackProbes(const std::vector<Probe> &Probes) {
  RowMatrix All;
  for (const Probe &P : Probes) {
    All.Width = P.X.Width;
    All.Rows += P.X.Rows;
    All.Values.insert(All.Values.end(), P.X.Values.begin(), P.X.Values.end());
  }
  return All;
}

const std::vector<std::size_t> &probeWidths() {
  static const std::vector<std::size_t> Widths{2,   3,   7,    16,   17,   64,
                                               127, 768, 1024, 4096, 16384};
  return Widths;
}

std::vector<float> seededWeights(std::string_view Key, WeightRole Role,
                                 std::size_t Width) {
  const char *RoleName = Role == WeightRole::Shift ? "#shift" : "#scale";
  SeededRandom Rng(seedFor(std::string(Key) + RoleName));
  double Base = Role == WeightRole::Scale ? 1.0 : 0.0;
  std::vector<float> W(Width);
  for (float &V : W)
    V = float(Base + 0.1 * Rng.normal());
  return W;
}

NormWeights seededWeightsFor(std::string_view Key, const NormVariant &V,
                             std::size_t Width) {
  NormWeights W;
  if (V.HasScale)
    W.Scale = seededWeights(
        Key, V.ScaleOffset ? WeightRole::ScaleOffset : WeightRole::Scale,
        Width);
  if (V.HasShift)
    W.Shift = seededWeights(Key, WeightRole::Shift, Width);
  return W;
}

} // namespace paramlint::harness

//===- cache/ContentHash.cpp - A fast 128-bit hash of file contents -------===//
#include "cache/ContentHash.h"

#include <cstring>

namespace paramlint {
namespace {

// Odd constants with well-spread bits (the golden ratio and friends).
constexpr uint64_t K0 = 0x9E3779B97F4A7C15ull;
constexpr uint64_t K1 = 0xC2B2AE3D27D4EB4Full;
constexpr uint64_t K2 = 0x165667B19E3779F9ull;
constexpr uint64_t K3 = 0xD6E8FEB86659FD93ull;
constexpr uint64_t K4 = 0xA0761D6478BD642Full;
constexpr uint64_t K5 = 0xE7037ED1A0B428DBull;

/// The full 128-bit product folded to 64 bits: every input bit reaches
/// every output bit in one multiply.
inline uint64_t foldMultiply(uint64_t A, uint64_t B) {
  unsigned __int128 P = static_cast<unsigned __int128>(A) * B;
  return static_cast<uint64_t>(P) ^ static_cast<uint64_t>(P >> 64);
}

inline uint64_t rotl(uint64_t X, unsigned R) {
  return (X << R) | (X >> (64 - R));
}

/// Little-endian load, so the hash (and the cache's file names) are the
/// same on every host.
inline uint64_t load64(const unsigned char *P) {
  uint64_t V;
  std::memcpy(&V, P, 8);
#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_BIG_ENDIAN__
  V = __builtin_bswap64(V);
#endif
  return V;
}

/// One 16-byte step of a lane. The old state is kept beside the product so
/// that a product of zero cannot erase what came before.
inline uint64_t step(uint64_t State, uint64_t W0, uint64_t W1, uint64_t KA,
                     uint64_t KB) {
  return foldMultiply(W0 ^ KA ^ State, W1 ^ KB) ^ rotl(State, 29);
}

} // namespace

Hash128 contentHash(std::string_view Bytes, uint64_t Seed) {
  const auto *P = reinterpret_cast<const unsigned char *>(Bytes.data());
  size_t N = Bytes.size();
  uint64_t A = Seed ^ K0;
  uint64_t B = rotl(Seed, 32) ^ K1;
  // The two lanes have no dependency on each other, so their multiplies
  // overlap in the pipeline.
  while (N >= 32) {
    A = step(A, load64(P), load64(P + 8), K2, K3);
    B = step(B, load64(P + 16), load64(P + 24), K4, K5);
    P += 32;
    N -= 32;
  }
  if (N >= 16) {
    A = step(A, load64(P), load64(P + 8), K2, K3);
    P += 16;
    N -= 16;
  }
  unsigned char Tail[16] = {};
  std::memcpy(Tail, P, N);
  B = step(B, load64(Tail), load64(Tail + 8), K4, K5);

  const uint64_t Length = Bytes.size();
  uint64_t Lo = foldMultiply(A ^ Length ^ K1, B ^ K2);
  uint64_t Hi = foldMultiply(B ^ rotl(Length, 17) ^ K3, A ^ K4);
  Lo = foldMultiply(Lo ^ K5, Hi ^ K0);
  Hi = foldMultiply(Hi ^ K2, Lo ^ K3) ^ Lo;
  return Hash128{Lo, Hi};
}

std::string toHex(const Hash128 &H) {
  static const char Digits[] = "0123456789abcdef";
  std::string S(32, '0');
  for (int I = 0; I < 16; ++I) {
    S[15 - I] = Digits[(H.Hi >> (4 * I)) & 0xF];
    S[31 - I] = Digits[(H.Lo >> (4 * I)) & 0xF];
  }
  return S;
}

} // namespace paramlint

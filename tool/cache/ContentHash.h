//===- cache/ContentHash.h - A fast 128-bit hash of file contents -*- C++
//-*-===//
///
/// \file
/// The key of a cache entry: a 128-bit non-cryptographic hash of a file's
/// analysed text. It must be fast (a warm run hashes every input, 46 MB for
/// the benchmark corpus) and its collisions negligible for files nobody
/// crafts against it; it is not meant to resist an attacker, who could only
/// make paramlint show stale findings in their own cache.
///
/// Thirty-two bytes per step in two independent lanes, each a 64×64→128-bit
/// multiply folded to 64 bits; the length is mixed in at the end so that
/// zero-padded inputs differ. bench/CacheBench.cpp measures it against a
/// byte-at-a-time FNV-1a.
///
//===----------------------------------------------------------------------===//
#ifndef PARAMLINT_CACHE_CONTENTHASH_H
#define PARAMLINT_CACHE_CONTENTHASH_H

#include <cstdint>
#include <string>
#include <string_view>

namespace paramlint {

/// A 128-bit hash value.
struct Hash128 {
  uint64_t Lo = 0;
  uint64_t Hi = 0;
  bool operator==(const Hash128 &O) const { return Lo == O.Lo && Hi == O.Hi; }
  bool operator!=(const Hash128 &O) const { return !(*this == O); }
};

/// Hashes Bytes; a different Seed gives an unrelated function.
Hash128 contentHash(std::string_view Bytes, uint64_t Seed = 0);

/// The 32 lower-case hex digits of H (Hi first), for file names.
std::string toHex(const Hash128 &H);

} // namespace paramlint

#endif // PARAMLINT_CACHE_CONTENTHASH_H

//===- cxx/CxxUnitCache.h - Cached facts of C++ translation units -*- C++ -*-===//
///
/// \file
/// The facts of a C++ unit depend on more than its own text: on every
/// header it includes and on its compile command. A unit's cache entry is
/// therefore keyed by the unit's path and command (cxxUnitKey), and holds
/// the list of every file the parse read (the source, the user's headers,
/// the system and library headers) with the hash of the bytes Clang saw.
/// A later run reuses the entry only when each of those files still has
/// that content (the same check ccache's direct mode makes), so editing an
/// included header, or a different command, parses the unit again.
///
/// The entry also carries what the unit contributed beyond its own file:
/// the facts of the user headers it owned (a header's facts come from one
/// unit) and the tensor fields its loaders bind. Kept free of Clang so it
/// builds and tests in seconds.
///
//===----------------------------------------------------------------------===//
#ifndef PARAMLINT_CXX_CXXUNITCACHE_H
#define PARAMLINT_CXX_CXXUNITCACHE_H

#include "cache/ContentHash.h"
#include "graph/Facts.h"

#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <utility>
#include <vector>

namespace paramlint {

/// What parsing one unit produced, as its cache entry stores it.
struct CxxUnitRecord {
  /// Every file the parse read (absolute path) and the hex content hash of
  /// the bytes it read.
  std::vector<std::pair<std::string, std::string>> Dependencies;
  /// The facts of the user files this unit owned, by input path.
  std::vector<std::pair<std::string, FileFacts>> Facts;
  /// `struct::field` of the tensor fields the unit's loaders name.
  std::vector<std::string> BoundFields;
};

/// The key of a unit's entry: its file, working directory and command
/// line (the flags decide what the headers mean), and Context: anything
/// else the facts depend on (the config's table extensions, which give
/// fields their roles).
Hash128 cxxUnitKey(const std::string &File, const std::string &Directory,
                   const std::vector<std::string> &Args,
                   std::string_view Context = {});

/// The hex content hash of Bytes, as Dependencies spell it.
std::string dependencyHash(std::string_view Bytes);

/// The entry's bytes; nullopt when some facts cannot be cached (too deep
/// to read back safely, as for Python files).
std::optional<std::string> serializeUnitRecord(const CxxUnitRecord &R);
/// Reads serializeUnitRecord's bytes; nullopt when they are damaged.
std::optional<CxxUnitRecord> deserializeUnitRecord(std::string_view Bytes);

/// Content hashes of files on disk, each file read once per run (units
/// share most headers). Thread-safe.
class DependencyHashes {
public:
  /// The hash of Path's bytes now, or "" when it cannot be read.
  std::string of(const std::string &Path);
  /// Whether every dependency of R still has its recorded content.
  bool unchanged(const CxxUnitRecord &R);

private:
  std::mutex Mutex;
  std::unordered_map<std::string, std::string> Known;
};

} // namespace paramlint

#endif // PARAMLINT_CXX_CXXUNITCACHE_H

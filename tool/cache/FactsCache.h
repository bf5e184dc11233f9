//===- cache/FactsCache.h - Per-file facts keyed by content hash -*- C++
//-*-===//
///
/// \file
/// A second `check` over an unchanged tree should not parse it again: the
/// FileFacts of a Python file (or a notebook's joined cells) depend on its
/// text alone, so they are stored under a hash of that text and reused.
///
/// Layout, under the cache directory (`.paramlint_cache/` in the project
/// root, like Ruff's `.ruff_cache/`):
///
///     CACHEDIR.TAG   .gitignore (`*`)
///     facts-<FactsFormatVersion>-<version>-<build>/<hh>/<30 hex digits>
///     facts-<FactsFormatVersion>-<version>-<build>/runs/<32 hex digits>
///
/// `runs/` holds the diagnostics of the newest whole runs (cache/RunCache.h),
/// so that a run over an unchanged tree need not link at all.
///
/// The build is a hash of the running executable, so any rebuild or
/// upgrade (a frontend that extracts differently) starts an empty
/// directory. One file per entry, written (by a writer thread, so that a
/// cold run does not wait for thousands of file creations) to a temporary
/// name and renamed:
/// concurrent runs never see a partial entry, and the last writer of an
/// identical entry wins. An entry carries a magic, the format version, its
/// key and a checksum of its payload; anything that does not match is a
/// miss, and the entry is rebuilt.
///
/// A cache that cannot be written (read-only directory, full disk) says so
/// once and the run goes on without writing; reads never fail a run.
///
//===----------------------------------------------------------------------===//
#ifndef PARAMLINT_CACHE_FACTSCACHE_H
#define PARAMLINT_CACHE_FACTSCACHE_H

#include "SourceFile.h"
#include "cache/ContentHash.h"
#include "graph/Facts.h"

#include "llvm/Support/Error.h"

#include <atomic>
#include <condition_variable>
#include <deque>
#include <functional>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <utility>
#include <vector>

namespace paramlint {

/// What a cache did during one run.
struct CacheStats {
  size_t Hits = 0;
  size_t Misses = 0;
  size_t Stored = 0;
  /// Entries found but unreadable (truncated, damaged): counted in Misses
  /// too, and rewritten.
  size_t Rejected = 0;
  /// The run's diagnostics were those of an identical earlier run
  /// (cache/RunCache.h): nothing was linked. Set by analyze().
  bool ReusedRun = false;
};

/// The facts cache of one run. Thread-safe: workers call extract() on
/// their own files concurrently.
class FactsCache {
public:
  /// A cache rooted at Root (created when the first entry is written).
  /// Build names the extracting program; the default is currentBuildId().
  explicit FactsCache(std::string Root, std::string Build = "");
  /// Writes whatever is still queued.
  ~FactsCache();
  FactsCache(const FactsCache &) = delete;
  FactsCache &operator=(const FactsCache &) = delete;

  /// The facts of File: the cached ones when an entry for its text exists,
  /// else Extract(File), which is then stored.
  FileFacts
  extract(const SourceFile &File,
          const std::function<FileFacts(const SourceFile &)> &Extract);

  /// The entry for Key, if there is a readable one.
  std::optional<FileFacts> lookup(const Hash128 &Key);
  /// Writes the entry for Key (unless writing has failed before), on the
  /// cache's writer thread: it is on disk after flush().
  void store(const Hash128 &Key, const FileFacts &Facts);
  /// Waits until every entry stored so far is written (or has failed).
  void flush();

  /// An entry of another shape (a C++ unit's record, cxx/CxxUnitCache.h)
  /// under Key: its payload if readable. Not counted: the caller decides
  /// whether it is a hit (countLookup).
  std::optional<std::string> lookupBytes(const Hash128 &Key);
  /// Writes such an entry, as store() does.
  void storeBytes(const Hash128 &Key, std::string Payload);
  /// Counts a lookup the caller judged.
  void countLookup(bool Hit) { ++(Hit ? Hits : Misses); }

  /// The stored result of a whole run (cache/RunCache.h) under Key.
  std::optional<std::string> lookupRun(const Hash128 &Key);
  /// Stores a run's result, keeping only the newest MaxRunEntries.
  void storeRun(const Hash128 &Key, std::string Payload);
  static constexpr size_t MaxRunEntries = 8;

  /// The key of a text.
  static Hash128 keyOf(std::string_view Text) { return contentHash(Text); }
  /// The file an entry for Key lives in.
  std::string entryPath(const Hash128 &Key) const;
  /// The directory of this build's entries.
  const std::string &entriesDirectory() const { return Entries; }

  /// What the cache did (after flush()).
  CacheStats stats();
  /// Problems worth a warning (at most one per kind), oldest first, after
  /// flush().
  std::vector<std::string> takeWarnings();

private:
  std::string runPath(const Hash128 &Key) const;
  /// The payload of the entry at Path if it is whole and is Key's.
  std::optional<std::string> readEntry(const std::string &Path,
                                       const Hash128 &Key);
  void writeEntry(const std::string &Path, const Hash128 &Key,
                  std::string Payload);
  bool prepareRoot();
  void writeNow(const std::string &Path, const std::string &Bytes);
  void writerLoop();
  void warnOnce(std::string Message);

  std::string Root;
  std::string Entries;
  std::once_flag RootPrepared;
  bool RootReady = false;
  std::atomic<bool> WriteFailed{false};
  std::atomic<size_t> Hits{0}, Misses{0}, Stored{0}, Rejected{0};
  /// Entries waiting for the writer thread, bounded so that a huge tree
  /// cannot hold all its facts in memory at once.
  static constexpr size_t MaxQueued = 256;
  std::mutex QueueMutex;
  std::condition_variable QueueChanged;
  std::deque<std::pair<std::string, std::string>> Queue; ///< Path, bytes.
  size_t Writing = 0; ///< Taken from Queue, not yet written.
  bool Stopping = false;
  std::thread Writer;
  std::mutex WarningsMutex;
  std::vector<std::string> Warnings;
};

/// Removes what paramlint writes in a cache directory: every build's
/// `facts-*` directory, and CACHEDIR.TAG and .gitignore when they are its
/// own; then Dir itself if that left it empty. Anything else stays, so a
/// mistaken `cache-dir` cannot cost a user's files. Returns whether there
/// was a cache to remove.
llvm::Expected<bool> cleanCache(const std::string &Dir);

/// Identifies the running build: PARAMLINT_VERSION and a hash of the
/// executable's bytes (computed once; the version alone if unreadable).
const std::string &currentBuildId();

/// Where a run's cache lives: $PARAMLINT_CACHE_DIR if set, else the
/// config's `cache-dir` (ConfiguredDir, absolute), else
/// `.paramlint_cache` in the config's directory (ConfigRoot), else in the
/// first path's directory (the path itself when it is a directory).
std::string cacheDirectory(const std::vector<std::string> &Paths,
                           const std::string &ConfigRoot,
                           const std::string &ConfiguredDir);

} // namespace paramlint

#endif // PARAMLINT_CACHE_FACTSCACHE_H

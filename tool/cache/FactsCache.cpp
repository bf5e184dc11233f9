//===- cache/FactsCache.cpp - Per-file facts keyed by content hash --------===//
#include "cache/FactsCache.h"
#include "ReadFile.h"

#include "cache/FactsSerializer.h"

#include <algorithm>
#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <system_error>

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

namespace paramlint {
namespace fs = std::filesystem;
namespace {

constexpr char Magic[4] = {'P', 'L', 'F', 'C'};
/// Magic, format version (4), key (16), payload size (8), checksum (8).
constexpr size_t HeaderBytes = 4 + 4 + 16 + 8 + 8;
/// An entry larger than this is damage (the largest real one is far
/// smaller); refusing it keeps a broken file from costing memory.
constexpr uint64_t MaxEntryBytes = 256u << 20;

/// The markers at the cache's root: the tag tells backup tools to skip
/// the directory; `*` keeps it out of git without touching the project's
/// own .gitignore.
constexpr const char *CacheDirTag =
    "Signature: 8a477f597d28d172789f06886806bc55\n"
    "# This file is a cache directory tag created by paramlint.\n"
    "# For information about cache directory tags see "
    "https://bford.info/cachedir/\n";
constexpr const char *GitIgnore = "# Automatically created by paramlint.\n*\n";

void putLE(std::string &Out, uint64_t V, unsigned Bytes) {
  for (unsigned I = 0; I < Bytes; ++I)
    Out.push_back(static_cast<char>((V >> (8 * I)) & 0xFF));
}

uint64_t getLE(const char *P, unsigned Bytes) {
  uint64_t V = 0;
  for (unsigned I = 0; I < Bytes; ++I)
    V |= static_cast<uint64_t>(static_cast<unsigned char>(P[I])) << (8 * I);
  return V;
}

/// The checksum of a payload: catches truncation and flipped bytes that
/// would otherwise deserialize into plausible but wrong facts.
uint64_t checksum(std::string_view Payload) {
  return contentHash(Payload, /*Seed=*/0x5EED).Lo;
}

/// A whole entry, or false when it is missing, unreadable or too large.
bool readWhole(const std::string &Path, std::string &Out) {
  return readWholeFile(Path, MaxEntryBytes, Out) == ReadResult::Ok;
}

/// Writes Bytes to Path through a temporary file in the same directory and
/// a rename, so that a reader sees the old entry or the new one, never a
/// part. Returns 0 or an errno value.
int writeAtomically(const std::string &Path, const std::string &Bytes) {
  static std::atomic<unsigned> Counter{0};
  std::string Tmp = Path + ".tmp." + std::to_string(::getpid()) + "." +
                    std::to_string(Counter++);
  int Fd = ::open(Tmp.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0644);
  if (Fd < 0)
    return errno;
  size_t Done = 0;
  int Error = 0;
  while (Done < Bytes.size()) {
    ssize_t N = ::write(Fd, Bytes.data() + Done, Bytes.size() - Done);
    if (N < 0 && errno == EINTR)
      continue;
    if (N <= 0) {
      Error = N < 0 ? errno : EIO;
      break;
    }
    Done += static_cast<size_t>(N);
  }
  if (::close(Fd) != 0 && !Error)
    Error = errno;
  if (!Error && ::rename(Tmp.c_str(), Path.c_str()) != 0)
    Error = errno;
  if (Error)
    ::unlink(Tmp.c_str());
  return Error;
}

/// Creates a small marker file unless it exists (same bytes from every
/// writer, so a race between two runs is harmless).
int writeMarker(const fs::path &Path, const std::string &Bytes) {
  std::error_code EC;
  if (fs::exists(Path, EC))
    return 0;
  return writeAtomically(Path.string(), Bytes);
}

} // namespace

FactsCache::FactsCache(std::string RootDir, std::string Build)
    : Root(std::move(RootDir)) {
  if (Build.empty())
    Build = currentBuildId();
  Entries = (fs::path(Root) /
             ("facts-" + std::to_string(FactsFormatVersion) + "-" + Build))
                .string();
}

std::string FactsCache::entryPath(const Hash128 &Key) const {
  std::string Hex = toHex(Key);
  return Entries + "/" + Hex.substr(0, 2) + "/" + Hex.substr(2);
}

FileFacts FactsCache::extract(
    const SourceFile &File,
    const std::function<FileFacts(const SourceFile &)> &Extract) {
  Hash128 Key = File.hash(); // keyOf(File.text()), hashed once at load
  if (std::optional<FileFacts> Cached = lookup(Key)) {
    ++Hits;
    return std::move(*Cached);
  }
  ++Misses;
  FileFacts Facts = Extract(File);
  // A parse cut short by the time budget says nothing lasting of the text.
  if (std::none_of(Facts.Problems.begin(), Facts.Problems.end(),
                   [](const ParseProblem &P) { return P.TimedOut; }))
    store(Key, Facts);
  return Facts;
}

std::optional<std::string> FactsCache::readEntry(const std::string &Path,
                                                 const Hash128 &Key) {
  std::string Bytes;
  if (!readWhole(Path, Bytes))
    return std::nullopt;
  if (Bytes.size() < HeaderBytes || std::memcmp(Bytes.data(), Magic, 4) != 0 ||
      getLE(Bytes.data() + 4, 4) != FactsFormatVersion ||
      getLE(Bytes.data() + 8, 8) != Key.Lo ||
      getLE(Bytes.data() + 16, 8) != Key.Hi ||
      getLE(Bytes.data() + 24, 8) != Bytes.size() - HeaderBytes ||
      getLE(Bytes.data() + 32, 8) !=
          checksum(std::string_view(Bytes).substr(HeaderBytes))) {
    ++Rejected;
    return std::nullopt;
  }
  Bytes.erase(0, HeaderBytes);
  return Bytes;
}

void FactsCache::writeEntry(const std::string &Path, const Hash128 &Key,
                            std::string Payload) {
  if (WriteFailed)
    return;
  std::call_once(RootPrepared, [this] { RootReady = prepareRoot(); });
  if (!RootReady)
    return;
  std::string Bytes(Magic, sizeof Magic);
  putLE(Bytes, FactsFormatVersion, 4);
  putLE(Bytes, Key.Lo, 8);
  putLE(Bytes, Key.Hi, 8);
  putLE(Bytes, Payload.size(), 8);
  putLE(Bytes, checksum(Payload), 8);
  Bytes += Payload;
  // Creating thousands of files costs system time a cold run should not
  // wait for: one writer thread does it, mostly while the project links.
  std::unique_lock<std::mutex> Lock(QueueMutex);
  QueueChanged.wait(Lock, [this] { return Queue.size() < MaxQueued; });
  if (!Writer.joinable()) {
    try {
      Writer = std::thread([this] { writerLoop(); });
    } catch (const std::system_error &) {
      Lock.unlock();
      writeNow(Path, Bytes); // No thread to be had: write it here.
      return;
    }
  }
  Queue.emplace_back(Path, std::move(Bytes));
  Lock.unlock();
  QueueChanged.notify_all();
}

void FactsCache::writerLoop() {
  std::unique_lock<std::mutex> Lock(QueueMutex);
  for (;;) {
    QueueChanged.wait(Lock, [this] { return Stopping || !Queue.empty(); });
    if (Queue.empty())
      return; // Stopping, and everything written.
    std::pair<std::string, std::string> Item = std::move(Queue.front());
    Queue.pop_front();
    ++Writing;
    Lock.unlock();
    QueueChanged.notify_all(); // Room in the queue.
    if (!WriteFailed)
      writeNow(Item.first, Item.second);
    Lock.lock();
    --Writing;
    QueueChanged.notify_all();
  }
}

void FactsCache::flush() {
  std::unique_lock<std::mutex> Lock(QueueMutex);
  QueueChanged.wait(Lock, [this] { return Queue.empty() && Writing == 0; });
}

FactsCache::~FactsCache() {
  {
    std::lock_guard<std::mutex> Lock(QueueMutex);
    Stopping = true;
  }
  QueueChanged.notify_all();
  if (Writer.joinable())
    Writer.join();
}

void FactsCache::writeNow(const std::string &Path, const std::string &Bytes) {
  int Error = writeAtomically(Path, Bytes);
  if (Error == ENOENT) {
    // First entry of its directory: make it (another run may race us to
    // it) and try once more.
    std::string Dir = Path.substr(0, Path.rfind('/'));
    if (::mkdir(Dir.c_str(), 0755) != 0 && errno != EEXIST)
      Error = errno;
    else
      Error = writeAtomically(Path, Bytes);
  }
  if (Error) {
    if (!WriteFailed.exchange(true))
      warnOnce("cannot write the cache in `" + Root +
               "`: " + std::strerror(Error) + "; going on without writing it");
    return;
  }
  ++Stored;
}

std::optional<FileFacts> FactsCache::lookup(const Hash128 &Key) {
  std::optional<std::string> Payload = readEntry(entryPath(Key), Key);
  if (!Payload)
    return std::nullopt;
  std::optional<FileFacts> Facts = deserializeFacts(*Payload);
  if (!Facts)
    ++Rejected;
  return Facts;
}

void FactsCache::store(const Hash128 &Key, const FileFacts &Facts) {
  std::string Payload;
  if (WriteFailed || !serializeFacts(Facts, Payload))
    return; // Too deep to read back safely: such a file is never cached.
  writeEntry(entryPath(Key), Key, std::move(Payload));
}

std::optional<std::string> FactsCache::lookupBytes(const Hash128 &Key) {
  return readEntry(entryPath(Key), Key);
}

void FactsCache::storeBytes(const Hash128 &Key, std::string Payload) {
  writeEntry(entryPath(Key), Key, std::move(Payload));
}

std::string FactsCache::runPath(const Hash128 &Key) const {
  return Entries + "/runs/" + toHex(Key);
}

std::optional<std::string> FactsCache::lookupRun(const Hash128 &Key) {
  return readEntry(runPath(Key), Key);
}

void FactsCache::storeRun(const Hash128 &Key, std::string Payload) {
  writeEntry(runPath(Key), Key, std::move(Payload));
  flush(); // Pruning below must see it.
  // Every edit makes a new run key: keep only the newest few results.
  std::error_code EC;
  std::vector<std::pair<fs::file_time_type, fs::path>> Runs;
  for (fs::directory_iterator It(Entries + "/runs", EC), End; !EC && It != End;
       It.increment(EC))
    Runs.push_back({It->last_write_time(EC), It->path()});
  if (Runs.size() <= MaxRunEntries)
    return;
  std::sort(Runs.begin(), Runs.end());
  for (size_t I = 0; I + MaxRunEntries < Runs.size(); ++I)
    fs::remove(Runs[I].second, EC);
}

bool FactsCache::prepareRoot() {
  std::error_code EC;
  fs::create_directories(Entries, EC);
  int Error = EC ? EC.value() : 0;
  if (!Error)
    Error = writeMarker(fs::path(Root) / "CACHEDIR.TAG", CacheDirTag);
  if (!Error)
    Error = writeMarker(fs::path(Root) / ".gitignore", GitIgnore);
  if (Error) {
    WriteFailed = true;
    warnOnce("cannot write the cache in `" + Root +
             "`: " + std::strerror(Error) + "; going on without writing it");
    return false;
  }
  return true;
}

void FactsCache::warnOnce(std::string Message) {
  std::lock_guard<std::mutex> Lock(WarningsMutex);
  Warnings.push_back(std::move(Message));
}

CacheStats FactsCache::stats() {
  flush();
  return CacheStats{Hits, Misses, Stored, Rejected, false};
}

std::vector<std::string> FactsCache::takeWarnings() {
  flush();
  std::lock_guard<std::mutex> Lock(WarningsMutex);
  return std::move(Warnings);
}

llvm::Expected<bool> cleanCache(const std::string &Dir) {
  std::error_code EC;
  if (!fs::is_directory(Dir, EC))
    return false;
  bool Removed = false;
  auto Fail = [&](const fs::path &P, std::error_code E) {
    return llvm::createStringError(E, "cannot remove `%s`: %s",
                                   P.string().c_str(), E.message().c_str());
  };
  std::vector<fs::path> Builds;
  for (fs::directory_iterator It(Dir, EC), End; !EC && It != End;
       It.increment(EC))
    if (It->path().filename().string().rfind("facts-", 0) == 0 &&
        It->is_directory())
      Builds.push_back(It->path());
  if (EC)
    return Fail(Dir, EC);
  for (const fs::path &B : Builds) {
    fs::remove_all(B, EC);
    if (EC)
      return Fail(B, EC);
    Removed = true;
  }
  // The markers only when they are still ours, word for word.
  for (const auto &[Name, Bytes] :
       {std::pair<const char *, const char *>{"CACHEDIR.TAG", CacheDirTag},
        {".gitignore", GitIgnore}}) {
    fs::path P = fs::path(Dir) / Name;
    std::string Have;
    if (readWhole(P.string(), Have) && Have == Bytes) {
      fs::remove(P, EC);
      if (EC)
        return Fail(P, EC);
      Removed = true;
    }
  }
  if (fs::is_empty(Dir, EC))
    fs::remove(Dir, EC);
  return Removed;
}

const std::string &currentBuildId() {
  static const std::string Id = [] {
    std::string Version = PARAMLINT_VERSION;
    std::ifstream In("/proc/self/exe", std::ios::binary);
    if (!In)
      return Version;
    std::string Bytes((std::istreambuf_iterator<char>(In)),
                      std::istreambuf_iterator<char>());
    if (Bytes.empty())
      return Version;
    return Version + "-" + toHex(contentHash(Bytes)).substr(0, 16);
  }();
  return Id;
}

std::string cacheDirectory(const std::vector<std::string> &Paths,
                           const std::string &ConfigRoot,
                           const std::string &ConfiguredDir) {
  auto Absolute = [](const fs::path &P) {
    std::error_code EC;
    fs::path A = fs::absolute(P, EC);
    return (EC ? P : A).lexically_normal().string();
  };
  if (const char *Env = std::getenv("PARAMLINT_CACHE_DIR"); Env && *Env)
    return Absolute(Env);
  if (!ConfiguredDir.empty())
    return Absolute(ConfiguredDir);
  if (!ConfigRoot.empty())
    return Absolute(fs::path(ConfigRoot) / ".paramlint_cache");
  fs::path First = Paths.empty() ? fs::path(".") : fs::path(Paths.front());
  std::error_code EC;
  if (!fs::is_directory(First, EC))
    First = First.parent_path();
  if (First.empty())
    First = ".";
  return Absolute(First / ".paramlint_cache");
}

} // namespace paramlint

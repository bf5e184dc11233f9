//===- DirectoryListings.cpp - Is it a file? One listing per directory ----===//
#include "DirectoryListings.h"

#include <dirent.h>

#include <cerrno>
#include <cstring>
#include <filesystem>

namespace paramlint {

struct DirectoryListings::Listing {
  enum class State {
    Missing,    ///< No such directory: nothing under it exists.
    Listed,     ///< Types holds every entry.
    Unlistable, ///< It may exist but cannot be read: ask the file system.
  };
  State S = State::Missing;
  /// Entry name → `d_type` (DT_UNKNOWN where the file system gives none).
  std::unordered_map<std::string, unsigned char> Types;
};

DirectoryListings::DirectoryListings() = default;
DirectoryListings::~DirectoryListings() = default;

namespace {

/// Whether an entry of this type may be a directory or a regular file we
/// can only tell by following it.
bool mustFollow(unsigned char Type) {
  return Type == DT_LNK || Type == DT_UNKNOWN;
}

} // namespace

const DirectoryListings::Listing &
DirectoryListings::listing(const std::string &Dir) {
  {
    std::lock_guard<std::mutex> Guard(Lock);
    auto It = Listings.find(Dir);
    if (It != Listings.end())
      return *It->second;
  }
  auto L = std::make_unique<Listing>();
  bool Read = true;
  size_t Cut = Dir.rfind('/');
  if (Cut != std::string::npos && Dir.size() > 1) {
    // The parent's listing says whether this directory is there at all.
    const Listing &Parent =
        listing(Cut == 0 ? std::string("/") : Dir.substr(0, Cut));
    if (Parent.S == Listing::State::Missing) {
      Read = false;
    } else if (Parent.S == Listing::State::Listed) {
      auto Entry = Parent.Types.find(Dir.substr(Cut + 1));
      Read = Entry != Parent.Types.end() &&
             (Entry->second == DT_DIR || mustFollow(Entry->second));
    }
  }
  if (Read) {
    if (DIR *D = opendir(Dir.c_str())) {
      L->S = Listing::State::Listed;
      while (struct dirent *E = readdir(D)) {
        if (std::strcmp(E->d_name, ".") == 0 ||
            std::strcmp(E->d_name, "..") == 0)
          continue;
        L->Types.emplace(E->d_name, E->d_type);
      }
      closedir(D);
    } else if (errno != ENOENT && errno != ENOTDIR) {
      L->S = Listing::State::Unlistable;
    }
  }
  std::lock_guard<std::mutex> Guard(Lock);
  // Another thread may have read it meanwhile: the first listing stands.
  return *Listings.emplace(Dir, std::move(L)).first->second;
}

bool DirectoryListings::isRegularFile(const std::string &Path) {
  auto Probe = [&] {
    std::error_code EC;
    return std::filesystem::is_regular_file(Path, EC);
  };
  size_t Cut = Path.rfind('/');
  if (Path.empty() || Path[0] != '/' || Cut + 1 == Path.size())
    return Probe();
  const Listing &L = listing(Cut == 0 ? std::string("/") : Path.substr(0, Cut));
  switch (L.S) {
  case Listing::State::Missing:
    return false;
  case Listing::State::Unlistable:
    return Probe();
  case Listing::State::Listed:
    break;
  }
  auto Entry = L.Types.find(Path.substr(Cut + 1));
  if (Entry == L.Types.end())
    return false;
  if (mustFollow(Entry->second))
    return Probe();
  return Entry->second == DT_REG;
}

} // namespace paramlint

//===- DirectoryListings.cpp - Is it a file? One listing per directory ----===//
#include "DirectoryListings.h"

#include <dirent.h>

#include <cerrno>
#include <cstring>
#include <filesystem>
#include <vector>

namespace paramlint {

class DirectoryListings::Directory {
public:
  enum class State {
    Missing,    ///< No such directory: nothing under it exists.
    Listed,     ///< Entries holds every entry.
    Unlistable, ///< It may exist but cannot be read: ask the file system.
    Unlisted,   ///< Not to be listed (a relative path): ask the file system.
  };

  /// Path is absolute and normal; MayExist: the parent's listing holds it
  /// as a possible directory (or could not tell), so it is worth reading.
  Directory(std::string Path, bool MayExist, State S = State::Missing)
      : Path(std::move(Path)), MayExist(MayExist), S(S) {}

  /// Path/Name, as the file system is asked it.
  std::string join(std::string_view Name) const {
    std::string P = Path;
    if (P.empty() || P.back() != '/')
      P += '/';
    P += Name;
    return P;
  }

  const std::string Path;
  const bool MayExist;
  std::once_flag Once;
  State S;
  struct Entry {
    /// `d_type` (DT_UNKNOWN where the file system gives none).
    unsigned char Type;
    /// The entry as a directory, for those that may be one.
    std::unique_ptr<Directory> Sub;
  };
  /// The names Entries' keys view.
  std::vector<std::string> Names;
  std::unordered_map<std::string_view, Entry> Entries;
  /// The subdirectories asked of an Unlistable or Unlisted directory.
  std::mutex Lock;
  std::unordered_map<std::string, std::unique_ptr<Directory>> Asked;
};

DirectoryListings::DirectoryListings()
    : Root(std::make_unique<Directory>("/", true)),
      Nothing(std::make_unique<Directory>("", false)) {}
DirectoryListings::~DirectoryListings() = default;

namespace {

/// Whether an entry of this type may be a directory or a regular file we
/// can only tell by following it.
bool mustFollow(unsigned char Type) {
  return Type == DT_LNK || Type == DT_UNKNOWN;
}

bool probeRegular(const std::string &Path) {
  std::error_code EC;
  return std::filesystem::is_regular_file(Path, EC);
}

} // namespace

const DirectoryListings::Directory &
DirectoryListings::listed(const Directory &Dir) {
  Directory &D = const_cast<Directory &>(Dir);
  std::call_once(D.Once, [&D] {
    if (!D.MayExist || D.S == Directory::State::Unlisted)
      return;
    DIR *Handle = opendir(D.Path.c_str());
    if (!Handle) {
      if (errno != ENOENT && errno != ENOTDIR)
        D.S = Directory::State::Unlistable;
      return;
    }
    std::vector<unsigned char> Types;
    while (struct dirent *E = readdir(Handle)) {
      if (std::strcmp(E->d_name, ".") == 0 || std::strcmp(E->d_name, "..") == 0)
        continue;
      D.Names.emplace_back(E->d_name);
      Types.push_back(E->d_type);
    }
    closedir(Handle);
    D.S = Directory::State::Listed;
    D.Entries.reserve(D.Names.size());
    for (size_t I = 0; I < D.Names.size(); ++I) {
      unsigned char T = Types[I];
      std::unique_ptr<Directory> Sub;
      if (T == DT_DIR || mustFollow(T))
        Sub = std::make_unique<Directory>(D.join(D.Names[I]), true);
      D.Entries.emplace(D.Names[I], Directory::Entry{T, std::move(Sub)});
    }
  });
  return D;
}

const DirectoryListings::Directory &
DirectoryListings::subdirectory(const Directory &Dir, std::string_view Name) {
  const Directory &D = listed(Dir);
  switch (D.S) {
  case Directory::State::Missing:
    return *Nothing;
  case Directory::State::Listed: {
    auto It = D.Entries.find(Name);
    return It != D.Entries.end() && It->second.Sub ? *It->second.Sub : *Nothing;
  }
  case Directory::State::Unlistable:
  case Directory::State::Unlisted:
    break;
  }
  // Nothing is known about the entries: a subdirectory is tried (listed,
  // or for an unlisted one, probed) when asked.
  Directory &Parent = const_cast<Directory &>(D);
  std::lock_guard<std::mutex> Guard(Parent.Lock);
  std::unique_ptr<Directory> &Sub = Parent.Asked[std::string(Name)];
  if (!Sub)
    Sub = std::make_unique<Directory>(
        D.join(Name), true,
        D.S == Directory::State::Unlisted ? Directory::State::Unlisted
                                          : Directory::State::Missing);
  return *Sub;
}

const DirectoryListings::Directory &
DirectoryListings::directory(const std::string &Dir) {
  if (Dir.empty() || Dir[0] != '/') {
    std::lock_guard<std::mutex> Guard(Lock);
    std::unique_ptr<Directory> &D = Relative[Dir];
    if (!D)
      D = std::make_unique<Directory>(Dir, true, Directory::State::Unlisted);
    return *D;
  }
  const Directory *D = Root.get();
  for (size_t Begin = 1; Begin < Dir.size() && D != Nothing.get();) {
    size_t End = Dir.find('/', Begin);
    if (End == std::string::npos)
      End = Dir.size();
    if (End > Begin)
      D = &subdirectory(*D, std::string_view(Dir).substr(Begin, End - Begin));
    Begin = End + 1;
  }
  return *D;
}

bool DirectoryListings::isRegularFile(const Directory &Dir, std::string_view Name) {
  const Directory &D = listed(Dir);
  switch (D.S) {
  case Directory::State::Missing:
    return false;
  case Directory::State::Unlistable:
  case Directory::State::Unlisted:
    return probeRegular(D.join(Name));
  case Directory::State::Listed:
    break;
  }
  auto It = D.Entries.find(Name);
  if (It == D.Entries.end())
    return false;
  if (mustFollow(It->second.Type))
    return probeRegular(D.join(Name));
  return It->second.Type == DT_REG;
}

bool DirectoryListings::isRegularFile(const std::string &Path) {
  size_t Cut = Path.rfind('/');
  if (Path.empty() || Path[0] != '/' || Cut + 1 == Path.size())
    return probeRegular(Path);
  return isRegularFile(directory(Cut == 0 ? std::string("/") : Path.substr(0, Cut)),
                       std::string_view(Path).substr(Cut + 1));
}

} // namespace paramlint

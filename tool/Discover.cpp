//===- Discover.cpp - From command-line paths to input files --------------===//
///
/// \file
/// Walks the user's paths with error codes only (std::filesystem's
/// error_code overloads, POSIX calls), so that a vanishing file or an
/// unreadable directory becomes a Problem on that path, never an exception.
///
//===----------------------------------------------------------------------===//
#include "Discover.h"

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <dirent.h>
#include <fcntl.h>
#include <filesystem>
#include <memory>
#include <set>
#include <string_view>
#include <system_error>
#include <sys/stat.h>
#include <unistd.h>

namespace paramlint {
namespace fs = std::filesystem;

namespace {

/// Directory names never entered while recursing: caches, virtual
/// environments and installed packages hold code that is not the user's.
/// Hidden directories (`.git`, `.venv`, `.ipynb_checkpoints`) are skipped
/// by their leading dot.
bool isSkippedDirectory(const std::string &Name) {
  // CMakeFiles holds the compiler-identification sources CMake writes.
  static const char *const Skipped[] = {"CMakeFiles", "__pycache__",
                                        "node_modules", "site-packages", "venv"};
  if (!Name.empty() && Name[0] == '.')
    return true;
  return std::find_if(std::begin(Skipped), std::end(Skipped),
                      [&](const char *S) { return Name == S; }) !=
         std::end(Skipped);
}

/// A short lower-case reason, as in "no such file or directory".
std::string describe(std::error_code Ec) {
  if (Ec == std::errc::no_such_file_or_directory)
    return "no such file or directory";
  if (Ec == std::errc::permission_denied)
    return "permission denied";
  if (Ec == std::errc::not_a_directory)
    return "not a directory";
  if (Ec == std::errc::too_many_symbolic_link_levels)
    return "too many levels of symbolic links";
  std::string M = Ec.message();
  if (!M.empty() && M[0] >= 'A' && M[0] <= 'Z')
    M[0] = static_cast<char>(M[0] - 'A' + 'a');
  return M;
}

/// The normalised absolute form of Spelling: each input's identity.
std::string keyOf(const std::string &Spelling) {
  std::error_code Ec;
  fs::path Abs = fs::absolute(Spelling, Ec);
  return (Ec ? fs::path(Spelling) : Abs).lexically_normal().string();
}

/// Key/Name for a directory entry's Name (one component, neither `.` nor
/// `..`): what keyOf gives for the entry when Key is its directory's.
std::string childKey(const std::string &Key, const std::string &Name) {
  return !Key.empty() && Key.back() == '/' ? Key + Name : Key + "/" + Name;
}

std::string describeErrno(int Errno) {
  return describe(std::error_code(Errno, std::generic_category()));
}

/// Collects the inputs; Seen holds the normalised absolute form of every
/// path already emitted so that each file appears once.
///
/// Directories are read with `readdir`, whose entry types spare a `stat`
/// per entry, and their files are opened relative to the directory's
/// descriptor: on a tree of thousands of files the path lookups of `open`
/// and `lstat` and std::filesystem's path splitting were most of the
/// discovery (25 ms on the benchmark corpus, all of it before any worker
/// starts).
class Walker {
public:
  std::vector<DiscoveredPath> Out;

  void addRoot(const std::string &Spelling) {
    if (Spelling.empty()) {
      emit(Spelling, keyOf(Spelling), "no such file or directory");
      return;
    }
    std::error_code Ec;
    // Explicit paths follow symlinks: the user named the target.
    fs::file_status St = fs::status(Spelling, Ec);
    if (Ec) {
      emit(Spelling, keyOf(Spelling), describe(Ec));
      return;
    }
    if (fs::is_directory(St)) {
      walk(Spelling, keyOf(Spelling));
      return;
    }
    addFile(Spelling, keyOf(Spelling), fs::is_regular_file(St), AT_FDCWD,
            Spelling);
  }

private:
  std::set<std::string> Seen;

  void emit(const std::string &Spelling, const std::string &Key,
            std::string Problem) {
    if (!Seen.insert(Key).second)
      return;
    Out.push_back({Spelling, std::move(Problem)});
  }

  static constexpr const char *NotRegular =
      "not a regular file (a FIFO, socket or device): skipped";

  /// A file is taken if it is regular and can be opened (Name, relative to
  /// the directory DirFd); anything else (a FIFO or device, which reading
  /// could block on forever) is a Problem.
  void addFile(const std::string &Spelling, const std::string &Key,
               bool Regular, int DirFd, const std::string &Name) {
    if (!Regular) {
      emit(Spelling, Key, NotRegular);
      return;
    }
    int Fd = ::openat(DirFd, Name.c_str(), O_RDONLY | O_CLOEXEC | O_NONBLOCK);
    if (Fd < 0) {
      emit(Spelling, Key, describeErrno(errno));
      return;
    }
    ::close(Fd);
    emit(Spelling, Key, "");
  }

  /// Displayed child path: `dir/name`, keeping the user's spelling of the
  /// directory but not a leading `./` (as std::filesystem::path's `/`
  /// joins them).
  static std::string child(const std::string &Dir, const std::string &Name) {
    if (Dir == "." || Dir == "./" || Dir.empty())
      return Name;
    return Dir.back() == '/' ? Dir + Name : Dir + "/" + Name;
  }

  /// The extension as std::filesystem::path::extension has it, for a name
  /// that does not start with a dot.
  static bool hasInputExtension(const std::string &Name) {
    size_t Dot = Name.rfind('.');
    if (Dot == std::string::npos || Dot == 0)
      return false;
    std::string_view Ext = std::string_view(Name).substr(Dot);
    return Ext == ".py" || Ext == ".pyi" || Ext == ".ipynb" || Ext == ".cpp" ||
           Ext == ".cc" || Ext == ".cxx" || Ext == ".h" || Ext == ".hpp";
  }

  /// Takes the inputs under the directory Spelling, whose keyOf is Key.
  void walk(const std::string &Spelling, const std::string &Key) {
    int Fd = ::open(Spelling.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    DIR *Dir = Fd < 0 ? nullptr : ::fdopendir(Fd);
    if (!Dir) {
      int Errno = errno;
      if (Fd >= 0)
        ::close(Fd);
      emit(Spelling, Key, describeErrno(Errno));
      return;
    }
    std::unique_ptr<DIR, int (*)(DIR *)> Closer(Dir, ::closedir);
    struct Entry {
      std::string Name;
      unsigned char Type; ///< The entry itself, symlinks not followed.
    };
    std::vector<Entry> Entries;
    for (;;) {
      errno = 0;
      struct dirent *E = ::readdir(Dir);
      if (!E) {
        if (errno)
          emit(Spelling, Key, describeErrno(errno));
        break;
      }
      if (std::strcmp(E->d_name, ".") == 0 || std::strcmp(E->d_name, "..") == 0)
        continue;
      unsigned char Type = E->d_type;
      if (Type == DT_UNKNOWN) {
        struct stat St;
        if (::fstatat(Fd, E->d_name, &St, AT_SYMLINK_NOFOLLOW) != 0)
          continue; // Vanished while listing.
        Type = S_ISDIR(St.st_mode)   ? DT_DIR
               : S_ISLNK(St.st_mode) ? DT_LNK
               : S_ISREG(St.st_mode) ? DT_REG
                                     : DT_FIFO;
      }
      Entries.push_back({E->d_name, Type});
    }
    std::sort(Entries.begin(), Entries.end(),
              [](const Entry &A, const Entry &B) { return A.Name < B.Name; });

    for (const Entry &E : Entries) {
      // Hidden files too: editors leave `.#name.py` lock links and
      // `.name.py.swp` files next to the user's code.
      if (!E.Name.empty() && E.Name[0] == '.')
        continue;
      if (E.Type == DT_DIR) {
        if (!isSkippedDirectory(E.Name))
          walk(child(Spelling, E.Name), childKey(Key, E.Name));
        continue;
      }
      if (!hasInputExtension(E.Name))
        continue;
      std::string Path = child(Spelling, E.Name);
      if (E.Type == DT_LNK) {
        // Never enter a linked directory (loops); a linked file is taken.
        struct stat Target;
        if (::fstatat(Fd, E.Name.c_str(), &Target, 0) != 0) {
          emit(Path, childKey(Key, E.Name), describeErrno(errno));
          continue;
        }
        if (S_ISDIR(Target.st_mode))
          continue;
        addFile(Path, childKey(Key, E.Name), S_ISREG(Target.st_mode), Fd, E.Name);
        continue;
      }
      // A FIFO, socket or device with a source's name is reported, never
      // opened: reading it could block or never end.
      addFile(Path, childKey(Key, E.Name), E.Type == DT_REG, Fd, E.Name);
    }
  }
};

} // namespace

std::vector<DiscoveredPath>
discoverInputs(const std::vector<std::string> &Paths) {
  Walker W;
  for (const std::string &P : Paths)
    W.addRoot(P);
  return std::move(W.Out);
}

} // namespace paramlint

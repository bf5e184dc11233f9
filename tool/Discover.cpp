//===- Discover.cpp - From command-line paths to input files --------------===//
///
/// \file
/// Walks the user's paths with std::filesystem's error_code overloads only,
/// so that a vanishing file or an unreadable directory becomes a Problem on
/// that path, never an exception.
///
//===----------------------------------------------------------------------===//
#include "Discover.h"

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <fcntl.h>
#include <filesystem>
#include <set>
#include <system_error>
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

bool hasInputExtension(const fs::path &P) {
  std::string Ext = P.extension().string();
  return Ext == ".py" || Ext == ".pyi" || Ext == ".ipynb" || Ext == ".cpp" ||
         Ext == ".cc" || Ext == ".cxx" || Ext == ".h" || Ext == ".hpp";
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

/// Collects the inputs; Seen holds the normalised absolute form of every
/// path already emitted so that each file appears once.
class Walker {
public:
  std::vector<DiscoveredPath> Out;

  void addRoot(const std::string &Spelling) {
    if (Spelling.empty()) {
      emit(Spelling, "no such file or directory");
      return;
    }
    std::error_code Ec;
    // Explicit paths follow symlinks: the user named the target.
    fs::file_status St = fs::status(Spelling, Ec);
    if (Ec) {
      emit(Spelling, describe(Ec));
      return;
    }
    if (fs::is_directory(St)) {
      walk(Spelling);
      return;
    }
    addFile(Spelling, St);
  }

private:
  std::set<std::string> Seen;

  void emit(const std::string &Spelling, std::string Problem) {
    std::error_code Ec;
    fs::path Abs = fs::absolute(Spelling, Ec);
    std::string Key =
        (Ec ? fs::path(Spelling) : Abs).lexically_normal().string();
    if (!Seen.insert(Key).second)
      return;
    Out.push_back({Spelling, std::move(Problem)});
  }

  static constexpr const char *NotRegular =
      "not a regular file (a FIFO, socket or device): skipped";

  /// A file is taken if it is regular and can be opened; anything else
  /// (a FIFO or device, which reading could block on forever) is a Problem.
  void addFile(const std::string &Spelling, fs::file_status St) {
    if (!fs::is_regular_file(St)) {
      emit(Spelling, NotRegular);
      return;
    }
    int Fd = ::open(Spelling.c_str(), O_RDONLY | O_CLOEXEC | O_NONBLOCK);
    if (Fd < 0) {
      emit(Spelling, describe(std::error_code(errno, std::generic_category())));
      return;
    }
    ::close(Fd);
    emit(Spelling, "");
  }

  /// Displayed child path: `dir/name`, keeping the user's spelling of the
  /// directory but not a leading `./`.
  static std::string child(const std::string &Dir, const std::string &Name) {
    if (Dir == "." || Dir == "./")
      return Name;
    return (fs::path(Dir) / Name).string();
  }

  void walk(const std::string &Spelling) {
    std::error_code Ec;
    fs::directory_iterator It(Spelling, Ec);
    if (Ec) {
      emit(Spelling, describe(Ec));
      return;
    }
    struct Entry {
      std::string Name;
      fs::file_status Link; ///< The entry itself, symlinks not followed.
    };
    std::vector<Entry> Entries;
    for (fs::directory_iterator End; It != End; It.increment(Ec)) {
      std::error_code StEc;
      fs::file_status Link = It->symlink_status(StEc);
      if (StEc)
        continue; // Vanished while listing.
      Entries.push_back({It->path().filename().string(), Link});
    }
    if (Ec)
      emit(Spelling, describe(Ec));
    std::sort(Entries.begin(), Entries.end(),
              [](const Entry &A, const Entry &B) { return A.Name < B.Name; });

    for (const Entry &E : Entries) {
      std::string Path = child(Spelling, E.Name);
      // Hidden files too: editors leave `.#name.py` lock links and
      // `.name.py.swp` files next to the user's code.
      if (!E.Name.empty() && E.Name[0] == '.')
        continue;
      if (fs::is_directory(E.Link)) {
        if (!isSkippedDirectory(E.Name))
          walk(Path);
        continue;
      }
      if (!hasInputExtension(E.Name))
        continue;
      if (fs::is_symlink(E.Link)) {
        // Never enter a linked directory (loops); a linked file is taken.
        std::error_code TEc;
        fs::file_status Target = fs::status(Path, TEc);
        if (TEc) {
          emit(Path, describe(TEc));
          continue;
        }
        if (fs::is_directory(Target))
          continue;
        addFile(Path, Target);
        continue;
      }
      // A FIFO, socket or device with a source's name is reported, never
      // opened: reading it could block or never end.
      addFile(Path, E.Link);
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

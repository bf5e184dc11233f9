//===- ModulePathsTest.cpp - Module keys agree with candidate files -------===//
#include "graph/ModulePaths.h"

#include <gtest/gtest.h>

using namespace paramlint;
namespace fs = std::filesystem;

namespace {

/// The key the linker gives a file: `.py` dropped, `__init__.py` as its
/// directory.
std::string keyOf(const fs::path &File) {
  return (File.filename() == "__init__.py" ? File.parent_path()
                                           : fs::path(File).replace_extension())
      .string();
}

/// Calls F(Dir, Level, Module) for directories at several depths, levels 0
/// to 3 and modules with empty and repeated parts.
template <typename Fn> void forEachImport(Fn &&F) {
  const std::vector<std::string> Dirs = {"/", "/work", "/work/repo/src/pkg/sub",
                                         "/a/b/c/d/e/f/g/h/i/j/k"};
  const std::vector<std::string> Modules = {"",      "model", "pkg.model",
                                            "a.b.c", ".x",    "x..y"};
  for (const std::string &Dir : Dirs)
    for (unsigned Level = 0; Level < 4; ++Level)
      for (const std::string &Module : Modules)
        F(Dir, Level, Module);
}

} // namespace

TEST(ModulePathsTest, KeyCandidatesAreTheCandidateFilesKeys) {
  size_t Compared = 0;
  forEachImport(
      [&](const std::string &Dir, unsigned Level, const std::string &Module) {
        std::vector<std::string> Expected;
        for (const fs::path &C :
             moduleCandidates(fs::path(Dir) / "mod.py", Level, Module)) {
          std::string K = keyOf(C);
          if (Expected.empty() || Expected.back() != K)
            Expected.push_back(K);
        }
        EXPECT_EQ(moduleKeyCandidates(Dir, Level, Module), Expected)
            << Dir << " level " << Level << " module `" << Module << "`";
        Compared += Expected.size();
      });
  EXPECT_GT(Compared, 100u);
}

TEST(ModulePathsTest, CandidatePathsAreTheCandidateFiles) {
  // The analysis probes the string form; it must name the same files, in
  // the same order, as moduleCandidates.
  size_t Compared = 0;
  forEachImport(
      [&](const std::string &Dir, unsigned Level, const std::string &Module) {
        std::vector<std::string> Expected;
        for (const fs::path &C :
             moduleCandidates(fs::path(Dir) / "mod.py", Level, Module))
          Expected.push_back(C.string());
        EXPECT_EQ(moduleCandidatePaths(Dir, Level, Module), Expected)
            << Dir << " level " << Level << " module `" << Module << "`";
        Compared += Expected.size();
      });
  EXPECT_GT(Compared, 200u);
}

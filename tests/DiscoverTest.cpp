//===- DiscoverTest.cpp - From command-line paths to input files ----------===//
#include "Discover.h"

#include "TestSupport.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <sys/stat.h>
#include <unistd.h>

namespace paramlint {
namespace {
namespace fs = std::filesystem;
using test::TempDir;

/// Path + ("!" + Problem when there is one), relative to Root, for compact
/// comparisons.
std::vector<std::string> summarize(const std::vector<DiscoveredPath> &Found,
                                   const std::string &Root) {
  std::vector<std::string> Out;
  for (const DiscoveredPath &D : Found) {
    std::string P = D.Path;
    if (P.rfind(Root + "/", 0) == 0)
      P = P.substr(Root.size() + 1);
    Out.push_back(D.Problem.empty() ? P : P + "!" + D.Problem);
  }
  return Out;
}

TEST(DiscoverTest, RecursesSortedAndFiltersByExtension) {
  TempDir T;
  T.write("b.py", "");
  T.write("a.pyi", "");
  T.write("nb.ipynb", "{}");
  T.write("notes.txt", "");
  T.write("script", "");
  T.write("pkg/z.py", "");
  T.write("pkg/sub/y.py", "");
  T.write("A.py", "");
  auto Found = discoverInputs({T.path()});
  EXPECT_EQ(summarize(Found, T.path()),
            (std::vector<std::string>{"A.py", "a.pyi", "b.py", "nb.ipynb",
                                      "pkg/sub/y.py", "pkg/z.py"}));
}

TEST(DiscoverTest, SkipsHiddenCacheAndEnvironmentDirectories) {
  TempDir T;
  for (const char *Dir :
       {".git", ".venv", "__pycache__", "node_modules", "venv",
        ".ipynb_checkpoints", "site-packages", "lib/site-packages"})
    T.write(std::string(Dir) + "/x.py", "");
  T.write("build/keep.py", "");
  T.write(".hidden.py", "");
  T.write("ok.py", "");
  EXPECT_EQ(summarize(discoverInputs({T.path()}), T.path()),
            (std::vector<std::string>{"build/keep.py", "ok.py"}));
}

TEST(DiscoverTest, ExplicitPathsAreTakenWhateverTheirName) {
  TempDir T;
  std::string Script = T.write("script", "x = 1\n");
  std::string Venv = T.write("venv/x.py", "");
  auto Found = discoverInputs({Script, T.path() + "/venv"});
  ASSERT_EQ(Found.size(), 2u);
  EXPECT_EQ(Found[0].Path, Script);
  EXPECT_EQ(Found[0].Problem, "");
  EXPECT_EQ(Found[1].Path, Venv);
}

TEST(DiscoverTest, MissingPathIsAProblem) {
  TempDir T;
  auto Found = discoverInputs({T.path() + "/nope.py", ""});
  ASSERT_EQ(Found.size(), 2u);
  EXPECT_EQ(Found[0].Path, T.path() + "/nope.py");
  EXPECT_EQ(Found[0].Problem, "no such file or directory");
  EXPECT_EQ(Found[1].Problem, "no such file or directory");
}

TEST(DiscoverTest, UnreadableFileAndDirectory) {
  if (::geteuid() == 0)
    GTEST_SKIP() << "root reads everything";
  TempDir T;
  std::string F = T.write("secret.py", "x = 1\n");
  T.write("locked/inner.py", "");
  ::chmod(F.c_str(), 0);
  ::chmod(T.file("locked").c_str(), 0);
  auto Found = discoverInputs({T.path()});
  EXPECT_EQ(summarize(Found, T.path()),
            (std::vector<std::string>{"locked!permission denied",
                                      "secret.py!permission denied"}));
}

TEST(DiscoverTest, EachFileOnce) {
  TempDir T;
  std::string A = T.write("a.py", "");
  T.write("d/b.py", "");
  auto Found = discoverInputs({A, T.path(), T.path() + "/./a.py",
                               T.path() + "/d/../a.py", T.path() + "/d/"});
  EXPECT_EQ(summarize(Found, T.path()),
            (std::vector<std::string>{"a.py", "d/b.py"}));
}

TEST(DiscoverTest, EachFileOnceUnderDirectoriesSpelledTwoWays) {
  // A file under a directory is known by the directory's normal form and
  // its name: `d/..` (normal form with a trailing `/`) and the directory
  // itself name the same files.
  TempDir T;
  T.write("a.py", "");
  T.write("d/b.py", "");
  T.write("d/e/c.py", "");
  auto Found = discoverInputs({T.path() + "/d/..", T.path(), T.path() + "/d/../d",
                               T.path() + "/d/e/c.py"});
  EXPECT_EQ(summarize(Found, T.path()),
            (std::vector<std::string>{"d/../a.py", "d/../d/b.py", "d/../d/e/c.py"}));
}

TEST(DiscoverTest, KeepsTheUsersSpellingOfRelativePaths) {
  TempDir T;
  T.write("examples/gpt2-swap/model.py", "");
  T.write("examples/gpt2-swap/loader.py", "");
  std::error_code Ec;
  fs::path Old = fs::current_path(Ec);
  fs::current_path(T.path(), Ec);
  ASSERT_FALSE(Ec);
  auto Found = discoverInputs({"examples"});
  auto FromDot = discoverInputs({"."});
  auto WithSlash = discoverInputs({"examples/"});
  fs::current_path(Old, Ec);
  ASSERT_EQ(Found.size(), 2u);
  EXPECT_EQ(Found[0].Path, "examples/gpt2-swap/loader.py");
  EXPECT_EQ(Found[1].Path, "examples/gpt2-swap/model.py");
  ASSERT_EQ(FromDot.size(), 2u);
  EXPECT_EQ(FromDot[0].Path, "examples/gpt2-swap/loader.py");
  ASSERT_EQ(WithSlash.size(), 2u);
  EXPECT_EQ(WithSlash[0].Path, "examples/gpt2-swap/loader.py");
}

TEST(DiscoverTest, SymlinksToDirectoriesAreNotFollowed) {
  TempDir T;
  T.write("real/a.py", "");
  fs::create_directory_symlink(T.path(), T.file("real/loop"));
  fs::create_directory_symlink(T.file("real"), T.file("alias"));
  fs::create_symlink(T.file("real/a.py"), T.file("link.py"));
  fs::create_symlink(T.file("missing.py"), T.file("dangling.py"));
  auto Found = discoverInputs({T.path()});
  EXPECT_EQ(summarize(Found, T.path()),
            (std::vector<std::string>{"dangling.py!no such file or directory",
                                      "link.py", "real/a.py"}));
}

TEST(DiscoverTest, ExplicitSymlinkedDirectoryIsEntered) {
  TempDir T;
  T.write("real/a.py", "");
  fs::create_directory_symlink(T.file("real"), T.file("alias"));
  auto Found = discoverInputs({T.file("alias")});
  EXPECT_EQ(summarize(Found, T.path()),
            (std::vector<std::string>{"alias/a.py"}));
}

TEST(DiscoverTest, SpecialFilesAreProblems) {
  TempDir T;
  std::string Fifo = T.file("pipe.py");
  ASSERT_EQ(::mkfifo(Fifo.c_str(), 0600), 0);
  auto Found = discoverInputs({Fifo, "/dev/zero"});
  ASSERT_EQ(Found.size(), 2u);
  const std::string NotRegular = "not a regular file (a FIFO, socket or device): skipped";
  EXPECT_EQ(Found[0].Problem, NotRegular);
  EXPECT_EQ(Found[1].Problem, NotRegular);
  // Inside a directory a FIFO is reported too, without blocking.
  Found = discoverInputs({T.path()});
  ASSERT_EQ(Found.size(), 1u);
  EXPECT_EQ(Found[0].Problem, NotRegular);
}

TEST(DiscoverTest, PathThroughAFileIsNotADirectory) {
  TempDir T;
  std::string F = T.write("f.py", "");
  auto Found = discoverInputs({F + "/x.py"});
  ASSERT_EQ(Found.size(), 1u);
  EXPECT_EQ(Found[0].Problem, "not a directory");
}

} // namespace
} // namespace paramlint

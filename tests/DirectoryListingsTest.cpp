//===- DirectoryListingsTest.cpp - Listings answer as stat would ----------===//
#include "DirectoryListings.h"
#include "TestSupport.h"

#include <gtest/gtest.h>

#include <atomic>
#include <filesystem>
#include <thread>

using namespace paramlint;
using paramlint::test::TempDir;
namespace fs = std::filesystem;

TEST(DirectoryListingsTest, AnswersAsIsRegularFile) {
  TempDir T;
  T.write("pkg/model.py", "x = 1\n");
  T.write("pkg/sub/__init__.py", "");
  fs::create_directories(T.file("pkg/empty"));
  fs::create_symlink(T.file("pkg/model.py"), T.file("pkg/link.py"));
  fs::create_directory_symlink(T.file("pkg/sub"), T.file("pkg/linkdir"));
  fs::create_symlink(T.file("pkg/nowhere.py"), T.file("pkg/dangling.py"));
  const std::vector<std::string> Probes = {
      "pkg/model.py",    "pkg/sub/__init__.py", "pkg/sub",
      "pkg/empty",       "pkg/link.py",         "pkg/linkdir/__init__.py",
      "pkg/dangling.py", "pkg/missing.py",      "pkg/missing/__init__.py",
      "nope/a/b/c.py",   "pkg/model.py/x.py",   "pkg/empty/__init__.py",
      "pkg/linkdir"};
  DirectoryListings Dirs;
  size_t Regular = 0;
  for (const std::string &P : Probes) {
    std::string Abs = T.file(P);
    std::error_code EC;
    bool Expected = fs::is_regular_file(Abs, EC);
    Regular += Expected;
    EXPECT_EQ(Dirs.isRegularFile(Abs), Expected) << P;
    // Asked again, from the cached listing.
    EXPECT_EQ(Dirs.isRegularFile(Abs), Expected) << P << " (again)";
  }
  EXPECT_EQ(Regular,
            4u); // model.py, sub/__init__.py, link.py, linkdir/__init__.py
  EXPECT_FALSE(Dirs.isRegularFile("/"));
}

TEST(DirectoryListingsTest, ListingIsTakenOnce) {
  // A file created after its directory was listed is not seen: one run
  // answers from one view of each directory.
  TempDir T;
  T.write("pkg/a.py", "");
  DirectoryListings Dirs;
  EXPECT_TRUE(Dirs.isRegularFile(T.file("pkg/a.py")));
  T.write("pkg/b.py", "");
  EXPECT_FALSE(Dirs.isRegularFile(T.file("pkg/b.py")));
  DirectoryListings Fresh;
  EXPECT_TRUE(Fresh.isRegularFile(T.file("pkg/b.py")));
}

TEST(DirectoryListingsTest, WalkingComponentsAnswersAsPaths) {
  // A caller walking a candidate component by component (the import
  // probes) gets isRegularFile's answer for the whole path.
  TempDir T;
  T.write("pkg/model.py", "x = 1\n");
  T.write("pkg/sub/__init__.py", "");
  T.write("pkg/sub/deep/mod.py", "");
  fs::create_directory_symlink(T.file("pkg/sub"), T.file("pkg/linkdir"));
  fs::create_symlink(T.file("pkg/model.py"), T.file("pkg/link.py"));
  const std::vector<std::vector<std::string>> Walks = {
      {"pkg", "model.py"},          {"pkg", "sub", "__init__.py"},
      {"pkg", "sub", "deep", "mod.py"}, {"pkg", "linkdir", "deep", "mod.py"},
      {"pkg", "link.py"},           {"pkg", "model.py", "x.py"},
      {"pkg", "missing", "a.py"},   {"nope", "sub", "__init__.py"},
      {"pkg", "sub"}};
  DirectoryListings Dirs;
  const DirectoryListings::Directory &Top = Dirs.directory(T.file(""));
  for (const auto &W : Walks) {
    const DirectoryListings::Directory *D = &Top;
    std::string Rel;
    for (size_t I = 0; I + 1 < W.size(); ++I) {
      D = &Dirs.subdirectory(*D, W[I]);
      Rel += W[I] + "/";
    }
    Rel += W.back();
    std::error_code EC;
    bool Expected = fs::is_regular_file(T.file(Rel), EC);
    EXPECT_EQ(Dirs.isRegularFile(*D, W.back()), Expected) << Rel;
    EXPECT_EQ(Dirs.isRegularFile(T.file(Rel)), Expected) << Rel << " (as a path)";
  }
  // A directory that does not exist, asked by its path, has no entries.
  EXPECT_FALSE(Dirs.isRegularFile(Dirs.directory(T.file("nope/a")), "b.py"));
}

TEST(DirectoryListingsTest, ThreadsShareOneListing) {
  // Several threads asking at once see one listing per directory (run
  // under ThreadSanitizer by `make test-tsan`).
  TempDir T;
  for (int I = 0; I < 8; ++I)
    T.write("d" + std::to_string(I) + "/m.py", "");
  DirectoryListings Dirs;
  std::vector<std::thread> Threads;
  std::atomic<int> Wrong{0};
  for (int W = 0; W < 4; ++W)
    Threads.emplace_back([&, W] {
      for (int I = 0; I < 8; ++I) {
        int J = (I + W) % 8;
        std::string Dir = "d" + std::to_string(J);
        if (!Dirs.isRegularFile(T.file(Dir + "/m.py")) ||
            Dirs.isRegularFile(T.file(Dir + "/n.py")) ||
            !Dirs.isRegularFile(Dirs.subdirectory(Dirs.directory(T.file("")), Dir),
                                "m.py"))
          ++Wrong;
      }
    });
  for (std::thread &Th : Threads)
    Th.join();
  EXPECT_EQ(Wrong.load(), 0);
}

//===- DirectoryListingsTest.cpp - Listings answer as stat would ----------===//
#include "DirectoryListings.h"
#include "TestSupport.h"

#include <gtest/gtest.h>

#include <filesystem>

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

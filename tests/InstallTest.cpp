//===- InstallTest.cpp - `cmake --install` lays out program, man page, docs ===//
#include "TestSupport.h"

#include <gtest/gtest.h>

#include <filesystem>

namespace paramlint::test {
namespace {
namespace fs = std::filesystem;

TEST(InstallTest, ProgramManPageAndDocsLandUnderThePrefix) {
  TempDir T;
  std::string BuildDir = fs::path(PARAMLINT_BINARY).parent_path().string();
  RunResult R = runCommand({"/usr/bin/env", "cmake", "--install", BuildDir,
                            "--prefix", T.path()});
  ASSERT_EQ(R.ExitCode, 0) << describeRun(R);
  RunResult V = runCommand({T.file("bin/paramlint"), "--version"});
  EXPECT_EQ(V.ExitCode, 0) << describeRun(V);
  EXPECT_EQ(V.Out.rfind("paramlint ", 0), 0u) << V.Out;
  // The installed program finds its C++ frontend module under lib/.
  RunResult C = runCommand({T.file("bin/paramlint"), "check", "--no-cache",
                            sourceDir() + "/fixtures/cxx/PL104_ggml_swapped_names.cpp"});
  EXPECT_EQ(C.ExitCode, 1) << describeRun(C);
  EXPECT_NE(C.Out.find("PL104"), std::string::npos) << describeRun(C);
  EXPECT_EQ(C.Out.find("PL001"), std::string::npos) << describeRun(C);

  std::string Man = readFile(T.file("share/man/man1/paramlint.1"));
  EXPECT_NE(Man.find(".TH PARAMLINT 1"), std::string::npos);
  // Every subcommand's --help is in the page.
  for (const char *Sub : {"check", "graph", "keys", "rule"})
    EXPECT_NE(Man.find(std::string(".SS paramlint ") + Sub), std::string::npos)
        << Sub;
  EXPECT_NE(Man.find("\\-\\-output\\-format"), std::string::npos);

  for (const char *Doc : {"README.md", "configuration.md", "ci.md", "rules/PL101.md"})
    EXPECT_TRUE(fs::exists(T.file(std::string("share/doc/paramlint/") + Doc)))
        << Doc;
}

} // namespace
} // namespace paramlint::test

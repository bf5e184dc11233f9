//===- FixFaultTest.cpp - --fix under faults, run as a user runs it --------===//
///
/// \file
/// What `check --fix` guarantees when things go wrong around it: killed with
/// SIGKILL at any moment it leaves every file wholly old or wholly new (and
/// a later run finishes the job); it never writes through a link to a file
/// outside the checked paths; a read-only file is reported and untouched.
/// The engine-level faults (a file changed before the write, a failing
/// write, a fix that breaks the syntax) are in FixEngineTest.
///
//===----------------------------------------------------------------------===//
#include "OutputChecks.h"
#include "TestSupport.h"

#include <gtest/gtest.h>

#include <chrono>
#include <fcntl.h>
#include <iostream>
#include <filesystem>
#include <map>
#include <random>
#include <sstream>
#include <signal.h>
#include <spawn.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <thread>
#include <unistd.h>

extern char **environ;

namespace paramlint::test {
namespace {
namespace fs = std::filesystem;
using Clock = std::chrono::steady_clock;

/// A self-contained loader with two safe PL101 renames.
std::string loaderSource(int I) {
  std::string N = std::to_string(I);
  return "import torch\nimport torch.nn as nn\n\n\nclass Block" + N +
         "(nn.Module):\n    def __init__(self):\n        super().__init__()\n"
         "        self.norm1 = nn.LayerNorm(4)\n\n\ndef load(block, g, b):\n"
         "    block.norm1.scale = nn.Parameter(torch.tensor(g))\n"
         "    block.norm1.shift = nn.Parameter(torch.tensor(b))\n\n\nblock = Block" +
         N + "()\nload(block, [1.0] * 4, [0.0] * 4)\n";
}

/// The files of a tree by name (hidden entries and the cache left out).
std::map<std::string, std::string> contents(const std::string &Dir) {
  std::map<std::string, std::string> Out;
  for (const auto &E : fs::directory_iterator(Dir))
    if (E.path().filename().string()[0] != '.')
      Out[E.path().filename().string()] = readFile(E.path().string());
  return Out;
}

/// Hidden entries other than the cache: temporary files a killed write
/// left behind.
std::vector<std::string> strays(const std::string &Dir) {
  std::vector<std::string> Out;
  for (const auto &E : fs::directory_iterator(Dir)) {
    std::string Name = E.path().filename().string();
    if (Name[0] == '.' && Name != ".paramlint_cache")
      Out.push_back(Name);
  }
  return Out;
}

/// Starts `paramlint check --fix Dir` with its output discarded.
pid_t startFix(const std::string &Dir) {
  posix_spawn_file_actions_t Actions;
  posix_spawn_file_actions_init(&Actions);
  posix_spawn_file_actions_addopen(&Actions, 1, "/dev/null", O_WRONLY, 0);
  posix_spawn_file_actions_addopen(&Actions, 2, "/dev/null", O_WRONLY, 0);
  std::vector<std::string> Args = {PARAMLINT_BINARY, "check", "--fix", Dir};
  std::vector<char *> Argv;
  for (std::string &A : Args)
    Argv.push_back(A.data());
  Argv.push_back(nullptr);
  pid_t Pid = -1;
  EXPECT_EQ(posix_spawn(&Pid, PARAMLINT_BINARY, &Actions, nullptr, Argv.data(), environ),
            0);
  posix_spawn_file_actions_destroy(&Actions);
  return Pid;
}

/// Kills the child with SIGKILL (if it still runs) and reaps it.
void killAndReap(pid_t Pid) {
  ::kill(Pid, SIGKILL);
  int Status = 0;
  ::waitpid(Pid, &Status, 0);
}

/// Sixteen loaders; --fix is killed at random moments (uniform over a whole
/// run, and just after the first file is replaced). After each kill every
/// file is byte for byte its old or its new self and no temporary file is
/// left in sight; a run to the end then fixes everything.
TEST(FixFaultTest, KilledAtAnyMomentEachFileIsOldOrNew) {
  constexpr int Files = 16;
  TempDir T;
  std::map<std::string, std::string> Old, New;
  for (int I = 0; I < Files; ++I) {
    std::string Name = "loader" + std::to_string(I) + ".py";
    Old[Name] = loaderSource(I);
    T.write("ref/" + Name, Old[Name]);
  }
  Clock::time_point Start = Clock::now();
  RunResult Full = runParamlint({"check", "--fix", T.file("ref")});
  const auto Whole = Clock::now() - Start;
  ASSERT_EQ(Full.ExitCode, 0) << describeRun(Full);
  New = contents(T.file("ref"));
  for (const auto &[Name, Bytes] : New)
    ASSERT_NE(Bytes, Old.at(Name)) << Name << " was not fixed";

  std::mt19937 Random(20261127);
  int AllOld = 0, AllNew = 0, Mixed = 0;
  constexpr int Rounds = 40;
  for (int Round = 0; Round < Rounds; ++Round) {
    std::string Dir = T.file("run" + std::to_string(Round));
    for (const auto &[Name, Bytes] : Old)
      writeFile(Dir + "/" + Name, Bytes);
    pid_t Pid = startFix(Dir);
    ASSERT_GT(Pid, 0);
    if (Round % 4 == 3) {
      // Just after the first replacement: inside the write phase.
      const auto Deadline = Clock::now() + 20 * Whole + std::chrono::seconds(5);
      while (contents(Dir) == Old && Clock::now() < Deadline)
        std::this_thread::sleep_for(std::chrono::microseconds(200));
    } else {
      std::uniform_int_distribution<long long> Delay(
          0, std::chrono::duration_cast<std::chrono::microseconds>(Whole).count() * 6 / 5);
      std::this_thread::sleep_for(std::chrono::microseconds(Delay(Random)));
    }
    killAndReap(Pid);
    std::map<std::string, std::string> Now = contents(Dir);
    ASSERT_EQ(Now.size(), Old.size()) << "round " << Round;
    int Changed = 0;
    for (const auto &[Name, Bytes] : Now) {
      EXPECT_TRUE(Bytes == Old.at(Name) || Bytes == New.at(Name))
          << "round " << Round << ": " << Name << " is neither old nor new:\n"
          << Bytes;
      Changed += Bytes == New.at(Name);
    }
    (Changed == 0 ? AllOld : Changed == Files ? AllNew : Mixed) += 1;
    // Written files get their name only at the rename: a kill leaves no
    // temporary file (the window between naming and renaming is two calls).
    EXPECT_LE(strays(Dir).size(), 1u) << "round " << Round;
  }
  RecordProperty("all_old", AllOld);
  RecordProperty("all_new", AllNew);
  RecordProperty("mixed", Mixed);
  std::cerr << "killed runs: " << AllOld << " all old, " << Mixed << " mixed, "
            << AllNew << " all new\n";

  // A run to the end after a kill fixes what is left.
  std::string Last = T.file("run" + std::to_string(Rounds - 1));
  RunResult R = runParamlint({"check", "--fix", Last});
  EXPECT_EQ(R.ExitCode, 0) << describeRun(R);
  EXPECT_EQ(contents(Last), New);
}

/// A link in the tree to a file outside it is analysed but never written
/// through; a link to a file inside the tree is fixed through (the target
/// changes, the link stays a link).
TEST(FixFaultTest, LinksOutOfTheCheckedTreeAreNotWrittenThrough) {
  TempDir T;
  std::string Outside = T.write("outside/loader.py", loaderSource(1));
  std::string Inside = T.write("tree/real/loader.py", loaderSource(2));
  fs::create_symlink("../outside/loader.py", T.file("tree/out_link.py"));
  fs::create_symlink("real/loader.py", T.file("tree/in_link.py"));

  // `check` does not offer what `--fix` will not write: the outside file's
  // findings carry a note instead of a fix, and are not counted fixable.
  RunResult C = runParamlint({"check", "tree"}, "", T.path());
  EXPECT_EQ(C.ExitCode, 1) << describeRun(C);
  size_t OutsideFindings = 0, InsideFixable = 0;
  std::istringstream Lines(C.Out);
  for (std::string Line; std::getline(Lines, Line);) {
    bool Finding = Line.find(": PL1") != std::string::npos;
    if (Finding && Line.rfind("tree/out_link.py:", 0) == 0) {
      ++OutsideFindings;
      EXPECT_EQ(Line.find("[*]"), std::string::npos) << Line;
    } else if (Finding && Line.find("[*]") != std::string::npos) {
      ++InsideFixable;
    }
  }
  EXPECT_GT(OutsideFindings, 0u) << describeRun(C);
  EXPECT_GT(InsideFixable, 0u) << describeRun(C);
  EXPECT_NE(C.Out.find("not fixable here: tree/out_link.py: it is a link to " +
                       fs::canonical(Outside).string() + ", outside the checked paths"),
            std::string::npos)
      << describeRun(C);
  EXPECT_NE(C.Out.find("[*] " + std::to_string(InsideFixable) + " fixable with"),
            std::string::npos)
      << describeRun(C);

  RunResult R = runParamlint({"check", "--fix", "tree"}, "", T.path());
  expectNoCrash(R);
  EXPECT_EQ(R.ExitCode, 1) << describeRun(R); // The outside file's findings remain.
  EXPECT_EQ(readFile(Outside), loaderSource(1));
  EXPECT_NE(R.Err.find("tree/out_link.py: not fixed: it is a link to " +
                       fs::canonical(Outside).string() + ", outside the checked paths"),
            std::string::npos)
      << describeRun(R);
  EXPECT_EQ(R.Out.find("fixable with"), std::string::npos) << describeRun(R);
  EXPECT_EQ(readFile(Inside).find("norm1.scale"), std::string::npos) << readFile(Inside);
  EXPECT_TRUE(fs::is_symlink(T.file("tree/in_link.py")));
  EXPECT_TRUE(fs::is_symlink(T.file("tree/out_link.py")));

  // Named on the command line, the link is what the user asked to fix.
  R = runParamlint({"check", "--fix", "tree/out_link.py"}, "", T.path());
  EXPECT_EQ(R.ExitCode, 0) << describeRun(R);
  EXPECT_EQ(readFile(Outside).find("norm1.scale"), std::string::npos);
}

/// A read-only file keeps its bytes and mode and is named in an error (exit
/// 2: the fix asked for could not be written); the other files are fixed.
TEST(FixFaultTest, ReadOnlyFileIsReportedAndUntouched) {
  TempDir T;
  std::string Locked = T.write("p/locked.py", loaderSource(1));
  std::string Open = T.write("p/open.py", loaderSource(2));
  ASSERT_EQ(::chmod(Locked.c_str(), 0444), 0);
  RunResult R = runParamlint({"check", "--fix", "p"}, "", T.path());
  expectNoCrash(R);
  EXPECT_EQ(R.ExitCode, 2) << describeRun(R);
  EXPECT_EQ(readFile(Locked), loaderSource(1));
  struct stat St;
  ASSERT_EQ(::stat(Locked.c_str(), &St), 0);
  EXPECT_EQ(St.st_mode & 07777, 0444u);
  EXPECT_NE(R.Err.find("locked.py"), std::string::npos) << describeRun(R);
  EXPECT_NE(R.Err.find("read-only"), std::string::npos) << describeRun(R);
  EXPECT_EQ(readFile(Open).find("norm1.scale"), std::string::npos);
}

} // namespace
} // namespace paramlint::test

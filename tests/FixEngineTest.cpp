//===- FixEngineTest.cpp - --fix, --diff and their guarantees -------------===//
///
/// \file
/// The fix engine: overlapping fixes settle over rounds, every fixture is
/// idempotent under --fix, notebooks change only in their cell sources,
/// writes are atomic and keep the mode, and in every fault (read-only file,
/// file changed before the write, a fix that would break the syntax, a
/// failing write) the original file stays intact. Also the diff printer
/// and the command line (`--fix`, `--diff`, `--unsafe-fixes`, `[*]`).
///
//===----------------------------------------------------------------------===//
#include "TestSupport.h"

#include "fix/AtomicWrite.h"
#include "fix/FixEngine.h"
#include "fix/RenameParams.h"
#include "fix/NotebookSplice.h"
#include "fix/UnifiedDiff.h"
#include "python/Notebook.h"

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <algorithm>
#include <filesystem>
#include <sys/stat.h>

namespace paramlint::test {
namespace {
namespace fs = std::filesystem;
using Json = nlohmann::json;

/// Two safe PL101 renames (`scale`, `shift`) in one loader.
const char *const TwoRenames = R"(import torch
import torch.nn as nn


class Block(nn.Module):
    def __init__(self):
        super().__init__()
        self.norm1 = nn.LayerNorm(4)


def load(block, g, b):
    block.norm1.scale = nn.Parameter(torch.tensor(g))
    block.norm1.shift = nn.Parameter(torch.tensor(b))


block = Block()
load(block, [1.0] * 4, [0.0] * 4)
)";

std::string renamed(std::string S) {
  for (auto [From, To] : {std::pair<const char *, const char *>{"norm1.scale", "norm1.weight"},
                          {"norm1.shift", "norm1.bias"}}) {
    size_t At = S.find(From);
    if (At != std::string::npos)
      S.replace(At, std::string(From).size(), To);
  }
  return S;
}

/// A plain-tensor write: the rename is offered, but only as unsafe.
const char *const UnsafeRename = R"(import torch
import torch.nn as nn


class Block(nn.Module):
    def __init__(self):
        super().__init__()
        self.norm1 = nn.LayerNorm(4)


def load(block, g):
    block.norm1.scale = torch.tensor(g)


block = Block()
load(block, [1.0] * 4)
)";

FixResult fix(const std::string &Path, FixOptions O = {}) {
  auto R = runFixes({Path}, O);
  if (!R) {
    ADD_FAILURE() << llvm::toString(R.takeError());
    return FixResult{};
  }
  return std::move(*R);
}

std::string join(const std::vector<std::string> &Lines) {
  std::string Out;
  for (const std::string &L : Lines)
    Out += L + "\n";
  return Out;
}

/// Names in Dir, to see that no temporary file was left behind.
std::vector<std::string> listing(const std::string &Dir) {
  std::vector<std::string> Out;
  for (const auto &E : fs::directory_iterator(Dir))
    Out.push_back(E.path().filename().string());
  std::sort(Out.begin(), Out.end());
  return Out;
}

uint32_t modeOf(const std::string &Path) {
  struct stat St;
  EXPECT_EQ(::stat(Path.c_str(), &St), 0) << Path;
  return St.st_mode & 07777;
}

// --- The diff printer -----------------------------------------------------

TEST(UnifiedDiffTest, EqualTextsGiveNothing) {
  EXPECT_EQ(unifiedDiff("a.py", "x\n", "x\n"), "");
}

TEST(UnifiedDiffTest, OneChangedLineWithContext) {
  std::string Old = "1\n2\n3\n4\n5\n6\n7\n8\n9\n";
  std::string New = "1\n2\n3\n4\nfive\n6\n7\n8\n9\n";
  EXPECT_EQ(unifiedDiff("a.py", Old, New),
            "--- a.py\n+++ a.py\n@@ -2,7 +2,7 @@\n 2\n 3\n 4\n-5\n+five\n 6\n 7\n 8\n");
}

TEST(UnifiedDiffTest, DistantChangesMakeTwoHunks) {
  std::string Old, New;
  for (int I = 1; I <= 20; ++I) {
    Old += std::to_string(I) + "\n";
    New += (I == 2 || I == 18 ? "x" : std::to_string(I)) + "\n";
  }
  std::string D = unifiedDiff("f", Old, New);
  EXPECT_NE(D.find("@@ -1,5 +1,5 @@\n 1\n-2\n+x\n 3\n"), std::string::npos) << D;
  EXPECT_NE(D.find("@@ -15,6 +15,6 @@\n"), std::string::npos) << D;
}

TEST(UnifiedDiffTest, InsertionsDeletionsAndMissingNewline) {
  EXPECT_EQ(unifiedDiff("f", "a\nb", "a\nc\nb"),
            "--- f\n+++ f\n@@ -1,2 +1,3 @@\n a\n+c\n b\n\\ No newline at end of file\n");
  EXPECT_EQ(unifiedDiff("f", "a\nb\n", "a\nb"),
            "--- f\n+++ f\n@@ -1,2 +1,2 @@\n a\n-b\n+b\n\\ No newline at end of file\n");
  EXPECT_EQ(unifiedDiff("f", "", "a\n"), "--- f\n+++ f\n@@ -0,0 +1 @@\n+a\n");
}

// --- Atomic writes ----------------------------------------------------------

TEST(AtomicWriteTest, ReplacesAndKeepsTheMode) {
  TempDir T;
  std::string P = T.write("m.py", "old\r\n");
  ASSERT_EQ(::chmod(P.c_str(), 0751), 0);
  auto S = snapshotFile(P);
  ASSERT_TRUE(bool(S)) << llvm::toString(S.takeError());
  ASSERT_FALSE(bool(writeAtomically(*S, "new\r\n")));
  EXPECT_EQ(readFile(P), "new\r\n");
  EXPECT_EQ(modeOf(P), 0751u);
  EXPECT_EQ(listing(T.path()), std::vector<std::string>{"m.py"});
}

TEST(AtomicWriteTest, WritesThroughASymlink) {
  TempDir T;
  std::string P = T.write("real.py", "old\n");
  std::string L = T.file("link.py");
  fs::create_symlink(P, L);
  auto S = snapshotFile(L);
  ASSERT_TRUE(bool(S));
  ASSERT_FALSE(bool(writeAtomically(*S, "new\n")));
  EXPECT_TRUE(fs::is_symlink(L));
  EXPECT_EQ(readFile(P), "new\n");
}

TEST(AtomicWriteTest, RefusesAChangedFile) {
  TempDir T;
  std::string P = T.write("m.py", "old\n");
  auto S = snapshotFile(P);
  ASSERT_TRUE(bool(S));
  T.write("m.py", "someone else's edit\n");
  llvm::Error E = writeAtomically(*S, "new\n");
  ASSERT_TRUE(bool(E));
  EXPECT_NE(llvm::toString(std::move(E)).find("changed on disk"), std::string::npos);
  EXPECT_EQ(readFile(P), "someone else's edit\n");
  EXPECT_EQ(listing(T.path()), std::vector<std::string>{"m.py"});
}

TEST(AtomicWriteTest, RefusesAChangeJustBeforeTheRename) {
  TempDir T;
  std::string P = T.write("m.py", "old\n");
  auto S = snapshotFile(P);
  ASSERT_TRUE(bool(S));
  WriteHooks H;
  H.BeforeRename = [&] { writeFile(P, "late edit\n"); };
  llvm::Error E = writeAtomically(*S, "new\n", H);
  ASSERT_TRUE(bool(E));
  llvm::consumeError(std::move(E));
  EXPECT_EQ(readFile(P), "late edit\n");
  EXPECT_EQ(listing(T.path()), std::vector<std::string>{"m.py"});
}

TEST(AtomicWriteTest, AFailingWriteLeavesTheOriginal) {
  TempDir T;
  std::string P = T.write("m.py", "old\n");
  auto S = snapshotFile(P);
  ASSERT_TRUE(bool(S));
  WriteHooks H;
  // A disk that fills up half way.
  H.WriteData = [](int Fd, const std::string &Bytes) -> llvm::Error {
    if (::write(Fd, Bytes.data(), Bytes.size() / 2) < 0)
      return llvm::errorCodeToError(std::error_code(errno, std::generic_category()));
    return llvm::errorCodeToError(std::make_error_code(std::errc::no_space_on_device));
  };
  llvm::Error E = writeAtomically(*S, "a much longer new content\n", H);
  ASSERT_TRUE(bool(E));
  llvm::consumeError(std::move(E));
  EXPECT_EQ(readFile(P), "old\n");
  EXPECT_EQ(listing(T.path()), std::vector<std::string>{"m.py"});
}

// --- The engine ---------------------------------------------------------------

TEST(FixEngineTest, AppliesSafeFixesAndReportsTheRest) {
  TempDir T;
  std::string P = T.write("load.py", TwoRenames);
  FixResult R = fix(P);
  EXPECT_EQ(R.Fixed, 2u);
  ASSERT_EQ(R.Changes.size(), 1u);
  EXPECT_TRUE(R.Changes[0].Written);
  EXPECT_EQ(readFile(P), renamed(TwoRenames));
  ASSERT_TRUE(R.Remaining);
  EXPECT_TRUE(R.Remaining->Diagnostics.empty());
  EXPECT_TRUE(R.Warnings.empty()) << join(R.Warnings);
}

TEST(FixEngineTest, UnsafeFixesOnlyWhenAsked) {
  TempDir T;
  std::string P = T.write("load.py", UnsafeRename);
  FixResult Safe = fix(P);
  EXPECT_EQ(Safe.Fixed, 0u);
  EXPECT_EQ(readFile(P), UnsafeRename);
  ASSERT_EQ(Safe.Remaining->Diagnostics.size(), 1u);
  FixOptions O;
  O.Unsafe = true;
  FixResult Unsafe = fix(P, O);
  EXPECT_EQ(Unsafe.Fixed, 1u);
  EXPECT_NE(readFile(P).find("block.norm1.weight = torch.tensor(g)"), std::string::npos);
}

TEST(FixEngineTest, DiffModeWritesNothing) {
  TempDir T;
  std::string P = T.write("load.py", TwoRenames);
  FixOptions O;
  O.Write = false;
  FixResult R = fix(P, O);
  EXPECT_EQ(R.Fixed, 2u);
  ASSERT_EQ(R.Changes.size(), 1u);
  EXPECT_FALSE(R.Changes[0].Written);
  EXPECT_EQ(R.Changes[0].After, renamed(TwoRenames));
  EXPECT_EQ(readFile(P), TwoRenames);
}

// The `scale` fix is widened (by the hook) to also cover the `shift` name,
// rewriting it as itself: the two fixes overlap, so round one applies the
// first and defers the second, and round two, on the re-analysed text,
// applies the second.
TEST(FixEngineTest, OverlappingFixesSettleOverRounds) {
  TempDir T;
  std::string P = T.write("load.py", TwoRenames);
  FixOptions O;
  int Widened = 0;
  O.MutateFix = [&](const Diagnostic &D, Fix &F) {
    if (F.Message.find("`scale`") == std::string::npos)
      return;
    const std::string &Text = D.Where.File->text();
    uint32_t At = static_cast<uint32_t>(Text.find("norm1.shift") + 6);
    F.Edits.push_back(Edit{Span{At, At + 5}, "shift"});
    ++Widened;
  };
  FixResult R = fix(P, O);
  EXPECT_EQ(Widened, 1) << "the scale fix exists in round one only";
  EXPECT_EQ(R.Fixed, 2u);
  EXPECT_EQ(readFile(P), renamed(TwoRenames));
  EXPECT_TRUE(R.Remaining->Diagnostics.empty());
}

TEST(FixEngineTest, IdenticalEditsFromTwoFindingsApplyOnce) {
  // PL104: both findings of a swapped pair carry the same swap.
  TempDir T;
  std::string P = T.write(
      "swap.py", readFile(sourceDir() + "/fixtures/python/PL104_swapped_norm_roles.py"));
  FixResult R = fix(P);
  EXPECT_GE(R.Fixed, 2u);
  EXPECT_EQ(readFile(P),
            readFile(sourceDir() + "/fixtures/python/PL104_swapped_norm_roles.fixed.py"));
}

TEST(FixEngineTest, AFixThatBreaksTheSyntaxIsRolledBack) {
  TempDir T;
  std::string P = T.write("load.py", TwoRenames);
  FixOptions O;
  O.MutateFix = [](const Diagnostic &, Fix &F) {
    if (F.Message.find("`shift`") != std::string::npos)
      F.Edits.front().Content += "(";
  };
  FixResult R = fix(P, O);
  // The good fix is applied, the broken one reported and not applied.
  EXPECT_EQ(R.Fixed, 1u);
  std::string Got = readFile(P);
  EXPECT_NE(Got.find("norm1.weight ="), std::string::npos) << Got;
  EXPECT_NE(Got.find("norm1.shift ="), std::string::npos) << Got;
  ASSERT_EQ(R.Warnings.size(), 1u) << join(R.Warnings);
  EXPECT_NE(R.Warnings[0].find("break the syntax"), std::string::npos) << R.Warnings[0];
  ASSERT_EQ(R.Remaining->Diagnostics.size(), 1u);
}

// Found by fuzz_fix: tree-sitter parses a broken UTF-8 sequence or a NUL
// inside a string or a comment, so the syntax guard passed such a fix, and
// the next run refused the file it wrote (PL001, not valid UTF-8).
TEST(FixEngineTest, AFixThatMakesTheFileUnreadableIsRolledBack) {
  for (const std::string &Bad : {std::string("\xa7"), std::string(1, '\0')}) {
    TempDir T;
    std::string P = T.write("load.py", TwoRenames);
    std::string Inserted = "\"" + Bad + "\"";
    FixOptions O;
    O.MutateFix = [&](const Diagnostic &, Fix &F) {
      if (F.Message.find("`shift`") != std::string::npos)
        F.Edits.push_back(Edit{Span{0, 0}, Inserted + "\n"});
    };
    FixResult R = fix(P, O);
    EXPECT_EQ(R.Fixed, 1u);
    std::string Got = readFile(P);
    EXPECT_NE(Got.find("norm1.weight ="), std::string::npos) << Got;
    EXPECT_EQ(Got.find(Inserted), std::string::npos) << Got;
    ASSERT_EQ(R.Warnings.size(), 1u) << join(R.Warnings);
    EXPECT_NE(R.Warnings[0].find("unreadable"), std::string::npos) << R.Warnings[0];
    for (const Diagnostic &D : R.Remaining->Diagnostics)
      EXPECT_NE(D.Code, "PL001") << D.Message;
  }
}

TEST(FixEngineTest, OnlyBrokenFixesLeaveTheFileIntact) {
  TempDir T;
  std::string P = T.write("load.py", TwoRenames);
  FixOptions O;
  O.MutateFix = [](const Diagnostic &, Fix &F) { F.Edits.front().Content += ")"; };
  FixResult R = fix(P, O);
  EXPECT_EQ(R.Fixed, 0u);
  EXPECT_TRUE(R.Changes.empty());
  EXPECT_EQ(readFile(P), TwoRenames);
  EXPECT_EQ(R.Warnings.size(), 2u) << join(R.Warnings);
}

TEST(FixEngineTest, ReadOnlyFileIsNotTouched) {
  TempDir T;
  std::string P = T.write("load.py", TwoRenames);
  ASSERT_EQ(::chmod(P.c_str(), 0444), 0);
  FixResult R = fix(P);
  ASSERT_EQ(R.Errors.size(), 1u) << join(R.Warnings);
  EXPECT_NE(R.Errors[0].find("read-only"), std::string::npos) << R.Errors[0];
  EXPECT_EQ(R.Fixed, 0u);
  EXPECT_EQ(readFile(P), TwoRenames);
  EXPECT_EQ(modeOf(P), 0444u);
  // The report is of what is on disk: both findings remain.
  EXPECT_EQ(R.Remaining->Diagnostics.size(), 2u);
  EXPECT_EQ(listing(T.path()), std::vector<std::string>{"load.py"});
}

TEST(FixEngineTest, FileChangedBeforeTheWriteIsNotTouched) {
  TempDir T;
  std::string P = T.write("load.py", TwoRenames);
  std::string Theirs = std::string(TwoRenames) + "# edited meanwhile\n";
  FixOptions O;
  O.BeforeWrite = [&] { writeFile(P, Theirs); };
  FixResult R = fix(P, O);
  ASSERT_EQ(R.Warnings.size(), 1u);
  EXPECT_NE(R.Warnings[0].find("changed on disk"), std::string::npos) << R.Warnings[0];
  EXPECT_TRUE(R.Errors.empty());
  EXPECT_EQ(R.Fixed, 0u);
  EXPECT_EQ(readFile(P), Theirs);
  EXPECT_EQ(R.Remaining->Diagnostics.size(), 2u);
}

TEST(FixEngineTest, FailingWriteLeavesTheOriginal) {
  TempDir T;
  std::string P = T.write("load.py", TwoRenames);
  FixOptions O;
  O.Hooks.WriteData = [](int, const std::string &) -> llvm::Error {
    return llvm::errorCodeToError(std::make_error_code(std::errc::no_space_on_device));
  };
  FixResult R = fix(P, O);
  ASSERT_EQ(R.Errors.size(), 1u);
  EXPECT_NE(R.Errors[0].find("No space left"), std::string::npos) << R.Errors[0];
  EXPECT_EQ(readFile(P), TwoRenames);
  EXPECT_EQ(R.Fixed, 0u);
  EXPECT_EQ(listing(T.path()), std::vector<std::string>{"load.py"});
}

TEST(FixEngineTest, FilesThatDoNotParseAreNotEdited) {
  TempDir T;
  std::string Src = std::string(TwoRenames) + "def broken(:\n";
  std::string P = T.write("load.py", Src);
  FixResult R = fix(P);
  EXPECT_TRUE(R.Changes.empty());
  EXPECT_EQ(readFile(P), Src);
}

// --- Every fixture is idempotent under --fix -----------------------------

/// Every fixture (file or project directory), relative to the source tree.
std::vector<std::string> allFixtures() {
  std::vector<std::string> Out;
  for (const char *Root : {"fixtures/python", "fixtures/notebooks"})
    for (const auto &E : fs::directory_iterator(sourceDir() + "/" + Root)) {
      std::string Name = E.path().filename().string();
      if (Name.find(".fixed.") == std::string::npos && Name[0] != '.' &&
          Name != "__pycache__")
        Out.push_back(std::string(Root) + "/" + Name);
    }
  std::sort(Out.begin(), Out.end());
  return Out;
}

std::string testName(const ::testing::TestParamInfo<std::tuple<std::string, bool>> &I) {
  std::string N = std::get<0>(I.param);
  for (char &C : N)
    if (!std::isalnum(static_cast<unsigned char>(C)))
      C = '_';
  return N + (std::get<1>(I.param) ? "_unsafe" : "_safe");
}

/// A copy of a fixture without its `.fixed` twins; returns the copy's path.
std::string copyFixture(const TempDir &T, const std::string &Rel) {
  fs::path From = sourceDir() + "/" + Rel;
  fs::path To = fs::path(T.path()) / From.filename();
  if (!fs::is_directory(From)) {
    fs::copy_file(From, To);
    return To.string();
  }
  for (const auto &E : fs::recursive_directory_iterator(From)) {
    std::string Name = E.path().filename().string();
    if (E.is_regular_file() && Name.find(".fixed.") == std::string::npos &&
        E.path().string().find("__pycache__") == std::string::npos)
      writeFile((To / E.path().lexically_relative(From)).string(),
                readFile(E.path().string()));
  }
  return To.string();
}

class FixIdempotenceTest
    : public ::testing::TestWithParam<std::tuple<std::string, bool>> {};

TEST_P(FixIdempotenceTest, SecondFixChangesNothing) {
  auto [Rel, Unsafe] = GetParam();
  TempDir T;
  std::string Copy = copyFixture(T, Rel);
  FixOptions O;
  O.Unsafe = Unsafe;
  FixResult First = fix(Copy, O);
  EXPECT_TRUE(First.Errors.empty()) << join(First.Errors);
  EXPECT_TRUE(First.Warnings.empty()) << join(First.Warnings);
  std::map<std::string, std::string> After;
  for (const auto &E : fs::recursive_directory_iterator(T.path()))
    if (E.is_regular_file())
      After[E.path().string()] = readFile(E.path().string());
  FixResult Second = fix(Copy, O);
  EXPECT_TRUE(Second.Changes.empty())
      << Rel << ": a second --fix changed " << Second.Changes.front().Path << "\n"
      << unifiedDiff(Second.Changes.front().Path, Second.Changes.front().Before,
                     Second.Changes.front().After);
  EXPECT_EQ(Second.Fixed, 0u);
  for (const auto &[Path, Bytes] : After)
    EXPECT_EQ(readFile(Path), Bytes) << Path;
  // Nothing left that this mode would fix.
  for (const Diagnostic &D : Second.Remaining->Diagnostics)
    EXPECT_FALSE(isFixApplicable(D, Unsafe)) << Rel << ": " << D.Message;
}

INSTANTIATE_TEST_SUITE_P(Fixtures, FixIdempotenceTest,
                         ::testing::Combine(::testing::ValuesIn(allFixtures()),
                                            ::testing::Bool()),
                         testName);

// --- Notebooks: only cell sources change ------------------------------------

/// The notebook with every cell's `source` removed.
Json withoutSources(const std::string &Bytes) {
  Json J = Json::parse(Bytes);
  for (Json &Cell : J["cells"])
    Cell.erase("source");
  return J;
}

/// Whether every line that differs between A and B (same line count) lies
/// inside a `"source": [` ... `]` block of B.
bool changesOnlyInSourceLists(const std::string &A, const std::string &B,
                              std::string &Why) {
  std::vector<std::string> LA, LB;
  for (auto [S, L] : {std::pair{&A, &LA}, std::pair{&B, &LB}}) {
    size_t Pos = 0;
    while (Pos <= S->size()) {
      size_t Nl = S->find('\n', Pos);
      if (Nl == std::string::npos) {
        L->push_back(S->substr(Pos));
        break;
      }
      L->push_back(S->substr(Pos, Nl - Pos));
      Pos = Nl + 1;
    }
  }
  if (LA.size() != LB.size()) {
    Why = "the line count changed";
    return false;
  }
  bool InSource = false;
  for (size_t I = 0; I < LB.size(); ++I) {
    std::string T = LB[I].substr(LB[I].find_first_not_of(' ') == std::string::npos
                                     ? 0
                                     : LB[I].find_first_not_of(' '));
    if (LA[I] != LB[I] && !(InSource && !T.empty() && T[0] == '"')) {
      Why = "line " + std::to_string(I + 1) + " changed outside a cell source: " + LB[I];
      return false;
    }
    if (T.rfind("\"source\": [", 0) == 0 && T.back() != ']' && T.find("],") == std::string::npos)
      InSource = true;
    else if (InSource && (T == "]" || T == "],"))
      InSource = false;
  }
  return true;
}

TEST(NotebookFixTest, OnlyTheEditedCellSourcesChange) {
  for (const std::string Rel : {"fixtures/notebooks/PL101_notebook.ipynb",
                                "fixtures/notebooks/PL101_notebook_project"}) {
    TempDir T;
    std::string Copy = copyFixture(T, Rel);
    std::string Nb = fs::is_directory(Copy) ? Copy + "/load.ipynb" : Copy;
    std::string Before = readFile(Nb);
    FixOptions O;
    O.Unsafe = true;
    FixResult R = fix(Copy, O);
    EXPECT_TRUE(R.Warnings.empty()) << join(R.Warnings);
    std::string After = readFile(Nb);
    EXPECT_NE(Before, After) << Rel << ": no fix was applied";
    EXPECT_EQ(withoutSources(Before), withoutSources(After)) << Rel;
    std::string Why;
    EXPECT_TRUE(changesOnlyInSourceLists(Before, After, Why)) << Rel << ": " << Why;
    // Trailing newline (or its absence) kept.
    EXPECT_EQ(Before.back(), After.back());
  }
}

/// A one-code-cell notebook whose source is Source (a JSON value).
std::string notebook(const std::string &Source) {
  return "{\n \"cells\": [\n  {\n   \"cell_type\": \"code\",\n   \"metadata\": {\"k\": 1},\n"
         "   \"outputs\": [],\n   \"source\": " +
         Source + "\n  }\n ],\n \"nbformat\": 4\n}";
}

/// Splices one edit replacing Old by New (first occurrence in the joined
/// text) into Bytes.
std::string spliceOne(const std::string &Bytes, const std::string &Old,
                      const std::string &New) {
  auto NB = readNotebook("n.ipynb", Bytes);
  EXPECT_TRUE(bool(NB));
  if (!NB) {
    llvm::consumeError(NB.takeError());
    return "";
  }
  uint32_t At = static_cast<uint32_t>((*NB)->text().find(Old));
  auto Out = spliceNotebook(
      Bytes, **NB, {Edit{Span{At, At + static_cast<uint32_t>(Old.size())}, New}});
  if (!Out)
    return "error: " + llvm::toString(Out.takeError());
  return *Out;
}

TEST(NotebookSpliceTest, StringSourceKeepsItsEscapes) {
  std::string Nb = notebook(R"("x = \"caf\u00e9\"\nm.norm.scale = 1\n")");
  EXPECT_EQ(spliceOne(Nb, "scale", "weight"),
            notebook(R"("x = \"caf\u00e9\"\nm.norm.weight = 1\n")"));
}

TEST(NotebookSpliceTest, ListSourceChangesOnlyTheLine) {
  std::string Nb = notebook("[\n    \"a = 1\\n\",\n    \"m.norm.scale = 1\"\n   ]");
  EXPECT_EQ(spliceOne(Nb, "scale", "weight"),
            notebook("[\n    \"a = 1\\n\",\n    \"m.norm.weight = 1\"\n   ]"));
}

TEST(NotebookSpliceTest, ANewLineRebuildsTheListInItsLayout) {
  std::string Nb = notebook("[\n    \"a = 1\\n\",\n    \"b = 2\"\n   ]");
  EXPECT_EQ(spliceOne(Nb, "a = 1", "a = 1\nc = 3"),
            notebook("[\n    \"a = 1\\n\",\n    \"c = 3\\n\",\n    \"b = 2\"\n   ]"));
}

TEST(NotebookSpliceTest, NonAsciiStaysEscapedInAnAsciiNotebook) {
  std::string Nb = notebook("[\"s = 'x'\\n\"]");
  EXPECT_EQ(spliceOne(Nb, "'x'", "'\xc3\xa9'"), notebook("[\"s = '\\u00e9'\\n\"]"));
}

TEST(NotebookSpliceTest, EditsOnAMagicLineAreRefused) {
  std::string Nb = notebook("[\"%time x = 1\\n\", \"y = 2\\n\"]");
  auto NB = readNotebook("n.ipynb", Nb);
  ASSERT_TRUE(bool(NB));
  // The magic line is blank in the joined text: an edit there has no place.
  auto Out = spliceNotebook(Nb, **NB, {Edit{Span{0, 0}, "z = 0"}});
  ASSERT_FALSE(bool(Out));
  EXPECT_NE(llvm::toString(Out.takeError()).find("not Python"), std::string::npos);
}

// --- The command line -------------------------------------------------------

TEST(FixCliTest, TextMarksFixableFindingsAndCountsHiddenOnes) {
  TempDir T;
  std::string P = T.write("load.py", TwoRenames);
  RunResult R = runParamlint({"check", P});
  EXPECT_EQ(R.ExitCode, 1) << describeRun(R);
  EXPECT_NE(R.Out.find("PL101 [*]"), std::string::npos) << R.Out;
  EXPECT_NE(R.Out.find("[*] 2 fixable with `--fix`."), std::string::npos) << R.Out;

  std::string U = T.write("unsafe.py", UnsafeRename);
  R = runParamlint({"check", U});
  EXPECT_EQ(R.Out.find("[*]"), std::string::npos) << R.Out;
  EXPECT_NE(R.Out.find("No fixes available (1 hidden fix can be enabled with "
                       "`--unsafe-fixes`)."),
            std::string::npos)
      << R.Out;
  R = runParamlint({"check", "--unsafe-fixes", U});
  EXPECT_NE(R.Out.find("[*] 1 fixable with `--fix --unsafe-fixes`."), std::string::npos)
      << R.Out;
}

TEST(FixCliTest, DiffPrintsAndWritesNothing) {
  TempDir T;
  std::string P = T.write("load.py", TwoRenames);
  RunResult R = runParamlint({"check", "--diff", P});
  EXPECT_EQ(R.ExitCode, 1) << describeRun(R);
  EXPECT_NE(R.Out.find("--- " + P + "\n+++ " + P + "\n@@ "), std::string::npos) << R.Out;
  EXPECT_NE(R.Out.find("\n-    block.norm1.scale = "), std::string::npos) << R.Out;
  EXPECT_NE(R.Out.find("\n+    block.norm1.weight = "), std::string::npos) << R.Out;
  EXPECT_NE(R.Err.find("Would fix 2 errors."), std::string::npos) << R.Err;
  EXPECT_EQ(readFile(P), TwoRenames);

  std::string Clean = T.write("clean.py", "x = 1\n");
  R = runParamlint({"check", "--diff", Clean});
  EXPECT_EQ(R.ExitCode, 0) << describeRun(R);
  EXPECT_EQ(R.Out, "");
}

TEST(FixCliTest, FixReportsTheRestAndExitsByIt) {
  TempDir T;
  std::string P = T.write("load.py", TwoRenames);
  RunResult R = runParamlint({"check", "--fix", P});
  EXPECT_EQ(R.ExitCode, 0) << describeRun(R);
  EXPECT_NE(R.Out.find("Found 2 errors (2 fixed, 0 remaining)."), std::string::npos)
      << R.Out;
  EXPECT_EQ(readFile(P), renamed(TwoRenames));
  R = runParamlint({"check", "--fix", P});
  EXPECT_EQ(R.ExitCode, 0) << describeRun(R);
  EXPECT_NE(R.Out.find("All checks passed!"), std::string::npos) << R.Out;

  std::string U = T.write("unsafe.py", UnsafeRename);
  R = runParamlint({"check", "--fix", U});
  EXPECT_EQ(R.ExitCode, 1) << describeRun(R);
  EXPECT_NE(R.Out.find("Found 1 error (0 fixed, 1 remaining)."), std::string::npos)
      << R.Out;
  R = runParamlint({"check", "--fix", "--unsafe-fixes", U});
  EXPECT_EQ(R.ExitCode, 0) << describeRun(R);

  std::string RO = T.write("ro.py", TwoRenames);
  ASSERT_EQ(::chmod(RO.c_str(), 0444), 0);
  R = runParamlint({"check", "--fix", RO});
  EXPECT_EQ(R.ExitCode, 2) << describeRun(R);
  EXPECT_NE(R.Err.find("read-only"), std::string::npos) << R.Err;
  EXPECT_EQ(readFile(RO), TwoRenames);
}

TEST(FixCliTest, FixOnlyAndJson) {
  TempDir T;
  std::string P = T.write("load.py", TwoRenames);
  std::string U = T.write("unsafe.py", UnsafeRename);
  RunResult R = runParamlint({"check", "--fix", "--output-format", "json", T.path()});
  EXPECT_EQ(R.ExitCode, 1) << describeRun(R);
  Json J = Json::parse(R.Out, nullptr, false);
  ASSERT_TRUE(J.is_array()) << R.Out;
  ASSERT_EQ(J.size(), 1u) << R.Out;
  EXPECT_EQ(J[0]["fix"]["applicability"], "unsafe");
  R = runParamlint({"check", "--fix-only", "--unsafe-fixes", T.path()});
  EXPECT_EQ(R.ExitCode, 0) << describeRun(R);
  EXPECT_NE(R.Out.find("Fixed 1 error."), std::string::npos) << R.Out;
}

// --- rename-params ------------------------------------------------------------

const char *const BookNorm = R"(import torch
import torch.nn as nn


class LayerNorm(nn.Module):
    def __init__(self, d):
        super().__init__()
        self.scale = nn.Parameter(torch.ones(d))
        self.register_parameter("shift", nn.Parameter(torch.zeros(d)))

    def forward(self, x):
        return self.scale * x + self.shift
)";

TEST(RenameParamsTest, RenamesDefinitionsAndUsesAndAddsTheKeyMapping) {
  TempDir T;
  std::string P = T.write("norm.py", BookNorm);
  RunResult R = runParamlint({"rename-params", "LayerNorm", "scale=weight",
                              "shift=bias", "--path", T.path()});
  ASSERT_EQ(R.ExitCode, 0) << describeRun(R);
  std::string Got = readFile(P);
  EXPECT_NE(Got.find("self.weight = nn.Parameter"), std::string::npos) << Got;
  EXPECT_NE(Got.find("register_parameter(\"bias\""), std::string::npos) << Got;
  EXPECT_NE(Got.find("return self.weight * x + self.bias\n"), std::string::npos) << Got;
  EXPECT_NE(Got.find("    def _load_from_state_dict(self, state_dict, prefix"),
            std::string::npos)
      << Got;
  EXPECT_NE(Got.find("for old, new in ((\"scale\", \"weight\"), (\"shift\", \"bias\")):"),
            std::string::npos)
      << Got;
  // A second run refuses (the class now overrides the loading hook) and
  // the file stays.
  R = runParamlint({"rename-params", "LayerNorm", "scale=weight", "--path", T.path()});
  EXPECT_EQ(R.ExitCode, 2) << describeRun(R);
  EXPECT_NE(R.Err.find("already overrides"), std::string::npos) << R.Err;
  EXPECT_EQ(readFile(P), Got);
}

TEST(RenameParamsTest, DiffWritesNothing) {
  TempDir T;
  std::string P = T.write("norm.py", BookNorm);
  RunResult R = runParamlint(
      {"rename-params", "LayerNorm", "scale=weight", "--diff", "--path", T.path()});
  EXPECT_EQ(R.ExitCode, 1) << describeRun(R);
  EXPECT_NE(R.Out.find("+        self.weight = nn.Parameter"), std::string::npos) << R.Out;
  EXPECT_NE(R.Out.find("(\"scale\", \"weight\"),)"), std::string::npos) << R.Out;
  EXPECT_EQ(readFile(P), BookNorm);
}

TEST(RenameParamsTest, RefusesWhatItCannotDoSafely) {
  TempDir T;
  std::string P = T.write("norm.py", BookNorm);
  struct Case {
    std::vector<std::string> Args;
    const char *Message;
  } Cases[] = {
      {{"Nope", "scale=weight"}, "no input defines a class `Nope`"},
      {{"LayerNorm", "gamma=weight"}, "no parameter or buffer `gamma`"},
      {{"LayerNorm", "scale=shift"}, "already has a member `shift`"},
      {{"LayerNorm", "scale"}, "expected old=new"},
      {{"LayerNorm", "scale=1x"}, "Python identifiers"},
  };
  for (const Case &C : Cases) {
    std::vector<std::string> Args{"rename-params"};
    Args.insert(Args.end(), C.Args.begin(), C.Args.end());
    Args.insert(Args.end(), {"--path", T.path()});
    RunResult R = runParamlint(Args);
    EXPECT_EQ(R.ExitCode, 2) << describeRun(R);
    EXPECT_NE(R.Err.find(C.Message), std::string::npos) << R.Err;
    EXPECT_EQ(readFile(P), BookNorm);
  }
  std::string Overridden = std::string(BookNorm) +
                           "\n    def _load_from_state_dict(self, *a):\n        pass\n";
  T.write("norm.py", Overridden);
  RunResult R = runParamlint({"rename-params", "LayerNorm", "scale=weight", "--path", T.path()});
  EXPECT_EQ(R.ExitCode, 2) << describeRun(R);
  EXPECT_NE(R.Err.find("already overrides"), std::string::npos) << R.Err;
}

TEST(RenameParamsTest, OneFileWithTheSubclassIndexIsTheSameFix) {
  // PL301 asks for one file's edits with a prebuilt subclass index; the
  // edits must be those the whole-program search makes in that file,
  // subclasses found through the index included (`Deep` reaches LayerNorm
  // through `Mid`, named with a module prefix).
  TempDir T;
  T.write("norm.py", BookNorm);
  T.write("sub.py", "import norm\n\nclass Mid(norm.LayerNorm):\n    pass\n\n"
                    "class Deep(Mid):\n    def forward(self, x):\n"
                    "        return self.scale * x\n");
  AnalysisOptions O;
  O.Jobs = 1;
  auto A = analyze({T.path()}, O);
  ASSERT_TRUE(static_cast<bool>(A)) << llvm::toString(A.takeError());
  const ParamGraph &G = (*A)->Graph;
  const SourceFile *Sub = nullptr;
  for (size_t I = 0; I < G.InputCount; ++I)
    if (G.Files[I]->path().find("sub.py") != std::string::npos)
      Sub = G.Files[I];
  ASSERT_NE(Sub, nullptr);
  auto Edits = [](llvm::Expected<std::vector<Diagnostic>> Fixes,
                  const SourceFile *File) {
    std::vector<std::pair<uint32_t, std::string>> Out;
    EXPECT_TRUE(static_cast<bool>(Fixes));
    if (!Fixes) {
      llvm::consumeError(Fixes.takeError());
      return Out;
    }
    for (const Diagnostic &D : *Fixes)
      if (D.Where.File == File && D.TheFix)
        for (const Edit &E : D.TheFix->Edits)
          Out.push_back({E.Where.Begin, E.Content});
    return Out;
  };
  std::vector<ParamRename> Renames{{"scale", "weight"}};
  auto Whole = Edits(renameParamsFixes(G, "LayerNorm", Renames), Sub);
  SubclassIndex Index = subclassIndex(G);
  auto One = Edits(renameParamsFixes(G, "LayerNorm", Renames, Sub, &Index), Sub);
  ASSERT_EQ(Whole.size(), 1u) << "`self.scale` in Deep";
  EXPECT_EQ(Whole[0].second, "weight");
  EXPECT_EQ(One, Whole);
}

} // namespace
} // namespace paramlint::test

//===- FixtureTest.cpp - Every fixture against its annotations ------------===//
///
/// \file
/// One test per fixture under fixtures/python/, fixtures/notebooks/ and
/// fixtures/cxx/ (C++ annotations are `// expect:` comments): a
/// top-level file is one fixture, an immediate subdirectory is one fixture
/// (a multi-file project). The engine's diagnostics must match the
/// annotations exactly: every `expect:` matched by a diagnostic with that
/// code on that row (and cell) whose message holds the filter, no diagnostic
/// nobody expected, no `ok:` code firing. Failures print `path:row:col:`
/// so that they can be pasted into an editor. A fixture is analysed with
/// the config a user's run would find (a project's own paramlint.toml).
///
//===----------------------------------------------------------------------===//
#include "Analysis.h"
#include "Annotations.h"
#include "Config.h"
#include "TestSupport.h"
#include "python/Notebook.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>
#include <map>
#include <sstream>

namespace paramlint::test {
namespace {
namespace fs = std::filesystem;

bool endsWith(const std::string &S, const std::string &Suffix) {
  return S.size() >= Suffix.size() &&
         S.compare(S.size() - Suffix.size(), Suffix.size(), Suffix) == 0;
}

/// `X.fixed.py` / `X.fixed.ipynb`: the expected result of `--fix` on `X`.
bool isFixedTwin(const std::string &Name) {
  return Name.find(".fixed.") != std::string::npos;
}

bool isFixtureSource(const fs::path &P) {
  std::string Ext = P.extension().string();
  return (Ext == ".py" || Ext == ".pyi" || Ext == ".ipynb" || Ext == ".cpp" ||
          Ext == ".h") &&
         !isFixedTwin(P.filename().string());
}

/// The fixture root directories, relative to the source tree.
const char *const FixtureRoots[] = {"fixtures/python", "fixtures/notebooks",
                                    "fixtures/cxx"};

/// Fixtures as paths relative to the source tree, sorted.
std::vector<std::string> listFixtures() {
  std::vector<std::string> Out;
  for (const char *Root : FixtureRoots) {
    std::error_code Ec;
    for (fs::directory_iterator It(sourceDir() + "/" + Root, Ec), End;
         !Ec && It != End; It.increment(Ec)) {
      std::string Name = It->path().filename().string();
      if (Name.empty() || Name[0] == '.' || Name == "__pycache__")
        continue;
      std::error_code TEc;
      if (It->is_directory(TEc) || isFixtureSource(It->path()))
        Out.push_back(std::string(Root) + "/" + Name);
    }
  }
  std::sort(Out.begin(), Out.end());
  return Out;
}

/// The annotated source files of a fixture (itself, or those in its
/// directory), absolute and sorted.
std::vector<std::string> fixtureFiles(const std::string &Abs) {
  std::vector<std::string> Out;
  std::error_code Ec;
  if (!fs::is_directory(Abs, Ec))
    return {Abs};
  for (fs::recursive_directory_iterator It(Abs, Ec), End; !Ec && It != End;
       It.increment(Ec)) {
    std::error_code TEc;
    if (It->is_regular_file(TEc) && isFixtureSource(It->path()) &&
        It->path().string().find("/__pycache__/") == std::string::npos)
      Out.push_back(It->path().string());
  }
  std::sort(Out.begin(), Out.end());
  return Out;
}

/// `dir/X.fixed.py` for `dir/X.py` (any extension).
std::string twinOf(const std::string &Path) {
  fs::path P(Path);
  return (P.parent_path() /
          (P.stem().string() + ".fixed" + P.extension().string()))
      .string();
}

bool hasFixedTwins(const std::string &Abs) {
  std::error_code Ec;
  for (fs::recursive_directory_iterator It(Abs, Ec), End; !Ec && It != End;
       It.increment(Ec))
    if (isFixedTwin(It->path().filename().string()))
      return true;
  return false;
}

std::string normal(const std::string &P) {
  std::error_code Ec;
  return fs::absolute(P, Ec).lexically_normal().string();
}

/// `fixtures/x.py:3:5` or `fixtures/n.ipynb:cell 2:3:5` (column omitted
/// when 0).
std::string where(const std::string &Rel, std::optional<uint32_t> Cell,
                  uint32_t Row, uint32_t Column) {
  std::ostringstream S;
  S << Rel << ":";
  if (Cell)
    S << "cell " << *Cell << ":";
  S << Row;
  if (Column)
    S << ":" << Column;
  return S.str();
}

/// Reads a fixture file the way the engine does, to parse its annotations.
llvm::Expected<std::unique_ptr<SourceFile>> loadSource(const std::string &Abs) {
  std::string Bytes = readFile(Abs);
  if (endsWith(Abs, ".ipynb"))
    return readNotebook(Abs, Bytes);
  return std::make_unique<SourceFile>(Abs, Bytes, SourceKind::Python);
}

/// One diagnostic, reduced to what the comparison needs.
struct Found {
  std::string File; ///< Normalised absolute path.
  std::string Rel;  ///< For messages.
  std::string Code, Message;
  Position At;
  bool Used = false;
};

std::string relative(const std::string &Abs) {
  std::string Root = normal(sourceDir()) + "/";
  return Abs.rfind(Root, 0) == 0 ? Abs.substr(Root.size()) : Abs;
}

class FixtureTest : public ::testing::TestWithParam<std::string> {};

TEST_P(FixtureTest, DiagnosticsMatchAnnotations) {
  const std::string Rel = GetParam();
  const std::string Abs = normal(sourceDir() + "/" + Rel);

  // Expectations of every file of the fixture, keyed by normalised path.
  std::map<std::string, std::vector<Expectation>> Expected;
  std::vector<std::string> Files = fixtureFiles(Abs);
  for (const std::string &F : Files) {
    auto Source = loadSource(F);
    if (!Source) {
      // A notebook fixture that is meant not to parse says so in its name.
      ADD_FAILURE() << relative(F) << ": "
                    << llvm::toString(Source.takeError());
      continue;
    }
    auto Ann = parseAnnotations(**Source);
    if (!Ann) {
      ADD_FAILURE() << relative(llvm::toString(Ann.takeError()));
      continue;
    }
    Expected[normal(F)] = std::move(*Ann);
  }

  // A directory holding `.fixed` twins is analysed file by file so that the
  // twins (the expected output of --fix) are not linted as inputs.
  std::vector<std::string> Inputs{Abs};
  if (fs::is_directory(Abs) && hasFixedTwins(Abs))
    Inputs = Files;
  // The config a user's run would find (a fixture project's own
  // paramlint.toml: aliases, library classes, convention).
  AnalysisOptions Options;
  auto Config = findConfig(Inputs);
  ASSERT_TRUE(bool(Config)) << llvm::toString(Config.takeError());
  if (*Config)
    applyConfig(**Config, Options);
  auto Result = analyze(Inputs, Options);
  ASSERT_TRUE(bool(Result))
      << "analyze failed: " << llvm::toString(Result.takeError());

  std::vector<Found> Diags;
  for (const Diagnostic &D : (*Result)->Diagnostics) {
    Found F;
    F.Code = D.Code;
    F.Message = D.Message;
    if (D.Where.File) {
      F.File = normal(D.Where.File->path());
      F.Rel = relative(F.File);
      F.At = D.Where.File->position(D.Where.Where.Begin);
    } else {
      F.Rel = "<no file>";
      F.At.Row = 0;
      F.At.Column = 0;
    }
    Diags.push_back(std::move(F));
  }

  std::vector<std::string> Failures;
  for (auto &Entry : Expected) {
    // Named, not a structured binding: clang 14 (the fuzz build) cannot
    // capture a binding in a lambda.
    const auto &File = Entry.first;
    auto &List = Entry.second;
    // Filtered expectations first, so that an unfiltered one does not take
    // the diagnostic a filtered one needs.
    std::vector<const Expectation *> Order;
    for (const Expectation &E : List)
      Order.push_back(&E);
    std::stable_sort(Order.begin(), Order.end(),
                     [](const Expectation *A, const Expectation *B) {
                       return A->MessageContains.size() >
                              B->MessageContains.size();
                     });
    for (const Expectation *E : Order) {
      auto Matches = [&](const Found &D) {
        return D.File == File && D.Code == E->Code && D.At.Row == E->Row &&
               D.At.Cell == E->Cell &&
               D.Message.find(E->MessageContains) != std::string::npos;
      };
      if (E->Ok) {
        for (const Found &D : Diags)
          if (Matches(D))
            Failures.push_back(
                where(D.Rel, D.At.Cell, D.At.Row, D.At.Column) + ": " + D.Code +
                " fires on a line marked `ok: " + E->Code + "`: " + D.Message);
        continue;
      }
      auto It = std::find_if(Diags.begin(), Diags.end(), [&](const Found &D) {
        return !D.Used && Matches(D);
      });
      if (It != Diags.end()) {
        It->Used = true;
        continue;
      }
      std::string Line =
          where(relative(File), E->Cell, E->Row, 0) + ": missing " + E->Code;
      if (!E->MessageContains.empty())
        Line += " \"" + E->MessageContains + "\"";
      // Say what did fire on that line: usually the cause is right there.
      for (const Found &D : Diags)
        if (D.File == File && D.At.Row == E->Row && D.At.Cell == E->Cell)
          Line += "\n    (on that line: " + D.Code + " " + D.Message + ")";
      Failures.push_back(Line);
    }
  }
  for (const Found &D : Diags) {
    if (D.Used)
      continue;
    bool Ok = false;
    for (const auto &[File, List] : Expected)
      for (const Expectation &E : List)
        Ok |= E.Ok && D.File == File && D.At.Row == E.Row &&
              D.At.Cell == E.Cell && D.Code == E.Code &&
              D.Message.find(E.MessageContains) != std::string::npos;
    if (Ok)
      continue; // Already reported as an `ok:` violation.
    Failures.push_back(where(D.Rel, D.At.Cell, D.At.Row, D.At.Column) +
                       ": noisy " + D.Code + " " + D.Message);
  }
  std::sort(Failures.begin(), Failures.end());
  std::string All;
  for (const std::string &L : Failures)
    All += L + "\n";
  EXPECT_TRUE(Failures.empty()) << All;
}

std::string testName(const ::testing::TestParamInfo<std::string> &Info) {
  std::string N;
  for (char C : Info.param)
    N += std::isalnum(static_cast<unsigned char>(C)) ? C : '_';
  return N;
}

INSTANTIATE_TEST_SUITE_P(Fixtures, FixtureTest,
                         ::testing::ValuesIn(listFixtures()), testName);
GTEST_ALLOW_UNINSTANTIATED_PARAMETERIZED_TEST(FixtureTest);

TEST(FixtureLayoutTest, EveryFixtureHasAnAnnotation) {
  for (const std::string &Rel : listFixtures()) {
    std::string Abs = sourceDir() + "/" + Rel;
    bool Any = false;
    for (const std::string &F : fixtureFiles(Abs)) {
      auto Source = loadSource(F);
      if (!Source) {
        llvm::consumeError(Source.takeError());
        // An unreadable notebook fixture: look at its raw bytes.
        std::string Bytes = readFile(F);
        bool Has = Bytes.find("expect:") != std::string::npos ||
                   Bytes.find("ok:") != std::string::npos;
        EXPECT_TRUE(Has) << relative(F) << ": no `expect:` or `ok:` annotation";
        Any |= Has;
        continue;
      }
      auto Ann = parseAnnotations(**Source);
      if (!Ann) {
        ADD_FAILURE() << llvm::toString(Ann.takeError());
        continue;
      }
      // Each top-level fixture file needs one; in a project, at least one
      // of its files (a model file may hold only the class).
      if (!fs::is_directory(Abs))
        EXPECT_FALSE(Ann->empty())
            << Rel << ":1: no `expect:` or `ok:` annotation";
      Any |= !Ann->empty();
    }
    EXPECT_TRUE(Any) << Rel << ": no `expect:` or `ok:` annotation in any file";
  }
}

TEST(FixtureLayoutTest, FixedTwinsSitNextToTheirFixture) {
  for (const char *Root : FixtureRoots) {
    std::error_code Ec;
    for (fs::recursive_directory_iterator It(sourceDir() + "/" + Root, Ec), End;
         !Ec && It != End; It.increment(Ec)) {
      std::string Name = It->path().filename().string();
      size_t At = Name.find(".fixed.");
      if (At == std::string::npos)
        continue;
      std::string Original = Name.substr(0, At) + Name.substr(At + 6);
      fs::path Twin = It->path().parent_path() / Original;
      std::error_code TEc;
      EXPECT_TRUE(fs::is_regular_file(Twin, TEc))
          << relative(It->path().string()) << ": no `" << Original
          << "` next to this `.fixed` twin";
    }
  }
}

TEST(FixtureLayoutTest, FixtureRootsExist) {
  for (const char *Root : FixtureRoots) {
    std::error_code Ec;
    EXPECT_TRUE(fs::is_directory(sourceDir() + "/" + Root, Ec)) << Root;
  }
}

/// Fixtures that have at least one `.fixed` twin.
std::vector<std::string> listFixedFixtures() {
  std::vector<std::string> Out;
  for (const std::string &Rel : listFixtures()) {
    std::string Abs = sourceDir() + "/" + Rel;
    std::error_code Ec;
    if (fs::is_directory(Abs, Ec) ? hasFixedTwins(Abs)
                                  : fs::exists(twinOf(Abs), Ec))
      Out.push_back(Rel);
  }
  return Out;
}

class FixedTwinTest : public ::testing::TestWithParam<std::string> {};

/// `paramlint check --fix` on a copy of the fixture gives the `.fixed`
/// twins byte for byte (files without a twin stay unchanged), and a second
/// `--fix` changes nothing.
TEST_P(FixedTwinTest, FixGivesTheTwinAndIsIdempotent) {
  const std::string Rel = GetParam();
  const fs::path Abs = sourceDir() + "/" + Rel;
  TempDir T;
  fs::path Copy = fs::path(T.path()) / Abs.filename();
  // Expected content of every copied file, keyed by its path in the copy.
  std::map<std::string, std::string> Want;
  for (const std::string &F : fixtureFiles(Abs.string())) {
    std::string Target =
        fs::is_directory(Abs)
            ? (Copy / fs::path(F).lexically_relative(Abs)).string()
            : Copy.string();
    writeFile(Target, readFile(F));
    std::error_code Ec;
    std::string Twin = twinOf(F);
    Want[Target] = readFile(fs::exists(Twin, Ec) ? Twin : F);
  }
  for (int Round = 1; Round <= 2; ++Round) {
    RunResult R = runParamlint({"check", "--fix", Copy.string()});
    if (R.ExitCode == 2 && R.Err.find("--fix") != std::string::npos)
      GTEST_SKIP() << "the program does not support --fix yet";
    ASSERT_TRUE(R.ExitCode == 0 || R.ExitCode == 1) << describeRun(R);
    for (const auto &[Path, Bytes] : Want) {
      std::string Got = readFile(Path);
      EXPECT_TRUE(Got == Bytes)
          << relative(Path) << ": after --fix (round " << Round
          << ") differs from its `.fixed` twin\n--- got:\n"
          << Got.substr(0, 4000);
    }
  }
}

INSTANTIATE_TEST_SUITE_P(Fixtures, FixedTwinTest,
                         ::testing::ValuesIn(listFixedFixtures()), testName);
GTEST_ALLOW_UNINSTANTIATED_PARAMETERIZED_TEST(FixedTwinTest);

} // namespace
} // namespace paramlint::test

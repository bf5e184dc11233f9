//===- BadInputTest.cpp - What a user's tree may hold ---------------------===//
///
/// \file
/// The bad-input matrix of docs/reliability.md, run as a user runs the
/// program: each input gives one PL001 with a location (or nothing), a
/// documented exit code, never a crash or a hang, and never a changed byte.
/// Then whole trees: links that loop, FIFOs and devices, unreadable files
/// for an ordinary user, names with spaces and non-ASCII, line endings, and
/// the per-file time budget.
///
//===----------------------------------------------------------------------===//
#include "OutputChecks.h"
#include "TestSupport.h"

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <algorithm>
#include <filesystem>
#include <functional>
#include <map>
#include <sys/stat.h>
#include <unistd.h>

namespace paramlint::test {
namespace {
namespace fs = std::filesystem;
using Json = nlohmann::json;

/// One bad input: how to make it, and whether it must give a PL001.
struct BadInput {
  std::string Name;
  /// Creates the input in the directory Dir; returns the path to lint.
  std::function<std::string(const std::string &Dir)> Make;
  enum { MustFail, MustPass, EitherWay } Expect;
  /// When not empty, the PL001's message must contain it.
  std::string MessageHas = "";
};

/// Name = Bytes, Depth levels deep: Open * Depth + Middle + Close * Depth.
std::string nested(const std::string &Open, const std::string &Middle,
                   const std::string &Close, int Depth) {
  return repeat(Open, Depth) + Middle + repeat(Close, Depth);
}

/// Depth operands joined by Op: a left- or right-deep operator chain.
std::string chain(const std::string &Operand, const std::string &Op, int Depth) {
  std::string S = Operand;
  for (int I = 1; I < Depth; ++I)
    S += Op + Operand;
  return S;
}

std::vector<BadInput> badInputs() {
  std::vector<BadInput> Cases;
  auto file = [](std::string Name, std::string Bytes) {
    return [Name, Bytes](const std::string &Dir) {
      writeFile(Dir + "/" + Name, Bytes);
      return Dir + "/" + Name;
    };
  };
  Cases.push_back({"syntax_error", file("s.py", "def f(:\n    pass\n"),
                   BadInput::MustFail});
  Cases.push_back({"non_utf8", file("u.py", "x = 1\ns = '\xff\xfe caf\xe9'\n"),
                   BadInput::MustFail});
  Cases.push_back({"nul_bytes",
                   file("n.py", std::string("x = 1\n\0\0y = 2\n", 14)),
                   BadInput::MustFail});
  Cases.push_back({"notebook_not_json", file("j.ipynb", "{\"cells\": [oops"),
                   BadInput::MustFail});
  Cases.push_back({"notebook_cells_not_list",
                   file("c.ipynb", "{\"cells\": {\"a\": 1}, \"nbformat\": 4}"),
                   BadInput::MustFail});
  Cases.push_back({"empty_file", file("e.py", ""), BadInput::MustPass});
  Cases.push_back({"missing_directory",
                   [](const std::string &Dir) { return Dir + "/no/such/dir"; },
                   BadInput::MustFail});
  if (::geteuid() != 0) {
    Cases.push_back({"unreadable_file",
                     [](const std::string &Dir) {
                       std::string P = Dir + "/r.py";
                       writeFile(P, "x = 1\n");
                       ::chmod(P.c_str(), 0);
                       return P;
                     },
                     BadInput::MustFail});
  } else {
    // Root reads a chmod 000 file; a dangling symlink is unreadable for all.
    Cases.push_back({"dangling_symlink",
                     [](const std::string &Dir) {
                       std::string P = Dir + "/dangling.py";
                       std::error_code Ec;
                       fs::create_symlink(Dir + "/gone.py", P, Ec);
                       return P;
                     },
                     BadInput::MustFail});
  }
  // Deep nesting: CPython rejects both (it caps nesting), so a PL001 is
  // fine, and so is silence; a crash (stack overflow) is not.
  Cases.push_back({"nested_parentheses_100000",
                   file("p.py", "x = " + std::string(100000, '(') + "1" +
                                    std::string(100000, ')') + "\n"),
                   BadInput::EitherWay});
  Cases.push_back({"nested_ifs_5000",
                   [](const std::string &Dir) {
                     std::string S;
                     for (int I = 0; I < 5000; ++I)
                       S += std::string(I, ' ') + "if x:\n";
                     S += std::string(5000, ' ') + "pass\n";
                     writeFile(Dir + "/i.py", S);
                     return Dir + "/i.py";
                   },
                   BadInput::EitherWay});
  Cases.push_back({"three_megabytes",
                   file("big.py", repeat("x = 1\n", 3 * 1000 * 1000 / 6)),
                   BadInput::MustPass});
  Cases.push_back({"one_byte_over_the_limit",
                   file("over.py", repeat("#", 4 * 1024 * 1024) + "\n"),
                   BadInput::MustFail, "skipped: larger than 4 MiB"});
  // Over the size limit: refused before anything is read into memory.
  Cases.push_back({"fifty_megabytes",
                   file("huge.py", repeat("x = 1\n", 50 * 1000 * 1000 / 6)),
                   BadInput::MustFail, "skipped: larger than 4 MiB"});
  Cases.push_back({"one_megabyte_line",
                   file("line.py", "x = [" + chain("1", ",", 500000) + "]\n"),
                   BadInput::MustPass});
  Cases.push_back({"only_comments", file("c.py", repeat("# a comment\n", 1000)),
                   BadInput::MustPass});
  Cases.push_back({"only_blank_lines", file("b.py", repeat("\n  \n\t\n", 1000)),
                   BadInput::MustPass});
  Cases.push_back({"utf8_bom", file("bom.py", "\xef\xbb\xbfx = 1\n"),
                   BadInput::MustPass});
  Cases.push_back({"crlf", file("crlf.py", "import torch\r\nx = 1\r\n"),
                   BadInput::MustPass});
  Cases.push_back({"mixed_line_endings",
                   file("mixed.py", "import torch\r\nx = 1\ny = 2\r\n\nz = 3"),
                   BadInput::MustPass});
  Cases.push_back({"lone_carriage_returns", file("cr.py", "x = 1\ry = 2\r"),
                   BadInput::EitherWay});
  Cases.push_back({"binary_bytes",
                   file("blob.py", std::string("\x7f" "ELF\x02\x01\x01\0\0\0", 10) +
                                       repeat(std::string("\x90\0\xff", 3), 1000)),
                   BadInput::MustFail});
  Cases.push_back({"notebook_string_sources",
                   file("s.ipynb", R"({"cells": [{"cell_type": "code", "metadata": {},
 "outputs": [], "execution_count": null, "source": "import torch\nx = 1\n"}],
 "metadata": {}, "nbformat": 4, "nbformat_minor": 5})"),
                   BadInput::MustPass});
  Cases.push_back({"notebook_empty_object", file("e.ipynb", "{}"),
                   BadInput::EitherWay});
  Cases.push_back({"fifo",
                   [](const std::string &Dir) {
                     std::string P = Dir + "/pipe.py";
                     EXPECT_EQ(::mkfifo(P.c_str(), 0644), 0);
                     return P;
                   },
                   BadInput::MustFail});
  Cases.push_back({"character_device",
                   [](const std::string &Dir) {
                     // Reading /dev/zero never ends: it must not be read.
                     std::string P = Dir + "/zero.py";
                     std::error_code Ec;
                     fs::create_symlink("/dev/zero", P, Ec);
                     return P;
                   },
                   BadInput::MustFail});
  // 10,000 levels of every construct that nests in the tree: a recursive
  // walk over any of them must not overflow the stack.
  constexpr int Deep = 10000;
  std::vector<std::pair<std::string, std::string>> DeepSources = {
      {"attribute_chain", "x = m" + repeat(".a", Deep) + "\n"},
      {"attribute_chain_write", "def load(m):\n    m" + repeat(".a", Deep) +
                                    ".scale = 1\n"},
      {"subscript_chain", "x = m" + repeat("[0]", Deep) + "\n"},
      {"call_chain", "x = f" + repeat("()", Deep) + "\n"},
      {"nested_calls", "x = " + nested("f(", "1", ")", Deep) + "\n"},
      {"nested_lists", "x = " + nested("[", "", "]", Deep) + "\n"},
      {"nested_dicts", "x = " + nested("{'a': ", "1", "}", Deep) + "\n"},
      {"nested_parentheses_10000", "x = " + nested("(", "1", ")", Deep) + "\n"},
      {"binary_operators", "x = " + chain("1", " + ", Deep) + "\n"},
      {"power_operators", "x = " + chain("2", " ** ", Deep) + "\n"},
      {"comparisons", "x = " + chain("a", " < ", Deep) + "\n"},
      {"boolean_operators", "x = " + chain("a", " and ", Deep) + "\n"},
      {"unary_minus", "x = " + repeat("-", Deep) + "1\n"},
      {"not_operators", "x = " + repeat("not ", Deep) + "a\n"},
      {"lambdas", "x = " + repeat("lambda: ", Deep) + "1\n"},
      {"conditional_expressions", "x = " + repeat("a if b else ", Deep) + "c\n"},
      {"awaits", "async def f():\n    x = " + repeat("await ", Deep) + "g\n"},
      {"string_concatenation", "x = " + chain("'a'", " ", Deep) + "\n"},
      {"tuple_of_10000", "x = (" + chain("a", ", ", Deep) + ")\n"},
  };
  for (const auto &[Name, Source] : DeepSources)
    Cases.push_back({"deep_" + Name, file(Name + ".py", Source), BadInput::EitherWay});
  return Cases;
}

class BadInputTest : public ::testing::TestWithParam<BadInput> {};

TEST_P(BadInputTest, OnePl001WithALocationNeverACrash) {
  const BadInput &Case = GetParam();
  TempDir T;
  std::string Path = Case.Make(T.path());
  std::error_code Ec;
  bool Readable =
      fs::is_regular_file(Path, Ec) && ::access(Path.c_str(), R_OK) == 0;
  std::string Before = Readable ? readFile(Path) : "";

  // No time budget: under the sanitizers the 3 MB file parses slowly, and
  // the budget has its own test.
  std::string Config = T.write("budget/paramlint.toml", "file-timeout = 0\n");
  RunResult R = runParamlint(
      {"check", "--output-format", "json", "--config", Config, Path});
  expectNoCrash(R);
  Json J = parseJsonOutput(R);
  std::vector<std::string> Codes = codes(J);
  size_t Pl001 = std::count(Codes.begin(), Codes.end(), "PL001");
  EXPECT_EQ(Pl001, Codes.size()) << "only PL001 expected: " << R.Out;
  switch (Case.Expect) {
  case BadInput::MustFail:
    EXPECT_EQ(Pl001, 1u) << describeRun(R);
    if (!Case.MessageHas.empty() && !J.empty())
      EXPECT_NE(J[0].value("message", "").find(Case.MessageHas), std::string::npos)
          << describeRun(R);
    EXPECT_EQ(R.ExitCode, 1) << describeRun(R);
    break;
  case BadInput::MustPass:
    EXPECT_EQ(Pl001, 0u) << describeRun(R);
    EXPECT_EQ(R.ExitCode, 0) << describeRun(R);
    break;
  case BadInput::EitherWay:
    EXPECT_LE(Pl001, 1u) << describeRun(R);
    EXPECT_EQ(R.ExitCode, Pl001 ? 1 : 0) << describeRun(R);
    break;
  }
  for (const Json &D : J) {
    expectDiagnosticShape(D);
    EXPECT_EQ(D.value("filename", ""), Path) << D.dump();
    EXPECT_FALSE(D.value("message", "").empty()) << D.dump();
  }
  if (Readable) {
    EXPECT_TRUE(readFile(Path) == Before) << Path << " was modified";
  }
}

INSTANTIATE_TEST_SUITE_P(Inputs, BadInputTest, ::testing::ValuesIn(badInputs()),
                         [](const ::testing::TestParamInfo<BadInput> &Info) {
                           return Info.param.Name;
                         });

TEST(CliTest, TheRunGoesOnPastBadFiles) {
  TempDir T;
  long Bad = 0;
  for (const BadInput &Case : badInputs()) {
    if (Case.Expect != BadInput::MustFail || Case.Name == "missing_directory")
      continue;
    Case.Make(T.path());
    ++Bad;
  }
  writeFile(T.file("zz_loader.py"), Pl101Source);
  RunResult R = runParamlint({"check", "--output-format", "json", T.path()});
  expectNoCrash(R);
  EXPECT_EQ(R.ExitCode, 1) << describeRun(R);
  std::vector<std::string> Codes = codes(parseJsonOutput(R));
  EXPECT_EQ(std::count(Codes.begin(), Codes.end(), "PL101"), 1) << R.Out;
  EXPECT_EQ(std::count(Codes.begin(), Codes.end(), "PL001"), Bad) << R.Out;
}

TEST(CliTest, TextOutputForBadInputNamesTheFile) {
  TempDir T;
  std::string F = T.write("s.py", "x = 1\ndef f(:\n");
  RunResult R = runParamlint({"check", F});
  expectNoCrash(R);
  EXPECT_EQ(R.ExitCode, 1) << describeRun(R);
  EXPECT_NE(R.Out.find("s.py:2:"), std::string::npos) << describeRun(R);
  EXPECT_NE(R.Out.find("PL001"), std::string::npos) << describeRun(R);
}

/// (file name, code) of each diagnostic, and the message of each PL001 by
/// file name.
struct Summary {
  std::multimap<std::string, std::string> Codes;
  std::map<std::string, std::string> Pl001;
};

Summary summarize(const Json &J) {
  Summary S;
  for (const Json &D : J) {
    std::string Name = fs::path(D.value("filename", "")).filename().string();
    S.Codes.insert({Name, D.value("code", "")});
    if (D.value("code", "") == "PL001")
      S.Pl001[Name] = D.value("message", "");
  }
  return S;
}

std::string toCrlf(const std::string &Lf) {
  std::string Out;
  for (char C : Lf)
    Out += C == '\n' ? std::string("\r\n") : std::string(1, C);
  return Out;
}

/// A finding in a CRLF or mixed-endings file is where it is in the LF file,
/// its text line carries no `\r`, and the fix keeps every other byte.
TEST(BadInputTreeTest, CrlfAndMixedEndingsKeepPositionsAndBytes) {
  TempDir T;
  std::string Lf = T.write("lf/loader.py", Pl101Source);
  std::string Crlf = T.write("crlf/loader.py", toCrlf(Pl101Source));
  // Mixed: CRLF up to the finding's line, LF after it.
  std::string Src = Pl101Source;
  size_t Cut = Src.find("block = Block()");
  std::string Mixed =
      T.write("mixed/loader.py", toCrlf(Src.substr(0, Cut)) + Src.substr(Cut));
  for (const std::string &P : {Lf, Crlf, Mixed}) {
    RunResult R = runParamlint({"check", "--output-format", "json", P});
    EXPECT_EQ(R.ExitCode, 1) << describeRun(R);
    Json J = parseJsonOutput(R);
    ASSERT_EQ(codes(J), std::vector<std::string>{"PL101"}) << R.Out;
    EXPECT_EQ(J[0]["location"], (Json{{"row", 12}, {"column", 17}})) << P;
    EXPECT_EQ(J[0]["end_location"], (Json{{"row", 12}, {"column", 22}})) << P;
    RunResult Text = runParamlint({"check", P});
    EXPECT_EQ(Text.Out.find('\r'), std::string::npos) << Text.Out;
    EXPECT_NE(Text.Out.find("block.norm1.scale"), std::string::npos) << Text.Out;
  }
  std::string CrlfBefore = readFile(Crlf), MixedBefore = readFile(Mixed);
  for (const std::string &P : {Lf, Crlf, Mixed}) {
    RunResult R = runParamlint({"check", "--fix", P});
    EXPECT_EQ(R.ExitCode, 0) << describeRun(R);
  }
  auto Renamed = [](std::string S) {
    size_t At = S.find("norm1.scale");
    S.replace(At, 11, "norm1.weight");
    return S;
  };
  EXPECT_EQ(readFile(Lf), Renamed(Pl101Source));
  EXPECT_EQ(readFile(Crlf), Renamed(CrlfBefore));
  EXPECT_EQ(readFile(Mixed), Renamed(MixedBefore));
}

/// Decodes a URI's %XX escapes.
std::string percentDecoded(const std::string &S) {
  std::string Out;
  for (size_t I = 0; I < S.size(); ++I)
    if (S[I] == '%' && I + 2 < S.size()) {
      Out += static_cast<char>(std::stoi(S.substr(I + 1, 2), nullptr, 16));
      I += 2;
    } else {
      Out += S[I];
    }
  return Out;
}

TEST(BadInputTreeTest, NamesWithSpacesAndNonAscii) {
  TempDir T;
  const std::string Rel = "my models/\xc3\xbcn\xc3\xaf c\xc3\xb4" "de/l\xc3\xb5" "ader #1.py";
  T.write(Rel, Pl101Source);
  RunResult R = runParamlint({"check", "--output-format", "json", "."}, "", T.path());
  EXPECT_EQ(R.ExitCode, 1) << describeRun(R);
  Json J = parseJsonOutput(R);
  ASSERT_EQ(codes(J), std::vector<std::string>{"PL101"}) << R.Out;
  EXPECT_EQ(J[0]["filename"], Rel);

  R = runParamlint({"check", "."}, "", T.path());
  EXPECT_NE(R.Out.find(Rel + ":12:17: PL101"), std::string::npos) << R.Out;

  R = runParamlint({"check", "--output-format", "sarif", "."}, "", T.path());
  Json Sarif = Json::parse(R.Out, nullptr, false);
  ASSERT_TRUE(Sarif.is_object()) << describeRun(R);
  std::string Uri = Sarif["runs"][0]["results"][0]["locations"][0]["physicalLocation"]
                         ["artifactLocation"]["uri"];
  EXPECT_EQ(Uri.find(' '), std::string::npos) << Uri;
  EXPECT_EQ(Uri.find('#'), std::string::npos) << Uri;
  EXPECT_EQ(percentDecoded(Uri), Rel) << Uri;

  R = runParamlint({"check", "--output-format", "github", "."}, "", T.path());
  EXPECT_NE(R.Out.find("file=" + Rel + ",line=12"), std::string::npos) << R.Out;
}

/// A tree with a directory link to itself, two file links to each other, a
/// FIFO and a link to /dev/zero: the run ends, reports each, and still
/// finds the real loader's bug.
TEST(BadInputTreeTest, LinkLoopsFifosAndDevicesInATree) {
  TempDir T;
  T.write("tree/sub/loader.py", Pl101Source);
  std::string Tree = T.file("tree");
  fs::create_directory_symlink(".", Tree + "/loop");
  fs::create_directory_symlink("..", Tree + "/sub/up");
  fs::create_symlink("b.py", Tree + "/a.py");
  fs::create_symlink("a.py", Tree + "/b.py");
  ASSERT_EQ(::mkfifo((Tree + "/pipe.py").c_str(), 0644), 0);
  fs::create_symlink("/dev/zero", Tree + "/zero.py");
  RunResult R = runParamlint({"check", "--output-format", "json", Tree});
  expectNoCrash(R);
  EXPECT_EQ(R.ExitCode, 1) << describeRun(R);
  Summary S = summarize(parseJsonOutput(R));
  EXPECT_EQ(S.Codes, (std::multimap<std::string, std::string>{{"a.py", "PL001"},
                                                             {"b.py", "PL001"},
                                                             {"loader.py", "PL101"},
                                                             {"pipe.py", "PL001"},
                                                             {"zero.py", "PL001"}}))
      << R.Out;
  EXPECT_NE(S.Pl001["a.py"].find("symbolic links"), std::string::npos) << S.Pl001["a.py"];
  EXPECT_NE(S.Pl001["pipe.py"].find("not a regular file"), std::string::npos);
  EXPECT_NE(S.Pl001["zero.py"].find("not a regular file"), std::string::npos);
}

/// Root reads anything, so the unreadable cases run the program as nobody
/// (setpriv) when the tests run as root, as CI does.
TEST(BadInputTreeTest, UnreadableFilesAndDirectoriesForAnOrdinaryUser) {
  TempDir T;
  T.write("tree/loader.py", Pl101Source);
  std::string Secret = T.write("tree/secret.py", "x = 1\n");
  T.write("tree/private/hidden.py", "x = 1\n");
  std::string Private = T.file("tree/private");
  ASSERT_EQ(::chmod(T.path().c_str(), 0755), 0);
  ASSERT_EQ(::chmod(T.file("tree").c_str(), 0755), 0);
  ASSERT_EQ(::chmod(T.file("tree/loader.py").c_str(), 0644), 0);
  ASSERT_EQ(::chmod(Secret.c_str(), 0), 0);
  ASSERT_EQ(::chmod(Private.c_str(), 0), 0);
  std::vector<std::string> Prefix;
  if (::geteuid() == 0) {
    Prefix = {"/usr/bin/setpriv", "--reuid=65534", "--regid=65534", "--clear-groups",
              PARAMLINT_BINARY};
    RunResult Probe = runCommand([&] {
      auto A = Prefix;
      A.push_back("--version");
      return A;
    }());
    if (Probe.ExitCode != 0)
      GTEST_SKIP() << "cannot run the program as nobody (is the build directory "
                      "readable by all?): "
                   << describeRun(Probe);
  } else {
    Prefix = {PARAMLINT_BINARY};
  }
  auto Args = Prefix;
  for (const char *A : {"check", "--no-cache", "--output-format", "json", "tree"})
    Args.push_back(A);
  RunResult R = runCommand(Args, "", T.path());
  expectNoCrash(R);
  EXPECT_EQ(R.ExitCode, 1) << describeRun(R);
  Summary S = summarize(parseJsonOutput(R));
  EXPECT_EQ(S.Codes, (std::multimap<std::string, std::string>{{"loader.py", "PL101"},
                                                             {"private", "PL001"},
                                                             {"secret.py", "PL001"}}))
      << R.Out;
  EXPECT_NE(S.Pl001["secret.py"].find("ermission denied"), std::string::npos)
      << S.Pl001["secret.py"];
  EXPECT_NE(S.Pl001["private"].find("ermission denied"), std::string::npos)
      << S.Pl001["private"];
  ::chmod(Private.c_str(), 0755);
}

/// A file that takes longer than `file-timeout` to parse is skipped with a
/// PL001 that says so; the run goes on, and the cut-short result is not
/// cached: with the budget lifted, the next run parses the file.
TEST(BadInputTreeTest, PerFileTimeBudget) {
  TempDir T;
  T.write("p/loader.py", Pl101Source);
  T.write("p/big.py", repeat("x = [1, 2, (3, 4)]\n", 100000));
  std::string Config = T.write("p/paramlint.toml", "file-timeout = 0.001\n");
  RunResult R = runParamlint({"check", "--output-format", "json", "."}, "", T.file("p"));
  expectNoCrash(R);
  EXPECT_EQ(R.ExitCode, 1) << describeRun(R);
  Summary S = summarize(parseJsonOutput(R));
  EXPECT_EQ(S.Codes, (std::multimap<std::string, std::string>{{"big.py", "PL001"},
                                                             {"loader.py", "PL101"}}))
      << R.Out;
  EXPECT_NE(S.Pl001["big.py"].find("skipped: took too long"), std::string::npos)
      << S.Pl001["big.py"];
  EXPECT_NE(S.Pl001["big.py"].find("0.001 s"), std::string::npos) << S.Pl001["big.py"];

  writeFile(Config, "file-timeout = 0\n");
  R = runParamlint({"check", "--output-format", "json", "."}, "", T.file("p"));
  EXPECT_EQ(summarize(parseJsonOutput(R)).Codes,
            (std::multimap<std::string, std::string>{{"loader.py", "PL101"}}))
      << describeRun(R);

  writeFile(Config, "file-timeout = -1\n");
  R = runParamlint({"check", "."}, "", T.file("p"));
  EXPECT_EQ(R.ExitCode, 2) << describeRun(R);
  EXPECT_NE(R.Err.find("paramlint.toml:1: `file-timeout` must be"), std::string::npos)
      << describeRun(R);
}

} // namespace
} // namespace paramlint::test

//===- ParseLanguageTest.cpp - The arena's language vs the grammar's -------===//

#include "python/DenseParseTable.h"
#include "python/LexerFastPath.h"
#include "python/ParseArena.h"
#include "python/ParseLanguage.h"
#include "python/PythonSyntax.h"
#include "python/ScannerStateMemo.h"
#include "TreeShape.h"

#include <gtest/gtest.h>

#include <memory>
#include <random>
#include <string>
#include <vector>

using namespace paramlint;
using namespace paramlint::py;

namespace {

/// How many restores the memo skipped and ran while F ran.
template <typename Fn> ScannerMemoCounts countsDuring(Fn F) {
  const ScannerMemoCounts Before = scannerMemoCounts();
  F();
  const ScannerMemoCounts After = scannerMemoCounts();
  return {After.Skipped - Before.Skipped, After.Restored - Before.Restored};
}

/// Texts that move the scanner's state every way: indents and dedents of
/// one and several levels (spaces, tabs, form feeds), comments before a
/// dedent, line continuations, brackets over lines, strings of every
/// prefix and quote, f-strings nested with format specs and escaped
/// braces, unterminated strings, errors that put the parser in recovery,
/// and the end of the text inside a string or a block.
const std::vector<std::string> &scannerTexts() {
  static const std::vector<std::string> Texts = {
      "",
      "x",
      "class A(nn.Module):\n    def f(self):\n        if x:\n            return 1\n"
      "        return 2\nx = A()\n",
      "def f():\n\tif a:\n\t\tb\n\telse:\n\t\tc\n\x0c\nd = 1\n",
      "if a:\n    if b:\n        c\n# col 0\n    # col 4\n        # col 8\nd\n",
      "x = \\\n  1\nif y: \\\n    z\n",
      "f(1,\n  2,\n      3)\nif a:\n    [\n  b]\n    c\n",
      "s = 'a' \"b\" '''c\nd''' \"\"\"e\n\"\" f\"\"\" r'\\'' b'\\x00' rb\"\\\\\" u'x'\n",
      "f'{a!r:>{w}} {{b}} {f\"{c:{d}}\"}' F'{x}' rf'{y}\\n' fr\"{z}\"\n",
      "f'''{\n  a\n}''' + f\"{'x' if y else \"z\"}\"\n",
      "b'\\N{DASH}' + br'\\u0041' + b'\\u0041'\n",
      "x = 'unterminated\ny = 2\n",
      "x = '''never closed\n  z = 1\n",
      "x = f'{unclosed\ny = 2\n",
      "def f(:\n  pass\n  if x\n    y = \n z = 1\n",
      "class A:\n  def f(self):\n    return )\n  x = [1,\n",
      "if a:\n    x = f'{b\n",
      "if a:\n    b\n  c\n d\n",
      "rb = fr = u = 1\nprint(rb, fr, u)\n",
      "x = `a`\n",
      "def f(:\n \"",
      "def f(:\n  pass\nclass A:\n    x = f'{a\n",
  };
  return Texts;
}

/// The languages under test, each beside the grammar's own: the dense
/// table alone, the memo alone, the arena's language, and the arena's
/// language with the lexer's fast path (as the arena's parsers parse).
struct Variants {
  Variants()
      : Rows(denseParseTable(Grammar::get().Language)),
        Dense(withDenseParseTable(Grammar::get().Language, Rows)),
        Memo(withScannerMemo(Grammar::get().Language)) {
    Parsers.push_back(std::make_unique<test::OwnParser>(Dense.get()));
    Parsers.push_back(std::make_unique<test::OwnParser>(Memo.get()));
    Parsers.push_back(std::make_unique<test::OwnParser>(parseLanguage()));
    Parsers.push_back(std::make_unique<test::OwnParser>(parseLanguage()));
    useLexerFastPath(Parsers.back()->P);
  }
  /// Fails the test unless every variant parses Text as the grammar does;
  /// returns whether they all did.
  bool sameTrees(const std::string &Text, const std::string &Label) {
    const test::Shape Expected = Plain.shape(Text);
    bool Same = true;
    for (size_t I = 0; I < Parsers.size(); ++I) {
      const bool Ok = Parsers[I]->shape(Text) == Expected;
      EXPECT_TRUE(Ok) << "variant " << I << ": " << Label;
      Same = Same && Ok;
    }
    return Same;
  }
  std::vector<uint16_t> Rows;
  LanguageCopy Dense, Memo;
  test::OwnParser Plain;
  std::vector<std::unique_ptr<test::OwnParser>> Parsers;
};

} // namespace

// Debian's runtime and the pinned grammar: both parts are taken on, and the
// parse arena's parsers parse with them. (Another runtime or grammar that
// parsed the probes differently would leave a part out, which this test is
// here to notice.)
TEST(ParseLanguageTest, ActiveOnThisRuntime) {
  EXPECT_EQ(denseParseTableInUse(), !denseParseTableSwitchedOff());
  EXPECT_EQ(scannerMemoInUse(), !scannerMemoSwitchedOff());
  EXPECT_EQ(parseLanguage() == Grammar::get().Language,
            !denseParseTableInUse() && !scannerMemoInUse());
  EXPECT_EQ(hasScannerMemo(parseLanguage()), scannerMemoInUse());
}

// Every row of the dense table holds what the runtime's lookup answers,
// for every state and every symbol.
TEST(ParseLanguageTest, DenseRowsAreTheLookups) {
  const TSLanguage *L = Grammar::get().Language;
  const std::vector<uint16_t> Rows = denseParseTable(L);
  const auto [States, Symbols] = parseTableShape(L);
  EXPECT_EQ(States, 2809u); // tree-sitter-python 0.23.6
  EXPECT_EQ(Symbols, 273u);
  ASSERT_EQ(Rows.size(), size_t(States) * Symbols);
  size_t Actions = 0, Wrong = 0;
  for (uint32_t S = 0; S < States; ++S)
    for (uint32_t T = 0; T < Symbols; ++T) {
      const uint16_t Expected = lookupAsRuntime(L, static_cast<uint16_t>(S), static_cast<TSSymbol>(T));
      Actions += Expected != 0;
      Wrong += Rows[size_t(S) * Symbols + T] != Expected;
    }
  EXPECT_EQ(Wrong, 0u);
  EXPECT_GT(Actions, 50000u); // Not a table of zeros.
}

// Every .py file of the repository parses to the same tree, rows and
// columns included, with each variant; and the memo did skip restores on
// them (and ran some), so the comparison is not vacuous.
TEST(ParseLanguageTest, RepositoryFilesSameTrees) {
  Variants V;
  size_t Files = 0;
  const ScannerMemoCounts C = countsDuring([&] {
    for (const auto &[Rel, Text] : test::repositoryPythonFiles()) {
      V.sameTrees(Text, Rel);
      ++Files;
    }
  });
  EXPECT_GT(Files, 60u);
  // On model code about four restores in five are skipped.
  EXPECT_GT(C.Skipped, 2 * C.Restored);
  EXPECT_GT(C.Restored, 1000u);
}

// The texts that move the scanner's state every way, alone and one after
// another in the same parsers (a parser's memo outlives a parse).
TEST(ParseLanguageTest, ScannerStatesSameTrees) {
  Variants V;
  for (int Round = 0; Round < 2; ++Round)
    for (const std::string &T : scannerTexts())
      V.sameTrees(T, T);
}

// Random texts of Python's pieces, weighted to what moves the scanner
// (line breaks, indentation, quotes, prefixes, braces, comments) and to
// errors: every variant parses each as the grammar does.
TEST(ParseLanguageTest, RandomTextsSameTrees) {
  const std::vector<std::string> Pieces = {
      "x",   " ",    "    ", "\t",  "\n",   "\n    ", "\n        ", "\n  ", "\r\n",
      "\\\n", "(",   ")",    "[",   "]",    "{",      "}",          ":",    "if x:",
      "def f():", "return ", "'",  "\"",   "'''",    "\"\"\"",     "f'",   "f\"",
      "rb'", "b\"",  "fr'",  "{{",  "}}",   "!r",     ":>4",        "#",    "# c\n",
      "\\",  ",",    " = ",  "self.scale", "\xc3\xa9", std::string(1, '\0')};
  std::mt19937 Random(20261128);
  Variants V;
  for (int I = 0; I < 600; ++I) {
    std::string Text;
    const int Length = static_cast<int>(Random() % 160);
    for (int J = 0; J < Length; ++J)
      Text += Pieces[Random() % Pieces.size()];
    ASSERT_TRUE(V.sameTrees(Text, "text " + std::to_string(I) + ": " + Text));
  }
}

// The parse arena's parsers (check's parse) use the arena's language, and
// trees from it read like the grammar's: the same kinds and fields.
TEST(ParseLanguageTest, ArenaParsersUseIt) {
  ParseArenaScope Scope;
  if (!ParseArenaScope::active())
    GTEST_SKIP() << "parse arena off";
  TSParser *P = ParseArenaScope::parser();
  ASSERT_NE(P, nullptr);
  EXPECT_EQ(ts_parser_language(P), parseLanguage());
  const std::string Text = "class A(nn.Module):\n    def f(self):\n        self.w = 1\n";
  TreePtr T = parseWithThreadParser(Text);
  ASSERT_TRUE(T);
  const TSNode Root = ts_tree_root_node(T.get());
  const TSNode Class = ts_node_named_child(Root, 0);
  EXPECT_EQ(Grammar::get().of(Class), Sym::ClassDefinition);
  EXPECT_EQ(ts_node_end_byte(Root), Text.size());
}


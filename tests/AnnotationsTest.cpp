//===- AnnotationsTest.cpp - The fixture annotation parser ----------------===//
///
/// \file
/// The annotation parser judges every fixture, so it is tested first: each
/// placement rule, the clause syntax, and the errors for malformed ones.
///
//===----------------------------------------------------------------------===//
#include "Annotations.h"

#include "python/Notebook.h"

#include <gtest/gtest.h>

namespace paramlint::test {
namespace {

std::vector<Expectation> parse(const std::string &Text,
                               const std::string &Path = "f.py") {
  SourceFile F(Path, Text, SourceKind::Python);
  auto R = parseAnnotations(F);
  if (!R) {
    ADD_FAILURE() << llvm::toString(R.takeError());
    return {};
  }
  return *R;
}

std::string parseError(const std::string &Text,
                       const std::string &Path = "f.py") {
  SourceFile F(Path, Text, SourceKind::Python);
  auto R = parseAnnotations(F);
  if (R) {
    ADD_FAILURE() << "expected an error for:\n" << Text;
    return "";
  }
  return llvm::toString(R.takeError());
}

TEST(AnnotationsTest, TrailingAppliesToItsOwnLine) {
  auto E = parse("import torch\n"
                 "gpt.norm1.scale = g   # expect: PL101\n");
  ASSERT_EQ(E.size(), 1u);
  EXPECT_EQ(E[0].Code, "PL101");
  EXPECT_EQ(E[0].Row, 2u);
  EXPECT_EQ(E[0].AnnotationRow, 2u);
  EXPECT_FALSE(E[0].Ok);
  EXPECT_FALSE(E[0].Cell);
  EXPECT_EQ(E[0].MessageContains, "");
}

TEST(AnnotationsTest, OwnLineAppliesToNextCodeLine) {
  auto E = parse("# expect: PL104 \"ln_1\"\n"
                 "gpt.norm1.weight = p['ln_1']['b']\n");
  ASSERT_EQ(E.size(), 1u);
  EXPECT_EQ(E[0].Code, "PL104");
  EXPECT_EQ(E[0].Row, 2u);
  EXPECT_EQ(E[0].AnnotationRow, 1u);
  EXPECT_EQ(E[0].MessageContains, "ln_1");
}

TEST(AnnotationsTest, OwnLineSkipsBlankAndCommentLines) {
  auto E = parse("x = 1\n"
                 "    # expect: PL103\n"
                 "\n"
                 "   \n"
                 "# an explanation of why\n"
                 "  # more\n"
                 "    y.norm.weight = w\n");
  ASSERT_EQ(E.size(), 1u);
  EXPECT_EQ(E[0].Row, 7u);
  EXPECT_EQ(E[0].AnnotationRow, 2u);
}

TEST(AnnotationsTest, StackedOwnLineAnnotationsShareTheirTarget) {
  auto E = parse("# expect: PL101\n"
                 "# ok: PL104\n"
                 "a.b = c\n");
  ASSERT_EQ(E.size(), 2u);
  EXPECT_EQ(E[0].Row, 3u);
  EXPECT_EQ(E[1].Row, 3u);
  EXPECT_FALSE(E[0].Ok);
  EXPECT_TRUE(E[1].Ok);
}

TEST(AnnotationsTest, SeveralCodesWithAndWithoutFilters) {
  auto E = parse("a = b  # expect: PL101, PL103 \"never loaded\",PL104\n");
  ASSERT_EQ(E.size(), 3u);
  EXPECT_EQ(E[0].Code, "PL101");
  EXPECT_EQ(E[0].MessageContains, "");
  EXPECT_EQ(E[1].Code, "PL103");
  EXPECT_EQ(E[1].MessageContains, "never loaded");
  EXPECT_EQ(E[2].Code, "PL104");
  for (const Expectation &X : E)
    EXPECT_EQ(X.Row, 1u);
}

TEST(AnnotationsTest, FilterMayHoldQuotesCommasAndHashes) {
  auto E = parse("a = b  # expect: PL101 \"`scale`, not \\\"x\\\" # y\"\n");
  ASSERT_EQ(E.size(), 1u);
  EXPECT_EQ(E[0].MessageContains, "`scale`, not \"x\" # y");
}

TEST(AnnotationsTest, OkLines) {
  auto E = parse("a.bias = p['b']   # ok: PL104\n"
                 "a.w = p['w']   # ok: PL104 \"ln\", PL101\n");
  ASSERT_EQ(E.size(), 3u);
  EXPECT_TRUE(E[0].Ok);
  EXPECT_EQ(E[0].Row, 1u);
  EXPECT_TRUE(E[1].Ok);
  EXPECT_EQ(E[1].MessageContains, "ln");
  EXPECT_EQ(E[2].Code, "PL101");
  EXPECT_EQ(E[2].Row, 2u);
}

TEST(AnnotationsTest, AnnotationAfterOtherCommentText) {
  auto E = parse("a.scale = g  # noqa: PL101  # expect: PL002\n");
  ASSERT_EQ(E.size(), 1u);
  EXPECT_EQ(E[0].Code, "PL002");
}

TEST(AnnotationsTest, RemarkAfterTheCodes) {
  auto E = parse("a.scale = g  # expect: PL101  # the #626 case\n");
  ASSERT_EQ(E.size(), 1u);
  EXPECT_EQ(E[0].Code, "PL101");
}

TEST(AnnotationsTest, OrdinaryCommentsAreNotAnnotations) {
  auto E = parse("# we expect: nothing here\n"
                 "x = 1  # ok so far\n"
                 "# expectation: none\n"
                 "y = 2\n");
  EXPECT_TRUE(E.empty());
}

TEST(AnnotationsTest, HashInsideStringsIsNotAComment) {
  auto E = parse("s = '# expect: PL101'\n"
                 "t = \"# ok: PL104\"  # expect: PL103\n"
                 "u = \"\"\"\n"
                 "# expect: PL104\n"
                 "\"\"\"\n");
  ASSERT_EQ(E.size(), 1u);
  EXPECT_EQ(E[0].Code, "PL103");
  EXPECT_EQ(E[0].Row, 2u);
}

TEST(AnnotationsTest, LineInsideTripleQuotedStringIsCode) {
  // The own-line annotation targets the line that opens the string.
  auto E = parse("# expect: PL101\n"
                 "s = '''\n"
                 "text'''\n");
  ASSERT_EQ(E.size(), 1u);
  EXPECT_EQ(E[0].Row, 2u);
}

TEST(AnnotationsTest, CxxFilesUseSlashes) {
  auto E = parse("int x; // expect: PL101\n"
                 "// expect: PL102 \"ln_f\"\n"
                 "auto s = \"// ok: PL104\";\n"
                 "/* # expect: PL999 */ int y;\n",
                 "loader.cpp");
  ASSERT_EQ(E.size(), 2u);
  EXPECT_EQ(E[0].Row, 1u);
  EXPECT_EQ(E[1].Code, "PL102");
  EXPECT_EQ(E[1].Row, 3u);
}

TEST(AnnotationsTest, MalformedAnnotationsAreErrors) {
  EXPECT_NE(parseError("a = 1  # expect:\n").find("f.py:1"), std::string::npos);
  EXPECT_NE(parseError("a = 1  # expect: pl101\n").find("rule code"),
            std::string::npos);
  EXPECT_NE(parseError("a = 1  # expect: PL\n").find("rule code"),
            std::string::npos);
  EXPECT_NE(parseError("a = 1  # expect: PL101x\n").find("rule code"),
            std::string::npos);
  EXPECT_NE(parseError("a = 1  # expect: PL101 \"open\n").find("unterminated"),
            std::string::npos);
  EXPECT_NE(parseError("a = 1  # expect: PL101 \"\"\n").find("empty"),
            std::string::npos);
  EXPECT_NE(parseError("a = 1  # expect: PL101 because\n").find("unexpected"),
            std::string::npos);
  EXPECT_NE(parseError("a = 1  # expect: PL101,\n").find("rule code"),
            std::string::npos);
}

TEST(AnnotationsTest, OwnLineAnnotationWithoutFollowingCodeIsAnError) {
  std::string Msg = parseError("x = 1\n# expect: PL101\n\n# trailing\n");
  EXPECT_NE(Msg.find("f.py:2"), std::string::npos) << Msg;
  EXPECT_NE(Msg.find("no code line"), std::string::npos) << Msg;
}

TEST(AnnotationsTest, NoTrailingNewline) {
  auto E = parse("x = 1  # expect: PL001");
  ASSERT_EQ(E.size(), 1u);
  EXPECT_EQ(E[0].Row, 1u);
}

TEST(AnnotationsTest, CrLfLines) {
  auto E = parse("# expect: PL101\r\n\r\nx.scale = 1  # ok: PL104\r\n");
  ASSERT_EQ(E.size(), 2u);
  EXPECT_EQ(E[0].Row, 3u);
  EXPECT_EQ(E[1].Row, 3u);
  EXPECT_EQ(E[1].Code, "PL104");
}

std::unique_ptr<SourceFile> notebook(const std::string &Json) {
  auto NB = readNotebook("n.ipynb", Json);
  if (!NB) {
    ADD_FAILURE() << llvm::toString(NB.takeError());
    return nullptr;
  }
  return std::move(*NB);
}

TEST(AnnotationsTest, NotebookRowsAndCellsAreThoseOfTheEngine) {
  auto NB = notebook(R"({"cells": [
    {"cell_type": "code", "source": ["import torch\n", "x = 1  # expect: PL101\n"]},
    {"cell_type": "markdown", "source": "# expect: PL999\n"},
    {"cell_type": "code", "source": "%matplotlib inline\n# expect: PL104 \"ln\"\n\n!ls\ny = 2"}
  ], "metadata": {}, "nbformat": 4, "nbformat_minor": 5})");
  ASSERT_TRUE(NB);
  auto R = parseAnnotations(*NB);
  ASSERT_TRUE(bool(R)) << llvm::toString(R.takeError());
  ASSERT_EQ(R->size(), 2u);
  EXPECT_EQ((*R)[0].Code, "PL101");
  EXPECT_EQ((*R)[0].Cell, 1u);
  EXPECT_EQ((*R)[0].Row, 2u);
  EXPECT_EQ((*R)[1].Code, "PL104");
  EXPECT_EQ((*R)[1].Cell, 2u);
  EXPECT_EQ((*R)[1].Row, 5u);
  EXPECT_EQ((*R)[1].AnnotationRow, 2u);
  EXPECT_EQ((*R)[1].MessageContains, "ln");
}

TEST(AnnotationsTest, NotebookOwnLineAnnotationDoesNotCrossCells) {
  auto NB = notebook(R"({"cells": [
    {"cell_type": "code", "source": "x = 1\n# expect: PL101\n"},
    {"cell_type": "code", "source": "y = 2\n"}
  ]})");
  ASSERT_TRUE(NB);
  auto R = parseAnnotations(*NB);
  ASSERT_FALSE(bool(R));
  std::string Msg = llvm::toString(R.takeError());
  EXPECT_NE(Msg.find("n.ipynb:cell 1:2"), std::string::npos) << Msg;
  EXPECT_NE(Msg.find("in its cell"), std::string::npos) << Msg;
}

} // namespace
} // namespace paramlint::test

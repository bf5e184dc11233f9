//===- NotebookTest.cpp - Reading .ipynb files ----------------------------===//
#include "python/Notebook.h"

#include <gtest/gtest.h>

#include <random>
#include <string>

namespace paramlint {
namespace {

std::unique_ptr<SourceFile> read(const std::string &Json) {
  auto NB = readNotebook("n.ipynb", Json);
  if (!NB) {
    ADD_FAILURE() << llvm::toString(NB.takeError());
    return nullptr;
  }
  return std::move(*NB);
}

std::string readError(const std::string &Json) {
  auto NB = readNotebook("n.ipynb", Json);
  if (NB) {
    ADD_FAILURE() << "expected an error, got text:\n" << (*NB)->text();
    return "";
  }
  return llvm::toString(NB.takeError());
}

/// A notebook with the given code cell sources (JSON values).
std::string nb(const std::vector<std::string> &Sources) {
  std::string S = "{\"cells\": [";
  for (size_t I = 0; I < Sources.size(); ++I) {
    if (I)
      S += ",";
    S += "{\"cell_type\": \"code\", \"metadata\": {}, \"outputs\": [], "
         "\"source\": " +
         Sources[I] + "}";
  }
  return S + "], \"metadata\": {}, \"nbformat\": 4, \"nbformat_minor\": 5}";
}

TEST(NotebookTest, JoinsCodeCellsSkippingOthers) {
  auto F = read(R"({"cells": [
    {"cell_type": "markdown", "source": ["# Title\n"]},
    {"cell_type": "code", "source": ["import torch\n", "x = 1"]},
    {"cell_type": "raw", "source": "raw"},
    {"cell_type": "code", "source": "y = 2\n"}
  ]})");
  ASSERT_TRUE(F);
  EXPECT_EQ(F->kind(), SourceKind::Notebook);
  EXPECT_EQ(F->path(), "n.ipynb");
  EXPECT_EQ(F->text(), "import torch\nx = 1\ny = 2\n");
  ASSERT_EQ(F->cells().size(), 2u);
  EXPECT_EQ(F->cells()[0].Number, 1u);
  EXPECT_EQ(F->cells()[0].Index, 1u);
  EXPECT_EQ(F->cells()[0].BeginByte, 0u);
  EXPECT_EQ(F->cells()[0].FirstRow, 0u);
  EXPECT_EQ(F->cells()[1].Number, 2u);
  EXPECT_EQ(F->cells()[1].Index, 3u);
  EXPECT_EQ(F->cells()[1].BeginByte, 19u);
  EXPECT_EQ(F->cells()[1].FirstRow, 2u);
}

TEST(NotebookTest, PositionsMapToCellAndRow) {
  auto F = read(nb({R"(["a = 1\n", "b = 2\n"])", R"("\n\nc = 3")"}));
  ASSERT_TRUE(F);
  size_t C = F->text().find("c = 3");
  Position P = F->position(static_cast<uint32_t>(C + 4));
  EXPECT_EQ(P.Cell, 2u);
  EXPECT_EQ(P.Row, 3u);
  EXPECT_EQ(P.Column, 5u);
  Position B = F->position(static_cast<uint32_t>(F->text().find("b = 2")));
  EXPECT_EQ(B.Cell, 1u);
  EXPECT_EQ(B.Row, 2u);
}

TEST(NotebookTest, EmptyCellsKeepTheirOwnRow) {
  auto F = read(nb({R"("")", R"([])", R"("x = 1")"}));
  ASSERT_TRUE(F);
  EXPECT_EQ(F->text(), "\n\nx = 1\n");
  ASSERT_EQ(F->cells().size(), 3u);
  Position P = F->position(2);
  EXPECT_EQ(P.Cell, 3u);
  EXPECT_EQ(P.Row, 1u);
}

TEST(NotebookTest, MagicsAndShellLinesAreBlanked) {
  auto F = read(nb({R"(["%matplotlib inline\n", "!pip install torch\n",
                         "x = 1\n", "  %time f()\n", "y = 2"])"}));
  ASSERT_TRUE(F);
  EXPECT_EQ(F->text(), "\n\nx = 1\n\ny = 2\n");
}

TEST(NotebookTest, IndentedMagicInABlockBecomesPass) {
  // A block whose body is only a magic must still parse.
  auto F = read(nb({R"("if True:\n    !ls\nz = 3\n")"}));
  ASSERT_TRUE(F);
  EXPECT_EQ(F->text(), "if True:\n    pass\nz = 3\n");
}

TEST(NotebookTest, MagicContinuationLinesAreBlanked) {
  auto F = read(nb({R"("!pip install \\\n    torch\nx = 1\n")"}));
  ASSERT_TRUE(F);
  EXPECT_EQ(F->text(), "\n\nx = 1\n");
}

TEST(NotebookTest, CellMagicBlanksTheWholeCell) {
  auto F = read(nb({R"("\n%%bash\necho hi\nls\n")", R"("x = 1\n")"}));
  ASSERT_TRUE(F);
  EXPECT_EQ(F->text(), "\n\n\n\nx = 1\n");
  EXPECT_EQ(F->cells()[1].FirstRow, 4u);
}

TEST(NotebookTest, HelpLinesAreBlanked) {
  auto F = read(nb({R"("torch.nn.LayerNorm?\nmodel??\n?x\nx = 1  # why?\n")"}));
  ASSERT_TRUE(F);
  EXPECT_EQ(F->text(), "\n\n\nx = 1  # why?\n");
}

TEST(NotebookTest, PercentAndBangInsideExpressionsStayCode) {
  // `%` continuing a bracketed expression and lines inside a triple-quoted
  // string are Python, not magics.
  std::string Src =
      R"("msg = ('%s'\n       % name)\ns = '''\n!not shell\n%d\n'''\nok = x != y\n")";
  auto F = read(nb({Src}));
  ASSERT_TRUE(F);
  EXPECT_EQ(F->text(),
            "msg = ('%s'\n       % name)\ns = '''\n!not shell\n%d\n'''\n"
            "ok = x != y\n");
}

TEST(NotebookTest, UnicodeAndCrLfAreKept) {
  auto F = read(nb({R"("s = 'é'\r\nt = 1\r\n")"}));
  ASSERT_TRUE(F);
  EXPECT_EQ(F->text(), "s = 'é'\r\nt = 1\r\n");
  Position P = F->position(static_cast<uint32_t>(F->text().find("t = 1")));
  EXPECT_EQ(P.Row, 2u);
}

TEST(NotebookTest, NotJsonNamesTheLine) {
  std::string Msg = readError("{\n  \"cells\": [\n    {oops}\n  ]\n}\n");
  EXPECT_NE(Msg.find("not valid JSON"), std::string::npos) << Msg;
  EXPECT_NE(Msg.find("line 3"), std::string::npos) << Msg;
  EXPECT_EQ(Msg.find("[json.exception"), std::string::npos) << Msg;
}

TEST(NotebookTest, EmptyAndTruncatedInput) {
  EXPECT_NE(readError("").find("not valid JSON"), std::string::npos);
  EXPECT_NE(readError("{\"cells\": [").find("not valid JSON"),
            std::string::npos);
  EXPECT_NE(readError("\xff\xfe{}").find("not valid JSON"), std::string::npos);
  EXPECT_NE(readError("{} trailing").find("not valid JSON"), std::string::npos);
}

TEST(NotebookTest, StructuralErrors) {
  EXPECT_NE(readError("[]").find("not a JSON object"), std::string::npos);
  EXPECT_NE(readError("{}").find("no `cells`"), std::string::npos);
  EXPECT_NE(readError("{\"worksheets\": []}").find("nbformat 3"),
            std::string::npos);
  EXPECT_NE(readError("{\"cells\": {}}").find("not an array"),
            std::string::npos);
  EXPECT_NE(readError("{\"cells\": [1]}").find("cell 0 is not"),
            std::string::npos);
  EXPECT_NE(readError("{\"cells\": [{}]}").find("cell_type"),
            std::string::npos);
  EXPECT_NE(readError("{\"cells\": [{\"cell_type\": 7}]}").find("cell_type"),
            std::string::npos);
  EXPECT_NE(
      readError("{\"cells\": [{\"cell_type\": \"code\"}]}").find("no `source`"),
      std::string::npos);
  EXPECT_NE(readError(nb({"42"})).find("not a string or a list of strings"),
            std::string::npos);
  EXPECT_NE(readError(nb({"[\"a\", 1]"})).find("not a string or a list"),
            std::string::npos);
  EXPECT_NE(readError(nb({"null"})).find("not a string or a list"),
            std::string::npos);
}

TEST(NotebookTest, NulAndBadUnicodeEscapes) {
  EXPECT_NE(readError(nb({R"("x = 1\u0000")"})).find("NUL"), std::string::npos);
  // A lone surrogate is not UTF-8; the JSON parser must reject it.
  EXPECT_FALSE(readError(nb({R"("\ud800")"})).empty());
  EXPECT_NE(readError(nb({"\"\xc3\x28\""})).find("not valid JSON"),
            std::string::npos);
}

TEST(NotebookTest, DeepNestingDoesNotCrash) {
  std::string Deep(200000, '[');
  Deep += std::string(200000, ']');
  EXPECT_NE(readError(Deep).find("not a JSON object"), std::string::npos);
  std::string Open = "{\"cells\": " + std::string(200000, '[');
  EXPECT_NE(readError(Open).find("not valid JSON"), std::string::npos);
  std::string DeepObj;
  for (int I = 0; I < 100000; ++I)
    DeepObj += "{\"a\":";
  DeepObj += "1" + std::string(100000, '}');
  EXPECT_NE(readError(DeepObj).find("no `cells`"), std::string::npos);
}

TEST(NotebookTest, NonCodeCellsNeedNoSource) {
  auto F = read(R"({"cells": [{"cell_type": "markdown"},
                               {"cell_type": "code", "source": "x = 1\n"}]})");
  ASSERT_TRUE(F);
  EXPECT_EQ(F->text(), "x = 1\n");
  EXPECT_EQ(F->cells()[0].Index, 1u);
}

TEST(NotebookTest, MutatedNotebooksNeverCrash) {
  // A cheap deterministic fuzz: every mutation either reads or fails with
  // a message; when it reads, the cells map positions sanely.
  const std::string Seed = nb({R"(["%time x = 1\n", "if x:\n", "    !ls\n"])",
                               R"("y = 'é'  # ok?\n")", R"([])"});
  std::mt19937 Rng(1234);
  const char Alphabet[] = "{}[]\",:\\u0n%!?\n ab\xc3\xa9\xff";
  for (int Round = 0; Round < 3000; ++Round) {
    std::string S = Seed;
    int Edits = 1 + static_cast<int>(Rng() % 4);
    for (int E = 0; E < Edits && !S.empty(); ++E) {
      size_t At = Rng() % S.size();
      switch (Rng() % 3) {
      case 0:
        S[At] = Alphabet[Rng() % (sizeof Alphabet - 1)];
        break;
      case 1:
        S.erase(At, 1 + Rng() % 8);
        break;
      default:
        S.insert(At, 1, Alphabet[Rng() % (sizeof Alphabet - 1)]);
      }
    }
    auto NB = readNotebook("f.ipynb", S);
    if (!NB) {
      EXPECT_FALSE(llvm::toString(NB.takeError()).empty());
      continue;
    }
    const SourceFile &F = **NB;
    for (uint32_t B = 0; B <= F.text().size(); B += 7) {
      Position P = F.position(B);
      EXPECT_GE(P.Row, 1u);
      EXPECT_EQ(P.Cell.has_value(), !F.cells().empty());
    }
  }
}

} // namespace
} // namespace paramlint

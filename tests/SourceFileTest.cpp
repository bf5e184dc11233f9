//===- SourceFileTest.cpp - Positions, and texts released and read back ---===//
#include "TestSupport.h"

#include "Analysis.h"
#include "ReadFile.h"
#include "SourceFile.h"
#include "python/Notebook.h"
#include "report/Reporters.h"

#include <gtest/gtest.h>

#include <sstream>

using namespace paramlint;
using namespace paramlint::test;

namespace {

/// The position of Byte counted on the text itself, as SourceFile did
/// before it kept no text: rows by newlines, columns by code points.
Position bruteForce(const std::string &Text, uint32_t Byte) {
  Position P;
  for (uint32_t I = 0; I < Byte && I < Text.size(); ++I) {
    if (Text[I] == '\n') {
      ++P.Row;
      P.Column = 1;
    } else if ((static_cast<unsigned char>(Text[I]) & 0xC0) != 0x80) {
      ++P.Column;
    }
  }
  return P;
}

/// Reads the file's bytes again, as analyze() does for a `.py` file.
std::optional<std::string> reread(const SourceFile &File) {
  std::string Bytes;
  if (readWholeFile(File.path(), 1u << 20, Bytes) != ReadResult::Ok)
    return std::nullopt;
  return Bytes;
}

/// Reads a notebook's joined code cells again.
std::optional<std::string> rereadNotebook(const SourceFile &File) {
  std::string Bytes;
  if (readWholeFile(File.path(), 1u << 20, Bytes) != ReadResult::Ok)
    return std::nullopt;
  auto NB = readNotebook(File.path(), Bytes);
  if (!NB) {
    llvm::consumeError(NB.takeError());
    return std::nullopt;
  }
  return (*NB)->text();
}

/// A few multi-byte characters in mostly ASCII text, as in model code.
const char *const Unicode = "s = 'Größe'  # é\n"
                            "x = \"日本語\" + y\r\n"
                            "\n"
                            "z = 1  # 🙂 end\n"
                            "# ascii ascii ascii ascii ascii ascii ascii ascii\n"
                            "# ascii ascii ascii ascii ascii ascii ascii ascii\n";

} // namespace

TEST(SourceFileTest, PositionsNeedNoTextAndCountCodePoints) {
  TempDir T;
  std::string Path = T.write("u.py", Unicode);
  SourceFile F(Path, Unicode, SourceKind::Python);
  std::string Text = Unicode;
  F.releaseText(reread);
  ASSERT_TRUE(F.released());
  for (uint32_t B = 0; B <= Text.size() + 2; ++B) {
    Position Want = bruteForce(Text, std::min<uint32_t>(B, Text.size()));
    Position Got = F.position(B);
    EXPECT_EQ(Got.Row, Want.Row) << "byte " << B;
    EXPECT_EQ(Got.Column, Want.Column) << "byte " << B;
    uint32_t Start = std::min<uint32_t>(B, Text.size());
    while (Start > 0 && Text[Start - 1] != '\n')
      --Start;
    EXPECT_EQ(F.lineStart(B), Start) << "byte " << B;
  }
  EXPECT_TRUE(F.released()) << "positions must not read the file";
  EXPECT_EQ(F.size(), Text.size());
  EXPECT_EQ(F.hash(), contentHash(Text));
}

TEST(SourceFileTest, LineBreaksAndMultiByteCharactersAtEveryOffsetOfAWord) {
  // The table is built with memchr and a word at a time: put line breaks
  // and characters of 2-4 bytes at every offset within a word and across
  // the text's end.
  for (const std::string Char : {"\xc3\xa9", "\xe2\x82\xac", "\xf0\x9f\x98\x80"})
    for (size_t Lead = 0; Lead < 17; ++Lead) {
      std::string Text = std::string(Lead, 'a') + Char + "\n" +
                         std::string(Lead % 5, 'b') + Char + Char + "\n\n" +
                         std::string(Lead / 2, 'c') + Char;
      SourceFile F("mem.py", Text, SourceKind::Python);
      for (uint32_t B = 0; B <= Text.size(); ++B) {
        Position Want = bruteForce(Text, B);
        Position Got = F.position(B);
        EXPECT_EQ(Got.Row, Want.Row) << "lead " << Lead << " byte " << B;
        EXPECT_EQ(Got.Column, Want.Column) << "lead " << Lead << " byte " << B;
        uint32_t Start = B;
        while (Start > 0 && Text[Start - 1] != '\n')
          --Start;
        EXPECT_EQ(F.lineStart(B), Start) << "lead " << Lead << " byte " << B;
      }
    }
}

TEST(SourceFileTest, AReleasedTextIsReadBackWhenAsked) {
  TempDir T;
  std::string Path = T.write("u.py", Unicode);
  SourceFile F(Path, Unicode, SourceKind::Python);
  F.releaseText(reread);
  EXPECT_TRUE(F.released());
  EXPECT_EQ(F.text(), Unicode);
  EXPECT_FALSE(F.released());
  EXPECT_FALSE(F.changed());
  EXPECT_EQ(F.lineAt(20), "x = \"日本語\" + y");
  EXPECT_EQ(F.slice(Span{0, 1}), "s");
}

TEST(SourceFileTest, AFileChangedOnDiskGivesBlanksNotItsNewBytes) {
  TempDir T;
  std::string Path = T.write("u.py", Unicode);
  SourceFile F(Path, Unicode, SourceKind::Python);
  F.releaseText(reread);
  // The same size, other bytes: the hash tells.
  std::string Other = Unicode;
  Other[0] = 't';
  writeFile(Path, Other);
  const std::string &Text = F.text();
  EXPECT_TRUE(F.changed());
  ASSERT_EQ(Text.size(), F.size());
  EXPECT_EQ(Text.find_first_not_of(" \n"), std::string::npos);
  EXPECT_EQ(std::count(Text.begin(), Text.end(), '\n'), 6);
  EXPECT_EQ(F.slice(Span{0, 1}), " ");
  // Positions still describe the text that was analysed.
  EXPECT_EQ(F.position(20).Row, 2u);
}

TEST(SourceFileTest, AFileGoneFromDiskIsChanged) {
  TempDir T;
  std::string Path = T.write("u.py", "x = 1\n");
  SourceFile F(Path, "x = 1\n", SourceKind::Python);
  F.releaseText(reread);
  std::remove(Path.c_str());
  EXPECT_EQ(F.text(), "     \n");
  EXPECT_TRUE(F.changed());
}

TEST(SourceFileTest, MostlyMultiByteTextsAndEmptyOnesAreKept) {
  std::string Cjk;
  for (int I = 0; I < 100; ++I)
    Cjk += "日本語\n";
  SourceFile F("cjk.py", Cjk, SourceKind::Python);
  F.releaseText(reread);
  EXPECT_FALSE(F.released()) << "its table of continuation bytes would outweigh it";
  EXPECT_EQ(F.text(), Cjk);
  SourceFile Empty("e.py", "", SourceKind::Python);
  Empty.releaseText(reread);
  EXPECT_FALSE(Empty.released());
}

TEST(SourceFileTest, ANotebookIsReadBackAsItsJoinedCells) {
  TempDir T;
  const std::string Json =
      R"({"cells": [{"cell_type": "code", "source": ["import torch\n", "x = 1"]},)"
      R"( {"cell_type": "markdown", "source": ["# hi"]},)"
      R"( {"cell_type": "code", "source": ["%time y = 2\n", "z = 'é'"]}],)"
      R"( "metadata": {}, "nbformat": 4, "nbformat_minor": 5})";
  std::string Path = T.write("n.ipynb", Json);
  auto NB = readNotebook(Path, Json);
  ASSERT_TRUE(static_cast<bool>(NB)) << llvm::toString(NB.takeError());
  SourceFile &F = **NB;
  std::string Joined = F.text();
  Position Before = F.position(static_cast<uint32_t>(Joined.size()));
  F.releaseText(rereadNotebook);
  ASSERT_TRUE(F.released());
  Position After = F.position(static_cast<uint32_t>(Joined.size()));
  EXPECT_EQ(After.Cell, Before.Cell);
  EXPECT_EQ(After.Row, Before.Row);
  EXPECT_EQ(After.Column, Before.Column);
  EXPECT_EQ(F.text(), Joined);
  EXPECT_FALSE(F.changed());
}

namespace {

const char *const ModelPy = R"(import torch.nn as nn

class GPT(nn.Module):
    def __init__(self):
        super().__init__()
        self.norm = nn.LayerNorm(4)
)";

const char *const LoaderPy = R"(from model import GPT

def load(gpt, p):
    gpt.norm.scale = nn.Parameter(p["g"])

gpt = GPT()
load(gpt, {})
)";

std::string text(const Analysis &A) {
  std::ostringstream OS;
  writeText(OS, A.Diagnostics, TextOptions{});
  return OS.str();
}

/// Analyses T/proj with the model written beside the loader already there:
/// the one PL101 of the loader, or null (the test has failed).
std::unique_ptr<Analysis> analyzeProject(const TempDir &T) {
  T.write("proj/model.py", ModelPy);
  auto A = analyze({T.file("proj")}, {});
  if (!A) {
    ADD_FAILURE() << llvm::toString(A.takeError());
    return nullptr;
  }
  EXPECT_EQ((*A)->Diagnostics.size(), 1u);
  return (*A)->Diagnostics.size() == 1 ? std::move(*A) : nullptr;
}

} // namespace

TEST(SourceFileTest, AnalysisReadsBackOnlyWhatItsFindingsQuote) {
  TempDir T;
  std::string L = T.write("proj/load.py", LoaderPy);
  auto A = analyzeProject(T);
  ASSERT_TRUE(A);
  for (const auto &F : A->Files)
    EXPECT_TRUE(F->released()) << F->path() << ": nothing quoted it yet";
  std::string Out = text(*A);
  EXPECT_NE(Out.find("4 |     gpt.norm.scale = nn.Parameter(p[\"g\"])"), std::string::npos)
      << Out;
  EXPECT_FALSE(A->Diagnostics[0].Where.File->released());
  for (const auto &F : A->Files)
    if (F->path() != L)
      EXPECT_TRUE(F->released()) << F->path();
}

TEST(SourceFileTest, AnExcerptOfAFileChangedSinceIsOmittedWithANote) {
  TempDir T;
  std::string L = T.write("proj/load.py", LoaderPy);
  auto A = analyzeProject(T);
  ASSERT_TRUE(A);
  writeFile(L, std::string("# a new first line\n") + LoaderPy);
  std::string Out = text(*A);
  EXPECT_EQ(Out.find("gpt.norm.scale ="), std::string::npos) << Out;
  EXPECT_NE(Out.find(L + ":4:14: PL101"), std::string::npos)
      << "the position is the analysed text's\n" << Out;
  EXPECT_NE(Out.find("= source not shown: `" + L + "` changed on disk after it was checked"),
            std::string::npos)
      << Out;
}

TEST(SourceFileTest, AFixMadeFromAFileChangedDuringTheRunIsDeclined) {
  TempDir T;
  // PL002's fix is made from the text around the directive.
  const std::string Source = "x = 1  # noqa: PL101\n";
  std::string P = T.write("proj/a.py", Source);
  AnalysisOptions O;
  O.Jobs = 1;
  // After the last file is extracted (and its text released), before the
  // checks: the file changes under the run.
  O.Progress = [&](size_t Done, size_t Total) {
    if (Done == Total)
      writeFile(P, "y = 2  # noqa: PL101\n");
  };
  auto A = analyze({T.file("proj")}, O);
  ASSERT_TRUE(static_cast<bool>(A)) << llvm::toString(A.takeError());
  ASSERT_EQ((*A)->Diagnostics.size(), 1u);
  const Diagnostic &D = (*A)->Diagnostics[0];
  EXPECT_EQ(D.Code, "PL002");
  EXPECT_FALSE(D.TheFix.has_value()) << "its edit would be made from blanks";
  ASSERT_FALSE(D.Notes.empty());
  EXPECT_NE(D.Notes.back().Message.find("changed on disk while it was checked"),
            std::string::npos);
  ASSERT_EQ((*A)->Warnings.size(), 1u);
  EXPECT_NE((*A)->Warnings[0].find(P + ": changed on disk while it was checked"),
            std::string::npos)
      << (*A)->Warnings[0];

  // Unchanged, the same run offers the fix.
  writeFile(P, Source);
  O.Progress = nullptr;
  auto B = analyze({T.file("proj")}, O);
  ASSERT_TRUE(static_cast<bool>(B)) << llvm::toString(B.takeError());
  ASSERT_EQ((*B)->Diagnostics.size(), 1u);
  EXPECT_TRUE((*B)->Diagnostics[0].TheFix.has_value());
  EXPECT_TRUE((*B)->Warnings.empty());
}

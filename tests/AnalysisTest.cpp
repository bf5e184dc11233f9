//===- AnalysisTest.cpp - The engine entry point, end to end ---------------===//
#include "TestSupport.h"

#include "Analysis.h"

#include <gtest/gtest.h>

#include <filesystem>

#include <mutex>
#include <set>
#include <thread>

using namespace paramlint;
using namespace paramlint::test;

namespace {

const char *const ModelPy = R"(import torch.nn as nn

class GPT(nn.Module):
    def __init__(self):
        super().__init__()
        self.norm = nn.LayerNorm(4)

def broken(:
)";

const char *const LoaderPy = R"(from model import GPT

def load(gpt, p):
    gpt.norm.scale = nn.Parameter(p["g"])
    gpt.norm.shift = nn.Parameter(p["b"])

gpt = GPT()
load(gpt, {})
)";

std::vector<std::string> codes(const Analysis &A) {
  std::vector<std::string> Out;
  for (const Diagnostic &D : A.Diagnostics)
    Out.push_back(D.Code + "@" + D.Where.File->path() + ":" +
                  std::to_string(D.Where.File->position(D.Where.Where.Begin).Row));
  return Out;
}

} // namespace

TEST(AnalysisTest, ImportedModelFilesAreReadButNotReported) {
  TempDir T;
  T.write("proj/model.py", ModelPy);
  std::string L = T.write("proj/load.py", LoaderPy);
  auto A = analyze({L}, {});
  ASSERT_TRUE(static_cast<bool>(A)) << llvm::toString(A.takeError());
  EXPECT_EQ((*A)->InputCount, 1u);
  ASSERT_EQ((*A)->Files.size(), 2u) << "model.py is read for its classes";
  // The loader's findings, and not the syntax error of the unlisted model.
  EXPECT_EQ(codes(**A), (std::vector<std::string>{"PL101@" + L + ":4",
                                                 "PL101@" + L + ":5"}));
}

TEST(AnalysisTest, ListingBothFilesReportsBoth) {
  TempDir T;
  std::string M = T.write("proj/model.py", ModelPy);
  std::string L = T.write("proj/load.py", LoaderPy);
  auto A = analyze({T.file("proj")}, {});
  ASSERT_TRUE(static_cast<bool>(A)) << llvm::toString(A.takeError());
  EXPECT_EQ((*A)->InputCount, 2u);
  EXPECT_EQ(codes(**A).size(), 3u);
}

TEST(AnalysisTest, UnknownRuleCodesAreRequestErrors) {
  AnalysisOptions O;
  O.Select = {"PL9"};
  auto A = analyze({"."}, O);
  ASSERT_FALSE(static_cast<bool>(A));
  EXPECT_NE(llvm::toString(A.takeError()).find("PL9"), std::string::npos);
}

TEST(AnalysisTest, JobsDoNotChangeTheResult) {
  std::string Dir = sourceDir() + "/fixtures/python";
  AnalysisOptions One, Many;
  One.Jobs = 1;
  Many.Jobs = 4;
  auto A = analyze({Dir}, One);
  auto B = analyze({Dir}, Many);
  ASSERT_TRUE(A && B);
  EXPECT_EQ(codes(**A), codes(**B));
  EXPECT_FALSE(codes(**A).empty());
}

/// `--jobs N` bounds the threads that read and extract files: the progress
/// callback, called on the worker that did the file, never sees more than
/// N of them, and with one job only the caller's thread.
TEST(AnalysisTest, JobsBoundTheWorkerThreads) {
  TempDir T;
  for (int I = 0; I < 64; ++I)
    T.write("p/m" + std::to_string(I) + ".py",
            "import torch.nn as nn\n\n\nclass M(nn.Module):\n    def __init__(self):\n"
            "        super().__init__()\n        self.norm = nn.LayerNorm(4)\n");
  for (unsigned Jobs : {1u, 2u, 3u}) {
    std::mutex Lock;
    std::set<std::thread::id> Threads;
    AnalysisOptions O;
    O.Jobs = Jobs;
    O.Progress = [&](size_t, size_t) {
      std::lock_guard<std::mutex> G(Lock);
      Threads.insert(std::this_thread::get_id());
    };
    auto A = analyze({T.file("p")}, O);
    ASSERT_TRUE(static_cast<bool>(A)) << llvm::toString(A.takeError());
    EXPECT_LE(Threads.size(), Jobs);
    EXPECT_FALSE(Threads.empty());
    if (Jobs == 1)
      EXPECT_EQ(Threads, std::set<std::thread::id>{std::this_thread::get_id()});
  }
}

TEST(AnalysisTest, ImportsFindPackagesSymlinksAndAncestors) {
  // The files the import walk reads: a dotted module in a package, a
  // relative import, a module in a linked directory, a sibling of an
  // ancestor; and none for modules outside the tree.
  TempDir T;
  T.write("proj/pkg/__init__.py", "");
  T.write("proj/pkg/sub/__init__.py", "from .blocks import Block\n");
  T.write("proj/pkg/sub/blocks.py", "import torch.nn as nn\nclass Block(nn.Module):\n    pass\n");
  T.write("real/linked.py", "import numpy\n");
  T.write("shared.py", "import os\n");
  std::string L = T.write("proj/app/load.py",
                          "import torch\nfrom pkg.sub import Block\nimport lib.linked\n"
                          "import shared\nimport numpy.linalg\n");
  std::filesystem::create_directory_symlink(T.file("real"), T.file("proj/app/lib"));
  auto A = analyze({L}, {});
  ASSERT_TRUE(static_cast<bool>(A)) << llvm::toString(A.takeError());
  std::vector<std::string> Read;
  for (const auto &F : (*A)->Files)
    Read.push_back(std::filesystem::path(F->path())
                       .lexically_relative(std::filesystem::path(T.file("")).parent_path())
                       .string());
  EXPECT_EQ(Read, (std::vector<std::string>{"proj/app/load.py", "proj/pkg/sub/__init__.py",
                                            "proj/app/lib/linked.py", "shared.py",
                                            "proj/pkg/sub/blocks.py"}));
}

TEST(AnalysisTest, AnInputNotOnDiskStopsTheImportSearch) {
  // `model` from proj/ is first looked for as proj/model.py: an input of
  // the run even though it does not exist (a PL001), so the search stops
  // there and the ancestor's model.py is not read.
  TempDir T;
  T.write("model.py", ModelPy);
  std::string L = T.write("proj/load.py", LoaderPy);
  auto A = analyze({L, T.file("proj/model.py")}, {});
  ASSERT_TRUE(static_cast<bool>(A)) << llvm::toString(A.takeError());
  EXPECT_EQ((*A)->Files.size(), 2u);
  auto B = analyze({L}, {});
  ASSERT_TRUE(static_cast<bool>(B)) << llvm::toString(B.takeError());
  EXPECT_EQ((*B)->Files.size(), 2u) << "the ancestor's model.py is read";
}

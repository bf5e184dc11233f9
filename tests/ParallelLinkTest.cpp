//===- ParallelLinkTest.cpp - One graph whatever the number of workers ----===//
///
/// \file
/// analyze() extracts files on the workers and the linker builds models,
/// instances, the call index and each file's bound accesses on them too
/// (tool/Parallel.h, Linker's WorkerTables), then lists everything in file
/// order. Whatever the number of workers, the graph and the diagnostics
/// must be what one worker leaves: compared here on the fixtures and on a
/// generated tree of packages with imports across files, star imports,
/// recursive loaders, call-site chains and key uses.
///
//===----------------------------------------------------------------------===//
#include "Analysis.h"
#include "TestSupport.h"
#include "graph/GraphWriter.h"
#include "report/Reporters.h"

#include <gtest/gtest.h>

#include <map>
#include <sstream>

using namespace paramlint;
using paramlint::test::sourceDir;
using paramlint::test::TempDir;

namespace {

/// Everything a run produced that a later step reads, as text: the graph
/// (the JSON of `paramlint graph`, plus every bound access, key use, load,
/// rename and loose key use with what it points at) and the diagnostics.
std::string dumpRun(const Analysis &A) {
  std::ostringstream OS;
  const ParamGraph &G = A.Graph;
  writeGraphJson(OS, G);
  std::map<const Model *, size_t> IndexOf;
  for (size_t I = 0; I < G.Models.size(); ++I)
    IndexOf[G.Models[I].get()] = I;
  auto Model = [&](const paramlint::Model *M) {
    return M ? std::to_string(IndexOf.at(M)) + ":" + M->Name : std::string("-");
  };
  auto Where = [](const SourceFile *F, uint32_t At) {
    return (F ? F->path() : std::string("?")) + "@" + std::to_string(At);
  };
  OS << "\nmodels " << G.Models.size() << "\n";
  for (const auto &M : G.Models) {
    OS << Model(M.get()) << " root=" << M->IsRoot << " "
       << Where(M->Where.File, M->Where.Where.Begin) << " keys";
    for (const KeySlot &K : M->Keys)
      OS << " " << K.Key << (K.Conditional ? "?" : "");
    OS << "\n";
  }
  OS << "instances " << G.Instances.size() << "\n";
  for (const Instance &I : G.Instances)
    OS << I.Variable << " " << Model(I.TheModel) << " "
       << Where(I.Where.File, I.Where.Where.Begin) << " " << I.Scope << "\n";
  OS << "accesses " << G.Accesses.size() << "\n";
  for (const BoundAccess &B : G.Accesses)
    OS << Where(B.File, B.Fact->RootWhere.Begin) << " " << Model(B.TheModel)
       << " " << bindingKindName(B.How) << " " << B.Confidence << " "
       << static_cast<int>(B.Resolved.K) << " " << B.Resolved.Key << " "
       << (B.InstanceWhere ? Where(B.InstanceWhere->File, B.InstanceWhere->Where.Begin)
                           : std::string("-"))
       << "\n";
  OS << "loaders " << G.Loaders.size() << "\n";
  for (const Loader &L : G.Loaders) {
    OS << Where(L.File, L.Where.Begin) << " " << L.Function << " "
       << Model(L.TheModel) << " " << bindingKindName(L.How) << " " << L.Confidence;
    for (size_t I : L.Accesses)
      OS << " " << I;
    OS << "\n";
  }
  OS << "key uses " << G.KeyUses.size() << "\n";
  for (const BoundKeyUse &U : G.KeyUses) {
    OS << Where(U.File, 0) << " " << U.Fact->Pattern << " " << Model(U.TheModel)
       << " " << U.Prefix << " " << bindingKindName(U.How) << " " << U.Confidence;
    for (const KeySlot *K : U.Matches)
      OS << " " << K->Key;
    OS << "\n";
  }
  OS << "loads " << G.Loads.size() << "\n";
  for (const BoundLoad &L : G.Loads) {
    OS << Where(L.File, 0) << " " << Model(L.TheModel) << " " << L.Prefix << " "
       << L.DictComplete;
    for (size_t I : L.KeyUses)
      OS << " " << I;
    OS << "\n";
  }
  OS << "renames " << G.Renames.size() << "\n";
  for (const BoundRename &R : G.Renames)
    OS << Where(R.File, 0) << " " << Model(R.TheModel) << "\n";
  OS << "loose " << G.LooseKeyUses.size() << "\n";
  for (const LooseKeyUse &U : G.LooseKeyUses)
    OS << Where(U.File, 0) << " " << U.Fact->Pattern << "\n";
  OS << "diagnostics\n";
  writeJson(OS, A.Diagnostics, "");
  return OS.str();
}

/// The dump of analyze(Inputs) on Jobs workers.
std::string runOn(const std::vector<std::string> &Inputs, unsigned Jobs) {
  AnalysisOptions Options;
  Options.Jobs = Jobs;
  auto Result = analyze(Inputs, Options);
  if (!Result) {
    ADD_FAILURE() << llvm::toString(Result.takeError());
    return "";
  }
  return dumpRun(**Result);
}

/// Fails when the dumps differ, naming the first line that does.
void expectSame(const std::string &Serial, const std::string &Parallel,
                unsigned Jobs) {
  if (Serial == Parallel)
    return;
  std::istringstream A(Serial), B(Parallel);
  std::string LA, LB;
  for (size_t Line = 1;; ++Line) {
    bool MoreA = bool(std::getline(A, LA)), MoreB = bool(std::getline(B, LB));
    if (!MoreA && !MoreB)
      break;
    if (LA != LB || MoreA != MoreB) {
      ADD_FAILURE() << "-j" << Jobs << " differs from -j1 at line " << Line
                    << ":\n  -j1: " << LA << "\n  -j" << Jobs << ": " << LB;
      return;
    }
  }
}

/// A tree of packages whose links cross files every way the linker
/// follows: relative, absolute and star imports, module aliases, models
/// built from other files' blocks, loaders reached through call sites
/// (some of them recursive, so binding meets cycles), annotations, state
/// dicts and key uses, with wrong names so that there are findings.
void writeGeneratedTree(const TempDir &T, int Packages) {
  for (int P = 0; P < Packages; ++P) {
    std::string Pkg = "proj/pkg" + std::to_string(P) + "/";
    std::string N = std::to_string(P);
    std::string Next = std::to_string((P + 1) % Packages);
    T.write(Pkg + "__init__.py", "from .layers import *\n");
    T.write(Pkg + "layers.py",
            "import torch\nimport torch.nn as nn\n\n"
            "class Norm" + N + "(nn.Module):\n"
            "    def __init__(self, d):\n        super().__init__()\n"
            "        self.scale = nn.Parameter(torch.ones(d))\n"
            "        self.shift = nn.Parameter(torch.zeros(d))\n\n"
            "LayerNorm = nn.LayerNorm\n\n"
            "class Block" + N + "(nn.Module):\n"
            "    def __init__(self, d):\n        super().__init__()\n"
            "        self.norm1 = Norm" + N + "(d)\n"
            "        self.norm2 = LayerNorm(d)\n"
            "        self.proj = nn.Linear(d, d, bias=" + (P % 2 ? "False" : "True") + ")\n");
    T.write(Pkg + "model.py",
            "import torch.nn as nn\nfrom . import layers\n"
            "from ..pkg" + Next + ".layers import Block" + Next + " as Other\n\n"
            "class Model" + N + "(nn.Module):\n"
            "    def __init__(self, cfg):\n        super().__init__()\n"
            "        self.blocks = nn.ModuleList([layers.Block" + N +
                "(cfg['d']) for _ in range(cfg['n'])])\n"
            "        self.extra = Other(cfg['d'])\n"
            "        self.final_norm = nn.LayerNorm(cfg['d'])\n\n"
            "class Sub" + N + "(Model" + N + "):\n"
            "    def __init__(self, cfg):\n        super().__init__(cfg)\n"
            "        self.head = nn.Linear(4, 4)\n");
    T.write("proj/load" + N + ".py",
            "from pkg" + N + ".model import Model" + N + ", Sub" + N + "\n"
            "from pkg" + Next + ".model import Model" + Next + "\n"
            "import torch.nn as nn\n\n"
            "class Head" + N + "(nn.Module):\n"
            "    def __init__(self):\n        super().__init__()\n"
            "        self.layers = nn.ModuleList([nn.LayerNorm(4) for _ in range(2)])\n\n"
            "def assign(model, params, depth=0):\n"
            "    for b in range(len(model.blocks)):\n"
            "        model.blocks[b].norm1.scale = params['s']\n"
            "        model.blocks[b].norm1.weight = params['w']\n"
            "        model.blocks[b].norm2.weight = params['w']\n"
            "        model.blocks[b].norm2.scale = params['s']\n"
            "    model.extra.proj.bias = params['b']\n"
            "    if depth < 2:\n"
            "        assign(model, params, depth + 1)\n\n"
            "def outer(m, params):\n    assign(m, params)\n\n"
            "def typed(model: Model" + Next + ", params):\n"
            "    model.final_norm.scale = params['s']\n"
            "    model.final_norm.bias = params['b']\n\n"
            "def free(net, params):\n"
            "    net.layers[0].weight = params['x']\n"
            "    net.layers[1].bias = params['x']\n"
            "    net.layers[0].gamma = params['x']\n\n"
            "def convert(ckpt):\n    sd = {}\n"
            "    sd['blocks.0.norm1.scale'] = ckpt['a']\n"
            "    sd['blocks.0.norm2.gamma'] = ckpt['b']\n"
            "    sd['final_norm.weight'] = ckpt['c']\n"
            "    return sd\n\n"
            "def main(cfg, params, ckpt):\n"
            "    model = Model" + N + "(cfg)\n"
            "    model = model.to('cpu')\n"
            "    outer(model, params)\n"
            "    sub = Sub" + N + "(cfg)\n"
            "    sub.head.weight = params['h']\n"
            "    sd = convert(ckpt)\n"
            "    model.load_state_dict(sd)\n"
            "    own = model.state_dict()\n"
            "    own['blocks.0.norm1.shift'] = params['x']\n"
            "    own['blocks.0.norm1.bias'] = params['x']\n");
  }
}

TEST(ParallelLinkTest, FixturesLinkAlikeOnOneAndFourWorkers) {
  std::vector<std::string> Inputs = {sourceDir() + "/fixtures/python",
                                     sourceDir() + "/fixtures/notebooks"};
  std::string Serial = runOn(Inputs, 1);
  ASSERT_NE(Serial.find("\"code\": \"PL101\""), std::string::npos)
      << "the fixtures gave no PL101: nothing was compared";
  expectSame(Serial, runOn(Inputs, 2), 2);
  expectSame(Serial, runOn(Inputs, 4), 4);
}

TEST(ParallelLinkTest, GeneratedTreeLinksAlikeOnOneAndFourWorkers) {
  TempDir T;
  writeGeneratedTree(T, 24);
  std::vector<std::string> Inputs = {T.file("proj")};
  std::string Serial = runOn(Inputs, 1);
  // The tree must exercise what is compared: models across files, accesses
  // bound by call site and best match, key uses, findings.
  EXPECT_NE(Serial.find("call-site"), std::string::npos);
  EXPECT_NE(Serial.find("best-match"), std::string::npos);
  EXPECT_NE(Serial.find("annotation"), std::string::npos);
  EXPECT_EQ(Serial.find("key uses 0\n"), std::string::npos);
  EXPECT_NE(Serial.find("\"code\": \"PL101\""), std::string::npos);
  for (unsigned Jobs : {2u, 4u, 7u})
    expectSame(Serial, runOn(Inputs, Jobs), Jobs);
}

} // namespace

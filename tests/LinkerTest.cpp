//===- LinkerTest.cpp - Name resolution, key spaces and bindings ----------===//
#include "graph/Linker.h"
#include "python/PythonFrontend.h"

#include <fmt/format.h>
#include <gtest/gtest.h>

#include <algorithm>
#include <map>
#include <memory>
#include <set>

using namespace paramlint;

namespace {

/// A small in-memory project: files under /virtual/proj, extracted and
/// linked the way analyze() does it.
class Project {
public:
  Project &add(const std::string &Rel, const std::string &Text) {
    Files.push_back(std::make_unique<SourceFile>("/virtual/proj/" + Rel, Text,
                                                 SourceKind::Python));
    return *this;
  }
  const ParamGraph &link(unsigned Jobs = 1) {
    for (const auto &F : Files)
      Facts.push_back(extractPythonFacts(*F));
    std::vector<const SourceFile *> FP;
    std::vector<const FileFacts *> FF;
    for (size_t I = 0; I < Files.size(); ++I) {
      FP.push_back(Files[I].get());
      FF.push_back(&Facts[I]);
    }
    Graph = paramlint::link(FP, FF, Jobs);
    return Graph;
  }

private:
  std::vector<std::unique_ptr<SourceFile>> Files;
  std::vector<FileFacts> Facts;
  ParamGraph Graph;
};

std::vector<std::string> keys(const Model &M) {
  std::vector<std::string> Out;
  for (const KeySlot &K : M.Keys)
    Out.push_back(K.Key + (K.Conditional ? "?" : ""));
  return Out;
}

const char *const ModelPy = R"(import torch
import torch.nn as nn

class LayerNorm(nn.Module):
    def __init__(self, d):
        super().__init__()
        self.scale = nn.Parameter(torch.ones(d))
        self.shift = nn.Parameter(torch.zeros(d))

class Block(nn.Module):
    def __init__(self, d):
        super().__init__()
        self.norm1 = LayerNorm(d)
        self.ff = nn.Linear(d, d, bias=False)

class GPT(nn.Module):
    def __init__(self, d, n):
        super().__init__()
        self.blocks = nn.Sequential(*[Block(d) for _ in range(n)])
        self.final_norm = nn.LayerNorm(d)
)";

} // namespace

TEST(LinkerTest, KeySpaceThroughContainersProjectAndLibraryClasses) {
  Project P;
  P.add("model.py", ModelPy);
  const ParamGraph &G = P.link();
  const Model *M = G.findModel("GPT");
  ASSERT_NE(M, nullptr);
  EXPECT_TRUE(M->IsRoot);
  EXPECT_EQ(keys(*M), (std::vector<std::string>{
                          "blocks.*.norm1.scale", "blocks.*.norm1.shift",
                          "blocks.*.ff.weight", "final_norm.weight",
                          "final_norm.bias"}));
  ASSERT_NE(G.findModel("Block"), nullptr);
  EXPECT_FALSE(G.findModel("Block")->IsRoot);
  // A hand-written norm's parameters take their roles from the conventions.
  const ModuleNode *Norm = M->Root->child("blocks")->child("*")->child("norm1");
  ASSERT_NE(Norm, nullptr);
  EXPECT_TRUE(Norm->IsNorm);
  EXPECT_EQ(Norm->slot("scale")->TheRole, Role::Scale);
  EXPECT_EQ(Norm->slot("shift")->TheRole, Role::Shift);
}

TEST(LinkerTest, ResolvesSiblingRelativeAndAliasedImports) {
  Project P;
  P.add("pkg/__init__.py", "from .model import GPT\n");
  P.add("pkg/model.py", ModelPy);
  P.add("pkg/aliases.py", "from torch import nn\nLN = nn.LayerNorm\n");
  P.add("pkg/net.py", R"(import torch.nn as nn
from . import aliases
from .aliases import LN
from pkg import GPT

class Net(nn.Module):
    def __init__(self):
        super().__init__()
        self.gpt = GPT(4, 2)
        self.ln = LN(4)
        self.ln2 = aliases.LN(4)
)");
  const ParamGraph &G = P.link();
  const Model *M = G.findModel("Net");
  ASSERT_NE(M, nullptr);
  std::vector<std::string> K = keys(*M);
  EXPECT_EQ(K.size(), 9u);
  EXPECT_EQ(K.back(), "ln2.bias");
  EXPECT_EQ(M->Root->child("ln")->ClassName, "torch.nn.LayerNorm");
  EXPECT_EQ(M->Root->child("gpt")->ClassName, "GPT");
  EXPECT_FALSE(G.findModel("GPT")->IsRoot);
}

TEST(LinkerTest, ProjectBaseClassesAndUnknownBases) {
  Project P;
  P.add("m.py", R"(from torch.nn import Module, Linear
from transformers import PreTrainedModel

class Base(Module):
    def __init__(self):
        super().__init__()
        self.proj = Linear(2, 2)

class Child(Base):
    def __init__(self):
        super().__init__()
        self.head = Linear(2, 3)

class Hf(PreTrainedModel):
    pass

class NotAModule:
    def __init__(self):
        self.proj = Linear(2, 2)
)");
  const ParamGraph &G = P.link();
  ASSERT_NE(G.findModel("Child"), nullptr);
  EXPECT_EQ(keys(*G.findModel("Child")),
            (std::vector<std::string>{"proj.weight", "proj.bias", "head.weight",
                                      "head.bias"}));
  EXPECT_EQ(G.findModel("Hf"), nullptr) << "an unknown base is not a module we know";
  EXPECT_EQ(G.findModel("NotAModule"), nullptr);
}

TEST(LinkerTest, BindsConstructorCallSiteAnnotationSelfAndAliases) {
  Project P;
  P.add("model.py", ModelPy);
  P.add("load.py", R"(from model import GPT

def load(gpt, params):
    gpt.final_norm.weight = params["g"]

def load_annotated(m: GPT, params):
    m.final_norm.bias = params["b"]

def main():
    gpt = GPT(4, 2)
    gpt = gpt.to("cpu")
    load(gpt, {})
    for i, blk in enumerate(gpt.blocks):
        blk.norm1.scale = None
)");
  const ParamGraph &G = P.link();
  std::map<std::string, std::pair<BindingKind, std::string>> Seen;
  for (const BoundAccess &B : G.Accesses)
    Seen[B.Fact->Root + ":" + B.Resolved.Key] = {B.How, B.TheModel->Name};
  ASSERT_TRUE(Seen.count("gpt:final_norm.weight"));
  EXPECT_EQ(Seen["gpt:final_norm.weight"].first, BindingKind::CallSite);
  ASSERT_TRUE(Seen.count("m:final_norm.bias"));
  EXPECT_EQ(Seen["m:final_norm.bias"].first, BindingKind::Annotation);
  ASSERT_TRUE(Seen.count("blk:blocks.*.norm1.scale"));
  EXPECT_EQ(Seen["blk:blocks.*.norm1.scale"].first, BindingKind::Constructor);
  // The loader of main() writes through the alias `blk`.
  bool Found = false;
  for (const Loader &L : G.Loaders)
    Found |= L.Function == "main" && L.TheModel->Name == "GPT";
  EXPECT_TRUE(Found);
}

TEST(LinkerTest, ResolutionOutcomes) {
  Project P;
  P.add("model.py", std::string(ModelPy) + R"(
gpt = GPT(4, 2)
gpt.final_norm.scale = None
gpt.blocks[0].norm9.weight = None
gpt.blocks[1].ff.weight.data = None
gpt.eval()
)");
  const ParamGraph &G = P.link();
  std::map<std::string, Resolution::Kind> Kinds;
  for (const BoundAccess &B : G.Accesses) {
    std::string Path;
    for (const PathSegment &S : B.Path)
      Path += "." + S.Name;
    Kinds[Path] = B.Resolved.K;
  }
  EXPECT_EQ(Kinds[".final_norm.scale"], Resolution::Kind::Missing);
  EXPECT_EQ(Kinds[".blocks.0.norm9.weight"], Resolution::Kind::Missing);
  EXPECT_EQ(Kinds[".blocks.1.ff.weight"], Resolution::Kind::Slot);
  EXPECT_EQ(Kinds[".eval"], Resolution::Kind::Other);
}

TEST(LinkerTest, BestMatchBindsAFreeParameterWithConfidence) {
  Project P;
  P.add("model.py", ModelPy);
  P.add("other.py", R"(import torch.nn as nn

class Other(nn.Module):
    def __init__(self):
        super().__init__()
        self.head = nn.Linear(2, 2)
)");
  P.add("load.py", R"(def load(model, sd):
    model.final_norm.weight.copy_(sd["a"])
    model.final_norm.bias.copy_(sd["b"])
    model.blocks[0].ff.weight.copy_(sd["c"])
    model.nothing_here.weight.copy_(sd["d"])
)");
  const ParamGraph &G = P.link();
  ASSERT_EQ(G.Loaders.size(), 1u);
  EXPECT_EQ(G.Loaders[0].TheModel->Name, "GPT");
  EXPECT_EQ(G.Loaders[0].How, BindingKind::BestMatch);
  EXPECT_DOUBLE_EQ(G.Loaders[0].Confidence, 0.75);
}

TEST(LinkerTest, BestMatchRefusesAnAmbiguousOrWeakMatch) {
  Project P;
  P.add("a.py", "import torch.nn as nn\nclass A(nn.Module):\n    def __init__(self):\n"
                "        super().__init__()\n        self.norm = nn.LayerNorm(2)\n");
  P.add("b.py", "import torch.nn as nn\nclass B(nn.Module):\n    def __init__(self):\n"
                "        super().__init__()\n        self.norm = nn.LayerNorm(2)\n");
  P.add("load.py", "def load(m, sd):\n    m.norm.weight.copy_(sd['w'])\n"
                   "    m.norm.bias.copy_(sd['b'])\n"
                   "def weak(x):\n    x.norm.weight.copy_(1)\n");
  const ParamGraph &G = P.link();
  EXPECT_TRUE(G.Loaders.empty()) << "A and B tie; weak() has one path";
}

TEST(LinkerTest, CyclicImportsAndBasesTerminate) {
  Project P;
  P.add("a.py", "from b import B\nimport torch.nn as nn\nclass A(B):\n    pass\n");
  P.add("b.py", "from a import A\nclass B(A):\n    pass\n");
  P.add("c.py", "from c import C\nclass C(C):\n    pass\n");
  const ParamGraph &G = P.link();
  EXPECT_TRUE(G.Models.empty());
}

namespace {

/// The best-match key bindings of a graph, one line per key use in graph
/// order: file, pattern, model (with its file), confidence; loose ones last.
std::vector<std::string> keyBindings(const ParamGraph &G) {
  std::vector<std::string> Out;
  for (const BoundKeyUse &U : G.KeyUses)
    Out.push_back(U.File->path() + " " + U.Fact->Pattern + " -> " +
                  U.TheModel->Name + "@" + U.TheModel->Where.File->path() + " " +
                  std::to_string(U.Confidence) + " " + bindingKindName(U.How));
  for (const LooseKeyUse &U : G.LooseKeyUses)
    Out.push_back(U.File->path() + " " + U.Fact->Pattern + " loose");
  return Out;
}

/// A converter that fills a free dict with Net's keys: its keys bind by
/// best match only.
const char *const NetPy = R"(import torch.nn as nn

class Net(nn.Module):
    def __init__(self):
        super().__init__()
        self.norm1 = nn.LayerNorm(4)
        self.ff = nn.Linear(4, 4)
)";
const char *const ConvertPy = R"(def convert(ckpt):
    sd = {}
    sd["norm1.weight"] = ckpt["a"]
    sd["norm1.bias"] = ckpt["b"]
    sd["ff.weight"] = ckpt["c"]
    return sd
)";

} // namespace

TEST(LinkerTest, KeyBestMatchBindsIdenticalCopiesToTheFirst) {
  // A vendored copy of a package: one key space, one class name, so no
  // tie; the keys bind to the copy that comes first, and its score is
  // reused for the second (RootKeyIndex, classifyKeySpaces).
  Project P;
  P.add("a/model.py", NetPy).add("b/model.py", NetPy).add("convert.py", ConvertPy);
  const ParamGraph &G = P.link();
  ASSERT_EQ(G.KeyUses.size(), 3u);
  for (const BoundKeyUse &U : G.KeyUses) {
    EXPECT_EQ(U.How, BindingKind::BestMatch);
    EXPECT_EQ(U.TheModel->Where.File->path(), "/virtual/proj/a/model.py");
    EXPECT_DOUBLE_EQ(U.Confidence, 1.0);
  }
}

TEST(LinkerTest, KeyBestMatchTiesIdenticalKeySpacesOfDifferentClasses) {
  // One key space, scored once, stands for both classes: two class names
  // that explain the keys equally well bind nothing.
  std::string Renamed = NetPy;
  Renamed.replace(Renamed.find("class Net("), 10, "class Net2(");
  Project P;
  P.add("a/model.py", NetPy).add("b/model.py", Renamed).add("convert.py", ConvertPy);
  const ParamGraph &G = P.link();
  EXPECT_TRUE(G.KeyUses.empty());
  EXPECT_EQ(std::count_if(G.LooseKeyUses.begin(), G.LooseKeyUses.end(),
                          [](const LooseKeyUse &U) {
                            return U.Fact->Pattern.find('.') != std::string::npos;
                          }),
            3)
      << "the three stores stay loose";
}

TEST(LinkerTest, BestMatchAmongCopiesTakesTheNearestCopy) {
  // Three copies of one model, scored once (their trees are alike): the
  // copy in the loader's own directory wins; a copy under another class
  // name in that directory would tie.
  Project P;
  P.add("a/model.py", NetPy).add("b/model.py", NetPy).add("c/model.py", NetPy);
  const char *const Load = "def load(m, t):\n    m.norm1.weight.copy_(t)\n"
                           "    m.ff.bias.copy_(t)\n";
  P.add("b/load.py", Load);
  const ParamGraph &G = P.link();
  ASSERT_EQ(G.Loaders.size(), 1u);
  EXPECT_EQ(G.Loaders[0].How, BindingKind::BestMatch);
  EXPECT_EQ(G.Loaders[0].TheModel->Where.File->path(), "/virtual/proj/b/model.py");

  std::string Renamed = NetPy;
  Renamed.replace(Renamed.find("class Net("), 10, "class Net2(");
  Project Tie;
  Tie.add("a/model.py", NetPy).add("b/model.py", NetPy).add("b/other.py", Renamed);
  Tie.add("b/load.py", Load);
  EXPECT_TRUE(Tie.link().Loaders.empty()) << "Net and Net2 in b/ tie";
}

TEST(LinkerTest, KeyBestMatchScoresEqualKeysWithDifferentRolesApart) {
  // B and A have the same key strings (`layers.*.weight`, ...), but A's
  // layers are norms (scale, shift) and B's are linear (weight, bias):
  // `gamma`/`beta` are A's names under another convention, not B's. B
  // comes first and must not lend A its score.
  Project P;
  P.add("b.py", R"(import torch.nn as nn

class B(nn.Module):
    def __init__(self):
        super().__init__()
        self.layers = nn.ModuleList([nn.Linear(4, 4) for _ in range(2)])
        self.head = nn.Linear(4, 4)
)");
  P.add("a.py", R"(import torch.nn as nn

class A(nn.Module):
    def __init__(self):
        super().__init__()
        self.layers = nn.ModuleList([nn.LayerNorm(4) for _ in range(2)])
        self.head = nn.Linear(4, 4)
)");
  P.add("convert.py", R"(def convert(ckpt):
    sd = {}
    for i in range(2):
        sd[f"layers.{i}.gamma"] = ckpt[f"g{i}"]
        sd[f"layers.{i}.beta"] = ckpt[f"b{i}"]
    sd["head.weight"] = ckpt["h"]
    return sd
)");
  const ParamGraph &G = P.link();
  const Model *A = G.findModel("A");
  const Model *B = G.findModel("B");
  ASSERT_NE(A, nullptr);
  ASSERT_NE(B, nullptr);
  ASSERT_EQ(A->Keys.size(), B->Keys.size());
  for (size_t I = 0; I < A->Keys.size(); ++I)
    EXPECT_EQ(A->Keys[I].Key, B->Keys[I].Key);
  ASSERT_EQ(G.KeyUses.size(), 3u);
  for (const BoundKeyUse &U : G.KeyUses) {
    EXPECT_EQ(U.TheModel, A) << U.Fact->Pattern;
    EXPECT_EQ(U.How, BindingKind::BestMatch);
  }
}

TEST(LinkerTest, KeyBestMatchIsTheSameOnEveryNumberOfWorkers) {
  // The searches run on the workers; the graph must not depend on it.
  auto Build = [](Project &P) {
    P.add("a/model.py", NetPy).add("b/model.py", NetPy);
    for (int I = 0; I < 6; ++I)
      P.add("convert" + std::to_string(I) + ".py",
            I % 2 ? ConvertPy
                  : "def other(ckpt):\n    sd = {}\n    sd['x.y'] = 1\n"
                    "    sd['z.w'] = 2\n    return sd\n");
  };
  Project One, Two, Four;
  Build(One);
  Build(Two);
  Build(Four);
  std::vector<std::string> Serial = keyBindings(One.link(1));
  // Three converters bind their three keys; their `ckpt[...]` reads and
  // the other dicts' keys stay loose.
  EXPECT_EQ(std::count_if(Serial.begin(), Serial.end(),
                          [](const std::string &L) {
                            return L.find("-> Net@/virtual/proj/a/model.py 1.000000 "
                                          "best-match") != std::string::npos;
                          }),
            9);
  EXPECT_EQ(Serial.size(), 9u + 3 * 3 + 3 * 2);
  EXPECT_EQ(keyBindings(Two.link(2)), Serial);
  EXPECT_EQ(keyBindings(Four.link(4)), Serial);
}

TEST(LinkerTest, KeyBestMatchAsksEachModelAboutOpenKeys) {
  // Open keys (`layers.*.weight`) are answered per (pattern, model) and
  // the answers kept for the groups that follow: A explains the first
  // converter's keys, B the second's, though both are asked about both
  // and both explain `head.weight`.
  auto Model = [](const char *Name, const char *List) {
    return fmt::format("import torch.nn as nn\n\nclass {}(nn.Module):\n"
                       "    def __init__(self):\n        super().__init__()\n"
                       "        self.{} = nn.ModuleList([nn.Linear(4, 4) for _ in range(2)])\n"
                       "        self.head = nn.Linear(4, 4)\n",
                       Name, List);
  };
  auto Convert = [](const char *Name, const char *List) {
    return fmt::format("def {}(ckpt):\n    sd = {{}}\n    for i in range(2):\n"
                       "        sd[f\"{}.{{i}}.weight\"] = ckpt[\"w\"]\n"
                       "        sd[f\"{}.{{i}}.bias\"] = ckpt[\"b\"]\n"
                       "    sd[\"head.weight\"] = ckpt[\"h\"]\n    return sd\n",
                       Name, List, List);
  };
  for (unsigned Jobs : {1u, 2u}) {
    Project P;
    P.add("a.py", Model("A", "layers")).add("b.py", Model("B", "blocks"));
    P.add("c1.py", Convert("one", "layers")).add("c2.py", Convert("two", "blocks"));
    P.add("c3.py", Convert("three", "layers"));
    const ParamGraph &G = P.link(Jobs);
    std::map<std::string, std::set<std::string>> ModelsOf;
    for (const BoundKeyUse &U : G.KeyUses)
      ModelsOf[U.File->path()].insert(U.TheModel->Name);
    EXPECT_EQ(ModelsOf["/virtual/proj/c1.py"], std::set<std::string>{"A"}) << Jobs;
    EXPECT_EQ(ModelsOf["/virtual/proj/c2.py"], std::set<std::string>{"B"}) << Jobs;
    EXPECT_EQ(ModelsOf["/virtual/proj/c3.py"], std::set<std::string>{"A"}) << Jobs;
  }
}

//===- PythonFrontendTest.cpp - Facts from Python source ------------------===//

#include "python/PythonFrontend.h"
#include "python/PythonSyntax.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <random>
#include <string>
#include <thread>
#include <vector>

using namespace paramlint;

namespace {

FileFacts facts(const std::string &Code) {
  SourceFile File("test.py", Code, SourceKind::Python);
  return extractPythonFacts(File);
}

/// `.a[0].b` for a path, so tests compare one string.
std::string pathText(const std::vector<PathSegment> &Path) {
  std::string Out;
  for (const PathSegment &S : Path)
    Out += S.K == PathSegment::Kind::Attr ? "." + S.Name : "[" + S.Name + "]";
  return Out;
}

/// `Instance(nn.Linear 4,bias=False)` / `Repeated*3(nn.ModuleList [*]=...)`.
std::string exprText(const ModuleExpr &E) {
  static const char *Kinds[] = {"Instance", "Indexed", "Repeated", "Keyed",
                                "Unknown"};
  std::string Out = Kinds[static_cast<int>(E.K)];
  if (E.Count)
    Out += "*" + std::to_string(*E.Count);
  Out += "(" + E.Callee;
  bool First = true;
  auto Sep = [&] {
    Out += First ? " " : ",";
    First = false;
  };
  for (const auto &P : E.Args.Positional) {
    Sep();
    Out += P ? *P : "?";
  }
  for (const auto &[Name, V] : E.Args.Keyword) {
    Sep();
    Out += Name + "=" + (V ? *V : "?");
  }
  for (const auto &[Key, Child] : E.Children)
    Out += " [" + Key + "]=" + exprText(Child);
  return Out + ")";
}

std::string sourceText(const SourceName &S) {
  std::string Out = S.Root;
  for (const std::string &K : S.Keys)
    Out += "[" + K + "]";
  return Out;
}

const ClassFact *findClass(const FileFacts &F, const std::string &Name) {
  for (const ClassFact &C : F.Classes)
    if (C.Name == Name)
      return &C;
  return nullptr;
}

std::vector<const MemberFact *> membersNamed(const ClassFact &C,
                                             const std::string &Name) {
  std::vector<const MemberFact *> Out;
  for (const MemberFact &M : C.Members)
    if (M.Name == Name)
      Out.push_back(&M);
  return Out;
}

/// The only member named Name (fails the test when there is not exactly one).
const MemberFact &member(const ClassFact &C, const std::string &Name) {
  auto Found = membersNamed(C, Name);
  EXPECT_EQ(Found.size(), 1u) << "member " << Name;
  static MemberFact Empty;
  return Found.empty() ? Empty : *Found.front();
}

/// Accesses as `Kind root.path` strings, in order.
std::vector<std::string> accessList(const FileFacts &F) {
  std::vector<std::string> Out;
  for (const AccessFact &A : F.Accesses) {
    const char *K = A.K == AccessFact::Kind::Read    ? "Read"
                    : A.K == AccessFact::Kind::Write ? "Write"
                                                     : "Mutate";
    Out.push_back(std::string(K) + (A.Called ? "()" : "") + " " + A.Root +
                  pathText(A.Path));
  }
  return Out;
}

const AccessFact *findAccess(const FileFacts &F, AccessFact::Kind K,
                             const std::string &RootAndPath) {
  for (const AccessFact &A : F.Accesses)
    if (A.K == K && A.Root + pathText(A.Path) == RootAndPath)
      return &A;
  return nullptr;
}

using Strings = std::vector<std::string>;

/// Names of a fact as plain strings, to compare with a list.
Strings strings(const std::vector<Symbol> &Names) {
  return Strings(Names.begin(), Names.end());
}

// --- imports
// -------------------------------------------------------------------

TEST(PythonFrontendTest, ImportForms) {
  FileFacts F = facts("import torch.nn as nn\n"
                      "import torch\n"
                      "import torch.nn.functional\n"
                      "from torch import nn as tnn, optim\n"
                      "from .model import GPT as G\n"
                      "from . import utils\n"
                      "from ..pkg.mod import Y\n"
                      "from x import (a,\n    b)\n"
                      "from helpers import *\n");
  ASSERT_EQ(F.Imports.size(), 11u);
  auto Check = [&](size_t I, const char *Module, const char *Name,
                   const char *Alias, unsigned Level) {
    SCOPED_TRACE(I);
    EXPECT_EQ(F.Imports[I].Module, Module);
    EXPECT_EQ(F.Imports[I].Name, Name);
    EXPECT_EQ(F.Imports[I].Alias, Alias);
    EXPECT_EQ(F.Imports[I].Level, Level);
    EXPECT_FALSE(F.Imports[I].IsAssignment);
  };
  Check(0, "torch.nn", "", "nn", 0);
  Check(1, "torch", "", "torch", 0);
  Check(2, "torch.nn.functional", "", "torch", 0);
  Check(3, "torch", "nn", "tnn", 0);
  Check(4, "torch", "optim", "optim", 0);
  Check(5, "model", "GPT", "G", 1);
  Check(6, "", "utils", "utils", 1);
  Check(7, "pkg.mod", "Y", "Y", 2);
  Check(8, "x", "a", "a", 0);
  Check(9, "x", "b", "b", 0);
  Check(10, "helpers", "*", "*", 0);
  // `import torch.nn as nn`: the span covers `torch.nn as nn`.
  EXPECT_EQ(F.Imports[0].Where.Begin, 7u);
  EXPECT_EQ(F.Imports[0].Where.End, 21u);
}

TEST(PythonFrontendTest, ImportsNestedInTryAndIf) {
  FileFacts F =
      facts("try:\n"
            "    from apex.normalization import FusedLayerNorm as LN\n"
            "except ImportError:\n"
            "    from torch.nn import LayerNorm as LN\n"
            "if USE_RMS:\n"
            "    import rms\n");
  ASSERT_EQ(F.Imports.size(), 3u);
  EXPECT_EQ(F.Imports[0].Module, "apex.normalization");
  EXPECT_EQ(F.Imports[0].Name, "FusedLayerNorm");
  EXPECT_EQ(F.Imports[0].Alias, "LN");
  EXPECT_EQ(F.Imports[1].Module, "torch.nn");
  EXPECT_EQ(F.Imports[1].Alias, "LN");
  EXPECT_EQ(F.Imports[2].Module, "rms");
}

TEST(PythonFrontendTest, ModuleLevelAliasAssignment) {
  FileFacts F = facts("import torch.nn as nn\n"
                      "LayerNorm = nn.LayerNorm\n"
                      "Norm = torch.nn.modules.normalization.RMSNorm\n"
                      "def f():\n"
                      "    Local = nn.Linear\n");
  ASSERT_EQ(F.Imports.size(), 3u);
  const ImportFact &A = F.Imports[1];
  EXPECT_TRUE(A.IsAssignment);
  EXPECT_EQ(A.Module, "nn");
  EXPECT_EQ(A.Name, "LayerNorm");
  EXPECT_EQ(A.Alias, "LayerNorm");
  EXPECT_EQ(A.Where.Begin, 22u);
  EXPECT_EQ(A.Where.End, 31u);
  EXPECT_TRUE(F.Imports[2].IsAssignment);
  EXPECT_EQ(F.Imports[2].Module, "torch.nn.modules.normalization");
  EXPECT_EQ(F.Imports[2].Name, "RMSNorm");
  // Inside a function it is a binding, not an import.
  ASSERT_EQ(F.Bindings.size(), 2u);
  EXPECT_EQ(F.Bindings[1].Var, "Local");
  EXPECT_EQ(F.Bindings[1].Root, "nn");
  EXPECT_EQ(pathText(F.Bindings[1].Path), ".Linear");
}

// --- classes
// -------------------------------------------------------------------

TEST(PythonFrontendTest, ClassesBasesMethodsAndNesting) {
  FileFacts F = facts("class A(nn.Module, metaclass=Meta):\n"
                      "    def __init__(self): pass\n"
                      "    @property\n"
                      "    def size(self): return 1\n"
                      "    class Inner(torch.nn.Module):\n"
                      "        def forward(self, x): return x\n"
                      "if FAST:\n"
                      "    class B(Base, Mixin):\n"
                      "        def __getattr__(self, n): pass\n"
                      "class C:\n"
                      "    def __setattr__(self, n, v): pass\n");
  ASSERT_EQ(F.Classes.size(), 4u);
  const ClassFact *A = findClass(F, "A");
  ASSERT_TRUE(A);
  EXPECT_EQ(strings(A->Bases), Strings({"nn.Module"}));
  EXPECT_EQ(strings(A->Methods), Strings({"__init__", "size"}));
  EXPECT_FALSE(A->HasDynamicAttributes);
  EXPECT_EQ(A->Where.Begin, 6u);
  EXPECT_EQ(A->Where.End, 7u);
  const ClassFact *Inner = findClass(F, "Inner");
  ASSERT_TRUE(Inner);
  EXPECT_EQ(strings(Inner->Bases), Strings({"torch.nn.Module"}));
  EXPECT_EQ(strings(Inner->Methods), Strings({"forward"}));
  const ClassFact *B = findClass(F, "B");
  ASSERT_TRUE(B);
  EXPECT_EQ(strings(B->Bases), Strings({"Base", "Mixin"}));
  EXPECT_TRUE(B->HasDynamicAttributes);
  const ClassFact *C = findClass(F, "C");
  ASSERT_TRUE(C);
  EXPECT_TRUE(C->Bases.empty());
  EXPECT_TRUE(C->HasDynamicAttributes);
}

// --- members
// -------------------------------------------------------------------

TEST(PythonFrontendTest, ParameterMembers) {
  const std::string Code =
      "class LN(nn.Module):\n"
      "    def __init__(self, d, affine):\n"
      "        self.scale = nn.Parameter(torch.ones(d))\n"
      "        self.shift = torch.nn.Parameter(torch.zeros(d))\n"
      "        self.gain = Parameter(torch.ones(d))\n"
      "        self.bias = nn.Parameter(torch.zeros(d)) if affine else None\n"
      "        self.none = None\n";
  FileFacts F = facts(Code);
  const ClassFact *C = findClass(F, "LN");
  ASSERT_TRUE(C);
  ASSERT_EQ(C->Members.size(), 5u);
  for (const char *Name : {"scale", "shift", "gain"}) {
    const MemberFact &M = member(*C, Name);
    EXPECT_EQ(M.Kind, MemberKind::Parameter) << Name;
    EXPECT_FALSE(M.Conditional) << Name;
  }
  const MemberFact &Bias = member(*C, "bias");
  EXPECT_EQ(Bias.Kind, MemberKind::Parameter);
  EXPECT_TRUE(Bias.Conditional);
  EXPECT_EQ(member(*C, "none").Kind, MemberKind::Attribute);
  // Where is the attribute name: `scale` in `self.scale`.
  const MemberFact &Scale = member(*C, "scale");
  EXPECT_EQ(Scale.Where.Begin, Code.find("scale ="));
  EXPECT_EQ(Scale.Where.End, Code.find("scale =") + 5);
}

TEST(PythonFrontendTest, RegisterCallsAndSetattr) {
  FileFacts F =
      facts("class M(nn.Module):\n"
            "    def __init__(self):\n"
            "        self.register_parameter('w', nn.Parameter(t))\n"
            "        self.register_parameter(\"b\", None)\n"
            "        self.register_buffer('mean', torch.zeros(3))\n"
            "        self.register_buffer('mask', m, persistent=False)\n"
            "        self.register_buffer('tmp', m, False)\n"
            "        self.add_module('proj', nn.Linear(2, 3))\n"
            "        self.register_module('act', nn.GELU())\n"
            "        setattr(self, 'gamma', nn.Parameter(g))\n"
            "        setattr(self, 'head', Head(4))\n"
            "        setattr(self, 'eps', 1e-5)\n");
  const ClassFact *C = findClass(F, "M");
  ASSERT_TRUE(C);
  EXPECT_TRUE(membersNamed(*C, "b").empty());
  EXPECT_EQ(member(*C, "w").Kind, MemberKind::Parameter);
  const MemberFact &Mean = member(*C, "mean");
  EXPECT_EQ(Mean.Kind, MemberKind::Buffer);
  EXPECT_TRUE(Mean.Persistent);
  EXPECT_EQ(member(*C, "mask").Kind, MemberKind::Buffer);
  EXPECT_FALSE(member(*C, "mask").Persistent);
  EXPECT_FALSE(member(*C, "tmp").Persistent);
  const MemberFact &Proj = member(*C, "proj");
  EXPECT_EQ(Proj.Kind, MemberKind::Module);
  EXPECT_EQ(exprText(Proj.Value), "Instance(nn.Linear 2,3)");
  EXPECT_EQ(exprText(member(*C, "act").Value), "Instance(nn.GELU)");
  EXPECT_EQ(member(*C, "gamma").Kind, MemberKind::Parameter);
  EXPECT_EQ(member(*C, "head").Kind, MemberKind::Module);
  EXPECT_EQ(exprText(member(*C, "head").Value), "Instance(Head 4)");
  EXPECT_EQ(member(*C, "eps").Kind, MemberKind::Attribute);
  // The name's Where is the string's content.
  EXPECT_EQ(member(*C, "w").Where.End - member(*C, "w").Where.Begin, 1u);
  EXPECT_EQ(member(*C, "mean").Where.End - member(*C, "mean").Where.Begin, 4u);
}

TEST(PythonFrontendTest, InstanceMembersKeepLiteralArgs) {
  FileFacts F =
      facts("class Block(nn.Module):\n"
            "    def __init__(self, cfg):\n"
            "        self.norm = nn.LayerNorm(cfg.d, eps=1e-5, bias=False)\n"
            "        self.att = MultiHeadAttention(768, \"x\", -1, qkv=cfg.q)\n"
            "        self.fn = self.make()\n"
            "        self.dim = cfg.d\n");
  const ClassFact *C = findClass(F, "Block");
  ASSERT_TRUE(C);
  EXPECT_EQ(member(*C, "norm").Kind, MemberKind::Module);
  EXPECT_EQ(exprText(member(*C, "norm").Value),
            "Instance(nn.LayerNorm ?,eps=1e-5,bias=False)");
  EXPECT_EQ(exprText(member(*C, "att").Value),
            "Instance(MultiHeadAttention 768,\"x\",-1,qkv=?)");
  EXPECT_EQ(exprText(member(*C, "fn").Value), "Instance(self.make)");
  EXPECT_EQ(member(*C, "dim").Kind, MemberKind::Attribute);
}

TEST(PythonFrontendTest, IndexedAndKeyedContainers) {
  FileFacts F =
      facts("class M(nn.Module):\n"
            "    def __init__(self):\n"
            "        self.a = nn.ModuleList([Lin(1), nn.ReLU()])\n"
            "        self.b = nn.Sequential(Lin(2), nn.GELU(), Lin(3))\n"
            "        self.c = nn.ModuleDict({'q': Lin(4), 'k': Lin(5)})\n"
            "        self.d = nn.ModuleDict(dict(x=Lin(6)))\n"
            "        self.e = nn.Sequential(OrderedDict([('fc', Lin(7)), "
            "('act', nn.Tanh())]))\n"
            "        self.f = nn.ModuleList()\n"
            "        self.g = nn.ParameterList([nn.Parameter(t)])\n");
  const ClassFact *C = findClass(F, "M");
  ASSERT_TRUE(C);
  EXPECT_EQ(exprText(member(*C, "a").Value),
            "Indexed(nn.ModuleList [0]=Instance(Lin 1) [1]=Instance(nn.ReLU))");
  EXPECT_EQ(exprText(member(*C, "b").Value),
            "Indexed(nn.Sequential [0]=Instance(Lin 2) [1]=Instance(nn.GELU) "
            "[2]=Instance(Lin 3))");
  EXPECT_EQ(exprText(member(*C, "c").Value),
            "Keyed(nn.ModuleDict [q]=Instance(Lin 4) [k]=Instance(Lin 5))");
  EXPECT_EQ(exprText(member(*C, "d").Value),
            "Keyed(nn.ModuleDict [x]=Instance(Lin 6))");
  EXPECT_EQ(
      exprText(member(*C, "e").Value),
      "Keyed(nn.Sequential [fc]=Instance(Lin 7) [act]=Instance(nn.Tanh))");
  EXPECT_EQ(exprText(member(*C, "f").Value), "Indexed(nn.ModuleList)");
  EXPECT_EQ(member(*C, "g").Kind, MemberKind::Module);
  EXPECT_EQ(exprText(member(*C, "g").Value), "Unknown(nn.ParameterList)");
}

TEST(PythonFrontendTest, RepeatedContainers) {
  FileFacts F = facts(
      "class GPT(nn.Module):\n"
      "    def __init__(self, cfg, n):\n"
      "        self.a = nn.ModuleList([Block(cfg) for _ in range(12)])\n"
      "        self.b = nn.ModuleList(Block(cfg) for i in range(n))\n"
      "        self.c = nn.Sequential(*[Block(cfg) for _ in range(cfg['n'])])\n"
      "        self.d = nn.ModuleList([nn.Sequential(nn.Linear(1, 1), "
      "nn.ReLU()) for _ in range(2, 5)])\n");
  const ClassFact *C = findClass(F, "GPT");
  ASSERT_TRUE(C);
  EXPECT_EQ(exprText(member(*C, "a").Value),
            "Repeated*12(nn.ModuleList [*]=Instance(Block ?))");
  EXPECT_EQ(exprText(member(*C, "b").Value),
            "Repeated(nn.ModuleList [*]=Instance(Block ?))");
  EXPECT_EQ(exprText(member(*C, "c").Value),
            "Repeated(nn.Sequential [*]=Instance(Block ?))");
  EXPECT_EQ(exprText(member(*C, "d").Value),
            "Repeated*3(nn.ModuleList [*]=Indexed(nn.Sequential "
            "[0]=Instance(nn.Linear 1,1) [1]=Instance(nn.ReLU)))");
}

TEST(PythonFrontendTest, AppendAndExtendOnContainers) {
  FileFacts F = facts("class M(nn.Module):\n"
                      "    def __init__(self):\n"
                      "        self.layers = nn.ModuleList()\n"
                      "        for i in range(4):\n"
                      "            self.layers.append(Layer(i))\n"
                      "        self.heads = nn.ModuleList()\n"
                      "        self.heads.append(A())\n"
                      "        self.heads.extend([B(), C()])\n"
                      "        self.seq = nn.Sequential()\n"
                      "        self.seq.extend([D() for _ in range(3)])\n");
  const ClassFact *C = findClass(F, "M");
  ASSERT_TRUE(C);
  EXPECT_EQ(exprText(member(*C, "layers").Value),
            "Repeated*4(nn.ModuleList [*]=Instance(Layer ?))");
  EXPECT_EQ(exprText(member(*C, "heads").Value),
            "Indexed(nn.ModuleList [0]=Instance(A) [1]=Instance(B) "
            "[2]=Instance(C))");
  EXPECT_EQ(exprText(member(*C, "seq").Value),
            "Repeated(nn.Sequential [*]=Instance(D))");
}

TEST(PythonFrontendTest, LocalFlowIntoContainers) {
  FileFacts F = facts("class M(nn.Module):\n"
                      "    def __init__(self, n):\n"
                      "        blocks = [Block(c) for _ in range(6)]\n"
                      "        self.h = nn.ModuleList(blocks)\n"
                      "        layers = []\n"
                      "        for i in range(n):\n"
                      "            layers.append(Layer(i))\n"
                      "        self.l = nn.Sequential(*layers)\n"
                      "        parts = [A(), B()]\n"
                      "        self.p = nn.ModuleList(parts)\n"
                      "        lin = nn.Linear(2, 2)\n"
                      "        self.lin = lin\n"
                      "        self.plain = blocks\n");
  const ClassFact *C = findClass(F, "M");
  ASSERT_TRUE(C);
  EXPECT_EQ(exprText(member(*C, "h").Value),
            "Repeated*6(nn.ModuleList [*]=Instance(Block ?))");
  EXPECT_EQ(exprText(member(*C, "l").Value),
            "Repeated(nn.Sequential [*]=Instance(Layer ?))");
  EXPECT_EQ(exprText(member(*C, "p").Value),
            "Indexed(nn.ModuleList [0]=Instance(A) [1]=Instance(B))");
  EXPECT_EQ(member(*C, "lin").Kind, MemberKind::Module);
  EXPECT_EQ(exprText(member(*C, "lin").Value), "Instance(nn.Linear 2,2)");
  // A plain Python list of modules registers nothing.
  EXPECT_EQ(member(*C, "plain").Kind, MemberKind::Attribute);
}

TEST(PythonFrontendTest, ConditionalMembers) {
  FileFacts F =
      facts("class M(nn.Module):\n"
            "    def __init__(self, cfg):\n"
            "        self.act = nn.GELU() if cfg.gelu else nn.ReLU()\n"
            "        self.drop = nn.Dropout(0.1) if cfg.p else None\n"
            "        if cfg.pre:\n"
            "            self.norm = nn.LayerNorm(4)\n"
            "        else:\n"
            "            self.norm = RMSNorm(4)\n"
            "        try:\n"
            "            self.fast = Fused()\n"
            "        except ImportError:\n"
            "            pass\n"
            "        self.out = nn.Linear(4, 4)\n");
  const ClassFact *C = findClass(F, "M");
  ASSERT_TRUE(C);
  auto Act = membersNamed(*C, "act");
  ASSERT_EQ(Act.size(), 2u);
  EXPECT_EQ(exprText(Act[0]->Value), "Instance(nn.GELU)");
  EXPECT_EQ(exprText(Act[1]->Value), "Instance(nn.ReLU)");
  EXPECT_TRUE(Act[0]->Conditional && Act[1]->Conditional);
  EXPECT_TRUE(member(*C, "drop").Conditional);
  EXPECT_EQ(member(*C, "drop").Kind, MemberKind::Module);
  auto Norm = membersNamed(*C, "norm");
  ASSERT_EQ(Norm.size(), 2u);
  EXPECT_TRUE(Norm[0]->Conditional && Norm[1]->Conditional);
  EXPECT_EQ(exprText(Norm[1]->Value), "Instance(RMSNorm 4)");
  EXPECT_TRUE(member(*C, "fast").Conditional);
  EXPECT_FALSE(member(*C, "out").Conditional);
}

TEST(PythonFrontendTest, ClassLevelHelperAndTupleMembers) {
  FileFacts F = facts("class M(nn.Module):\n"
                      "    eps = 1e-5\n"
                      "    dim: int\n"
                      "    size: int = 3\n"
                      "    def __init__(self):\n"
                      "        self._build()\n"
                      "        self.a, self.b = Lin(1), 2\n"
                      "    def _build(self):\n"
                      "        self.proj = nn.Linear(1, 1)\n");
  const ClassFact *C = findClass(F, "M");
  ASSERT_TRUE(C);
  for (const char *Name : {"eps", "dim", "size", "b"})
    EXPECT_EQ(member(*C, Name).Kind, MemberKind::Attribute) << Name;
  EXPECT_EQ(member(*C, "a").Kind, MemberKind::Module);
  EXPECT_EQ(member(*C, "proj").Kind, MemberKind::Module);
  EXPECT_EQ(strings(C->Methods), Strings({"__init__", "_build"}));
}

// --- scopes
// --------------------------------------------------------------------

TEST(PythonFrontendTest, ScopesAndParams) {
  FileFacts F = facts("class M(nn.Module):\n"
                      "    def forward(self, x: torch.Tensor, *args, k=1, "
                      "**kw) -> Tensor:\n"
                      "        def inner(y: 'GPT' = None):\n"
                      "            pass\n"
                      "@torch.no_grad()\n"
                      "def load(gpt: GPTModel, params, cfg: dict = {}):\n"
                      "    pass\n");
  ASSERT_EQ(F.Scopes.size(), 4u);
  EXPECT_EQ(F.Scopes[0].Name, "<module>");
  const ScopeFact &Fwd = F.Scopes[1];
  EXPECT_EQ(Fwd.Name, "forward");
  EXPECT_EQ(Fwd.Class, "M");
  EXPECT_EQ(Fwd.Parent, 0u);
  ASSERT_EQ(Fwd.Params.size(), 3u);
  EXPECT_EQ(Fwd.Params[0].Name, "self");
  EXPECT_EQ(Fwd.Params[0].Annotation, "");
  EXPECT_EQ(Fwd.Params[1].Name, "x");
  EXPECT_EQ(Fwd.Params[1].Annotation, "torch.Tensor");
  EXPECT_EQ(Fwd.Params[2].Name, "k");
  EXPECT_EQ(Fwd.Where.Begin, 28u);
  EXPECT_EQ(Fwd.Where.End, 35u);
  const ScopeFact &Inner = F.Scopes[2];
  EXPECT_EQ(Inner.Name, "inner");
  EXPECT_EQ(Inner.Class, "");
  EXPECT_EQ(Inner.Parent, 1u);
  ASSERT_EQ(Inner.Params.size(), 1u);
  EXPECT_EQ(Inner.Params[0].Annotation, "'GPT'");
  const ScopeFact &Load = F.Scopes[3];
  EXPECT_EQ(Load.Name, "load");
  EXPECT_EQ(Load.Parent, 0u);
  ASSERT_EQ(Load.Params.size(), 3u);
  EXPECT_EQ(Load.Params[0].Name, "gpt");
  EXPECT_EQ(Load.Params[0].Annotation, "GPTModel");
  EXPECT_EQ(Load.Params[2].Annotation, "dict");
}

// --- bindings
// ------------------------------------------------------------------

TEST(PythonFrontendTest, Bindings) {
  FileFacts F = facts("model = GPTModel(cfg)\n"
                      "typed: GPT = GPT(cfg)\n"
                      "other = mods.GPT2(cfg)\n"
                      "def f(m):\n"
                      "    blk = m.trf_blocks[0]\n"
                      "    same = m\n"
                      "    clone = self.__class__(cfg)\n"
                      "    for b in m.trf_blocks:\n"
                      "        pass\n"
                      "    for i, layer in enumerate(m.layers[1:]):\n"
                      "        pass\n"
                      "    n = 3\n");
  std::vector<std::string> Got;
  for (const BindingFact &B : F.Bindings)
    Got.push_back(std::to_string(B.Scope) + " " + B.Var + " " +
                  (B.K == BindingFact::Kind::Instance
                       ? "= " + B.Callee + "()"
                       : "-> " + B.Root + pathText(B.Path)));
  EXPECT_EQ(Got,
            Strings({"0 model = GPTModel()", "0 typed = GPT()",
                     "0 other = mods.GPT2()", "1 blk -> m.trf_blocks[0]",
                     "1 same -> m", "1 clone = self.__class__()",
                     "1 b -> m.trf_blocks[*]", "1 layer -> m.layers[*][*]"}));
  EXPECT_EQ(F.Bindings[0].Where.Begin, 0u);
  EXPECT_EQ(F.Bindings[0].Where.End, 5u);
}

// --- accesses
// ------------------------------------------------------------------

TEST(PythonFrontendTest, AccessKindsAndMaximalChains) {
  const std::string Code =
      "import torch\n"
      "def load(gpt, params, sd):\n"
      "    gpt.x.scale = assign(gpt.x.scale, params['g'])\n"
      "    gpt.trf_blocks[b].norm1.weight.data = sd['w']\n"
      "    gpt.emb.weight.copy_(sd['e'])\n"
      "    gpt.emb.bias.data.zero_()\n"
      "    gpt.eval()\n"
      "    gpt.trf_blocks[0].att.forward(x)\n"
      "    y = gpt.out_head.weight.T\n"
      "    gpt.cfg['drop'] += 1\n"
      "    torch.manual_seed(0)\n"
      "    gpt.a._private_(1)\n";
  FileFacts F = facts(Code);
  EXPECT_EQ(accessList(F),
            Strings({"Write gpt.x.scale", "Read gpt.x.scale",
                     "Mutate gpt.trf_blocks[*].norm1.weight",
                     "Mutate gpt.emb.weight", "Mutate gpt.emb.bias",
                     "Read() gpt.eval", "Read() gpt.trf_blocks[0].att.forward",
                     "Read gpt.out_head.weight.T", "Write gpt.cfg[drop]",
                     "Read() gpt.a._private_"}));
  const AccessFact &W = F.Accesses[0];
  EXPECT_EQ(W.Scope, 1u);
  const size_t Line = Code.find("gpt.x.scale =");
  EXPECT_EQ(W.RootWhere.Begin, Line);
  EXPECT_EQ(W.RootWhere.End, Line + 3);
  // The statement is the whole line without its indentation.
  EXPECT_EQ(W.Statement.Begin, Line);
  EXPECT_EQ(W.Statement.End, Code.find('\n', Line));
  EXPECT_TRUE(W.ValueIsParameter);
  ASSERT_EQ(W.Sources.size(), 1u);
  EXPECT_EQ(sourceText(W.Sources[0]), "params[g]");
  EXPECT_TRUE(F.Accesses[1].Sources.empty());
  ASSERT_EQ(F.Accesses[3].Sources.size(), 1u);
  EXPECT_EQ(sourceText(F.Accesses[3].Sources[0]), "sd[e]");
  // Segment spans: `.scale` is the name; `[b]` the brackets.
  const PathSegment &Scale = W.Path[1];
  EXPECT_EQ(Scale.Where.Begin, Line + 6);
  EXPECT_EQ(Scale.Where.End, Line + 11);
  const PathSegment &Index = F.Accesses[2].Path[1];
  EXPECT_EQ(Index.K, PathSegment::Kind::Index);
  EXPECT_EQ(Index.Where.Begin, Code.find("[b]"));
  EXPECT_EQ(Index.Where.End, Code.find("[b]") + 3);
}

TEST(PythonFrontendTest, ParameterHelpersMakeParameterValues) {
  FileFacts F = facts("def load(gpt, p):\n"
                      "    gpt.a.scale = to_param(p['g'])\n"
                      "    gpt.b.scale = nn.Parameter(p['g'])\n"
                      "    gpt.c.scale = utils.make_parameter(p['g'])\n"
                      "    gpt.d.scale = get_params(p)\n"
                      "    gpt.e.scale = torch.tensor(p['g'])\n");
  auto IsParam = [&](const std::string &Path) {
    const AccessFact *A = findAccess(F, AccessFact::Kind::Write, Path);
    return A && A->ValueIsParameter;
  };
  EXPECT_TRUE(IsParam("gpt.a.scale"));
  EXPECT_TRUE(IsParam("gpt.b.scale"));
  EXPECT_TRUE(IsParam("gpt.c.scale"));
  EXPECT_FALSE(IsParam("gpt.d.scale"));
  EXPECT_FALSE(IsParam("gpt.e.scale"));
}

TEST(PythonFrontendTest, SelfChainsAreAccessesAndImportsAreNot) {
  FileFacts F = facts("import torch.nn as nn\n"
                      "class M(nn.Module):\n"
                      "    def forward(self, x):\n"
                      "        return self.norm(nn.functional.relu(x))\n"
                      "def g():\n"
                      "    return F.relu(np.zeros(1))\n"
                      "import torch.nn.functional as F\n");
  // `np` is not imported here, so its chain stays; `F` is imported late.
  EXPECT_EQ(accessList(F), Strings({"Read() self.norm", "Read() np.zeros"}));
  EXPECT_EQ(F.Accesses[0].Scope, 1u);
}

TEST(PythonFrontendTest, SourcesOfWrittenValues) {
  FileFacts F =
      facts("def load(gpt, params, sd, w):\n"
            "    gpt.a.scale = nn.Parameter(torch.tensor(params['blocks'][b]"
            "['ln_1']['g']))\n"
            "    gpt.a.bias = assign(gpt.a.bias, sd['h.0.ln_1.bias'])\n"
            "    gpt.b.weight = w[f'h.{i}.ln_1.g']\n"
            "    q, k, v = np.split((params['blocks'][b]['attn'])['w'], 3)\n"
            "    gpt.c.weight = assign(gpt.c.weight, q.T)\n"
            "    gpt.d.weight = sd['x.%d.y' % i] + sd['p.' + name]\n"
            "    gpt.e.weight = sd['{}.w'.format(i)]\n"
            "    gpt.f.weight = torch.zeros(3)\n");
  auto SourcesOf = [&](const std::string &Path) {
    Strings Out;
    if (const AccessFact *A = findAccess(F, AccessFact::Kind::Write, Path))
      for (const SourceName &S : A->Sources)
        Out.push_back(sourceText(S));
    else
      ADD_FAILURE() << "no write of " << Path;
    return Out;
  };
  EXPECT_EQ(SourcesOf("gpt.a.scale"), Strings({"params[blocks][*][ln_1][g]"}));
  EXPECT_EQ(SourcesOf("gpt.a.bias"), Strings({"sd[h.0.ln_1.bias]"}));
  EXPECT_EQ(SourcesOf("gpt.b.weight"), Strings({"w[h.*.ln_1.g]"}));
  EXPECT_EQ(SourcesOf("gpt.c.weight"), Strings({"params[blocks][*][attn][w]"}));
  EXPECT_EQ(SourcesOf("gpt.d.weight"), Strings({"sd[x.*.y]", "sd[p.*]"}));
  EXPECT_EQ(SourcesOf("gpt.e.weight"), Strings({"sd[*.w]"}));
  EXPECT_EQ(SourcesOf("gpt.f.weight"), Strings({}));
  EXPECT_TRUE(
      findAccess(F, AccessFact::Kind::Write, "gpt.a.scale")->ValueIsParameter);
  EXPECT_TRUE(
      findAccess(F, AccessFact::Kind::Write, "gpt.a.bias")->ValueIsParameter);
  EXPECT_FALSE(
      findAccess(F, AccessFact::Kind::Write, "gpt.b.weight")->ValueIsParameter);
  const AccessFact *A = findAccess(F, AccessFact::Kind::Write, "gpt.a.bias");
  // The source's span is the whole subscript chain.
  EXPECT_EQ(A->Sources[0].Where.End - A->Sources[0].Where.Begin,
            std::string("sd['h.0.ln_1.bias']").size());
}

// --- calls
// ---------------------------------------------------------------------

TEST(PythonFrontendTest, Calls) {
  FileFacts F = facts("def main():\n"
                      "    load_weights_into_gpt(gpt, params, strict=flag, "
                      "n=3)\n"
                      "utils.load(model, cfg['x'], *rest, device=dev)\n"
                      "get()(x)\n"
                      "torch.cat([a, b], dim=1)\n"
                      "model.to(device)\n"
                      "helper(model)\n"
                      "helper.attr(model)\n"
                      "def helper(m):\n    pass\n"
                      "from loader import load_weights_into_gpt\n"
                      "import utils\n");
  // `get()` and `torch.cat(...)` pass no plain identifier: they can bind no
  // parameter and are not kept. Nor are calls whose callee cannot name a
  // project function: `model.to` (a variable's method) and `helper.attr`;
  // imported names (even imported after the call) and the file's own
  // module-level functions can.
  ASSERT_EQ(F.Calls.size(), 3u);
  EXPECT_EQ(F.Calls[2].Callee, "helper");
  EXPECT_EQ(strings(F.Calls[2].Args), Strings({"model"}));
  const CallFact &A = F.Calls[0];
  EXPECT_EQ(A.Scope, 1u);
  EXPECT_EQ(A.Callee, "load_weights_into_gpt");
  EXPECT_EQ(strings(A.Args), Strings({"gpt", "params"}));
  ASSERT_EQ(A.Keyword.size(), 1u);
  EXPECT_EQ(A.Keyword[0].first, "strict");
  EXPECT_EQ(A.Keyword[0].second, "flag");
  EXPECT_EQ(A.Where.Begin, 16u);
  EXPECT_EQ(A.Where.End, 37u);
  const CallFact &B = F.Calls[1];
  EXPECT_EQ(B.Scope, 0u);
  EXPECT_EQ(B.Callee, "utils.load");
  EXPECT_EQ(strings(B.Args), Strings({"model", "", ""}));
}

TEST(PythonFrontendTest, AStarImportKeepsEveryCall) {
  // Any name may come from the star-imported module.
  FileFacts F = facts("from model import *\nanything(gpt)\nx.y(gpt)\n");
  ASSERT_EQ(F.Calls.size(), 2u);
  EXPECT_EQ(F.Calls[0].Callee, "anything");
  EXPECT_EQ(F.Calls[1].Callee, "x.y");
}

// --- problems
// ------------------------------------------------------------------

TEST(PythonFrontendTest, ParseProblemAtFirstError) {
  FileFacts F = facts("x = 1\nfoo(a))\nm.a.b = 2\nbar(]\n");
  ASSERT_EQ(F.Problems.size(), 1u);
  EXPECT_EQ(F.Problems[0].Message, "syntax error: unexpected `)`");
  EXPECT_EQ(F.Problems[0].Where.Begin, 12u);
  EXPECT_EQ(F.Problems[0].Where.End, 13u);
  // The rest of the file still yields facts.
  EXPECT_NE(findAccess(F, AccessFact::Kind::Write, "m.a.b"), nullptr);

  FileFacts Missing = facts("class A(B:\n  pass\n");
  ASSERT_EQ(Missing.Problems.size(), 1u);
  EXPECT_EQ(Missing.Problems[0].Message, "syntax error: missing `)`");
  EXPECT_EQ(Missing.Problems[0].Where.Begin, 9u);
  EXPECT_EQ(Missing.Problems[0].Where.End, 9u);

  FileFacts Clean = facts("x = 1\n");
  EXPECT_TRUE(Clean.Problems.empty());
}

// --- robustness
// ----------------------------------------------------------------

TEST(PythonFrontendTest, DeepNestingDoesNotCrash) {
  // Within what tree-sitter can hold: the walk must be iterative.
  std::string Parens = "x = " + std::string(20000, '(') + "m.a.b" +
                       std::string(20000, ')') + "\nm.c = 1\n";
  FileFacts A = facts(Parens);
  EXPECT_TRUE(A.Problems.empty());
  EXPECT_NE(findAccess(A, AccessFact::Kind::Read, "m.a.b"), nullptr);
  EXPECT_NE(findAccess(A, AccessFact::Kind::Write, "m.c"), nullptr);

  std::string Chain = "y = a";
  for (int I = 0; I < 20000; ++I)
    Chain += ".b[0]";
  FileFacts B = facts(Chain + "\n");
  ASSERT_EQ(B.Accesses.size(), 1u);
  EXPECT_EQ(B.Accesses[0].Path.size(), 40000u);

  // Beyond it: refused with a problem, never a crash (tree-sitter 0.20.7
  // aborts on such trees).
  for (const std::string &Deep :
       {std::string(100000, '(') + std::string(100000, ')'),
        "x = " + std::string(100000, '['), "x = " + std::string(100000, '-'),
        [] {
          std::string S = "x = ";
          for (int I = 0; I < 70000; ++I)
            S += "not ";
          return S;
        }()}) {
    FileFacts D = facts(Deep);
    ASSERT_EQ(D.Problems.size(), 1u);
    EXPECT_EQ(D.Problems[0].Message,
              "syntax error: too deeply nested to parse");
    ASSERT_EQ(D.Scopes.size(), 1u);
  }

  std::string Ifs;
  for (int I = 0; I < 5000; ++I)
    Ifs += std::string(I, ' ') + "if x:\n";
  Ifs += std::string(5000, ' ') + "m.a = 1\n";
  FileFacts E = facts(Ifs);
  EXPECT_EQ(E.Scopes.size(), 1u);
  EXPECT_EQ(E.Problems.size(), 1u);
  EXPECT_GT(parsePythonOnly(Ifs), 5000u);
}

// The guard counts at most one stack entry per byte: its limit is first
// passed by the byte after it, and texts within it are not scanned.
TEST(PythonFrontendTest, OverflowGuardBoundary) {
  EXPECT_EQ(py::findParserOverflowRisk(std::string(50000, '(')), std::nullopt);
  EXPECT_EQ(py::findParserOverflowRisk(std::string(50001, '(')),
            std::optional<uint32_t>(50000));
  // `x`, `=` and one entry per `-`: the 50,001st entry is the last `-`.
  EXPECT_EQ(py::findParserOverflowRisk("x = " + std::string(49998, '-')),
            std::nullopt);
  EXPECT_EQ(py::findParserOverflowRisk("x = " + std::string(49999, '-')),
            std::optional<uint32_t>(50002));
}

TEST(PythonFrontendTest, RandomBytesDoNotCrash) {
  std::mt19937 Rng(1234);
  const std::string Seed = "class M(nn.Module):\n"
                           "    def __init__(self):\n"
                           "        self.h = nn.ModuleList([B() for _ in "
                           "range(3)])\n"
                           "def f(m, sd):\n"
                           "    m.h[0].w = nn.Parameter(sd[f'h.{i}'])\n";
  for (int Round = 0; Round < 300; ++Round) {
    std::string Text;
    if (Round % 2 == 0) {
      size_t Len = Rng() % 2048;
      for (size_t I = 0; I < Len; ++I)
        Text += static_cast<char>(Rng() % 256);
    } else {
      // Mutated Python keeps the parser deep in real constructs.
      Text = Seed;
      for (int I = 0; I < 8; ++I)
        Text[Rng() % Text.size()] = "([{)]}:.,='\"\\\n \0\xff"[Rng() % 18];
    }
    FileFacts F = facts(Text);
    ASSERT_FALSE(F.Scopes.empty());
    EXPECT_EQ(F.Scopes[0].Name, "<module>");
    for (const ParseProblem &P : F.Problems)
      EXPECT_LE(P.Where.End, Text.size());
  }
}

TEST(PythonFrontendTest, ThreadsGetTheSameFacts) {
  std::string Code = "class M(nn.Module):\n"
                     "    def __init__(self):\n"
                     "        self.a = nn.Linear(1, 2)\n"
                     "def f(m):\n"
                     "    m.a.weight.copy_(t)\n";
  size_t Expected = facts(Code).Accesses.size();
  std::vector<size_t> Got(4);
  std::vector<std::thread> Threads;
  for (size_t T = 0; T < Got.size(); ++T)
    Threads.emplace_back([&, T] {
      for (int I = 0; I < 50; ++I)
        Got[T] = facts(Code).Accesses.size();
    });
  for (std::thread &T : Threads)
    T.join();
  for (size_t N : Got)
    EXPECT_EQ(N, Expected);
  EXPECT_GT(parsePythonOnly(Code), 20u);
}

} // namespace

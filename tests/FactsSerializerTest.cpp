//===- FactsSerializerTest.cpp - The cache's binary form of FileFacts -----===//
///
/// \file
/// Facts built from every fixture and example file survive serialise →
/// deserialise with every field equal (FactsDump compares them field by
/// field) and serialise again to the same bytes; damaged bytes are
/// rejected, never a crash.
///
//===----------------------------------------------------------------------===//
#include "FactsDump.h"
#include "TestSupport.h"

#include "SourceFile.h"
#include "cache/FactsSerializer.h"
#include "python/Notebook.h"
#include "python/PythonFrontend.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <limits>
#include <set>

namespace paramlint::test {
namespace {
namespace fs = std::filesystem;

/// Every `.py` and `.ipynb` under fixtures/ and examples/, sorted.
std::vector<std::string> sourceFiles() {
  std::vector<std::string> Out;
  for (const char *Root : {"fixtures", "examples"}) {
    std::error_code EC;
    for (fs::recursive_directory_iterator It(sourceDir() + "/" + Root, EC), End;
         !EC && It != End; It.increment(EC)) {
      std::string Ext = It->path().extension().string();
      if (It->is_regular_file() && (Ext == ".py" || Ext == ".ipynb"))
        Out.push_back(It->path().string());
    }
  }
  std::sort(Out.begin(), Out.end());
  return Out;
}

/// The facts the engine extracts from a file (notebooks through their
/// joined cells); nullopt for a notebook that does not read.
std::optional<FileFacts> factsOf(const std::string &Path) {
  std::string Bytes = readFile(Path);
  if (Path.size() > 6 && Path.compare(Path.size() - 6, 6, ".ipynb") == 0) {
    auto NB = readNotebook(Path, Bytes);
    if (!NB) {
      llvm::consumeError(NB.takeError());
      return std::nullopt;
    }
    return extractPythonFacts(**NB);
  }
  return extractPythonFacts(SourceFile(Path, Bytes, SourceKind::Python));
}

std::string bytesOf(const FileFacts &F) {
  std::string Out;
  EXPECT_TRUE(serializeFacts(F, Out));
  return Out;
}

/// Kinds of facts no fixture happens to produce: key renames, a
/// `state_dict()` variable, a literal repeat count.
const char *const ExtraSource = R"(import re
import torch.nn as nn


class Net(nn.Module):
    def __init__(self):
        super().__init__()
        self.blocks = nn.ModuleList([nn.Linear(2, 2) for _ in range(3)])


def convert(model, sd):
    renames = {"gamma": "weight", "beta": "bias"}
    own = model.state_dict()
    out = {}
    for k, v in sd.items():
        k = k.replace("gamma", "weight")
        k = re.sub(r"beta$", "bias", k)
        out[k] = v
    model.load_state_dict(out, strict=False)
)";

TEST(FactsSerializerTest, EveryFixtureRoundTripsFieldByField) {
  std::vector<std::string> Files = sourceFiles();
  TempDir Extra;
  Files.push_back(Extra.write("extra.py", ExtraSource));
  ASSERT_GE(Files.size(), 30u) << "fixtures not found under " << sourceDir();
  // Which lists and kinds the fixtures exercised: the round trip proves
  // little for a list that is always empty.
  std::set<std::string> Seen;
  size_t Notebooks = 0;
  for (const std::string &Path : Files) {
    SCOPED_TRACE(Path);
    std::optional<FileFacts> Facts = factsOf(Path);
    if (!Facts)
      continue;
    Notebooks += Path.find(".ipynb") != std::string::npos;
    std::string Bytes = bytesOf(*Facts);
    std::optional<FileFacts> Back = deserializeFacts(Bytes);
    ASSERT_TRUE(Back.has_value());
    EXPECT_EQ(dumpFacts(*Back), dumpFacts(*Facts));
    EXPECT_EQ(bytesOf(*Back), Bytes);

    const FileFacts &F = *Facts;
    auto Note = [&](bool Has, const char *What) {
      if (Has)
        Seen.insert(What);
    };
    Note(!F.Imports.empty(), "imports");
    Note(!F.Classes.empty(), "classes");
    Note(F.Scopes.size() > 1, "scopes");
    Note(!F.Bindings.empty(), "bindings");
    Note(!F.Accesses.empty(), "accesses");
    Note(!F.Calls.empty(), "calls");
    Note(!F.KeyUses.empty(), "key uses");
    Note(!F.Renames.empty(), "renames");
    Note(!F.LoadStateDicts.empty(), "load_state_dict");
    Note(!F.StateDicts.empty(), "state_dict");
    Note(!F.Problems.empty(), "problems");
    Note(!F.Suppressions.empty(), "suppressions");
    for (const ClassFact &C : F.Classes) {
      Note(C.Norm && C.Norm->EpsValue.has_value(), "norm semantics");
      for (const MemberFact &M : C.Members) {
        Note(M.Kind == MemberKind::Module && !M.Value.Children.empty(),
             "container members");
        Note(M.Value.Count.has_value(), "repeat counts");
        Note(!M.Value.Args.Keyword.empty(), "keyword args");
      }
    }
    for (const AccessFact &A : F.Accesses)
      Note(!A.Sources.empty(), "access sources");
    for (const LoadStateDictFact &L : F.LoadStateDicts)
      Note(L.Strict.has_value(), "literal strict");
  }
  EXPECT_GE(Notebooks, 1u);
  for (const char *What :
       {"imports", "classes", "scopes", "bindings", "accesses", "calls",
        "key uses", "renames", "load_state_dict", "state_dict", "problems",
        "suppressions", "container members", "repeat counts", "keyword args",
        "access sources", "literal strict", "norm semantics"})
    EXPECT_TRUE(Seen.count(What)) << "no fixture has " << What;
}

/// Facts with every field away from its default, and edge values: empty
/// and non-ASCII strings, a NUL byte, the largest offsets, both states of
/// every optional, nested containers.
FileFacts richFacts() {
  const uint32_t Max = std::numeric_limits<uint32_t>::max();
  FileFacts F;
  F.Imports.push_back({"torch.nn", "LayerNorm", "LN", 2, true, {Max - 1, Max}});
  F.Imports.push_back({"", "", "", 0, false, {}});
  ModuleExpr Leaf;
  Leaf.K = ModuleExpr::Kind::Instance;
  Leaf.Callee = "nn.LayerNorm";
  Leaf.Args.Positional = {std::string("768"), std::nullopt, std::string("")};
  Leaf.Args.Keyword = {{"bias", std::string("False")}, {"eps", std::nullopt}};
  Leaf.Where = {3, 9};
  ModuleExpr List;
  List.K = ModuleExpr::Kind::Repeated;
  List.Callee = "nn.ModuleList";
  List.Children = {{"*", Leaf}, {"k\xc3\xa9y", Leaf}};
  List.Count = 12;
  List.Where = {1, 40};
  MemberFact Member{"h", MemberKind::Module, List, true, false, {5, 6}};
  MemberFact Buffer{"mask", MemberKind::Buffer, {}, false, false, {7, 11}};
  F.Classes.push_back({"GPT",
                       {"nn.Module", "Mixin"},
                       {Member, Buffer},
                       {"forward", "__init__"},
                       true,
                       {0, 3}});
  NormSemanticsFact Norm;
  Norm.K = NormSemanticsFact::Kind::LayerNorm;
  Norm.Unbiased = true;
  Norm.Eps = NormSemanticsFact::EpsKind::AddedToStd;
  Norm.EpsValue = 1e-6;
  Norm.EpsOrigin = "default of `eps`";
  Norm.EpsParamIndex = 1;
  Norm.WidthParamIndex = -1;
  Norm.WidthValue = 768;
  Norm.Scale = "a_2";
  Norm.EpsSum = {50, 64};
  F.Classes.push_back({"LayerNorm", {"nn.Module"}, {}, {"forward"}, false, {45, 54}, Norm});
  F.Scopes.push_back({"<module>", "", 0, {}, {}});
  F.Scopes.push_back({"load", "GPT", 1, {{"m", "GPT"}, {"sd", ""}}, {20, 24}});
  PathSegment Attr{PathSegment::Kind::Attr, "ln_f", {30, 34}};
  PathSegment Index{PathSegment::Kind::Index, "*", {35, 36}};
  F.Bindings.push_back(
      {BindingFact::Kind::Alias, 1, "blk", "", "gpt", {Attr, Index}, {40, 43}});
  F.Bindings.push_back(
      {BindingFact::Kind::Instance, 0, "gpt", "GPT", "", {}, {44, 47}});
  F.Accesses.push_back({AccessFact::Kind::Mutate,
                        true,
                        true,
                        1,
                        "gpt",
                        {50, 53},
                        {Attr, Index},
                        std::vector<SourceName>{{"params", {"blocks", "*", "g"}, {60, 66}}},
                        {50, 90}});
  F.Calls.push_back(
      {1, "utils.load", {"gpt", ""}, {{"strict", "s"}}, {91, 95}});
  F.KeyUses.push_back({KeyUseFact::Kind::DictLiteral,
                       1,
                       "h.*.ln_1.g",
                       "sd",
                       {{"h.", {100, 102}}, {".ln_1.g", {103, 110}}},
                       {99, 111}});
  F.Renames.push_back({RenameFact::Kind::RegexSub,
                       1,
                       "gamma$",
                       "weight",
                       {120, 126},
                       {128, 134},
                       "renames"});
  F.LoadStateDicts.push_back({1, "gpt", {Attr}, "sd", false, true, {140, 155}});
  F.LoadStateDicts.push_back({0, "m", {}, "", std::nullopt, false, {}});
  F.StateDicts.push_back({1, "sd", "gpt", {Index}, {160, 162}});
  F.Problems.push_back({std::string("syntax error\0here", 17), {170, 171}});
  F.Suppressions.push_back(
      {{{"PL101", {180, 185}}, {"E501", {187, 191}}}, {174, 191}, {172, 199}});
  return F;
}

TEST(FactsSerializerTest, EveryFieldOfHandBuiltFactsRoundTrips) {
  FileFacts F = richFacts();
  std::string Bytes = bytesOf(F);
  std::optional<FileFacts> Back = deserializeFacts(Bytes);
  ASSERT_TRUE(Back.has_value());
  EXPECT_EQ(dumpFacts(*Back), dumpFacts(F));
  EXPECT_EQ(bytesOf(*Back), Bytes);
  // The dump is only a sound equality if it sees the fields: a change deep
  // inside must show in it (and in the bytes).
  FileFacts Changed = F;
  Changed.Classes[0]
      .Members[0]
      .Value.Children[1]
      .second.Args.Keyword[0]
      .second = "True";
  EXPECT_NE(dumpFacts(Changed), dumpFacts(F));
  EXPECT_NE(bytesOf(Changed), Bytes);
  Changed = F;
  Changed.Suppressions[0].Comment.End -= 1;
  EXPECT_NE(dumpFacts(Changed), dumpFacts(F));
  EXPECT_NE(bytesOf(Changed), Bytes);
}

TEST(FactsSerializerTest, EmptyFactsRoundTrip) {
  FileFacts Empty;
  std::optional<FileFacts> Back = deserializeFacts(bytesOf(Empty));
  ASSERT_TRUE(Back.has_value());
  EXPECT_EQ(dumpFacts(*Back), "");
}

TEST(FactsSerializerTest, DamagedBytesAreRejectedNotCrashed) {
  std::string Bytes = bytesOf(richFacts());
  // Every truncation is detected (lists and strings say how long they are).
  for (size_t Len = 0; Len < Bytes.size(); ++Len)
    EXPECT_FALSE(deserializeFacts(std::string_view(Bytes).substr(0, Len)))
        << "prefix of " << Len << " bytes accepted";
  EXPECT_FALSE(deserializeFacts(Bytes + '\0')) << "trailing byte accepted";
  // A flipped byte may still read as some facts (the cache's checksum
  // catches those); it must never read out of bounds or abort.
  size_t Rejected = 0;
  for (size_t I = 0; I < Bytes.size(); ++I) {
    std::string Bad = Bytes;
    Bad[I] = static_cast<char>(Bad[I] ^ 0xFF);
    Rejected += !deserializeFacts(Bad).has_value();
  }
  EXPECT_GT(Rejected, Bytes.size() / 4);
  // A huge count is refused before anything is allocated.
  EXPECT_FALSE(
      deserializeFacts(std::string("\xff\xff\xff\xff\xff\xff\xff\xff\x7f", 9)));
  EXPECT_FALSE(deserializeFacts(std::string(12, '\x80')));
}

TEST(FactsSerializerTest, TooDeepModuleExpressionsAreNotSerialized) {
  ModuleExpr E;
  for (unsigned I = 0; I < MaxModuleExprDepth; ++I) { // One too deep.
    ModuleExpr Outer;
    Outer.K = ModuleExpr::Kind::Indexed;
    Outer.Children.push_back({"0", std::move(E)});
    E = std::move(Outer);
  }
  FileFacts F;
  F.Classes.push_back({"Deep",
                       {},
                       {{"m", MemberKind::Module, E, false, true, {}}},
                       {},
                       false,
                       {}});
  std::string Out;
  EXPECT_FALSE(serializeFacts(F, Out));
  // One level less is fine.
  F.Classes[0].Members[0].Value = std::move(E.Children[0].second);
  Out.clear();
  ASSERT_TRUE(serializeFacts(F, Out));
  ASSERT_TRUE(deserializeFacts(Out).has_value());
  EXPECT_EQ(dumpFacts(*deserializeFacts(Out)), dumpFacts(F));
}

} // namespace
} // namespace paramlint::test

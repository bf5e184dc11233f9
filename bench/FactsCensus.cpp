//===- bench/FactsCensus.cpp - What the facts of a tree weigh -------------===//
///
/// \file
/// `facts_census [-j N] PATH...`: runs `analyze()` without the checks over
/// the paths and prints, per kind of fact, how many there are and the heap
/// bytes they hold (vectors by capacity, strings beyond the small-string
/// buffer by capacity), plus the source files' own tables, then the same
/// for what the link leaves in the graph (models and their trees, key
/// strings and index, bound accesses and their paths). It is how the
/// memory work of issue 8 measures each step (bench/README.md, run F):
/// heap profilers see allocation sites, this sees what the linker keeps.
///
//===----------------------------------------------------------------------===//
#include "Analysis.h"

#include <fmt/format.h>

#include <cstdlib>
#include <cstring>
#include <map>
#include <set>
#include <string>
#include <vector>

using namespace paramlint;

namespace {

/// Heap bytes and element counts per category.
struct Census {
  struct Row {
    size_t Count = 0, Bytes = 0;
  };
  std::map<std::string, Row> Rows;
  size_t Strings = 0, HeapStrings = 0, Symbols = 0;
  std::set<std::string> DistinctSymbols; ///< Texts of the interned names.
  std::set<std::string> Distinct; ///< Names (path segments, roots, callees).

  void add(const std::string &Key, size_t Count, size_t Bytes) {
    Rows[Key].Count += Count;
    Rows[Key].Bytes += Bytes;
  }
  /// A string's heap buffer: libstdc++ keeps up to 15 bytes inline.
  size_t str(const std::string &S, bool Name = false) {
    ++Strings;
    if (Name)
      Distinct.insert(S);
    if (S.capacity() <= 15)
      return 0;
    ++HeapStrings;
    return S.capacity() + 1;
  }
  /// An interned name: its text is stored once, in the table (a row of
  /// its own), so a fact pays only the pointer, counted with the fact.
  size_t str(const Symbol &S, bool Name = false) {
    ++Symbols;
    if (Name || !S.empty())
      DistinctSymbols.insert(S.str());
    return 0;
  }
  template <typename T> static size_t vec(const std::vector<T> &V) {
    return V.capacity() * sizeof(T);
  }
  /// A boxed list: the box (a std::vector) and its elements.
  template <typename T> static size_t vec(const BoxedVector<T> &V) {
    return V.empty() ? 0 : sizeof(std::vector<T>) + V.capacity() * sizeof(T);
  }
  size_t path(const std::vector<PathSegment> &P) {
    size_t B = vec(P);
    for (const PathSegment &S : P)
      B += str(S.Name, true);
    return B;
  }
  size_t expr(const ModuleExpr &E) {
    size_t B = str(E.Callee, true) + vec(E.Args.Positional) + vec(E.Args.Keyword) +
               vec(E.Args.ConfigKeys) + vec(E.Children);
    for (const auto &P : E.Args.Positional)
      B += P ? str(*P) : 0;
    for (const auto &[K, V] : E.Args.Keyword)
      B += str(K) + (V ? str(*V) : 0);
    for (const auto &[K, V] : E.Args.ConfigKeys)
      B += str(K) + str(V);
    for (const auto &[K, C] : E.Children)
      B += str(K) + expr(C);
    return B;
  }

  void file(const FileFacts &F) {
    size_t B = vec(F.Accesses), Segments = 0, SourceBytes = 0, PathBytes = 0;
    for (const AccessFact &A : F.Accesses) {
      B += str(A.Root, true);
      PathBytes += path(A.Path);
      Segments += A.Path.size();
      SourceBytes += vec(A.Sources);
      for (const SourceName &S : A.Sources) {
        SourceBytes += str(S.Root, true) + vec(S.Keys) + str(S.Table) + str(S.Selector);
        for (const std::string &K : S.Keys)
          SourceBytes += str(K);
      }
    }
    add("accesses (structs, roots)", F.Accesses.size(), B);
    add("accesses: path segments", Segments, PathBytes);
    add("accesses: sources", 0, SourceBytes);

    B = vec(F.Bindings);
    for (const BindingFact &X : F.Bindings)
      B += str(X.Var, true) + str(X.Callee, true) + str(X.Root, true) + path(X.Path);
    add("bindings", F.Bindings.size(), B);

    B = vec(F.Classes);
    size_t MemberBytes = 0, Members = 0;
    for (const ClassFact &C : F.Classes) {
      B += str(C.Name, true) + vec(C.Bases) + vec(C.Methods);
      for (const std::string &S : C.Bases)
        B += str(S);
      for (const std::string &S : C.Methods)
        B += str(S, true);
      if (C.Norm)
        B += str(C.Norm->Reason) + str(C.Norm->EpsOrigin) + str(C.Norm->Via);
      MemberBytes += vec(C.Members);
      Members += C.Members.size();
      for (const MemberFact &M : C.Members)
        MemberBytes += str(M.Name, true) + str(M.RoleHint) + expr(M.Value);
    }
    add("classes", F.Classes.size(), B);
    add("classes: members", Members, MemberBytes);

    B = vec(F.Scopes);
    for (const ScopeFact &S : F.Scopes) {
      B += str(S.Name, true) + str(S.Class, true) + vec(S.Params);
      for (const ParamFact &P : S.Params)
        B += str(P.Name, true) + str(P.Annotation);
    }
    add("scopes", F.Scopes.size(), B);

    B = vec(F.Calls);
    for (const CallFact &C : F.Calls) {
      B += str(C.Callee, true) + vec(C.Args) + vec(C.Keyword);
      for (const std::string &S : C.Args)
        B += str(S, true);
      for (const auto &[K, V] : C.Keyword)
        B += str(K, true) + str(V, true);
    }
    add("calls", F.Calls.size(), B);

    B = vec(F.KeyUses);
    for (const KeyUseFact &K : F.KeyUses) {
      B += str(K.Pattern) + str(K.Dict, true) + vec(K.Pieces);
      for (const KeyPiece &P : K.Pieces)
        B += str(P.Text);
    }
    add("key uses", F.KeyUses.size(), B);

    B = vec(F.Imports);
    for (const ImportFact &I : F.Imports)
      B += str(I.Module, true) + str(I.Name, true) + str(I.Alias, true);
    add("imports", F.Imports.size(), B);

    B = vec(F.Renames);
    for (const RenameFact &R : F.Renames)
      B += str(R.From) + str(R.To) + str(R.Map);
    add("renames", F.Renames.size(), B);

    B = vec(F.LoadStateDicts) + vec(F.StateDicts);
    for (const LoadStateDictFact &L : F.LoadStateDicts)
      B += str(L.Receiver) + path(L.Path) + str(L.Argument);
    for (const StateDictFact &S : F.StateDicts)
      B += str(S.Var) + str(S.Root) + path(S.Path);
    add("state dicts, loads", F.LoadStateDicts.size() + F.StateDicts.size(), B);

    B = vec(F.Suppressions) + vec(F.ConfigValues) + vec(F.NormUses) + vec(F.Problems);
    for (const SuppressionFact &S : F.Suppressions) {
      B += vec(S.Codes);
      for (const auto &C : S.Codes)
        B += str(C.Name);
    }
    for (const ConfigValueFact &C : F.ConfigValues)
      B += str(C.Dict) + str(C.Key);
    for (const ParseProblem &P : F.Problems)
      B += str(P.Message);
    add("suppressions, config values, other", F.Suppressions.size() +
        F.ConfigValues.size() + F.NormUses.size() + F.Problems.size(), B);
  }

  /// A module tree: its nodes, their slots, children and other names.
  void node(const ModuleNode &N) {
    add("graph: module nodes", 1, sizeof(ModuleNode) + str(N.ClassName));
    size_t B = vec(N.Slots);
    for (const SlotDef &S : N.Slots)
      B += str(S.Name);
    add("graph: slots", N.Slots.size(), B);
    B = vec(N.Children);
    for (const auto &[Name, Child] : N.Children)
      B += str(Name);
    add("graph: children", N.Children.size(), B);
    // A sorted array of interned names (graph/NameSet.h).
    add("graph: other names", N.OtherNames.size(), N.OtherNames.size() * sizeof(Symbol));
    for (const auto &[Name, Child] : N.Children)
      node(*Child);
  }

  /// What the linker leaves in the graph: models with their trees, keys and
  /// key index; bound accesses with their full paths; key uses.
  void graph(const ParamGraph &G) {
    for (const auto &M : G.Models) {
      add("graph: models", 1, sizeof(Model) + str(M->Name) + vec(M->Keys));
      node(*M->Root);
      size_t B = 0;
      for (const KeySlot &K : M->Keys)
        B += str(K.Key);
      add("graph: key strings", M->Keys.size(), B);
      // An unordered_map node: the next pointer, the value, the hash.
      B = M->ByLeaf.bucket_count() * sizeof(void *) + vec(M->WildcardLeaf);
      for (const auto &[Leaf, L] : M->ByLeaf) {
        B += 16 + sizeof(std::pair<const std::string, Model::LeafKeys>) + str(Leaf) +
             vec(L.All) + vec(L.OpenParent) + L.ByParent.bucket_count() * sizeof(void *);
        for (const auto &[Parent, Keys] : L.ByParent)
          B += 16 + sizeof(std::pair<const std::string, std::vector<const KeySlot *>>) +
               str(Parent) + vec(Keys);
      }
      add("graph: key index (ByLeaf)", M->ByLeaf.size(), B);
    }
    size_t B = vec(G.Accesses), PathBytes = 0, Segments = 0;
    for (const BoundAccess &A : G.Accesses) {
      B += str(A.Resolved.Key);
      PathBytes += vec(A.Path);
      Segments += A.Path.size();
    }
    add("graph: bound accesses", G.Accesses.size(), B);
    add("graph: bound access paths", Segments, PathBytes);
    B = vec(G.KeyUses);
    for (const BoundKeyUse &K : G.KeyUses)
      B += str(K.Prefix) + vec(K.Matches);
    add("graph: bound key uses", G.KeyUses.size(), B);
    B = vec(G.Loaders) + vec(G.Instances) + vec(G.Loads) + vec(G.Renames) +
        vec(G.LooseKeyUses);
    for (const Loader &L : G.Loaders)
      B += str(L.Function) + vec(L.Accesses);
    for (const Instance &I : G.Instances)
      B += str(I.Variable);
    add("graph: loaders, instances, loads, other", G.Loaders.size() + G.Instances.size(), B);
  }
};

} // namespace

/// Entry point: prints the census of the facts of PATH... on stdout.
int main(int Argc, char **Argv) {
  AnalysisOptions Options;
  Options.RunChecks = false;
  std::vector<std::string> Paths;
  for (int I = 1; I < Argc; ++I) {
    if ((!std::strcmp(Argv[I], "-j") || !std::strcmp(Argv[I], "--jobs")) &&
        I + 1 < Argc)
      Options.Jobs = std::max(1, std::atoi(Argv[++I]));
    else
      Paths.push_back(Argv[I]);
  }
  if (Paths.empty()) {
    std::fprintf(stderr, "usage: facts_census [-j N] PATH...\n");
    return 2;
  }
  auto A = analyze(Paths, Options);
  if (!A) {
    std::fprintf(stderr, "facts_census: %s\n", llvm::toString(A.takeError()).c_str());
    return 2;
  }
  Census C;
  size_t TextBytes = 0, Released = 0;
  for (const auto &F : (*A)->Files) {
    TextBytes += F->size();
    Released += F->released();
  }
  C.add("files (sizeof FileFacts)", (*A)->Facts.size(),
        (*A)->Facts.capacity() * sizeof(FileFacts));
  for (const FileFacts &F : (*A)->Facts)
    C.file(F);
  Census G;
  G.graph((*A)->Graph);
  // The table's share: each distinct text once, as a std::string in a
  // deque and an index entry (about 80 bytes of bookkeeping).
  size_t Table = 0;
  for (const std::string &T : C.DistinctSymbols)
    Table += 80 + (T.size() > 15 ? T.size() + 1 : 0);
  C.add("interned names (the table)", C.DistinctSymbols.size(), Table);
  size_t Total = 0;
  std::printf("%-40s %10s %10s\n", "what", "count", "MiB");
  for (const auto &[Key, R] : C.Rows) {
    std::printf("%-40s %10zu %10.2f\n", Key.c_str(), R.Count, R.Bytes / 1048576.0);
    Total += R.Bytes;
  }
  std::printf("%-40s %10s %10.2f\n", "facts in all", "", Total / 1048576.0);
  Total = 0;
  for (const auto &[Key, R] : G.Rows) {
    std::printf("%-40s %10zu %10.2f\n", Key.c_str(), R.Count, R.Bytes / 1048576.0);
    Total += R.Bytes;
  }
  std::printf("%-40s %10s %10.2f\n", "graph in all", "", Total / 1048576.0);
  std::printf("texts: %zu files, %.2f MiB analysed, %zu released\n",
              (*A)->Files.size(), TextBytes / 1048576.0, Released);
  std::printf("strings: %zu, %zu beyond the inline buffer; %zu distinct names; "
              "%zu interned names (Symbol)\n",
              C.Strings, C.HeapStrings, C.Distinct.size(), C.Symbols);
  std::printf("sizeof: AccessFact %zu, PathSegment %zu, BindingFact %zu, "
              "MemberFact %zu, ScopeFact %zu, CallFact %zu, KeyUseFact %zu, "
              "ImportFact %zu, std::string %zu\n",
              sizeof(AccessFact), sizeof(PathSegment), sizeof(BindingFact),
              sizeof(MemberFact), sizeof(ScopeFact), sizeof(CallFact),
              sizeof(KeyUseFact), sizeof(ImportFact), sizeof(std::string));
  std::printf("sizeof: ModuleNode %zu, SlotDef %zu, KeySlot %zu, BoundAccess %zu, "
              "Resolution %zu\n",
              sizeof(ModuleNode), sizeof(SlotDef), sizeof(KeySlot),
              sizeof(BoundAccess), sizeof(Resolution));
  return 0;
}

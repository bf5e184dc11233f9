//===- graph/Linker.cpp - Facts of all files to the ParamGraph ------------===//
#include "graph/Linker.h"

#include "Parallel.h"
#include "checks/Conventions.h"
#include "graph/KeyPattern.h"
#include "graph/LibraryClasses.h"
#include "graph/ModulePaths.h"
#include "graph/RootKeyIndex.h"

#include <algorithm>
#include <cctype>
#include <chrono>
#include <cstdint>
#include <filesystem>
#include <iterator>
#include <map>
#include <optional>
#include <set>
#include <tuple>
#include <unordered_map>

namespace paramlint {
namespace {

namespace fs = std::filesystem;

/// What a dotted name denotes.
struct Entity {
  enum class Kind { None, ProjectClass, ProjectFunction, ProjectModule, External };
  Kind K = Kind::None;
  unsigned File = 0;
  unsigned Index = 0; ///< Class index or scope index.
  Symbol Qualified;   ///< External: the dotted name it resolves to.
};

/// A file's names sorted by text, equal names in fact order: one array per
/// file where a hash map per file cost a node, a bucket and a copy of the
/// name per entry (the import, class and function tables of the benchmark
/// corpus were ~5 MiB as maps).
template <class T> using NamesOfFile = std::vector<std::pair<Symbol, T>>;

template <class T> void sortNames(NamesOfFile<T> &Names) {
  std::stable_sort(Names.begin(), Names.end(), [](const auto &A, const auto &B) {
    return A.first.view() < B.first.view();
  });
  Names.shrink_to_fit();
}

/// The entries named Name, in fact order.
template <class T>
std::pair<typename NamesOfFile<T>::const_iterator, typename NamesOfFile<T>::const_iterator>
entriesNamed(const NamesOfFile<T> &Names, std::string_view Name) {
  struct Less {
    bool operator()(const std::pair<Symbol, T> &E, std::string_view N) const {
      return E.first.view() < N;
    }
    bool operator()(std::string_view N, const std::pair<Symbol, T> &E) const {
      return N < E.first.view();
    }
  };
  return std::equal_range(Names.begin(), Names.end(), Name, Less());
}

/// A name asked about in one file. The text is a view: of the caller's
/// string for a lookup, of its interned copy (which lives as long as the
/// process) in a key a table keeps.
struct NameInFile {
  unsigned File;
  std::string_view Name;
  bool operator==(const NameInFile &O) const {
    return File == O.File && Name == O.Name;
  }
};
struct NameInFileHash {
  size_t operator()(const NameInFile &K) const {
    return std::hash<std::string_view>()(K.Name) * 31 + K.File;
  }
};

/// An import lookup: (importing directory, level, module), both texts
/// viewed as in NameInFile.
struct ModuleQuery {
  std::string_view Dir;
  unsigned Level;
  std::string_view Module;
  bool operator==(const ModuleQuery &O) const {
    return Level == O.Level && Dir == O.Dir && Module == O.Module;
  }
};
struct ModuleQueryHash {
  size_t operator()(const ModuleQuery &K) const {
    std::hash<std::string_view> H;
    return (H(K.Dir) * 31 + H(K.Module)) * 31 + K.Level;
  }
};

/// A variable tied to a model, with the path from the model's root.
struct Target {
  const Model *TheModel = nullptr;
  std::vector<PathSegment> Path;
  BindingKind How = BindingKind::Constructor;
  std::optional<Location> InstanceWhere;
};

/// Limits that keep linking linear and safe on cyclic or adversarial input.
constexpr unsigned MaxDepth = 24;
/// Binding steps one access may cost before paramlint gives up on it.
constexpr size_t MaxBindSteps = 4096;

std::vector<std::string> splitDots(const std::string &S) {
  std::vector<std::string> Parts;
  size_t Begin = 0;
  while (true) {
    size_t Dot = S.find('.', Begin);
    Parts.push_back(S.substr(Begin, Dot - Begin));
    if (Dot == std::string::npos)
      break;
    Begin = Dot + 1;
  }
  return Parts;
}

std::string joinDots(const std::vector<std::string> &Parts, size_t From,
                     size_t To) {
  std::string Out;
  for (size_t I = From; I < To; ++I)
    Out += (I == From ? "" : ".") + Parts[I];
  return Out;
}

/// `x.to(device)`, `x.eval()`: module methods that return the module.
bool returnsItself(const std::string &Callee) {
  static const std::set<std::string> Methods = {
      "to", "cuda", "cpu", "half", "float", "double", "bfloat16", "train",
      "eval", "requires_grad_", "to_empty"};
  size_t Dot = Callee.rfind('.');
  return Dot != std::string::npos && Methods.count(Callee.substr(Dot + 1));
}

bool containsNorm(const std::string &Name) {
  std::string Lower;
  for (char C : Name)
    Lower += static_cast<char>(std::tolower(static_cast<unsigned char>(C)));
  return Lower.find("norm") != std::string::npos;
}

/// Appends the time since the last lap to a LinkStepTimes, when there is
/// one (`check --timings`).
class StepClock {
public:
  explicit StepClock(LinkStepTimes *Steps) : Steps(Steps) {}
  void lap(const char *Name) {
    if (!Steps)
      return;
    auto Now = std::chrono::steady_clock::now();
    Steps->emplace_back(Name,
                        std::chrono::duration<double, std::milli>(Now - Last).count());
    Last = Now;
  }
  /// Appends a part of the next lap measured apart (it is also in the lap).
  void part(const char *Name, double Ms) {
    if (Steps)
      Steps->emplace_back(Name, Ms);
  }
  bool on() const { return Steps != nullptr; }

private:
  LinkStepTimes *Steps;
  std::chrono::steady_clock::time_point Last = std::chrono::steady_clock::now();
};

class Linker {
public:
  Linker(const std::vector<const SourceFile *> &Files,
         const std::vector<const FileFacts *> &Facts, unsigned Jobs,
         LinkStepTimes *Steps)
      : Files(Files), Facts(Facts), Jobs(Jobs), Clock(Steps) {}

  ParamGraph run();

private:
  const std::vector<const SourceFile *> &Files;
  const std::vector<const FileFacts *> &Facts;
  unsigned Jobs; ///< Workers for the independent steps (0: one per core).
  StepClock Clock;
  ParamGraph Graph;

  // Per-file name tables.
  std::vector<NamesOfFile<unsigned>> ClassByName;    ///< The last one counts.
  std::vector<NamesOfFile<unsigned>> FunctionByName; ///< The last one counts.
  std::vector<NamesOfFile<const ImportFact *>> ImportsByAlias;
  std::vector<std::string> ModuleKey; ///< Absolute path without `.py`.
  std::vector<std::string> FileDir;   ///< Directory of each file, as given.
  std::unordered_map<const SourceFile *, unsigned> IndexOfFile;
  const std::string &directoryOf(const SourceFile *F) const {
    return FileDir[IndexOfFile.at(F)];
  }
  std::unordered_map<std::string, unsigned> FileByModuleKey;
  std::vector<Symbol> AbsoluteDir; ///< Absolute directory of each file.
  /// The files an import may name, in the order Python would try them, by
  /// (importing directory, level, module): files of one directory share
  /// them, and finding them means path arithmetic the linker would
  /// otherwise redo for every lookup. Files, not the candidate paths: the
  /// paths of a large tree took ~15 MB.
  std::unordered_map<ModuleQuery, std::vector<unsigned>, ModuleQueryHash> ModuleFiles;
  /// C++ has no imports to follow: a class is named by its qualified name
  /// (`gpt::BlockImpl`) in every translation unit, so C++ files share one
  /// table. Partials are members defined outside the class body.
  std::unordered_map<std::string, std::pair<unsigned, unsigned>> CxxClassByName;
  std::unordered_map<std::string, std::vector<std::pair<unsigned, unsigned>>>
      CxxPartials;

  /// What a dotted name denotes in a file, for the names asked at the top
  /// (a std::map keyed by (file, std::string) and an Entity holding a
  /// std::string took 7.7 MiB on the benchmark corpus).
  std::unordered_map<NameInFile, Entity, NameInFileHash> ResolveCache;
  std::map<std::pair<unsigned, unsigned>, int> IsModuleMemo; ///< -1: visiting.
  std::map<std::pair<unsigned, unsigned>, const Model *> ModelOf;
  std::set<std::pair<unsigned, unsigned>> UsedAsSubmodule;


  bool CallIndexBuilt = false;
  std::map<std::pair<unsigned, unsigned>,
           std::vector<std::pair<unsigned, const CallFact *>>>
      CallsTo;

  void indexFiles();
  std::optional<unsigned> findModuleFile(unsigned From, unsigned Level,
                                         const std::string &Module);
  Entity resolve(unsigned File, const std::string &Dotted, unsigned Depth = 0);
  Entity resolveUncached(unsigned File, const std::string &Dotted,
                         unsigned Depth);
  Entity resolveIn(unsigned From, unsigned Level, const std::string &Qualified,
                   unsigned Depth);
  bool isModuleClass(unsigned File, unsigned Class, unsigned Depth = 0);

  std::unique_ptr<ModuleNode>
  buildClass(unsigned File, unsigned Class, unsigned Depth,
             std::vector<std::pair<unsigned, unsigned>> &Stack);
  std::unique_ptr<ModuleNode>
  buildExpr(unsigned File, const ModuleExpr &E, unsigned Depth,
            std::vector<std::pair<unsigned, unsigned>> &Stack);
  void emitKeys(const ModuleNode &Node, const std::string &Prefix,
                bool Conditional, std::vector<KeySlot> &Out);

  const Model *modelFor(const Entity &E) const;
  const Model *modelForCallee(unsigned File, unsigned Scope,
                              const std::string &Callee);
  /// Every binding by (file, scope, variable), in fact order within one
  /// variable: a sorted list, not a map of lists (one node and one list per
  /// variable were 8 MiB on the benchmark corpus, held through the link).
  struct BindingEntry {
    unsigned File;
    unsigned Scope;
    std::string_view Var;
    const BindingFact *Fact;
    bool operator<(const BindingEntry &O) const {
      return std::tie(File, Scope, Var) < std::tie(O.File, O.Scope, O.Var);
    }
  };
  std::vector<BindingEntry> BindingsByVar;
  std::map<std::tuple<unsigned, unsigned, std::string, uint32_t>,
           std::pair<std::optional<Target>, bool>>
      BindMemo;
  size_t BindSteps = 0;
  /// What one worker learns in a step that runs on the workers: the
  /// answers resolve() and findModuleFile() compute there, and the classes
  /// it finds used as submodules. The shared tables above are only read
  /// while workers run (see onWorkers for what is merged). The answers
  /// are the same whichever worker computes them (a name's resolution
  /// depends on the facts alone), so the graph does not depend on Jobs.
  /// Binding questions are memoised per file (Bindings, cleared for each
  /// file), so what a file's accesses bind to depends on that file's
  /// questions alone, never on which files a worker did before.
  struct WorkerTables {
    decltype(ResolveCache) Resolved;
    decltype(ModuleFiles) Modules;
    std::set<std::pair<unsigned, unsigned>> Submodules;
    decltype(BindMemo) Bindings;
    size_t BindSteps = 0;
    double BestMatchMs = 0; ///< CPU of best match, for `--timings`.
  };
  /// The calling thread's tables while it works on a parallel step, else
  /// null (then the shared tables are written).
  static thread_local WorkerTables *Local;
  /// The tables of each worker (by its index), kept for the whole link: a
  /// worker finds the names it resolved in an earlier step. Merging them
  /// into the shared tables after every step cost more (tens of thousands
  /// of tree insertions, 30 ms on one thread on the benchmark corpus) than
  /// the few names the serial steps ask again.
  std::vector<WorkerTables> Workers;
  /// Runs Body(I) for I in [0, N) on the workers, each with its own
  /// WorkerTables, then takes the classes they found used as submodules;
  /// with ShareNames, also the names they resolved (a serial step follows
  /// that asks them).
  template <typename Fn>
  void onWorkers(size_t N, Fn &&Body, bool ShareNames = false);
  /// Builds every module class's model (tree, keys, key index) on the
  /// workers and adds them to the graph in class order.
  void buildModels();
  std::optional<Target> bindVarUncached(unsigned File, unsigned Scope,
                                        const std::string &Var, uint32_t Before,
                                        unsigned Depth, bool &IsFreeParameter);
  std::optional<Target> bindVar(unsigned File, unsigned Scope,
                                const std::string &Var, uint32_t Before,
                                unsigned Depth, bool &IsFreeParameter);
  void buildCallIndex();
  unsigned enclosingClassScope(unsigned File, unsigned Scope) const;
  bool isImportedName(unsigned File, const std::string &Name) const;
  void bindAccesses();
  double BestMatchMs = 0; ///< CPU of best match in bindAccesses (`--timings`).
  /// Root models (indices into Graph.Models) by the names on their root
  /// (children and slots). A best-match group is scored only against the
  /// models that can explain two of its paths; scanning every root for
  /// every group made linking quadratic in the tree's size. An open root
  /// explains no path (resolvePath stops at it) and is never a candidate.
  ///
  /// Roots whose trees have the same names at every level resolve every
  /// path alike (resolvePath reads nothing else): only the first of each
  /// such tree is indexed, and TreeMembers lists the roots it stands for,
  /// so a tree that holds a package twice scores each group once per tree.
  std::unordered_map<std::string, std::vector<size_t>> RootsByTopName;
  std::unordered_map<size_t, std::vector<size_t>> TreeMembers;
  bool RootNamesIndexed = false;
  void indexRootNames();
  void bestMatch(unsigned File, unsigned Scope,
                 const std::vector<const AccessFact *> &Group,
                 std::vector<BoundAccess> &Out) const;
  void addAccess(unsigned File, const AccessFact &A, const Target &T,
                 double Confidence, std::vector<BoundAccess> &Out) const;
  void groupLoaders();

  /// Where the keys of a dict variable go.
  struct DictTarget {
    const Model *TheModel = nullptr;
    std::string Prefix;
    BindingKind How = BindingKind::Constructor;
  };
  /// (file, scope, variable) → target; variable "*" stands for every dict a
  /// project function builds and returns (`sd = convert(ckpt)`).
  std::map<std::tuple<unsigned, unsigned, std::string>, DictTarget> DictTargets;
  std::optional<DictTarget> dictTargetOf(unsigned File, unsigned Scope,
                                         const std::string &Root,
                                         const std::vector<PathSegment> &Path,
                                         uint32_t Before);
  void bindKeys();
  void addKeyUse(unsigned File, const KeyUseFact &K, const DictTarget &T,
                 double Confidence, BindingKind How);
  /// A best-match search for one group of unbound key uses, prepared with
  /// the key index: the literal keys that vote, the exact index's answer
  /// for each, and the candidate models ordered by how many keys they may
  /// explain. Planning marks models in a RootKeyIndex::Scratch of the
  /// worker's; scoring a plan (scoreKeyGroup) reads only the models.
  struct KeyGroupPlan {
    size_t GroupSize = 0;
    std::vector<const KeyUseFact *> Keys;
    std::vector<std::vector<unsigned>> Exact;
    std::vector<bool> Literal;
    std::vector<std::pair<size_t, unsigned>> Order; ///< (bound, model)
  };
  /// The model a group of key uses binds to (none: loose), and how sure.
  struct KeyGroupChoice {
    const Model *Best = nullptr;
    double Confidence = 0;
  };
  /// The keys of a group that vote in a best match (see planKeyGroup).
  static std::vector<const KeyUseFact *>
  votingKeys(const std::vector<const KeyUseFact *> &Group);
  /// The plan for Group; the key index's marks go to S, so that workers
  /// with a Scratch each plan at once. KeyIndex must be built when Group
  /// has two voting keys.
  KeyGroupPlan planKeyGroup(const std::vector<const KeyUseFact *> &Group,
                            RootKeyIndex::Scratch &S) const;
  /// What one worker keeps across the groups it scores: explainsKey's
  /// answers for the keys that are not in the exact index (a `*` in them),
  /// by (pattern, model). Groups of many loaders share their patterns
  /// (`input_blocks.*.0.op.weight`): on the benchmark corpus half of the
  /// 281,000 questions scoring asked had been asked before. An answer
  /// depends on the pattern and the model alone, so the memo changes no
  /// choice, whichever worker scores a group.
  struct KeyScoreMemo {
    std::unordered_map<std::string_view, uint32_t> PatternIds;
    /// (pattern id << 32 | model) → explains, in open addressing: a node
    /// per answer cost 4 ms to free on one thread after the workers ended.
    std::vector<uint64_t> Keys; ///< Empty where unused.
    std::vector<bool> Values;
    size_t Used = 0;
    static constexpr uint64_t Empty = ~uint64_t(0);
    /// At most this many slots (2 MiB of keys): a full table starts over,
    /// so the memo's memory does not grow with the tree (the answers that
    /// repeat are mostly those of one file's groups, asked close together).
    static constexpr size_t MaxSlots = size_t(1) << 18;

    /// The answer for Key, computed by Compute on the first ask.
    template <typename Fn> bool explains(uint64_t Key, Fn &&Compute) {
      if (2 * (Used + 1) > Keys.size()) {
        if (Keys.size() >= MaxSlots) {
          std::fill(Keys.begin(), Keys.end(), Empty);
          Used = 0;
        } else {
          grow();
        }
      }
      size_t Mask = Keys.size() - 1;
      size_t I = (Key * 0x9E3779B97F4A7C15ull) >> 20 & Mask;
      while (Keys[I] != Empty && Keys[I] != Key)
        I = (I + 1) & Mask;
      if (Keys[I] == Empty) {
        Keys[I] = Key;
        Values[I] = Compute();
        ++Used;
      }
      return Values[I];
    }

  private:
    void grow() {
      std::vector<uint64_t> OldKeys(std::max<size_t>(1024, 2 * Keys.size()), Empty);
      std::vector<bool> OldValues(OldKeys.size());
      OldKeys.swap(Keys);
      OldValues.swap(Values);
      size_t Mask = Keys.size() - 1;
      for (size_t J = 0; J < OldKeys.size(); ++J)
        if (OldKeys[J] != Empty) {
          size_t I = (OldKeys[J] * 0x9E3779B97F4A7C15ull) >> 20 & Mask;
          while (Keys[I] != Empty)
            I = (I + 1) & Mask;
          Keys[I] = OldKeys[J];
          Values[I] = OldValues[J];
        }
    }
  };
  KeyGroupChoice scoreKeyGroup(const KeyGroupPlan &Plan, KeyScoreMemo &Memo) const;
  /// Built on the first best-match search for keys, once models are final.
  std::optional<RootKeyIndex> KeyIndex;
  /// Per root model (by position in Graph.Models), the first root model
  /// with the same key space (keys and their roles); SpaceMembers holds,
  /// for each such first model, every root model of its space in order.
  /// Models with equal key spaces explain the same keys (explainsKey), so
  /// the key index holds one model per space and a group is scored once per
  /// space: a tree that holds a package twice (a vendored copy, a backup,
  /// the benchmark's copies) would otherwise cost the square.
  std::vector<unsigned> SameKeysAs;
  std::unordered_map<unsigned, std::vector<unsigned>> SpaceMembers;
  void classifyKeySpaces();
};

void Linker::indexFiles() {
  size_t N = Files.size();
  ClassByName.resize(N);
  FunctionByName.resize(N);
  ImportsByAlias.resize(N);
  ModuleKey.resize(N);
  FileDir.resize(N);
  AbsoluteDir.resize(N);
  // Each file's own tables on the workers. Bindings are sorted by file
  // first, so sorting each file's own is sorting them all.
  std::vector<std::vector<BindingEntry>> BindingsOf(N);
  parallelFor(N, Jobs, [&](size_t F) {
    const FileFacts &FF = *Facts[F];
    bool Cxx = Files[F]->kind() == SourceKind::Cxx;
    for (unsigned C = 0; C < FF.Classes.size(); ++C)
      if (!Cxx || !FF.Classes[C].IsPartial)
        ClassByName[F].emplace_back(FF.Classes[C].Name, C);
    for (unsigned S = 1; S < FF.Scopes.size(); ++S)
      if (FF.Scopes[S].Parent == 0 && FF.Scopes[S].Class.empty())
        FunctionByName[F].emplace_back(FF.Scopes[S].Name, S);
    for (const ImportFact &I : FF.Imports)
      ImportsByAlias[F].emplace_back(I.Alias, &I);
    sortNames(ClassByName[F]);
    sortNames(FunctionByName[F]);
    sortNames(ImportsByAlias[F]);
    for (const BindingFact &B : FF.Bindings)
      BindingsOf[F].push_back({static_cast<unsigned>(F), B.Scope, B.Var, &B});
    std::stable_sort(BindingsOf[F].begin(), BindingsOf[F].end());
    FileDir[F] = fs::path(Files[F]->path()).parent_path().string();
    fs::path P = absolutePath(Files[F]->path());
    AbsoluteDir[F] = P.parent_path().string();
    if (P.filename() == "__init__.py")
      P = P.parent_path();
    else
      P.replace_extension();
    ModuleKey[F] = P.string();
  });
  // The tables across files, in file order.
  size_t Bindings = 0;
  for (const std::vector<BindingEntry> &Of : BindingsOf)
    Bindings += Of.size();
  BindingsByVar.reserve(Bindings);
  for (unsigned F = 0; F < N; ++F) {
    const FileFacts &FF = *Facts[F];
    if (Files[F]->kind() == SourceKind::Cxx)
      for (unsigned C = 0; C < FF.Classes.size(); ++C) {
        if (FF.Classes[C].IsPartial)
          CxxPartials[FF.Classes[C].Name].push_back({F, C});
        else
          CxxClassByName.emplace(FF.Classes[C].Name, std::make_pair(F, C));
      }
    BindingsByVar.insert(BindingsByVar.end(), BindingsOf[F].begin(),
                         BindingsOf[F].end());
    IndexOfFile[Files[F]] = F;
    FileByModuleKey.emplace(ModuleKey[F], F);
  }
}

thread_local Linker::WorkerTables *Linker::Local = nullptr;

template <typename Fn>
void Linker::onWorkers(size_t N, Fn &&Body, bool ShareNames) {
  if (Workers.size() < workerCount(Jobs, N))
    Workers.resize(workerCount(Jobs, N));
  parallelForWorkers(N, Jobs, [&](size_t I, unsigned W) {
    Local = &Workers[W];
    Body(I);
    Local = nullptr;
  });
  for (WorkerTables &T : Workers) {
    if (ShareNames) {
      ResolveCache.merge(T.Resolved);
      ModuleFiles.merge(T.Modules);
    }
    UsedAsSubmodule.merge(T.Submodules);
    BestMatchMs += T.BestMatchMs;
    T.BestMatchMs = 0;
  }
}

std::optional<unsigned> Linker::findModuleFile(unsigned From, unsigned Level,
                                               const std::string &Module) {
  ModuleQuery ModuleKey{AbsoluteDir[From].view(), Level, Module};
  if (Local) {
    // On a worker: the shared table is only read.
    auto Shared = ModuleFiles.find(ModuleKey);
    if (Shared != ModuleFiles.end()) {
      for (unsigned F : Shared->second)
        if (F != From)
          return F;
      return std::nullopt;
    }
  }
  auto &Table = Local ? Local->Modules : ModuleFiles;
  auto Cached = Table.find(ModuleKey);
  if (Cached == Table.end()) {
    // The key keeps views: of the interned copy of the module's text.
    ModuleKey.Module = Symbol(Module).view();
    Cached = Table.emplace(ModuleKey, std::vector<unsigned>()).first;
    for (const std::string &Key : moduleKeyCandidates(AbsoluteDir[From], Level, Module)) {
      auto It = FileByModuleKey.find(Key);
      if (It != FileByModuleKey.end())
        Cached->second.push_back(It->second);
    }
  }
  for (unsigned F : Cached->second)
    if (F != From)
      return F;
  return std::nullopt;
}

Entity Linker::resolve(unsigned File, const std::string &Dotted,
                       unsigned Depth) {
  NameInFile Key{File, Dotted};
  auto It = ResolveCache.find(Key);
  if (It != ResolveCache.end())
    return It->second;
  if (Local) { // On a worker: the shared cache is only read.
    auto Mine = Local->Resolved.find(Key);
    if (Mine != Local->Resolved.end())
      return Mine->second;
  }
  Entity E = resolveUncached(File, Dotted, Depth);
  if (Depth == 0) {
    // The key keeps a view of the interned copy of the name's text.
    Key.Name = Symbol(Dotted).view();
    (Local ? Local->Resolved : ResolveCache).emplace(Key, E);
  }
  return E;
}

Entity Linker::resolveUncached(unsigned File, const std::string &Dotted,
                               unsigned Depth) {
  Entity None;
  if (Depth > MaxDepth || Dotted.empty())
    return None;
  size_t Dot = Dotted.find('.');
  std::string Head = Dotted.substr(0, Dot);
  std::string Rest = Dot == std::string::npos ? "" : Dotted.substr(Dot + 1);

  if (auto [C, CEnd] = entriesNamed(ClassByName[File], Head); C != CEnd) {
    if (!Rest.empty())
      return None;
    return {Entity::Kind::ProjectClass, File, std::prev(CEnd)->second, Dotted};
  }
  if (auto [F, FEnd] = entriesNamed(FunctionByName[File], Head); F != FEnd) {
    if (!Rest.empty())
      return None;
    return {Entity::Kind::ProjectFunction, File, std::prev(FEnd)->second, Dotted};
  }
  if (auto [I, IEnd] = entriesNamed(ImportsByAlias[File], Head); I != IEnd) {
    const ImportFact &Imp = *std::prev(IEnd)->second;
    std::string Tail = Rest.empty() ? "" : "." + Rest;
    if (Imp.IsAssignment)
      return resolve(File, Imp.Module + "." + Imp.Name + Tail, Depth + 1);
    if (Imp.Name.empty()) {
      // `import torch.nn` binds `torch`; `import torch.nn as nn` binds nn.
      bool BindsTop = Imp.Module == Imp.Alias ||
                      Imp.Module.compare(0, Imp.Alias.size() + 1,
                                         Imp.Alias + ".") == 0;
      return resolveIn(File, Imp.Level, BindsTop ? Dotted : Imp.Module + Tail,
                       Depth + 1);
    }
    std::string Base = Imp.Module.empty() ? Imp.Name.str() : Imp.Module + "." + Imp.Name;
    return resolveIn(File, Imp.Level, Base + Tail, Depth + 1);
  }
  if (Files[File]->kind() == SourceKind::Cxx) {
    auto It = CxxClassByName.find(Dotted);
    if (It != CxxClassByName.end())
      return {Entity::Kind::ProjectClass, It->second.first, It->second.second,
              Dotted};
    return {Entity::Kind::External, File, 0, Dotted};
  }
  // `from model import *`: look through the star-imported modules.
  for (auto [Star, StarEnd] = entriesNamed(ImportsByAlias[File], "*"); Star != StarEnd;
       ++Star)
    if (const ImportFact *Imp = Star->second)
      if (auto Target = findModuleFile(File, Imp->Level, Imp->Module)) {
        Entity E = resolve(*Target, Dotted, Depth + 1);
        if (E.K != Entity::Kind::None && E.K != Entity::Kind::External)
          return E;
      }
  return {Entity::Kind::External, File, 0, Dotted};
}

Entity Linker::resolveIn(unsigned From, unsigned Level,
                         const std::string &Qualified, unsigned Depth) {
  std::vector<std::string> Parts = splitDots(Qualified);
  // The longest prefix that is a project module; the rest is looked up in it.
  for (size_t K = Parts.size(); K > 0; --K) {
    std::optional<unsigned> F =
        findModuleFile(From, Level, joinDots(Parts, 0, K));
    if (!F)
      continue;
    if (K == Parts.size())
      return {Entity::Kind::ProjectModule, *F, 0, Qualified};
    return resolve(*F, joinDots(Parts, K, Parts.size()), Depth + 1);
  }
  if (Level > 0 && Parts.size() == 1) {
    // `from . import model` where model.py is a project file.
    if (auto F = findModuleFile(From, Level, Qualified))
      return {Entity::Kind::ProjectModule, *F, 0, Qualified};
  }
  return {Entity::Kind::External, From, 0, Qualified};
}

bool Linker::isModuleClass(unsigned File, unsigned Class, unsigned Depth) {
  auto Key = std::make_pair(File, Class);
  auto It = IsModuleMemo.find(Key);
  if (It != IsModuleMemo.end())
    return It->second == 1;
  // buildModels() answers every class before the workers start.
  if (Local)
    return false;
  if (Depth > MaxDepth)
    return false;
  IsModuleMemo[Key] = -1; // A cycle of bases is not a module.
  bool Result = Facts[File]->Classes[Class].IsTensorStruct;
  for (const std::string &Base : Facts[File]->Classes[Class].Bases) {
    Entity E = resolve(File, Base);
    if (E.K == Entity::Kind::ProjectClass && isModuleClass(E.File, E.Index, Depth + 1))
      Result = true;
    if (E.K == Entity::Kind::External &&
        (torchContainer(E.Qualified) != TorchContainer::None ||
         LibraryTable::current().find(E.Qualified)))
      Result = true;
  }
  IsModuleMemo[Key] = Result ? 1 : 0;
  return Result;
}

std::unique_ptr<ModuleNode>
Linker::buildClass(unsigned File, unsigned Class, unsigned Depth,
                   std::vector<std::pair<unsigned, unsigned>> &Stack) {
  const ClassFact &CF = Facts[File]->Classes[Class];
  auto Node = std::make_unique<ModuleNode>();
  Node->ClassName = CF.Name;
  Node->Class = &CF;
  Node->File = Files[File];
  auto Key = std::make_pair(File, Class);
  if (Depth > MaxDepth ||
      std::find(Stack.begin(), Stack.end(), Key) != Stack.end()) {
    Node->Open = true;
    return Node;
  }
  Stack.push_back(Key);

  for (const std::string &Base : CF.Bases) {
    Entity E = resolve(File, Base);
    if (E.K == Entity::Kind::ProjectClass) {
      if (!isModuleClass(E.File, E.Index))
        continue;
      std::unique_ptr<ModuleNode> B = buildClass(E.File, E.Index, Depth + 1, Stack);
      for (SlotDef &S : B->Slots)
        Node->Slots.push_back(std::move(S));
      for (auto &C : B->Children)
        Node->Children.push_back(std::move(C));
      Node->OtherNames.insert(B->OtherNames.begin(), B->OtherNames.end());
      Node->Open |= B->Open;
      Node->IsNorm |= B->IsNorm;
      continue;
    }
    if (E.K != Entity::Kind::External)
      continue;
    TorchContainer Container = torchContainer(E.Qualified);
    if (Container == TorchContainer::Module)
      continue;
    if (const LibraryClass *Lib = LibraryTable::current().find(E.Qualified)) {
      // A subclass of a library class: its constructor arguments are not
      // visible here, so take the library defaults.
      std::unique_ptr<ModuleNode> B = LibraryTable::current().instantiate(*Lib, {});
      for (SlotDef &S : B->Slots)
        Node->Slots.push_back(std::move(S));
      for (auto &C : B->Children)
        Node->Children.push_back(std::move(C));
      Node->OtherNames.insert(B->OtherNames.begin(), B->OtherNames.end());
      Node->OtherNames.insert(Lib->Attributes.begin(), Lib->Attributes.end());
      Node->IsNorm |= Lib->IsNorm;
      continue;
    }
    if (Container != TorchContainer::None || E.Qualified != "object")
      Node->Open = true; // Unknown base: its names are not ours to judge.
  }
  Node->IsNorm |= containsNorm(CF.Name);
  if (CF.HasDynamicAttributes)
    Node->Open = true;

  const Conventions &Conv = Conventions::current();
  // A C++ member's location is in the file that wrote it: a partial's
  // (a constructor defined in a .cpp) may be another file than the class's.
  std::vector<std::pair<const MemberFact *, const SourceFile *>> Members;
  for (const MemberFact &M : CF.Members)
    Members.push_back({&M, Files[File]});
  if (Files[File]->kind() == SourceKind::Cxx) {
    auto Partial = CxxPartials.find(CF.Name);
    if (Partial != CxxPartials.end())
      for (const auto &[PF, PC] : Partial->second)
        for (const MemberFact &M : Facts[PF]->Classes[PC].Members)
          Members.push_back({&M, Files[PF]});
  }
  for (const auto &[MP, MemberFile] : Members) {
    const MemberFact &M = *MP;
    switch (M.Kind) {
    case MemberKind::Parameter:
    case MemberKind::Buffer: {
      SlotKind Kind = M.Kind == MemberKind::Parameter ? SlotKind::Parameter
                                                      : SlotKind::Buffer;
      auto Existing = std::find_if(Node->Slots.begin(), Node->Slots.end(),
                                   [&](const SlotDef &S) { return S.Name == M.Name; });
      if (Existing != Node->Slots.end()) {
        Existing->Conditional = Existing->Conditional && M.Conditional;
        continue;
      }
      Role R = Role::Other;
      if (Node->IsNorm) {
        R = Conv.roleOf(M.Name);
        if (Kind == SlotKind::Parameter && R == Role::RunningStat)
          R = Role::Other;
      }
      bool FromName = !M.RoleHint.empty();
      if (FromName)
        R = M.RoleHint == "scale" ? Role::Scale
            : M.RoleHint == "shift" ? Role::Shift
                                    : Role::Other;
      Node->Slots.push_back(SlotDef{M.Name, Kind, R, M.Conditional, M.Persistent,
                                    Location{MemberFile, M.Where}, FromName});
      break;
    }
    case MemberKind::Module: {
      std::unique_ptr<ModuleNode> Child = buildExpr(File, M.Value, Depth + 1, Stack);
      if (!Child) {
        Node->OtherNames.insert(M.Name);
        break;
      }
      Child->Conditional = M.Conditional;
      auto Existing = std::find_if(Node->Children.begin(), Node->Children.end(),
                                   [&](const auto &C) { return C.first == M.Name; });
      if (Existing == Node->Children.end()) {
        Node->Children.emplace_back(M.Name, std::move(Child));
        break;
      }
      // Assigned twice: the same class is one child; different classes
      // leave paramlint unable to say which names exist.
      ModuleNode &Old = *Existing->second;
      Old.Conditional = Old.Conditional && Child->Conditional;
      if (Old.ClassName != Child->ClassName)
        Old.Open = true;
      break;
    }
    case MemberKind::Attribute:
      Node->OtherNames.insert(M.Name);
      break;
    }
  }
  for (Symbol Method : CF.Methods)
    Node->OtherNames.insert(Method);
  Node->OtherNames.shrinkToFit();
  Stack.pop_back();
  return Node;
}

std::unique_ptr<ModuleNode>
Linker::buildExpr(unsigned File, const ModuleExpr &E, unsigned Depth,
                  std::vector<std::pair<unsigned, unsigned>> &Stack) {
  if (Depth > MaxDepth)
    return nullptr;
  auto Container = [&](const std::string &DefaultName) {
    auto Node = std::make_unique<ModuleNode>();
    Entity C = resolve(File, E.Callee);
    Node->ClassName = C.K == Entity::Kind::External
                          ? canonicalTorchName(C.Qualified)
                          : DefaultName;
    for (const auto &[Name, ChildExpr] : E.Children) {
      std::unique_ptr<ModuleNode> Child = buildExpr(File, ChildExpr, Depth + 1, Stack);
      if (!Child) {
        Child = std::make_unique<ModuleNode>();
        Child->ClassName = "?";
        Child->Open = true;
      }
      Node->Children.emplace_back(Name, std::move(Child));
    }
    return Node;
  };
  switch (E.K) {
  case ModuleExpr::Kind::Indexed:
  case ModuleExpr::Kind::Repeated:
    return Container("torch.nn.ModuleList");
  case ModuleExpr::Kind::Keyed:
    return Container("torch.nn.ModuleDict");
  case ModuleExpr::Kind::Unknown: {
    auto Node = std::make_unique<ModuleNode>();
    Node->ClassName = "?";
    Node->Open = true;
    return Node;
  }
  case ModuleExpr::Kind::Instance:
    break;
  }
  Entity C = resolve(File, E.Callee);
  if (C.K == Entity::Kind::ProjectClass) {
    if (!isModuleClass(C.File, C.Index))
      return nullptr;
    (Local ? Local->Submodules : UsedAsSubmodule).insert({C.File, C.Index});
    std::unique_ptr<ModuleNode> Node = buildClass(C.File, C.Index, Depth + 1, Stack);
    Node->Args = &E.Args;
    return Node;
  }
  if (C.K != Entity::Kind::External)
    return nullptr;
  if (const LibraryClass *Lib = LibraryTable::current().find(C.Qualified)) {
    std::unique_ptr<ModuleNode> Node = LibraryTable::current().instantiate(*Lib, E.Args);
    Node->Args = &E.Args;
    return Node;
  }
  TorchContainer TC = torchContainer(C.Qualified);
  if (TC != TorchContainer::None) {
    // A container built from something paramlint cannot see into.
    auto Node = std::make_unique<ModuleNode>();
    Node->ClassName = canonicalTorchName(C.Qualified);
    // A bare `nn.Module()` is a namespace filled from outside
    // (`m.layers = ...`): as unknowable as a container built elsewhere.
    Node->Open = true;
    return Node;
  }
  // An unknown class from outside the project (`transformers.X(...)`) may
  // well be a module: keep the name, judge nothing beneath it. A lower-case
  // callee is a function whose result is not described.
  std::string Last = splitDots(C.Qualified).back();
  if (Last.empty() || !std::isupper(static_cast<unsigned char>(Last[0])) ||
      C.Qualified.compare(0, 6, "torch.") == 0)
    return nullptr;
  auto Node = std::make_unique<ModuleNode>();
  Node->ClassName = C.Qualified;
  Node->Open = true;
  return Node;
}

void Linker::emitKeys(const ModuleNode &Node, const std::string &Prefix,
                      bool Conditional, std::vector<KeySlot> &Out) {
  for (const SlotDef &S : Node.Slots) {
    if (S.Kind == SlotKind::Buffer && !S.Persistent)
      continue;
    Out.push_back(KeySlot{Prefix + S.Name, &Node, &S, Conditional || S.Conditional});
  }
  for (const auto &[Name, Child] : Node.Children)
    emitKeys(*Child, Prefix + Name + ".", Conditional || Child->Conditional, Out);
}

const Model *Linker::modelFor(const Entity &E) const {
  if (E.K != Entity::Kind::ProjectClass)
    return nullptr;
  auto It = ModelOf.find({E.File, E.Index});
  return It == ModelOf.end() ? nullptr : It->second;
}

unsigned Linker::enclosingClassScope(unsigned File, unsigned Scope) const {
  const auto &Scopes = Facts[File]->Scopes;
  for (unsigned S = Scope, Steps = 0; S < Scopes.size() && Steps < MaxDepth;
       S = Scopes[S].Parent, ++Steps) {
    if (!Scopes[S].Class.empty())
      return S;
    if (S == 0)
      break;
  }
  return 0;
}

const Model *Linker::modelForCallee(unsigned File, unsigned Scope,
                                    const std::string &Callee) {
  if (Callee == "cls" || Callee == "self.__class__" || Callee == "type(self)") {
    unsigned S = enclosingClassScope(File, Scope);
    if (S == 0)
      return nullptr;
    return modelFor(resolve(File, Facts[File]->Scopes[S].Class));
  }
  return modelFor(resolve(File, Callee));
}

void Linker::buildCallIndex() {
  CallIndexBuilt = true;
  // Callees resolved on the workers, indexed in file order.
  std::vector<std::vector<std::pair<std::pair<unsigned, unsigned>, const CallFact *>>>
      Of(Facts.size());
  onWorkers(Facts.size(), [&](size_t F) {
    for (const CallFact &C : Facts[F]->Calls) {
      Entity E = resolve(F, C.Callee);
      if (E.K == Entity::Kind::ProjectFunction)
        Of[F].push_back({{E.File, E.Index}, &C});
    }
  });
  for (unsigned F = 0; F < Facts.size(); ++F)
    for (const auto &[Callee, Call] : Of[F])
      CallsTo[Callee].push_back({F, Call});
}

std::optional<Target> Linker::bindVar(unsigned File, unsigned Scope,
                                      const std::string &Var, uint32_t Before,
                                      unsigned Depth, bool &IsFreeParameter) {
  // Call sites fan out (every caller of every caller...): memoise, cut
  // cycles, and bound the work one top-level question may cause.
  auto &Memo = Local ? Local->Bindings : BindMemo;
  size_t &Steps = Local ? Local->BindSteps : BindSteps;
  if (Depth == 0)
    Steps = 0;
  IsFreeParameter = false;
  if (Depth > MaxDepth || ++Steps > MaxBindSteps)
    return std::nullopt;
  auto Key = std::make_tuple(File, Scope, Var, Before);
  auto It = Memo.find(Key);
  if (It != Memo.end()) {
    IsFreeParameter = It->second.second;
    return It->second.first;
  }
  Memo[Key] = {std::nullopt, false}; // In progress: a cycle binds nothing.
  bool Free = false;
  std::optional<Target> T = bindVarUncached(File, Scope, Var, Before, Depth, Free);
  // A top-level question is one access's own (its position is in the key)
  // and is not asked again: keeping its answer for the whole link cost
  // ~40 MB on a 2,000-file tree. The fan-out below it is what repeats.
  if (Depth == 0)
    Memo.erase(Key);
  else
    Memo[Key] = {T, Free};
  IsFreeParameter = Free;
  return T;
}

std::optional<Target> Linker::bindVarUncached(unsigned File, unsigned Scope,
                                              const std::string &Var,
                                              uint32_t Before, unsigned Depth,
                                              bool &IsFreeParameter) {
  IsFreeParameter = false;
  const FileFacts &FF = *Facts[File];
  for (unsigned S = Scope, Steps = 0; S < FF.Scopes.size() && Steps < MaxDepth;
       S = FF.Scopes[S].Parent, ++Steps) {
    // The binding in effect: the last one before the use, or (for globals
    // read from a function) the last one at all.
    const BindingFact *Found = nullptr;
    auto [First, Last] = std::equal_range(
        BindingsByVar.begin(), BindingsByVar.end(),
        BindingEntry{File, S, Var, nullptr});
    for (auto It = First; It != Last; ++It)
      if (It->Fact->Where.Begin < Before || S != Scope)
        Found = It->Fact;
    if (Found) {
      if (Found->K == BindingFact::Kind::Instance &&
          returnsItself(Found->Callee)) {
        // `model = model.to(device)`: still the same model.
        std::vector<std::string> Parts = splitDots(Found->Callee);
        bool Free = false;
        std::optional<Target> T =
            bindVar(File, S, Parts[0], Found->Where.Begin, Depth + 1, Free);
        if (T)
          for (size_t I = 1; I + 1 < Parts.size(); ++I)
            T->Path.push_back(PathSegment{PathSegment::Kind::Attr, Parts[I], {}});
        return T;
      }
      if (Found->K == BindingFact::Kind::Instance) {
        const Model *M = modelForCallee(File, S, Found->Callee);
        if (!M)
          return std::nullopt;
        Target T;
        T.TheModel = M;
        T.How = BindingKind::Constructor;
        T.InstanceWhere = Location{Files[File], Found->Where};
        return T;
      }
      bool Free = false;
      std::optional<Target> T =
          bindVar(File, S, Found->Root, Found->Where.Begin, Depth + 1, Free);
      if (!T)
        return std::nullopt;
      T->Path.insert(T->Path.end(), Found->Path.begin(), Found->Path.end());
      return T;
    }
    const ScopeFact &SF = FF.Scopes[S];
    for (size_t P = 0; P < SF.Params.size(); ++P) {
      const ParamFact &Param = SF.Params[P];
      if (Param.Name != Var)
        continue;
      if (!SF.Class.empty() && P == 0) {
        // `self` of a method of a module class.
        if (const Model *M = modelFor(resolve(File, SF.Class))) {
          Target T;
          T.TheModel = M;
          T.How = BindingKind::Self;
          return T;
        }
        return std::nullopt;
      }
      if (!Param.Annotation.empty()) {
        std::string Ann = Param.Annotation;
        Ann.erase(std::remove(Ann.begin(), Ann.end(), '"'), Ann.end());
        Ann.erase(std::remove(Ann.begin(), Ann.end(), '\''), Ann.end());
        if (const Model *M = modelFor(resolve(File, Ann))) {
          Target T;
          T.TheModel = M;
          T.How = BindingKind::Annotation;
          return T;
        }
      }
      if (!CallIndexBuilt)
        buildCallIndex();
      // A plain function: the model passed at any call site.
      if (SF.Class.empty()) {
        auto It = CallsTo.find({File, S});
        if (It != CallsTo.end())
          for (const auto &[CallFile, Call] : It->second) {
            std::string Arg;
            if (P < Call->Args.size())
              Arg = Call->Args[P];
            for (const auto &[Name, Value] : Call->Keyword)
              if (Name == Var)
                Arg = Value;
            if (Arg.empty())
              continue;
            bool Free = false;
            std::optional<Target> T = bindVar(CallFile, Call->Scope, Arg,
                                              Call->Where.Begin, Depth + 1, Free);
            if (T) {
              T->How = BindingKind::CallSite;
              return T;
            }
          }
      }
      IsFreeParameter = true;
      return std::nullopt;
    }
    if (S == 0)
      break;
  }
  return std::nullopt;
}

bool Linker::isImportedName(unsigned File, const std::string &Name) const {
  auto [First, Last] = entriesNamed(ImportsByAlias[File], Name);
  return First != Last;
}

void Linker::addAccess(unsigned File, const AccessFact &A, const Target &T,
                       double Confidence, std::vector<BoundAccess> &Out) const {
  BoundAccess B;
  B.Fact = &A;
  B.File = Files[File];
  B.TheModel = T.TheModel;
  B.Path = T.Path;
  B.Path.insert(B.Path.end(), A.Path.begin(), A.Path.end());
  B.How = T.How;
  B.Confidence = Confidence;
  B.InstanceWhere = T.InstanceWhere;
  B.Resolved = resolvePath(*T.TheModel->Root, B.Path);
  Out.push_back(std::move(B));
}

void Linker::bindAccesses() {
  // What the workers only read, built first.
  if (!CallIndexBuilt)
    buildCallIndex();
  Clock.lap("accesses.calls");
  if (!RootNamesIndexed)
    indexRootNames();
  Clock.lap("accesses.roots");
  // Each file's accesses on a worker (binding questions memoised per file:
  // WorkerTables), listed in file order.
  std::vector<std::vector<BoundAccess>> Of(Facts.size());
  onWorkers(Facts.size(), [&](size_t F) {
    Local->Bindings.clear();
    std::vector<BoundAccess> &Out = Of[F];
    // Unbound accesses rooted at a free function parameter, by scope and
    // root, for the best-match fallback.
    std::map<std::pair<unsigned, std::string>, std::vector<const AccessFact *>>
        Unbound;
    for (const AccessFact &A : Facts[F]->Accesses) {
      if (A.Path.empty() || isImportedName(F, A.Root))
        continue;
      bool Free = false;
      std::optional<Target> T =
          bindVar(F, A.Scope, A.Root, A.RootWhere.Begin, 0, Free);
      // `self.x = ...` in a module's own method defines a member; the
      // class facts already say so.
      if (T && T->How == BindingKind::Self && T->Path.empty() &&
          A.Path.size() == 1 && A.K == AccessFact::Kind::Write)
        continue;
      if (T)
        addAccess(F, A, *T, 1.0, Out);
      else if (Free)
        Unbound[{A.Scope, A.Root}].push_back(&A);
    }
    auto Begin = Clock.on() ? std::chrono::steady_clock::now()
                            : std::chrono::steady_clock::time_point();
    for (const auto &[Key, Group] : Unbound)
      bestMatch(F, Key.first, Group, Out);
    if (Clock.on())
      Local->BestMatchMs += std::chrono::duration<double, std::milli>(
                                std::chrono::steady_clock::now() - Begin)
                                .count();
  });
  // Held to the end of the run: sized once, no doubling slack (up to half).
  size_t Total = 0;
  for (const std::vector<BoundAccess> &Bound : Of)
    Total += Bound.size();
  Graph.Accesses.reserve(Total);
  for (std::vector<BoundAccess> &Bound : Of)
    for (BoundAccess &B : Bound)
      Graph.Accesses.push_back(std::move(B));
  Clock.part("accesses.best-match (cpu)", BestMatchMs);
}

namespace {

/// A hash of the names resolvePath reads in a tree (a library node's
/// attributes by its class): an open node's own names never matter, as
/// resolution stops at it.
size_t treeNamesHash(const ModuleNode &Node) {
  auto Mix = [](size_t H, size_t V) { return (H ^ V) * 1099511628211ull; };
  size_t H = Node.Open ? 1 : 2;
  if (Node.Open)
    return H;
  H = Mix(H, std::hash<const void *>()(Node.Library));
  std::hash<std::string> Hash;
  for (const SlotDef &S : Node.Slots)
    H = Mix(H, Hash(S.Name));
  H = Mix(H, 3);
  for (const std::string &Name : Node.OtherNames)
    H = Mix(H, Hash(Name));
  H = Mix(H, 4);
  for (const auto &[Name, Child] : Node.Children)
    H = Mix(Mix(H, Hash(Name)), treeNamesHash(*Child));
  return H;
}

/// Whether resolvePath answers every path alike on A and B.
bool sameTreeNames(const ModuleNode &A, const ModuleNode &B) {
  if (A.Open != B.Open)
    return false;
  if (A.Open)
    return true;
  if (A.Slots.size() != B.Slots.size() || A.Children.size() != B.Children.size() ||
      A.Library != B.Library || A.OtherNames != B.OtherNames)
    return false;
  for (size_t I = 0; I < A.Slots.size(); ++I)
    if (A.Slots[I].Name != B.Slots[I].Name)
      return false;
  for (size_t I = 0; I < A.Children.size(); ++I)
    if (A.Children[I].first != B.Children[I].first ||
        !sameTreeNames(*A.Children[I].second, *B.Children[I].second))
      return false;
  return true;
}

} // namespace

void Linker::indexRootNames() {
  RootNamesIndexed = true;
  std::unordered_map<size_t, std::vector<size_t>> FirstByHash;
  for (size_t I = 0; I < Graph.Models.size(); ++I) {
    const Model &M = *Graph.Models[I];
    if (!M.IsRoot || M.Root->Open)
      continue;
    std::vector<size_t> &Seen = FirstByHash[treeNamesHash(*M.Root)];
    auto Same = std::find_if(Seen.begin(), Seen.end(), [&](size_t J) {
      return sameTreeNames(*M.Root, *Graph.Models[J]->Root);
    });
    if (Same != Seen.end()) {
      TreeMembers[*Same].push_back(I);
      continue;
    }
    Seen.push_back(I);
    TreeMembers[I].push_back(I);
    std::set<std::string> Names;
    for (const auto &[Name, Child] : M.Root->Children)
      Names.insert(Name);
    for (const SlotDef &S : M.Root->Slots)
      Names.insert(S.Name);
    for (const std::string &Name : Names)
      RootsByTopName[Name].push_back(I);
  }
}

void Linker::bestMatch(unsigned File, unsigned Scope,
                       const std::vector<const AccessFact *> &Group,
                       std::vector<BoundAccess> &Out) const {
  (void)Scope;
  // How well a model explains the paths: a path explained resolves to
  // something, or misses only at its last step (a wrong leaf name is
  // what the checks are for). The best model explains most paths, then is
  // nearest (this file, then this directory); two different class names
  // that do equally well bind nothing, and of one name the first
  // definition wins, as a scan in Graph.Models order would have it.
  const Model *Best = nullptr;
  size_t BestIndex = 0;
  size_t BestScore = 0;
  int BestNearness = -1;
  bool Tied = false;
  // A path whose first name the model lacks is not explained: a model that
  // can explain fewer than two cannot win, so only the others are scored.
  std::unordered_map<size_t, size_t> Possible;
  for (const AccessFact *A : Group) {
    auto It = RootsByTopName.find(A->Path.front().Name);
    if (It != RootsByTopName.end())
      for (size_t I : It->second)
        ++Possible[I];
  }
  for (const auto &[Tree, N] : Possible) {
    if (N < 2)
      continue;
    const ModuleNode &Root = *Graph.Models[Tree]->Root;
    size_t Score = 0;
    for (const AccessFact *A : Group) {
      Resolution R = resolvePath(Root, A->Path);
      bool Deep = A->Path.size() >= 2;
      if (Deep && (R.K == Resolution::Kind::Slot ||
                   (R.K == Resolution::Kind::Missing &&
                    R.MissingAt + 1 == A->Path.size())))
        ++Score;
    }
    for (size_t Index : TreeMembers.at(Tree)) {
      const Model *M = Graph.Models[Index].get();
      int Nearness = M->Where.File == Files[File]                  ? 2
                     : directoryOf(M->Where.File) == FileDir[File] ? 1
                                                                   : 0;
      if (Score > BestScore || (Score == BestScore && Nearness > BestNearness)) {
        Tied = false;
        Best = M;
        BestIndex = Index;
        BestScore = Score;
        BestNearness = Nearness;
      } else if (Score == BestScore && Nearness == BestNearness) {
        Tied |= Best->Name != M->Name;
        if (Index < BestIndex) {
          Best = M;
          BestIndex = Index;
        }
      }
    }
  }
  double Confidence = Group.empty() ? 0 : double(BestScore) / Group.size();
  if (!Best || Tied || BestScore < 2 || Confidence < 0.6)
    return;
  Target T;
  T.TheModel = Best;
  T.How = BindingKind::BestMatch;
  for (const AccessFact *A : Group)
    addAccess(File, *A, T, Confidence, Out);
}

void Linker::groupLoaders() {
  std::map<std::tuple<const SourceFile *, unsigned, const Model *>, size_t> Index;
  for (size_t I = 0; I < Graph.Accesses.size(); ++I) {
    const BoundAccess &B = Graph.Accesses[I];
    auto Key = std::make_tuple(B.File, B.Fact->Scope, B.TheModel);
    auto It = Index.find(Key);
    if (It == Index.end()) {
      Loader L;
      L.File = B.File;
      L.TheModel = B.TheModel;
      L.How = B.How;
      L.Confidence = B.Confidence;
      const ScopeFact &SF = Facts[IndexOfFile.at(B.File)]->Scopes[B.Fact->Scope];
      L.Function = SF.Name;
      L.Where = B.Fact->Scope == 0 ? B.Fact->Statement : SF.Where;
      It = Index.emplace(Key, Graph.Loaders.size()).first;
      Graph.Loaders.push_back(std::move(L));
    }
    Graph.Loaders[It->second].Accesses.push_back(I);
  }
  // A loader writes: groups that only read are not loaders, and a model's
  // constructor builds rather than loads.
  Graph.Loaders.erase(
      std::remove_if(Graph.Loaders.begin(), Graph.Loaders.end(),
                     [&](const Loader &L) {
                       if (L.How == BindingKind::Self && L.Function == "__init__")
                         return true;
                       return std::none_of(
                           L.Accesses.begin(), L.Accesses.end(), [&](size_t I) {
                             return Graph.Accesses[I].Fact->K !=
                                    AccessFact::Kind::Read;
                           });
                     }),
      Graph.Loaders.end());
}

std::optional<Linker::DictTarget>
Linker::dictTargetOf(unsigned File, unsigned Scope, const std::string &Root,
                     const std::vector<PathSegment> &Path, uint32_t Before) {
  bool Free = false;
  std::optional<Target> T = bindVar(File, Scope, Root, Before, 0, Free);
  if (!T)
    return std::nullopt;
  std::vector<PathSegment> Full = T->Path;
  Full.insert(Full.end(), Path.begin(), Path.end());
  Resolution R = resolvePath(*T->TheModel->Root, Full);
  if (R.K != Resolution::Kind::Module)
    return std::nullopt;
  return DictTarget{T->TheModel, R.Key.empty() ? "" : R.Key + ".", T->How};
}

void Linker::addKeyUse(unsigned File, const KeyUseFact &K, const DictTarget &T,
                       double Confidence, BindingKind How) {
  BoundKeyUse B;
  B.Fact = &K;
  B.File = Files[File];
  B.TheModel = T.TheModel;
  B.Prefix = T.Prefix;
  B.How = How;
  B.Confidence = Confidence;
  std::string Full = T.Prefix + K.Pattern;
  for (const KeySlot &Slot : T.TheModel->Keys)
    if (keyMatches(Full, Slot.Key))
      B.Matches.push_back(&Slot);
  Graph.KeyUses.push_back(std::move(B));
}

void Linker::classifyKeySpaces() {
  SameKeysAs.resize(Graph.Models.size());
  std::unordered_map<size_t, std::vector<unsigned>> ByHash;
  for (unsigned I = 0; I < Graph.Models.size(); ++I) {
    SameKeysAs[I] = I;
    if (!Graph.Models[I]->IsRoot)
      continue;
    const std::vector<KeySlot> &Keys = Graph.Models[I]->Keys;
    size_t Hash = Keys.size();
    for (const KeySlot &K : Keys)
      Hash = (Hash * 1000003 ^ std::hash<std::string>()(K.Key)) * 31 +
             static_cast<size_t>(K.Slot->TheRole);
    std::vector<unsigned> &Seen = ByHash[Hash];
    for (unsigned J : Seen) {
      const std::vector<KeySlot> &Other = Graph.Models[J]->Keys;
      if (std::equal(Keys.begin(), Keys.end(), Other.begin(), Other.end(),
                     [](const KeySlot &A, const KeySlot &B) {
                       // explainsKey reads the key and its slot's role.
                       return A.Key == B.Key && A.Slot->TheRole == B.Slot->TheRole;
                     })) {
        SameKeysAs[I] = J;
        break;
      }
    }
    if (SameKeysAs[I] == I)
      Seen.push_back(I);
    SpaceMembers[SameKeysAs[I]].push_back(I);
  }
}

std::vector<const KeyUseFact *>
Linker::votingKeys(const std::vector<const KeyUseFact *> &Group) {
  // State-dict keys are dotted (or `/`-separated) paths; `cfg["hidden"]`
  // is a dict of another kind and never a reason to pick a model.
  // A key whose leaf is not known (`f"{p}.{name}"`) fits every model: it
  // cannot tell them apart, so only keys with a literal leaf vote.
  std::vector<const KeyUseFact *> Keys;
  for (const KeyUseFact *K : Group)
    if (K->Pattern.find_first_of("./") != std::string::npos &&
        keyLeaf(K->Pattern).find('*') == std::string_view::npos)
      Keys.push_back(K);
  return Keys;
}

Linker::KeyGroupPlan
Linker::planKeyGroup(const std::vector<const KeyUseFact *> &Group,
                     RootKeyIndex::Scratch &S) const {
  KeyGroupPlan P;
  P.GroupSize = Group.size();
  P.Keys = votingKeys(Group);
  std::vector<const KeyUseFact *> &Keys = P.Keys;
  if (Keys.size() < 2) {
    Keys.clear();
    return P;
  }
  // A model's score is the number of keys it explains. Literal keys are
  // answered by the exact index for most models; the rest are asked of
  // candidate models only. Each model's bound (exact answers plus the keys
  // it is a candidate for) orders the scoring: likeliest first, and a model
  // whose bound is below the best score so far is never scored.
  P.Exact.resize(Keys.size());
  P.Literal.resize(Keys.size());
  std::vector<std::string_view> Open, All;
  std::map<unsigned, size_t> Bound; // By position in Graph.Models.
  for (size_t I = 0; I < Keys.size(); ++I) {
    All.push_back(Keys[I]->Pattern);
    P.Literal[I] = RootKeyIndex::isLiteral(Keys[I]->Pattern);
    if (!P.Literal[I]) {
      Open.push_back(Keys[I]->Pattern);
      continue;
    }
    P.Exact[I] = KeyIndex->exactExplainers(Keys[I]->Pattern, S);
    for (unsigned M : P.Exact[I])
      ++Bound[M];
  }
  KeyIndex->countCandidates(
      Open, 1,
      [&](unsigned M, size_t N) {
        if (KeyIndex->isExactModel(M))
          Bound[M] += N;
      },
      S);
  KeyIndex->countCandidates(
      All, 1,
      [&](unsigned M, size_t N) {
        if (!KeyIndex->isExactModel(M))
          Bound[M] += N;
      },
      S);
  for (const auto &[M, B] : Bound)
    if (B >= 2)
      P.Order.emplace_back(B, M);
  std::sort(P.Order.begin(), P.Order.end(), [](const auto &A, const auto &B) {
    return A.first != B.first ? A.first > B.first : A.second < B.second;
  });
  return P;
}

Linker::KeyGroupChoice Linker::scoreKeyGroup(const KeyGroupPlan &P,
                                             KeyScoreMemo &Memo) const {
  const std::vector<const KeyUseFact *> &Keys = P.Keys;
  // The keys the exact index answers first, then the others: a model that
  // cannot reach the best score is left at the first misses, before the
  // costly questions. The order changes no score that is kept (a model
  // left early scores below the best whatever the order).
  std::vector<size_t> ByCost;
  std::vector<uint64_t> PatternId(Keys.size());
  for (size_t I = 0; I < Keys.size(); ++I)
    if (P.Literal[I])
      ByCost.push_back(I);
  size_t Cheap = ByCost.size();
  for (size_t I = 0; I < Keys.size(); ++I)
    if (!P.Literal[I]) {
      ByCost.push_back(I);
      PatternId[I] = Memo.PatternIds
                         .try_emplace(Keys[I]->Pattern, Memo.PatternIds.size())
                         .first->second;
    }
  // Each entry of the plan stands for a key space (its first model). The
  // best space explains most keys; the choice among the models that do is
  // as a scan of every model would make it: ties between different class
  // names bind nothing, one name takes its first definition.
  size_t BestScore = 0;
  std::vector<unsigned> BestSpaces;
  for (const auto &[Possible, Index] : P.Order) {
    if (Possible < BestScore)
      break;
    const Model &M = *Graph.Models[Index];
    bool ExactModel = KeyIndex->isExactModel(Index);
    // Stop as soon as this space can no longer reach the best score.
    size_t Score = 0, Left = Keys.size();
    for (size_t K = 0; K < ByCost.size(); ++K) {
      if (Score + Left < BestScore)
        break;
      --Left;
      size_t I = ByCost[K];
      bool Explains;
      if (K < Cheap && ExactModel) {
        Explains = std::binary_search(P.Exact[I].begin(), P.Exact[I].end(), Index);
      } else if (K < Cheap) {
        Explains = explainsKey(M, Keys[I]->Pattern);
      } else {
        Explains = Memo.explains(PatternId[I] << 32 | Index,
                                 [&] { return explainsKey(M, Keys[I]->Pattern); });
      }
      Score += Explains ? 1 : 0;
    }
    if (Score > BestScore) {
      BestScore = Score;
      BestSpaces.clear();
    }
    if (Score == BestScore && Score > 0)
      BestSpaces.push_back(Index);
  }
  const Model *Best = nullptr;
  unsigned BestIndex = 0;
  for (unsigned Space : BestSpaces)
    for (unsigned Index : SpaceMembers.at(Space)) {
      const Model &M = *Graph.Models[Index];
      if (Best && Best->Name != M.Name)
        return {}; // Tied.
      if (!Best || Index < BestIndex) {
        Best = &M;
        BestIndex = Index;
      }
    }
  double Confidence = P.GroupSize ? double(BestScore) / P.GroupSize : 0;
  if (!Best || BestScore < 2 || Confidence < 0.6)
    return {};
  return {Best, Confidence};
}

void Linker::bindKeys() {
  // Dicts tied to a model: `sd = model.state_dict()`, `model.load_state_dict(sd)`.
  for (unsigned F = 0; F < Facts.size(); ++F) {
    const FileFacts &FF = *Facts[F];
    for (const StateDictFact &S : FF.StateDicts)
      if (auto T = dictTargetOf(F, S.Scope, S.Root, S.Path, S.Where.Begin))
        DictTargets.emplace(std::make_tuple(F, S.Scope, S.Var), *T);
    for (const LoadStateDictFact &L : FF.LoadStateDicts) {
      auto T = dictTargetOf(F, L.Scope, L.Receiver, L.Path, L.Where.Begin);
      if (!T)
        continue;
      BoundLoad BL;
      BL.Fact = &L;
      BL.File = Files[F];
      BL.TheModel = T->TheModel;
      BL.Prefix = T->Prefix;
      Graph.Loads.push_back(std::move(BL));
      if (L.Argument.empty())
        continue;
      DictTargets.emplace(std::make_tuple(F, L.Scope, L.Argument), *T);
      for (const BindingFact &B : FF.Bindings)
        if (B.Scope == L.Scope && B.Var == L.Argument &&
            B.K == BindingFact::Kind::Instance) {
          Entity E = resolve(F, B.Callee);
          if (E.K == Entity::Kind::ProjectFunction)
            DictTargets.emplace(std::make_tuple(E.File, E.Index, std::string("*")), *T);
        }
    }
  }
  Clock.lap("keys.targets");
  // The other key uses, grouped by (scope, dict), are bound by best match.
  // The searches are the costly part of linking a large tree and each is
  // independent: planned and scored on the workers (each with its own
  // marks in the key index) and applied in file order, so Graph.KeyUses
  // comes out as a serial run would leave it.
  struct FileKeys {
    /// Per KeyUses entry, the dict target it has (in DictTargets, whose
    /// nodes stay put), or null: 8 bytes a key use, where a copy of the
    /// target took 56 (1.9 MiB on the benchmark corpus, held to the end).
    std::vector<const DictTarget *> Direct;
    std::vector<std::vector<const KeyUseFact *>> Groups;
  };
  std::vector<FileKeys> PerFile(Facts.size());
  bool AnyVotes = false; // Some group has two voting keys: build the index.
  for (unsigned F = 0; F < Facts.size(); ++F) {
    const FileFacts &FF = *Facts[F];
    std::map<std::pair<unsigned, std::string>, std::vector<const KeyUseFact *>> Unbound;
    PerFile[F].Direct.reserve(FF.KeyUses.size());
    for (const KeyUseFact &K : FF.KeyUses) {
      const DictTarget *T = nullptr;
      for (unsigned S = K.Scope, Steps = 0; S < FF.Scopes.size() && Steps < MaxDepth && !T;
           S = FF.Scopes[S].Parent, ++Steps) {
        auto It = DictTargets.find(std::make_tuple(F, S, K.Dict));
        if (It != DictTargets.end())
          T = &It->second;
        if (S == 0)
          break;
      }
      if (!T && K.K != KeyUseFact::Kind::Load) {
        auto It = DictTargets.find(std::make_tuple(F, K.Scope, std::string("*")));
        if (It != DictTargets.end())
          T = &It->second;
      }
      if (!T)
        Unbound[{K.Scope, K.Dict}].push_back(&K);
      PerFile[F].Direct.push_back(T);
    }
    for (auto &[Key, Group] : Unbound) {
      AnyVotes = AnyVotes || votingKeys(Group).size() >= 2;
      PerFile[F].Groups.push_back(std::move(Group));
    }
  }
  if (AnyVotes) {
    if (SameKeysAs.empty())
      classifyKeySpaces();
    if (!KeyIndex)
      KeyIndex.emplace(Graph.Models, SameKeysAs);
  }
  std::vector<const std::vector<const KeyUseFact *> *> Groups;
  // A file's groups go to one worker together: they share their patterns
  // (a converter's blocks of `f"...{i}.weight"` keys), which that worker's
  // memo then answers once. Spread group by group, the workers each asked
  // them again and two workers were only 1.35x faster than one.
  std::vector<std::pair<size_t, size_t>> FileGroups; // [begin, end) in Groups.
  for (const FileKeys &Of : PerFile) {
    if (Of.Groups.empty())
      continue;
    FileGroups.emplace_back(Groups.size(), Groups.size() + Of.Groups.size());
    for (const auto &Group : Of.Groups)
      Groups.push_back(&Group);
  }
  Clock.lap("keys.groups");
  // The plans first (cheap: an index lookup per key), which tell how much
  // scoring each file's groups will ask (models x keys); the files are
  // then scored costliest first, so that the last one a worker takes is a
  // short one (one converter of the corpus is a third of all the scoring,
  // and taken in file order it ran alone at the end).
  std::vector<KeyGroupPlan> Plans(Groups.size());
  std::vector<RootKeyIndex::Scratch> Marks(workerCount(Jobs, Groups.size()));
  parallelForWorkers(Groups.size(), Jobs, [&](size_t I, unsigned W) {
    Plans[I] = planKeyGroup(*Groups[I], Marks[W]);
  });
  std::vector<size_t> Cost(FileGroups.size()), ByCost(FileGroups.size());
  for (size_t F = 0; F < FileGroups.size(); ++F) {
    for (size_t I = FileGroups[F].first; I < FileGroups[F].second; ++I)
      Cost[F] += Plans[I].Order.size() * Plans[I].Keys.size();
    ByCost[F] = F;
  }
  std::stable_sort(ByCost.begin(), ByCost.end(),
                   [&](size_t A, size_t B) { return Cost[A] > Cost[B]; });
  std::vector<KeyGroupChoice> Choices(Groups.size());
  std::vector<KeyScoreMemo> Memos(workerCount(Jobs, FileGroups.size()));
  parallelForWorkers(FileGroups.size(), Jobs, [&](size_t K, unsigned W) {
    size_t F = ByCost[K];
    for (size_t I = FileGroups[F].first; I < FileGroups[F].second; ++I) {
      Choices[I] = scoreKeyGroup(Plans[I], Memos[W]);
      Plans[I] = KeyGroupPlan();
    }
  });
  Clock.lap("keys.plan+score");
  size_t NextChoice = 0;
  for (unsigned F = 0; F < Facts.size(); ++F) {
    const FileFacts &FF = *Facts[F];
    for (size_t I = 0; I < FF.KeyUses.size(); ++I)
      if (const DictTarget *T = PerFile[F].Direct[I])
        addKeyUse(F, FF.KeyUses[I], *T, 1.0, T->How);
    for (const std::vector<const KeyUseFact *> &Group : PerFile[F].Groups) {
      const KeyGroupChoice &C = Choices[NextChoice++];
      for (const KeyUseFact *K : Group)
        if (C.Best)
          addKeyUse(F, *K, DictTarget{C.Best, "", BindingKind::BestMatch},
                    C.Confidence, BindingKind::BestMatch);
        else
          Graph.LooseKeyUses.push_back(LooseKeyUse{K, Files[F]});
    }
  }
  // Each load takes the stores into the dict it loads; renames act on the
  // keys of the models a file's keys are bound to. Both look at one file's
  // key uses: indexed by file, not scanned once per load or file.
  std::vector<std::vector<size_t>> KeyUsesOfFile(Facts.size());
  for (size_t I = 0; I < Graph.KeyUses.size(); ++I)
    KeyUsesOfFile[IndexOfFile.at(Graph.KeyUses[I].File)].push_back(I);
  for (BoundLoad &L : Graph.Loads) {
    const LoadStateDictFact &LF = *L.Fact;
    bool FromUnknownCall = false;
    unsigned FileIndex = IndexOfFile.at(L.File);
    for (const BindingFact &B : Facts[FileIndex]->Bindings)
      if (B.Scope == LF.Scope && B.Var == LF.Argument &&
          resolve(FileIndex, B.Callee).K != Entity::Kind::ProjectFunction)
        FromUnknownCall = true; // `sd = torch.load(p)`: keys paramlint cannot see.
    bool OpenPattern = false;
    for (size_t I : KeyUsesOfFile[FileIndex]) {
      const BoundKeyUse &U = Graph.KeyUses[I];
      if (U.Fact->K == KeyUseFact::Kind::Load || U.TheModel != L.TheModel ||
          U.How == BindingKind::BestMatch)
        continue;
      bool SameDict = U.Fact->Scope == LF.Scope && U.Fact->Dict == LF.Argument;
      if (!SameDict)
        continue;
      L.KeyUses.push_back(I);
      OpenPattern |= U.Fact->Pattern.empty() || U.Fact->Pattern[0] == '*';
    }
    L.DictComplete = !LF.Argument.empty() && !FromUnknownCall && !OpenPattern &&
                     !L.KeyUses.empty();
  }
  std::vector<std::set<const Model *>> BoundOfFile(Facts.size());
  for (const BoundKeyUse &U : Graph.KeyUses)
    BoundOfFile[IndexOfFile.at(U.File)].insert(U.TheModel);
  for (const BoundLoad &L : Graph.Loads)
    BoundOfFile[IndexOfFile.at(L.File)].insert(L.TheModel);
  for (unsigned F = 0; F < Facts.size(); ++F) {
    const std::set<const Model *> &Bound = BoundOfFile[F];
    if (Bound.size() != 1)
      continue; // None, or several: which model a rename serves is unclear.
    for (const RenameFact &R : Facts[F]->Renames)
      Graph.Renames.push_back(BoundRename{&R, Files[F], *Bound.begin()});
  }
}

void Linker::buildModels() {
  // Which classes are modules, asked in class order before any worker
  // starts: a cycle of bases is cut where this order meets it, whatever
  // the number of workers.
  // The names of the bases, which that reads, and of the classes members
  // are built from, which the trees read, resolved on the workers first
  // and shared (a name resolves alike whoever asks it first): a tree holds
  // its submodules' trees, so otherwise every worker resolved the names of
  // the files that many models build from again.
  auto Callees = [&](unsigned F, const ModuleExpr &E, const auto &Self) -> void {
    if (!E.Callee.empty())
      resolve(F, E.Callee);
    for (const auto &Child : E.Children)
      Self(F, Child.second, Self);
  };
  onWorkers(
      Facts.size(),
      [&](size_t F) {
        for (const ClassFact &C : Facts[F]->Classes) {
          for (const std::string &Base : C.Bases)
            resolve(F, Base);
          for (const MemberFact &M : C.Members)
            if (M.Kind == MemberKind::Module)
              Callees(F, M.Value, Callees);
        }
      },
      /*ShareNames=*/true);
  std::vector<std::pair<unsigned, unsigned>> Classes;
  for (unsigned F = 0; F < Facts.size(); ++F)
    for (unsigned C = 0; C < Facts[F]->Classes.size(); ++C)
      if (isModuleClass(F, C))
        Classes.emplace_back(F, C);
  Clock.lap("models.which");
  // Every module class becomes a model: its tree and key space. A model's
  // tree holds its submodules' trees (built again for each), so this is
  // most of the link's work, and each model is built from the facts and
  // the answers above alone.
  std::vector<std::unique_ptr<Model>> Built(Classes.size());
  onWorkers(Classes.size(), [&](size_t I) {
    auto [F, C] = Classes[I];
    auto M = std::make_unique<Model>();
    M->Name = Facts[F]->Classes[C].Name;
    M->Where = Location{Files[F], Facts[F]->Classes[C].Where};
    std::vector<std::pair<unsigned, unsigned>> Stack;
    M->Root = buildClass(F, C, 0, Stack);
    emitKeys(*M->Root, "", false, M->Keys);
    M->Keys.shrink_to_fit(); // Before indexKeys points into it.
    M->indexKeys();
    Built[I] = std::move(M);
  });
  for (size_t I = 0; I < Classes.size(); ++I) {
    ModelOf[Classes[I]] = Built[I].get();
    Graph.Models.push_back(std::move(Built[I]));
  }
  for (auto &[Key, M] : ModelOf)
    if (UsedAsSubmodule.count(Key))
      const_cast<Model *>(M)->IsRoot = false;
}

ParamGraph Linker::run() {
  indexFiles();
  Clock.lap("index");
  buildModels();
  Clock.lap("models");

  // Instances per file on the workers, listed in file order.
  std::vector<std::vector<Instance>> InstancesOf(Facts.size());
  onWorkers(Facts.size(), [&](size_t F) {
    for (const BindingFact &B : Facts[F]->Bindings)
      if (B.K == BindingFact::Kind::Instance)
        if (const Model *M = modelForCallee(F, B.Scope, B.Callee))
          InstancesOf[F].push_back(
              Instance{B.Var, M, Location{Files[F], B.Where}, B.Scope});
  });
  for (std::vector<Instance> &Of : InstancesOf)
    Graph.Instances.insert(Graph.Instances.end(), Of.begin(), Of.end());
  Clock.lap("instances");

  bindAccesses();
  Clock.lap("accesses");
  groupLoaders();
  Clock.lap("loaders");
  bindKeys();
  Clock.lap("keys.apply");
  return std::move(Graph);
}

} // namespace

ParamGraph link(const std::vector<const SourceFile *> &Files,
                const std::vector<const FileFacts *> &Facts, unsigned Jobs,
                LinkStepTimes *Steps) {
  return Linker(Files, Facts, Jobs, Steps).run();
}

} // namespace paramlint

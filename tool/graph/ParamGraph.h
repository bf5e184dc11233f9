//===- graph/ParamGraph.h - The parameter-name graph -----------*- C++ -*-===//
///
/// \file
/// The linked, whole-program view the checks read: every model's module
/// tree and key space (parameter slots with their roles), and every name use
/// a loader makes, bound to the model it acts on. Built by the linker from
/// the FileFacts of all inputs; printed by GraphWriter (`paramlint graph`).
///
//===----------------------------------------------------------------------===//
#ifndef PARAMLINT_GRAPH_PARAMGRAPH_H
#define PARAMLINT_GRAPH_PARAMGRAPH_H

#include "Diagnostic.h"
#include "checkpoint/Checkpoint.h"
#include "graph/Facts.h"
#include "graph/NameSet.h"

#include <memory>
#include <optional>
#include <set>
#include <unordered_map>
#include <string>
#include <vector>

namespace paramlint {

struct LibraryClass;

enum class SlotKind { Parameter, Buffer };

/// What a parameter does in a norm layer; Other outside norms.
enum class Role { Scale, Shift, RunningStat, Other };

const char *roleName(Role R);
/// The role roleName spells so (`scale`, `shift`, `running-stat`, as the
/// data tables and the config write them); anything else: nullopt.
std::optional<Role> roleFromName(const std::string &Name);
const char *slotKindName(SlotKind K);

/// A parameter or buffer a module owns directly.
struct SlotDef {
  std::string Name;
  SlotKind Kind = SlotKind::Parameter;
  Role TheRole = Role::Other;
  bool Conditional = false;
  bool Persistent = true;
  std::optional<Location> Where; ///< Project classes only.
  /// The role comes from the slot's own name (a C++ tensor field such as
  /// `ln_1_g`), not from a norm class that owns it.
  bool RoleFromName = false;
};

/// One module in a model's tree: a class instance with its own slots and
/// its children. Open means paramlint cannot enumerate its names (an
/// unresolved class, `__getattr__`): nothing under it is flagged.
struct ModuleNode {
  std::string ClassName; ///< `torch.nn.LayerNorm`, `GPTModel`.
  const LibraryClass *Library = nullptr;
  const ClassFact *Class = nullptr; ///< Project classes.
  const SourceFile *File = nullptr; ///< Where Class is defined.
  /// The arguments of the constructor call that built this instance (in
  /// the FileFacts), or null (a root model, a container, a base class).
  const CallArgs *Args = nullptr;
  bool IsNorm = false;
  bool Open = false;
  bool Conditional = false;
  std::vector<SlotDef> Slots;
  /// Children in definition order; "*" is any index of a repeated container.
  std::vector<std::pair<std::string, std::unique_ptr<ModuleNode>>> Children;
  /// Names that exist but hold no state: plain attributes and methods. A
  /// library class's own attributes stay in Library->Attributes (one set
  /// per class, not a copy per instance): ask hasOtherName().
  NameSet OtherNames;

  /// Whether Name is one of OtherNames or an attribute of Library.
  bool hasOtherName(const std::string &Name) const;
  const SlotDef *slot(const std::string &Name) const;
  const ModuleNode *child(const std::string &Name) const;
  /// The slots with role R (for "did you mean").
  std::vector<const SlotDef *> slotsWithRole(Role R) const;
};

/// One key of a model's state dict, as a pattern (`trf_blocks.*.norm1.weight`).
struct KeySlot {
  std::string Key;
  const ModuleNode *Owner = nullptr;
  const SlotDef *Slot = nullptr;
  bool Conditional = false; ///< Under a condition paramlint cannot decide.
};

/// A module class expanded from the root: its tree and key space.
struct Model {
  std::string Name;
  Location Where; ///< The class name.
  std::unique_ptr<ModuleNode> Root;
  std::vector<KeySlot> Keys;
  /// A root model: not a submodule of any other project class.
  bool IsRoot = true;

  /// The keys that end in one leaf, and the same keys by the component
  /// before the leaf (`norm1` in `trf_blocks.*.norm1.weight`; "" for a
  /// top-level key), apart from those whose component has a `*`. A use
  /// `h.3.ln_1.weight` can only match keys with leaf `weight` whose parent
  /// component is `ln_1` or open: thousands of `weight`s shrink to a few.
  struct LeafKeys {
    std::vector<const KeySlot *> All;
    std::unordered_map<std::string, std::vector<const KeySlot *>> ByParent;
    std::vector<const KeySlot *> OpenParent;
  };
  /// Keys by their leaf (`weight`), and the few whose leaf has a `*`: a
  /// key use is compared with the keys that can match it, not with all.
  std::unordered_map<std::string, LeafKeys> ByLeaf;
  std::vector<const KeySlot *> WildcardLeaf;
  /// Builds ByLeaf and WildcardLeaf; call once Keys is final.
  void indexKeys();
};

/// How a loader's root variable was tied to a model.
enum class BindingKind { Constructor, CallSite, Annotation, Self, BestMatch };
const char *bindingKindName(BindingKind K);

/// A model instance some code builds: `gpt = GPTModel(cfg)`.
struct Instance {
  std::string Variable;
  const Model *TheModel = nullptr;
  Location Where;
  unsigned Scope = 0;
};

/// Where a path through a model ends up.
struct Resolution {
  enum class Kind {
    Slot,    ///< A parameter or buffer: Slot, Owner and Key are set.
    Module,  ///< A submodule: Owner is it.
    Other,   ///< A method or plain attribute.
    Missing, ///< Segment MissingAt names nothing on Owner.
    Unknown, ///< Went through an open module or an unknown index.
  };
  Kind K = Kind::Unknown;
  const ModuleNode *Owner = nullptr;
  const SlotDef *Slot = nullptr;
  std::string Key;        ///< Key pattern up to where resolution stopped.
  size_t MissingAt = 0;   ///< Index into the path (Missing).
};

/// Follows Path from Root through children and slots.
Resolution resolvePath(const ModuleNode &Root,
                       const std::vector<PathSegment> &Path);

/// An access of a loader, bound to a model with its full path from the root.
struct BoundAccess {
  const AccessFact *Fact = nullptr;
  const SourceFile *File = nullptr;
  const Model *TheModel = nullptr;
  std::vector<PathSegment> Path; ///< From the model root (aliases expanded).
  BindingKind How = BindingKind::Constructor;
  double Confidence = 1.0;
  std::optional<Location> InstanceWhere; ///< Where the model was built.
  Resolution Resolved;
};

/// The accesses of one function (or module scope) on one model.
struct Loader {
  std::string Function; ///< `<module>` for top-level code.
  const SourceFile *File = nullptr;
  Span Where;
  const Model *TheModel = nullptr;
  BindingKind How = BindingKind::Constructor;
  double Confidence = 1.0;
  std::vector<size_t> Accesses; ///< Indices into ParamGraph::Accesses.
};

/// A state-dict key some code uses, bound to the model whose key space it
/// names (through `load_state_dict`, `state_dict()`, or best match).
struct BoundKeyUse {
  const KeyUseFact *Fact = nullptr;
  const SourceFile *File = nullptr;
  const Model *TheModel = nullptr;
  /// The receiver's key prefix when a submodule loads (`encoder.`).
  std::string Prefix;
  BindingKind How = BindingKind::Constructor;
  double Confidence = 1.0;
  /// Keys of the model the pattern can name (empty: it names none).
  std::vector<const KeySlot *> Matches;
};

/// A `load_state_dict` call bound to its model and to the stores that fill
/// the dict it loads.
struct BoundLoad {
  const LoadStateDictFact *Fact = nullptr;
  const SourceFile *File = nullptr;
  const Model *TheModel = nullptr;
  std::string Prefix;
  std::vector<size_t> KeyUses; ///< Indices into ParamGraph::KeyUses.
  /// Every key the dict gets is one of KeyUses, so keys no store names
  /// are certainly missing.
  bool DictComplete = false;
};

/// A key rename (map entry, replace, regex, substring test) with the model
/// whose keys it is applied to.
struct BoundRename {
  const RenameFact *Fact = nullptr;
  const SourceFile *File = nullptr;
  const Model *TheModel = nullptr;
};

/// A checkpoint named on the command line (`check --checkpoint FILE`), bound
/// to the root model whose key space explains most of its tensor names.
struct CheckpointBinding {
  /// Stands for the file in locations (no text: row 1, column 1).
  const SourceFile *File = nullptr;
  std::string Path;
  std::string Format;
  /// The state-dict prefix stripped from every name (`model.` of
  /// `{"model": state_dict}`), empty when there is none.
  std::string Prefix;
  /// The checkpoint's tensors with Prefix stripped (tensors outside the
  /// prefix, such as optimizer state, left out).
  std::vector<TensorInfo> Tensors;
  /// Null when no model explains at least half of the names, or two do
  /// equally well: then nothing is checked and Why says so.
  const Model *TheModel = nullptr;
  double Confidence = 0; ///< Share of Tensors TheModel explains.
  std::string Why;
};

/// A key use the linker tied to no model (no model explains enough keys of
/// its group): a check may still compare it with a checkpoint's names.
struct LooseKeyUse {
  const KeyUseFact *Fact = nullptr;
  const SourceFile *File = nullptr;
};

/// A norm naming convention the run's configuration requires (the config's
/// `convention`, e.g. `"torch"`): the name as the config spells it and the
/// pair of parameter names it stands for.
struct RequiredConvention {
  std::string Name;  ///< For messages: `torch`.
  std::string Scale; ///< `weight`.
  std::string Shift; ///< `bias`.
};

/// What a check may read besides the linked facts: the run's settings that
/// change what a rule reports. Filled from AnalysisOptions::Context.
struct CheckContext {
  /// PL301 mixed-norm-conventions: every norm class must use this pair;
  /// unset, the project's majority convention is the norm.
  std::optional<RequiredConvention> NormConvention;
};

struct ParamGraph {
  std::vector<std::unique_ptr<Model>> Models;
  std::vector<Instance> Instances;
  std::vector<BoundAccess> Accesses;
  std::vector<Loader> Loaders;
  std::vector<BoundKeyUse> KeyUses;
  std::vector<BoundLoad> Loads;
  std::vector<BoundRename> Renames;
  std::vector<CheckpointBinding> Checkpoints;
  std::vector<LooseKeyUse> LooseKeyUses;
  CheckContext Context;
  /// The files the graph was linked from and their facts (parallel),
  /// inputs first: Files[0, InputCount) are what the user named. A fix that
  /// edits more than a name the graph points at (PL301's back-compatible
  /// rename) reads the facts of the files it edits. Set by analyze().
  std::vector<const SourceFile *> Files;
  std::vector<const FileFacts *> Facts;
  size_t InputCount = 0;

  const Model *findModel(const std::string &Name) const;
  /// The file of Files whose absolute, lexically normal path is Path (the
  /// spelling C++ facts use for other files), or null.
  const SourceFile *fileByPath(const std::string &Path) const;
};

/// The `<class>` and `<slot>` spelling a message uses for a module node:
/// "`torch.nn.LayerNorm` (parameters `weight`, `bias`)".
std::string describeModule(const ModuleNode &Node);

} // namespace paramlint

#endif // PARAMLINT_GRAPH_PARAMGRAPH_H

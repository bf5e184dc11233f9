//===- graph/LibraryClasses.h - The torch.nn classes paramlint knows -*- C++ -*-===//
///
/// \file
/// The library-class table (tool/graph/torch_nn.toml, compiled in as data):
/// for each torch.nn class, the parameters and buffers an instance owns and
/// the constructor flags that decide them, so that `nn.Linear(d, d,
/// bias=False)` expands to `weight` alone.
///
/// A run may add a project's own library classes from its config
/// (`library-classes`): `current()` is the table of the run in progress
/// (installed by RunTables, tool/RunTables.h), `builtin()` the compiled-in
/// one. The linker asks `current()`.
///
//===----------------------------------------------------------------------===//
#ifndef PARAMLINT_GRAPH_LIBRARYCLASSES_H
#define PARAMLINT_GRAPH_LIBRARYCLASSES_H

#include "graph/Facts.h"
#include "graph/ParamGraph.h"

#include <memory>
#include <optional>
#include <set>
#include <string>
#include <vector>

namespace paramlint {

/// A constructor argument that switches slots on or off.
struct LibraryFlag {
  std::string Name;
  int Position = -1;
  bool DefaultBool = true;
  std::optional<int> DefaultInt;
};

struct LibrarySlot {
  std::string Name; ///< May hold `{k}`/`{dir}` and a dot (`out_proj.weight`).
  SlotKind Kind = SlotKind::Parameter;
  Role TheRole = Role::Other;
  std::vector<std::string> When;
};

struct LibraryClass {
  std::string Name; ///< `torch.nn.LayerNorm`.
  bool IsNorm = false;
  bool Stateless = false;
  std::vector<LibraryFlag> Flags;
  std::vector<LibrarySlot> Slots;
  std::string LayersFlag;     ///< Expands `{k}`.
  std::string DirectionsFlag; ///< Expands `{dir}`.
  std::set<std::string> Attributes;
};

/// What the linker needs to know about torch.nn names.
class LibraryTable {
public:
  static const LibraryTable &builtin();
  /// The table of the run in progress: the one installed with setCurrent,
  /// else builtin(). Safe to call from any thread.
  static const LibraryTable &current();
  /// Makes Table (null: the built-in one) what current() returns; returns
  /// the previous one. The caller keeps Table alive while it is installed
  /// and while graph nodes built with it (ModuleNode::Library) are used.
  static const LibraryTable *setCurrent(const LibraryTable *Table);

  /// A copy of this table with Extra added; a class of Extra shadows a
  /// class of the same name.
  std::unique_ptr<LibraryTable> extendedWith(std::vector<LibraryClass> Extra) const;

  /// The class a qualified name (`torch.nn.LayerNorm`,
  /// `torch.nn.modules.normalization.LayerNorm`) denotes, or null.
  const LibraryClass *find(const std::string &QualifiedName) const;

  /// Builds the module node of an instance constructed with Args.
  std::unique_ptr<ModuleNode> instantiate(const LibraryClass &Class,
                                          const CallArgs &Args) const;

  /// True for the members every `nn.Module` has (`eval`, `state_dict`, ...).
  static bool isModuleApi(const std::string &Name);

private:
  std::vector<std::unique_ptr<LibraryClass>> Classes;
};

/// The containers whose children the frontend describes (`ModuleList`,
/// `Sequential`, `ModuleDict`, `ParameterList`, `ParameterDict`) and the
/// base `Module`, by qualified name.
enum class TorchContainer { None, Module, ModuleList, Sequential, ModuleDict,
                            ParameterList, ParameterDict };
TorchContainer torchContainer(const std::string &QualifiedName);

/// `torch.nn.modules.linear.Linear` → `torch.nn.Linear`; other names unchanged.
std::string canonicalTorchName(const std::string &QualifiedName);

} // namespace paramlint

#endif // PARAMLINT_GRAPH_LIBRARYCLASSES_H

//===- RunTables.h - The tables of one run, as a config extends them -*- C++ -*-===//
///
/// \file
/// The conventions table (checks/conventions.toml) and the library-class
/// table (tool/graph/torch_nn.toml) are compiled in. A project's config may
/// add to them for its runs: extra role aliases (`my_gain` is a scale), its
/// own library classes (`apex.normalization.FusedLayerNorm` holds `weight`
/// and `bias`). analyze() builds the extended tables once per
/// run and installs them (Conventions::current, LibraryTable::current) for
/// the run's duration, so that the linker, the key matching and the checks
/// all judge names by the same table without every call passing it on.
///
/// The installed tables are process-wide: two runs with different
/// extensions must not overlap in one process (the commands and the tests
/// run one analysis at a time; the fix engine and `verify` run theirs one
/// after the other).
///
//===----------------------------------------------------------------------===//
#ifndef PARAMLINT_RUNTABLES_H
#define PARAMLINT_RUNTABLES_H

#include "checks/Conventions.h"
#include "graph/LibraryClasses.h"

#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

namespace paramlint {

/// A library class a config adds (`[tool.paramlint.library-classes]`).
struct ConfigLibraryClass {
  std::string Name; ///< Qualified, as an import resolves it.
  /// `kind`: `norm` (its slots get norm roles) or `module`; unset: Like's.
  std::optional<bool> IsNorm;
  /// `like`: a built-in class whose flags and slots it copies; empty: none.
  std::string Like;
  /// `params`; unset: Like's slots.
  std::optional<std::vector<std::string>> Params;
  std::vector<std::string> Buffers;    ///< `buffers`.
  std::vector<std::string> Attributes; ///< `attributes`: no state, no finding.

  bool operator==(const ConfigLibraryClass &O) const;
};

/// What a config adds to the compiled-in tables for its runs.
struct TableExtensions {
  /// Extra names per role (`scale`: `gain`): roles in key order, each
  /// role's names as listed.
  std::vector<std::pair<Role, std::string>> Aliases;
  std::vector<ConfigLibraryClass> LibraryClasses;

  bool empty() const {
    return Aliases.empty() && LibraryClasses.empty();
  }
};

/// The extended tables of one run. Graph nodes point into Library
/// (ModuleNode::Library), so an Analysis keeps its tables alive.
struct ExtendedTables {
  Conventions Conv;
  std::unique_ptr<LibraryTable> Library;
};

/// Builds the tables of a run: the built-in ones with E added. The config
/// reader has validated E (no name in two roles, `like` naming a built-in
/// class), so this cannot fail.
std::shared_ptr<const ExtendedTables> extendTables(const TableExtensions &E);

/// Installs Tables as the current tables for its lifetime and restores the
/// previous ones after; with null Tables it changes nothing.
class ScopedTables {
public:
  explicit ScopedTables(std::shared_ptr<const ExtendedTables> Tables);
  ~ScopedTables();
  ScopedTables(const ScopedTables &) = delete;
  ScopedTables &operator=(const ScopedTables &) = delete;

private:
  std::shared_ptr<const ExtendedTables> Tables;
  const Conventions *PreviousConv = nullptr;
  const LibraryTable *PreviousLibrary = nullptr;
};

} // namespace paramlint

#endif // PARAMLINT_RUNTABLES_H

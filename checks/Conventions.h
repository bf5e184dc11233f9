//===- checks/Conventions.h - Naming conventions of norm parameters -*- C++ -*-===//
///
/// \file
/// The conventions table (checks/conventions.toml, compiled in as data):
/// which names mean "scale", "shift" or "running statistic", and the pair of
/// names each library uses. Checks and the linker ask it for the role of a
/// name; messages ask it which convention a pair of names follows.
///
/// A run may extend the table from its config (extra role aliases):
/// `current()` is the table of the run in progress (installed by RunTables, tool/RunTables.h), `builtin()` the
/// compiled-in one. Code that judges names asks `current()`.
///
//===----------------------------------------------------------------------===//
#ifndef PARAMLINT_CHECKS_CONVENTIONS_H
#define PARAMLINT_CHECKS_CONVENTIONS_H

#include "graph/ParamGraph.h"

#include <string>
#include <string_view>
#include <vector>

namespace paramlint {

/// The pair of norm-parameter names one library or paper uses.
struct NamingConvention {
  std::string Name;
  std::string Scale;
  std::string Shift;
  /// What a config names it by (`torch`, `tf`, `gpt2-tf`, `book`).
  std::string Id;
};

class Conventions {
public:
  /// The built-in table (parsed once, on first use).
  static const Conventions &builtin();
  /// The table of the run in progress: the one installed with
  /// setCurrent, else builtin(). Safe to call from any thread.
  static const Conventions &current();
  /// Makes Table (null: the built-in one) what current() returns; returns
  /// the previous one. RunTables calls it around a run; the caller keeps
  /// Table alive while it is installed.
  static const Conventions *setCurrent(const Conventions *Table);

  /// The role a parameter or source name has: `gamma` is Scale, `b` Shift,
  /// anything not in the table Other.
  Role roleOf(std::string_view Name) const;
  /// The role of the last component of a key such as `h.0.ln_1.b` or
  /// `model/h0/ln_1/g`.
  Role roleOfKey(std::string_view Key) const;
  const std::vector<NamingConvention> &libraries() const { return Libraries; }
  /// Every name the table gives role R (empty for Other).
  const std::vector<std::string> &namesOf(Role R) const;
  /// The library convention a config calls Id (`torch`), or null.
  const NamingConvention *findConvention(std::string_view Id) const;

  /// Gives Name role R (a config's `aliases`); a name the table already
  /// knows keeps its role (the config reader refuses such a name).
  void addAlias(Role R, const std::string &Name);

private:
  std::vector<std::string> ScaleNames, ShiftNames, RunningStatNames;
  std::vector<NamingConvention> Libraries;
};

} // namespace paramlint

#endif // PARAMLINT_CHECKS_CONVENTIONS_H

//===- checks/Conventions.h - Naming conventions of norm parameters -*- C++ -*-===//
///
/// \file
/// The conventions table (checks/conventions.toml, compiled in as data):
/// which names mean "scale", "shift" or "running statistic", and the pair of
/// names each library uses. Checks and the linker ask it for the role of a
/// name; messages ask it which convention a pair of names follows.
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
};

class Conventions {
public:
  /// The built-in table (parsed once, on first use).
  static const Conventions &builtin();

  /// The role a parameter or source name has: `gamma` is Scale, `b` Shift,
  /// anything not in the table Other.
  Role roleOf(std::string_view Name) const;
  /// The role of the last component of a key such as `h.0.ln_1.b` or
  /// `model/h0/ln_1/g`.
  Role roleOfKey(std::string_view Key) const;
  const std::vector<NamingConvention> &libraries() const { return Libraries; }
  /// Every name the table gives role R (empty for Other).
  const std::vector<std::string> &namesOf(Role R) const;

private:
  std::vector<std::string> ScaleNames, ShiftNames, RunningStatNames;
  std::vector<NamingConvention> Libraries;
};

} // namespace paramlint

#endif // PARAMLINT_CHECKS_CONVENTIONS_H

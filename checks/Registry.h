//===- checks/Registry.h - Every rule paramlint has ------------*- C++ -*-===//
#ifndef PARAMLINT_CHECKS_REGISTRY_H
#define PARAMLINT_CHECKS_REGISTRY_H

#include "checks/Check.h"

#include <memory>
#include <string>
#include <vector>

namespace paramlint {

/// One instance of every graph check, sorted by code.
std::vector<std::unique_ptr<Check>> makeAllChecks();

/// Every rule code paramlint can report, including those reported outside
/// the graph checks (PL001 parse-error), sorted.
std::vector<CheckInfo> allRules();

/// Whether Code is selected by a list of codes or prefixes (`PL1`, `ALL`).
bool matchesAny(const std::string &Code, const std::vector<std::string> &List);

} // namespace paramlint

#endif // PARAMLINT_CHECKS_REGISTRY_H

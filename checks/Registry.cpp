//===- checks/Registry.cpp - Every rule paramlint has ---------------------===//
#include "checks/Registry.h"

#include "checks/LoaderWritesUnknownParamCheck.h"
#include "checks/ParamNeverLoadedCheck.h"
#include "checks/SwappedNormRolesCheck.h"

namespace paramlint {

/// Reported by the analysis driver when a file cannot be read or parsed.
static constexpr CheckInfo ParseErrorInfo{"PL001", "parse-error", Severity::Error};

std::vector<std::unique_ptr<Check>> makeAllChecks() {
  std::vector<std::unique_ptr<Check>> Checks;
  // One sorted line per check.
  Checks.push_back(std::make_unique<LoaderWritesUnknownParamCheck>());
  Checks.push_back(std::make_unique<ParamNeverLoadedCheck>());
  Checks.push_back(std::make_unique<SwappedNormRolesCheck>());
  return Checks;
}

std::vector<CheckInfo> allRules() {
  std::vector<CheckInfo> Rules{ParseErrorInfo};
  for (const auto &C : makeAllChecks())
    Rules.push_back(C->info());
  return Rules;
}

bool matchesAny(const std::string &Code, const std::vector<std::string> &List) {
  for (const std::string &Item : List)
    if (Item == "ALL" || Code.compare(0, Item.size(), Item) == 0)
      return true;
  return false;
}

} // namespace paramlint

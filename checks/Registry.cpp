//===- checks/Registry.cpp - Every rule paramlint has ---------------------===//
#include "checks/Registry.h"

#include "checks/CheckpointKeyMissingCheck.h"
#include "checks/CheckpointKeyUnexpectedCheck.h"
#include "checks/CheckpointShapeMismatchCheck.h"
#include "checks/KeyNotInModelCheck.h"
#include "checks/LoaderWritesUnknownParamCheck.h"
#include "checks/MixedNormConventionsCheck.h"
#include "checks/NormEpsPlacementCheck.h"
#include "checks/NormSemanticsChangedRule.h"
#include "checks/NormUnbiasedVarianceCheck.h"
#include "checks/ParseErrorRule.h"
#include "checks/ParamNeverLoadedCheck.h"
#include "checks/StrictFalseHidesMismatchCheck.h"
#include "checks/SwappedNormRolesCheck.h"
#include "checks/UnusedSuppressionCheck.h"

namespace paramlint {

std::vector<std::unique_ptr<Check>> makeAllChecks() {
  std::vector<std::unique_ptr<Check>> Checks;
  // One sorted line per check.
  Checks.push_back(std::make_unique<LoaderWritesUnknownParamCheck>());
  Checks.push_back(std::make_unique<KeyNotInModelCheck>());
  Checks.push_back(std::make_unique<ParamNeverLoadedCheck>());
  Checks.push_back(std::make_unique<SwappedNormRolesCheck>());
  Checks.push_back(std::make_unique<StrictFalseHidesMismatchCheck>());
  Checks.push_back(std::make_unique<CheckpointKeyMissingCheck>());
  Checks.push_back(std::make_unique<CheckpointKeyUnexpectedCheck>());
  Checks.push_back(std::make_unique<CheckpointShapeMismatchCheck>());
  Checks.push_back(std::make_unique<MixedNormConventionsCheck>());
  Checks.push_back(std::make_unique<NormUnbiasedVarianceCheck>());
  Checks.push_back(std::make_unique<NormEpsPlacementCheck>());
  return Checks;
}

std::vector<CheckInfo> allRules() {
  // PL001 is reported by the analysis driver and PL002 after suppression,
  // not by graph checks.
  std::vector<CheckInfo> Rules{ParseErrorRule::Info, UnusedSuppressionCheck::Info};
  for (const auto &C : makeAllChecks())
    Rules.push_back(C->info());
  // PL403 is raised by `paramlint verify`.
  Rules.push_back(NormSemanticsChangedRule::Info);
  return Rules;
}

bool matchesAny(const std::string &Code, const std::vector<std::string> &List) {
  for (const std::string &Item : List)
    if (Item == "ALL" || Code.compare(0, Item.size(), Item) == 0)
      return true;
  return false;
}

} // namespace paramlint

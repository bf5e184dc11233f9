//===- report/Statistics.cpp - Counts per rule for --statistics -----------===//
#include "report/Reporters.h"
#include "checks/Registry.h"
#include "fix/FixEngine.h"

#include <nlohmann/json.hpp>

#include <map>

namespace paramlint {

std::vector<RuleCount> countByRule(const std::vector<Diagnostic> &Diags,
                                   bool UnsafeFixes) {
  std::map<std::string, RuleCount> Counts;
  for (const Diagnostic &D : Diags) {
    RuleCount &C = Counts[D.Code];
    C.Code = D.Code;
    ++C.Count;
    C.Fixable += isFixApplicable(D, UnsafeFixes);
  }
  for (const CheckInfo &R : allRules())
    if (auto It = Counts.find(R.Code); It != Counts.end())
      It->second.Name = R.Name;
  std::vector<RuleCount> Out;
  for (auto &Entry : Counts)
    Out.push_back(std::move(Entry.second));
  return Out;
}

void writeStatisticsJson(std::ostream &OS, const std::vector<Diagnostic> &Diags,
                         bool UnsafeFixes) {
  nlohmann::ordered_json Array = nlohmann::ordered_json::array();
  for (const RuleCount &C : countByRule(Diags, UnsafeFixes))
    Array.push_back({{"code", C.Code},
                     {"name", C.Name},
                     {"count", C.Count},
                     {"fixable", C.Fixable > 0}});
  OS << Array.dump(2) << "\n";
}

} // namespace paramlint

//===- checks/StrictFalseHidesMismatchCheck.cpp - PL105 -------------------===//
#include "checks/StrictFalseHidesMismatchCheck.h"

#include "graph/KeyPattern.h"

#include <fmt/format.h>

#include <set>

namespace paramlint {
namespace {

std::string list(const std::vector<std::string> &Keys) {
  std::string Out;
  for (size_t I = 0; I < Keys.size() && I < 6; ++I)
    Out += (I ? ", `" : "`") + Keys[I] + "`";
  if (Keys.size() > 6)
    Out += fmt::format(" and {} more", Keys.size() - 6);
  return Out;
}

} // namespace

void StrictFalseHidesMismatchCheck::run(const ParamGraph &Graph,
                                        DiagnosticSink &Out) const {
  for (const BoundLoad &L : Graph.Loads) {
    if (!L.Fact->StrictGiven || !L.Fact->Strict || *L.Fact->Strict)
      continue;
    std::vector<std::string> Unexpected, Missing;
    std::set<std::string> Seen;
    for (size_t I : L.KeyUses) {
      const BoundKeyUse &U = Graph.KeyUses[I];
      if (U.Matches.empty() && Seen.insert(U.Fact->Pattern).second)
        Unexpected.push_back(U.Fact->Pattern);
    }
    if (L.DictComplete)
      for (const KeySlot &K : L.TheModel->Keys) {
        if (K.Conditional || K.Key.compare(0, L.Prefix.size(), L.Prefix) != 0)
          continue;
        bool Stored = false;
        for (size_t I : L.KeyUses)
          Stored |= keyMatches(L.Prefix + Graph.KeyUses[I].Fact->Pattern, K.Key);
        if (!Stored)
          Missing.push_back(K.Key.substr(L.Prefix.size()));
      }
    if (Unexpected.empty() && Missing.empty())
      continue;
    Diagnostic D;
    D.Code = Info.Code;
    D.Where = Location{L.File, L.Fact->Where};
    std::string Parts;
    if (!Unexpected.empty())
      Parts += fmt::format("the dict has {}, which `{}` does not have",
                           list(Unexpected), L.TheModel->Name);
    if (!Missing.empty())
      Parts += fmt::format("{}it never gets {}", Parts.empty() ? "" : "; ",
                           list(Missing));
    D.Message = fmt::format("`strict=False` hides a mismatch: {}; a strict load "
                            "would fail here",
                            Parts);
    Out.report(std::move(D));
  }
}

} // namespace paramlint

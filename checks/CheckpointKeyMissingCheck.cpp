//===- checks/CheckpointKeyMissingCheck.cpp - PL201 -----------------------===//
#include "checks/CheckpointKeyMissingCheck.h"

#include "checks/CheckSupport.h"
#include "graph/CheckpointBinding.h"
#include "graph/KeyPattern.h"

#include <fmt/format.h>

#include <set>

namespace paramlint {

void CheckpointKeyMissingCheck::run(const ParamGraph &Graph,
                                    DiagnosticSink &Out) const {
  for (const CheckpointBinding &B : Graph.Checkpoints) {
    if (!B.TheModel)
      continue;
    CheckpointDiff Diff = compareCheckpoint(B);
    for (const MissingKey &Miss : Diff.Missing) {
      const std::string &Key = Miss.Key->Key;
      Diagnostic D;
      D.Code = Info.Code;
      D.Where = B.TheModel->Where;
      D.Message = fmt::format("`{}` of `{}` is not in the checkpoint `{}`", Key,
                              B.TheModel->Name, B.Path);
      // The checkpoint's spellings of this key, as patterns.
      std::set<std::string> Spellings;
      for (const TensorInfo *T : Miss.Partners)
        Spellings.insert(indexPattern(T->Name));
      std::string Has;
      for (const std::string &S : Spellings) {
        std::string Convention = conventionsUsing(keyLeaf(S));
        Has += fmt::format("{}`{}`{}", Has.empty() ? "" : ", ", S,
                           Convention.empty() ? "" : " (" + Convention + " convention)");
      }
      if (!Has.empty())
        D.Message += "; it has " + Has;
      D.Notes.push_back(checkpointNote(B));
      std::map<std::string, std::string> Mine;
      for (const auto &[From, To] : Diff.Renames)
        if (keyMatches(To, Key))
          Mine.emplace(From, To);
      if (!Mine.empty())
        D.Notes.push_back(Note{renameMapPreview(Mine), std::nullopt});
      D.TheFix = renameMapFix(Mine);
      Out.report(std::move(D));
    }
  }
}

} // namespace paramlint

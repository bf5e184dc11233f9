//===- checks/CheckpointKeyUnexpectedCheck.cpp - PL202 --------------------===//
#include "checks/CheckpointKeyUnexpectedCheck.h"

#include "checks/CheckSupport.h"
#include "graph/CheckpointBinding.h"
#include "graph/KeyPattern.h"

#include <fmt/format.h>

namespace paramlint {

void CheckpointKeyUnexpectedCheck::run(const ParamGraph &Graph,
                                       DiagnosticSink &Out) const {
  for (const CheckpointBinding &B : Graph.Checkpoints) {
    if (!B.TheModel)
      continue;
    CheckpointDiff Diff = compareCheckpoint(B);
    for (const UnexpectedGroup &G : Diff.Unexpected) {
      Diagnostic D;
      D.Code = Info.Code;
      D.Where = B.TheModel->Where;
      std::string Count =
          G.Tensors.size() == 1 ? "" : fmt::format(" ({} tensors)", G.Tensors.size());
      D.Message = fmt::format("the checkpoint `{}` has `{}`{}, which no key of `{}` takes",
                              B.Path, G.Pattern, Count, B.TheModel->Name);
      if (G.Partner) {
        std::string Convention = conventionsUsing(keyLeaf(G.Partner->Key));
        D.Message += fmt::format(
            "; `{}` has `{}` (`{}`{}), which the checkpoint lacks",
            B.TheModel->Name, G.Partner->Key, G.Partner->Owner->ClassName,
            Convention.empty() ? "" : ", " + Convention + " convention");
      }
      D.Notes.push_back(checkpointNote(B));
      std::map<std::string, std::string> Mine;
      for (const TensorInfo *T : G.Tensors) {
        auto It = Diff.Renames.find(T->Name);
        if (It != Diff.Renames.end())
          Mine.insert(*It);
      }
      if (!Mine.empty())
        D.Notes.push_back(Note{renameMapPreview(Mine), std::nullopt});
      D.TheFix = renameMapFix(Mine);
      Out.report(std::move(D));
    }
  }
}

} // namespace paramlint

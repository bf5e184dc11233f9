//===- checks/CheckSupport.h - Pieces several checks share -----*- C++ -*-===//
#ifndef PARAMLINT_CHECKS_CHECKSUPPORT_H
#define PARAMLINT_CHECKS_CHECKSUPPORT_H

#include "Diagnostic.h"
#include "graph/ParamGraph.h"

#include <map>
#include <set>
#include <string>
#include <vector>

namespace paramlint {

/// The note that says which model an access was bound to and how:
/// "model: `GPTModel` (model.py:58), built at load.py:70".
Note modelNote(const BoundAccess &B);

/// `trf_blocks[*].norm1` for the first N segments of a path.
std::string pathText(const std::vector<PathSegment> &Path, size_t N);

/// The slot names of Owner in the role Missing's name has, when there is
/// exactly one: the "did you mean" of a name written in another convention.
const SlotDef *roleEquivalent(const ModuleNode &Owner, const std::string &Name);

/// The note of a checkpoint finding: which file, its format and size, and
/// how sure the binding to the model is.
Note checkpointNote(const CheckpointBinding &B);

/// The fix of a checkpoint key finding: no edit (the checkpoint is data and
/// the right place for a rename is the user's call), unsafe, with the rename
/// map as JSON (its first 32 entries when longer) and the
/// `_register_load_state_dict_pre_hook` that applies it in its message. No
/// fix when Renames is empty.
std::optional<Fix> renameMapFix(const std::map<std::string, std::string> &Renames);

/// A short one-line view of Renames for a note: the first few entries, then
/// how many there are in all.
std::string renameMapPreview(const std::map<std::string, std::string> &Renames);

/// A project class whose forward is a readable norm, and the widths its
/// instances are built with.
struct NormClassUse {
  const ModuleNode *Root = nullptr; ///< The class's own model root.
  const NormSemanticsFact *Fact = nullptr;
  std::set<unsigned> Widths;  ///< Literal widths of instances.
  bool SomeWidthUnknown = false; ///< An instance whose width is not literal.
};

/// Every such class of the graph, in model order.
std::vector<NormClassUse> normClasses(const ParamGraph &Graph);

/// "-0.0651% at n=768, -0.0488% at n=1024" for the widths of Use (at most
/// three), or Fallback when none is known; Effect(n) is the relative change.
std::string effectAtWidths(const NormClassUse &Use, double (*Effect)(unsigned),
                           const std::string &Fallback);

} // namespace paramlint

#endif // PARAMLINT_CHECKS_CHECKSUPPORT_H

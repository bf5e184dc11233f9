//===- checks/CheckSupport.h - Pieces several checks share -----*- C++ -*-===//
#ifndef PARAMLINT_CHECKS_CHECKSUPPORT_H
#define PARAMLINT_CHECKS_CHECKSUPPORT_H

#include "Diagnostic.h"
#include "graph/ParamGraph.h"

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

} // namespace paramlint

#endif // PARAMLINT_CHECKS_CHECKSUPPORT_H

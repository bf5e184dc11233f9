//===- graph/Linker.h - Facts of all files to the ParamGraph ---*- C++ -*-===//
///
/// \file
/// The whole-program step: resolves class references across files through
/// imports (package-relative, sibling modules, notebooks importing local
/// `.py` files), recognises module classes, expands each into its module
/// tree and key space, and binds every loader access to the model it acts
/// on (constructor flow, self, annotations, call sites, best match).
///
//===----------------------------------------------------------------------===//
#ifndef PARAMLINT_GRAPH_LINKER_H
#define PARAMLINT_GRAPH_LINKER_H

#include "SourceFile.h"
#include "graph/Facts.h"
#include "graph/ParamGraph.h"

#include <string>
#include <utility>
#include <vector>

namespace paramlint {

/// Wall time of each step of one link in milliseconds, in the order the
/// steps run (`check --timings` prints them): where a link's time goes.
using LinkStepTimes = std::vector<std::pair<std::string, double>>;

/// Builds the graph. Files[i] is the file Facts[i] was extracted from; both
/// must outlive the graph (it points into them). The independent searches
/// (best match of key uses) run on Jobs workers (0: one per core); the
/// graph is the same for every Jobs. With Steps, the time of each step is
/// appended to it.
ParamGraph link(const std::vector<const SourceFile *> &Files,
                const std::vector<const FileFacts *> &Facts, unsigned Jobs = 1,
                LinkStepTimes *Steps = nullptr);

} // namespace paramlint

#endif // PARAMLINT_GRAPH_LINKER_H

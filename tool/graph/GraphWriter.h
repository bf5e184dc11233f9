//===- graph/GraphWriter.h - `paramlint graph` output ----------*- C++ -*-===//
///
/// \file
/// Prints the ParamGraph as JSON (models with their key spaces, instances,
/// loaders with their uses, and the graph as nodes and edges) or as DOT.
///
//===----------------------------------------------------------------------===//
#ifndef PARAMLINT_GRAPH_GRAPHWRITER_H
#define PARAMLINT_GRAPH_GRAPHWRITER_H

#include "graph/ParamGraph.h"

#include <ostream>

namespace paramlint {

void writeGraphJson(std::ostream &OS, const ParamGraph &Graph);
void writeGraphDot(std::ostream &OS, const ParamGraph &Graph);

} // namespace paramlint

#endif // PARAMLINT_GRAPH_GRAPHWRITER_H

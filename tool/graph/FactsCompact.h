//===- graph/FactsCompact.h - Fact lists without spare capacity -*- C++ -*-===//
///
/// \file
/// Facts are appended one by one while a tree is walked, so every list
/// ends with the spare capacity of its last growth (up to half of it). The
/// facts of every file live until the checks are done, so that slack is
/// held for the whole run: on the 2,309-file benchmark corpus the top-level
/// lists alone carried 26 MiB of it. compactFacts gives it back once a
/// file's facts are final.
///
//===----------------------------------------------------------------------===//
#ifndef PARAMLINT_GRAPH_FACTSCOMPACT_H
#define PARAMLINT_GRAPH_FACTSCOMPACT_H

#include "graph/Facts.h"

namespace paramlint {

/// Shrinks every list of Facts, and the per-fact lists of the numerous
/// kinds (accesses, bindings, calls, classes, scopes, key uses), to its size.
void compactFacts(FileFacts &Facts);

} // namespace paramlint

#endif // PARAMLINT_GRAPH_FACTSCOMPACT_H

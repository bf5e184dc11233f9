//===- python/PythonFrontend.h - Python source to facts --------*- C++ -*-===//
///
/// \file
/// Parses Python text with tree-sitter-python and extracts the FileFacts of
/// graph/Facts.h. Works on plain `.py` files and on a notebook's joined code
/// cells alike (the SourceFile carries the text either way).
///
//===----------------------------------------------------------------------===//
#ifndef PARAMLINT_PYTHON_PYTHONFRONTEND_H
#define PARAMLINT_PYTHON_PYTHONFRONTEND_H

#include "SourceFile.h"
#include "graph/Facts.h"

namespace paramlint {

/// Extracts the facts of one Python source. Never fails: a file with syntax
/// errors yields the facts of the parts that parsed plus a ParseProblem at
/// the first error. Thread-safe (each thread keeps its own parser).
FileFacts extractPythonFacts(const SourceFile &File);

/// extractPythonFacts with the parse bounded by TimeoutSeconds (0: no
/// bound): a file that takes longer yields only a ParseProblem marked
/// TimedOut.
FileFacts extractPythonFactsWithin(const SourceFile &File, double TimeoutSeconds);

/// Parses only, for the benchmark's floor: returns the number of nodes in
/// the tree so the work cannot be optimised away.
size_t parsePythonOnly(const std::string &Text);

} // namespace paramlint

#endif // PARAMLINT_PYTHON_PYTHONFRONTEND_H

//===- python/ParseProbe.h - One text parsed two ways, compared -*- C++ -*-===//
///
/// \file
/// The frontend's speed-ups that change how the runtime parses (the lexer's
/// fast path, the scanner's state memo) each check themselves at first use
/// the same way: a probe text, made to reach every kind of step they take
/// or decline, is parsed by a parser with the speed-up, and its tree must
/// agree node by node with the tree of a parser as the runtime comes
/// (parsed once per process, for all the checks).
///
//===----------------------------------------------------------------------===//
#ifndef PARAMLINT_PYTHON_PARSEPROBE_H
#define PARAMLINT_PYTHON_PARSEPROBE_H

#include <tree_sitter/api.h>

namespace paramlint {
namespace py {

/// Whether Candidate (a parser with a language set) parses each probe text
/// to the tree a fresh parser with the grammar's language and the
/// runtime's own lexer gives: in pre-order, every node's symbol, bytes,
/// start and end rows and columns, error and missing flags and child
/// count, under a root that spans the whole text. Thread-safe.
bool parsesProbeAsRuntime(TSParser *Candidate);

} // namespace py
} // namespace paramlint

#endif // PARAMLINT_PYTHON_PARSEPROBE_H

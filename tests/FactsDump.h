//===- FactsDump.h - Every field of a FileFacts as text ---------*- C++ -*-===//
///
/// \file
/// A FileFacts written out field by field, for tests that must notice any
/// difference between two of them (the cache's round trip): two facts are
/// equal when their dumps are, and a failing comparison shows the field.
/// Written independently of cache/FactsSerializer.cpp, and with the same
/// structured bindings, so a field added to graph/Facts.h fails to compile
/// here too until it is dumped.
///
//===----------------------------------------------------------------------===//
#ifndef PARAMLINT_TESTS_FACTSDUMP_H
#define PARAMLINT_TESTS_FACTSDUMP_H

#include "graph/Facts.h"

#include <string>

namespace paramlint::test {

/// One line per fact, every field named.
std::string dumpFacts(const FileFacts &Facts);

} // namespace paramlint::test

#endif // PARAMLINT_TESTS_FACTSDUMP_H

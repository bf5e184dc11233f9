//===- python/ParseLanguage.h - The language check's parsers parse with -*- C++ -*-===//
///
/// \file
/// The parse arena's parsers (`check`'s parse, `bare_parse --arena`) parse
/// with a copy of the grammar's language that parses the same trees at less
/// cost: its parse table dense (python/DenseParseTable.h) and its external
/// scanner behind the memo (python/ScannerStateMemo.h). Each is taken on
/// when the environment does not switch it off and, with it added to what
/// was taken before, the probe texts (python/ParseProbe.h) parse to the
/// trees the grammar's own language gives; else it is left out, which
/// costs speed, never correctness.
///
//===----------------------------------------------------------------------===//
#ifndef PARAMLINT_PYTHON_PARSELANGUAGE_H
#define PARAMLINT_PYTHON_PARSELANGUAGE_H

#include <tree_sitter/api.h>

namespace paramlint {
namespace py {

/// The language of the parse arena's parsers (built and checked once per
/// process, at the first call; thread-safe).
const TSLanguage *parseLanguage();

/// Whether parseLanguage() has the dense parse table.
bool denseParseTableInUse();

/// Whether parseLanguage() has the scanner memo.
bool scannerMemoInUse();

} // namespace py
} // namespace paramlint

#endif // PARAMLINT_PYTHON_PARSELANGUAGE_H

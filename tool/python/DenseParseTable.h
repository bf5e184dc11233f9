//===- python/DenseParseTable.h - Every parse state's row, indexed -*- C++ -*-===//
///
/// \file
/// A language keeps the parse actions of its first states ("large" ones:
/// 190 of tree-sitter-python's 2,809) as rows indexed by symbol, and those
/// of the others as lists of (value, symbols) groups that a lookup scans
/// (`ts_language_lookup`, runtime 0.20.7's language.h). Scanning costs:
/// `ts_language_table_entry` averages 143 instructions a lookup on the
/// benchmark corpus (14.8 million lookups, 2.1 G instructions, 5% of
/// `check`'s), and the goto lookups after each reduction scan the same
/// lists.
///
/// withDenseParseTable gives a copy of a language in which every state is
/// large: the lists spread into rows (for tree-sitter-python 2,809 states
/// by 273 symbols, 1.5 MB, built in about a millisecond), so that each
/// lookup is one load. The runtime reads the table only through
/// ts_language_lookup, whose answer for every (state, symbol) is the same
/// in the copy; the lists are walked in their own order only by query
/// analysis (query.c), which paramlint does not use.
///
/// The parse arena's parsers parse with it (python/ParseLanguage.h, which
/// checks it with the probe texts first); `PARAMLINT_DENSE_PARSE_TABLE=off`
/// turns it off.
///
//===----------------------------------------------------------------------===//
#ifndef PARAMLINT_PYTHON_DENSEPARSETABLE_H
#define PARAMLINT_PYTHON_DENSEPARSETABLE_H

#include "python/LanguageCopy.h"

#include <tree_sitter/api.h>

#include <cstdint>
#include <vector>

namespace paramlint {
namespace py {

/// Language's parse table with every state as a row of symbol_count
/// values, state after state: the value ts_language_lookup gives for each
/// (state, symbol).
std::vector<uint16_t> denseParseTable(const TSLanguage *Language);

/// A copy of Language whose parse table is Rows (from denseParseTable,
/// which must outlive the copy) and whose states are all large. Nothing
/// else differs.
LanguageCopy withDenseParseTable(const TSLanguage *Language,
                                 const std::vector<uint16_t> &Rows);

/// The parse table's size: states by symbols (0.20.7's api.h says neither;
/// its ts_language_symbol_count counts the aliases too).
struct ParseTableShape {
  uint32_t States = 0, Symbols = 0;
};
ParseTableShape parseTableShape(const TSLanguage *Language);

/// What ts_language_lookup answers for (State, Symbol) in Language, read
/// from the language's own tables the way the runtime reads them (for the
/// tests: a second reading to compare the rows with).
uint16_t lookupAsRuntime(const TSLanguage *Language, uint16_t State, TSSymbol Symbol);

/// Whether the environment asks for the language's own table
/// (`PARAMLINT_DENSE_PARSE_TABLE=off`).
bool denseParseTableSwitchedOff();

} // namespace py
} // namespace paramlint

#endif // PARAMLINT_PYTHON_DENSEPARSETABLE_H

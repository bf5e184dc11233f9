//===- python/DenseParseTable.cpp - Every parse state's row, indexed -------===//
#include "python/DenseParseTable.h"

#include "python/EnvironmentSwitch.h"

// The language's layout: the grammar's generated header (see
// ScannerStateMemo.cpp for why TSStateId is declared first).
typedef uint16_t TSStateId;
#include "tree_sitter/parser.h"

#include <algorithm>

namespace paramlint {
namespace py {

std::vector<uint16_t> denseParseTable(const TSLanguage *Language) {
  const TSLanguage &L = *Language;
  const size_t Width = L.symbol_count;
  std::vector<uint16_t> Rows(size_t(L.state_count) * Width, 0);
  const uint32_t Large = std::min(L.large_state_count, L.state_count);
  std::copy(L.parse_table, L.parse_table + Large * Width, Rows.begin());
  // A small state's groups: (value, symbol count, symbols...). A lookup
  // takes the first group that lists the symbol; later ones never count.
  std::vector<bool> Seen(Width);
  for (uint32_t State = Large; State < L.state_count; ++State) {
    const uint16_t *Data = &L.small_parse_table[L.small_parse_table_map[State - Large]];
    uint16_t *Row = &Rows[State * Width];
    std::fill(Seen.begin(), Seen.end(), false);
    const uint16_t Groups = *Data++;
    for (uint16_t G = 0; G < Groups; ++G) {
      const uint16_t Value = *Data++;
      const uint16_t Count = *Data++;
      for (uint16_t I = 0; I < Count; ++I) {
        const uint16_t Symbol = *Data++;
        if (Symbol < Width && !Seen[Symbol]) {
          Seen[Symbol] = true;
          Row[Symbol] = Value;
        }
      }
    }
  }
  return Rows;
}

LanguageCopy withDenseParseTable(const TSLanguage *Language,
                                 const std::vector<uint16_t> &Rows) {
  LanguageCopy Copy = copyOf(Language);
  Copy->parse_table = Rows.data();
  Copy->large_state_count = Copy->state_count;
  return Copy;
}

uint16_t lookupAsRuntime(const TSLanguage *Language, uint16_t State, TSSymbol Symbol) {
  const TSLanguage &L = *Language;
  if (State < L.large_state_count)
    return L.parse_table[size_t(State) * L.symbol_count + Symbol];
  const uint16_t *Data = &L.small_parse_table[L.small_parse_table_map[State - L.large_state_count]];
  const uint16_t Groups = *Data++;
  for (uint16_t G = 0; G < Groups; ++G) {
    const uint16_t Value = *Data++;
    const uint16_t Count = *Data++;
    for (uint16_t I = 0; I < Count; ++I)
      if (*Data++ == Symbol)
        return Value;
  }
  return 0;
}

ParseTableShape parseTableShape(const TSLanguage *Language) {
  return {Language->state_count, Language->symbol_count};
}

bool denseParseTableSwitchedOff() {
  return switchedOffInEnvironment("PARAMLINT_DENSE_PARSE_TABLE");
}

} // namespace py
} // namespace paramlint

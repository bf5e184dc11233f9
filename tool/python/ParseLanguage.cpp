//===- python/ParseLanguage.cpp - The language check's parsers parse with --===//
#include "python/ParseLanguage.h"

#include "python/DenseParseTable.h"
#include "python/ParseProbe.h"
#include "python/PythonSyntax.h"
#include "python/ScannerStateMemo.h"

#include <cstdint>
#include <vector>

namespace paramlint {
namespace py {
namespace {

/// Whether the probe texts parse with Language as with the grammar's own.
bool parsesAsGrammar(const TSLanguage *Language) {
  TSParser *Parser = ts_parser_new();
  const bool Alike = ts_parser_set_language(Parser, Language) && parsesProbeAsRuntime(Parser);
  ts_parser_delete(Parser);
  return Alike;
}

/// The language, and the parts of it that live as long as the process.
struct Chosen {
  std::vector<uint16_t> Rows; ///< The dense table, when taken.
  LanguageCopy WithTable, WithMemo;
  const TSLanguage *Language = nullptr;
  bool Dense = false, Memo = false;
};

const Chosen &chosen() {
  static const Chosen *C = [] {
    auto *C = new Chosen; // Never freed: trees may be read at exit.
    C->Language = Grammar::get().Language;
    if (!denseParseTableSwitchedOff()) {
      C->Rows = denseParseTable(C->Language);
      C->WithTable = withDenseParseTable(C->Language, C->Rows);
      if ((C->Dense = parsesAsGrammar(C->WithTable.get()))) {
        C->Language = C->WithTable.get();
      } else {
        C->WithTable.reset();
        C->Rows = {};
      }
    }
    if (!scannerMemoSwitchedOff()) {
      C->WithMemo = withScannerMemo(C->Language);
      if ((C->Memo = hasScannerMemo(C->WithMemo.get()) &&
                     parsesAsGrammar(C->WithMemo.get())))
        C->Language = C->WithMemo.get();
    }
    return C;
  }();
  return *C;
}

} // namespace

const TSLanguage *parseLanguage() { return chosen().Language; }

bool denseParseTableInUse() { return chosen().Dense; }

bool scannerMemoInUse() { return chosen().Memo; }

} // namespace py
} // namespace paramlint

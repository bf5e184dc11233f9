//===- python/LanguageCopy.cpp - A language copied to be changed ----------===//
#include "python/LanguageCopy.h"

// The language's layout: the grammar's generated header (see
// ScannerStateMemo.cpp for why TSStateId is declared first).
typedef uint16_t TSStateId;
#include "tree_sitter/parser.h"

namespace paramlint {
namespace py {

void LanguageCopyDeleter::operator()(TSLanguage *Language) const { delete Language; }

LanguageCopy copyOf(const TSLanguage *Language) { return LanguageCopy(new TSLanguage(*Language)); }

} // namespace py
} // namespace paramlint

//===- python/ScannerStateMemo.h - Restore the scanner only when it changed -*- C++ -*-===//
///
/// \file
/// Before each token it lexes, runtime 0.20.7 restores the grammar's
/// external scanner (indents, open string delimiters) from the state saved
/// in the last external token (`deserialize`), and tree-sitter-python's
/// deserialize frees and reallocates its indent stack every time. On the
/// benchmark corpus that is 6.1 million restores and 1.0 G instructions,
/// 2.6% of `check`'s. About four in five restore the very state the
/// scanner already holds: nothing changed it since the last restore,
/// because the scans in between found no token.
///
/// The memo language is a copy of the grammar's TSLanguage whose external
/// scanner wraps the grammar's own. The wrapper keeps the bytes it last
/// restored, and skips a restore of the same bytes while the scanner has
/// not found a token since. That is sound because tree-sitter-python's
/// scanner changes its state only when it returns a token (scanner.c:
/// every push, pop and flag change comes right before a `return true`), and
/// because a restore of non-empty bytes sets the whole state from them. A
/// scan that finds a token forgets the bytes; an empty restore (no external
/// token yet) always runs, as it leaves the f-string flag as it was.
///
/// The parse arena's parsers parse with it (python/ParseLanguage.h, which
/// checks it with the probe texts first); `PARAMLINT_SCANNER_MEMO=off`
/// turns it off.
///
//===----------------------------------------------------------------------===//
#ifndef PARAMLINT_PYTHON_SCANNERSTATEMEMO_H
#define PARAMLINT_PYTHON_SCANNERSTATEMEMO_H

#include "python/LanguageCopy.h"

#include <tree_sitter/api.h>

#include <cstdint>

namespace paramlint {
namespace py {

/// A copy of Language whose external scanner is the memo around
/// tree-sitter-python's, when Language's scanner is tree-sitter-python's;
/// else an unchanged copy.
LanguageCopy withScannerMemo(const TSLanguage *Language);

/// Whether Language's external scanner is the memo.
bool hasScannerMemo(const TSLanguage *Language);

/// Whether the environment asks for the grammar's own scanner
/// (`PARAMLINT_SCANNER_MEMO=off`).
bool scannerMemoSwitchedOff();

/// Restores this thread's memo scanners skipped and ran since the thread
/// started (for tests and benchmarks: how often the memo applies).
struct ScannerMemoCounts {
  uint64_t Skipped = 0;
  uint64_t Restored = 0;
};
ScannerMemoCounts scannerMemoCounts();

} // namespace py
} // namespace paramlint

#endif // PARAMLINT_PYTHON_SCANNERSTATEMEMO_H

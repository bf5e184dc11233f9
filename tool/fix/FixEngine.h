//===- fix/FixEngine.h - Apply the checks' fixes, safely ---------*- C++ -*-===//
///
/// \file
/// `check --fix`, `--diff` and `--unsafe-fixes`. The engine snapshots every
/// input, then runs rounds: analyse the current text (in memory, through
/// AnalysisOptions::Contents), take the applicable fixes of each file in
/// order, keep those whose edits do not overlap an earlier one (an
/// identical edit counts as already made), apply them, and analyse again
/// until no fix applies or a bound on rounds is hit, as Ruff does. Every
/// changed text is re-parsed: a fix that breaks the syntax is dropped and
/// reported. Only then are files written, each atomically and only if it
/// did not change on disk since the snapshot.
///
//===----------------------------------------------------------------------===//
#ifndef PARAMLINT_FIX_FIXENGINE_H
#define PARAMLINT_FIX_FIXENGINE_H

#include "Analysis.h"
#include "Diagnostic.h"
#include "fix/AtomicWrite.h"

#include "llvm/Support/Error.h"

#include <functional>
#include <memory>
#include <string>
#include <vector>

namespace paramlint {

struct FixOptions {
  AnalysisOptions Analysis;
  bool Unsafe = false; ///< Apply unsafe fixes too (`--unsafe-fixes`).
  bool Write = true;   ///< false: compute the changes only (`--diff`).
  unsigned MaxRounds = 16;
  /// Test hook: sees each fix before it is applied and may change it (a test
  /// breaks one to check the syntax guard).
  std::function<void(const Diagnostic &, Fix &)> MutateFix;
  /// Test hook: runs after the last analysis, before the first write (a
  /// test changes a file here).
  std::function<void()> BeforeWrite;
  WriteHooks Hooks; ///< Passed to writeAtomically.
  /// Where the fixes come from: by default each round's diagnostics. A
  /// producer (`rename-params`) computes its own from the round's analysis
  /// (Round counts from 0); its error ends the run.
  std::function<llvm::Expected<std::vector<Diagnostic>>(const paramlint::Analysis &,
                                                        unsigned Round)>
      Producer;
};

/// One file the fixes change.
struct FileChange {
  std::string Path;
  std::string Before, After; ///< The file's bytes.
  size_t Fixed = 0;          ///< Diagnostics fixed in it.
  bool Written = false;
};

struct FixResult {
  std::vector<FileChange> Changes; ///< In input order.
  /// Fixes dropped and files not written, one sentence each, with the path.
  std::vector<std::string> Warnings;
  /// Writes that failed for a reason other than a changed file.
  std::vector<std::string> Errors;
  /// Diagnostics fixed: in written files, or in all changed files when
  /// Write is false.
  size_t Fixed = 0;
  /// The analysis of the result (what is on disk after the writes); its
  /// Diagnostics are the remaining findings.
  std::unique_ptr<Analysis> Remaining;
};

/// Whether `--fix` (with Unsafe: `--fix --unsafe-fixes`) applies D's fix.
bool isFixApplicable(const Diagnostic &D, bool Unsafe);

/// Runs the rounds over Paths and writes (unless Options.Write is false).
/// Returns an error only for a bad request (as analyze() does); problems
/// with single files are Warnings or Errors of the result.
llvm::Expected<FixResult> runFixes(const std::vector<std::string> &Paths,
                                   const FixOptions &Options);

} // namespace paramlint

#endif // PARAMLINT_FIX_FIXENGINE_H

//===- checks/UnusedSuppressionCheck.h - PL002 -----------------*- C++ -*-===//
#ifndef PARAMLINT_CHECKS_UNUSEDSUPPRESSIONCHECK_H
#define PARAMLINT_CHECKS_UNUSEDSUPPRESSIONCHECK_H

#include "Analysis.h"
#include "checks/Check.h"

namespace paramlint {

/// Flags a `# noqa` code of paramlint's that suppresses no finding.
/// ## What it does
/// A `# noqa: PL101` comment (codes comma-separated) suppresses those
/// findings on its line; a bare `# noqa` suppresses every finding there.
/// This rule reports each `PLxxx` code in a directive that suppressed
/// nothing in this run, and unknown `PLxxx` codes. Codes of other tools
/// (`E501`, `PLR0913`) and bare `# noqa` are left alone: they may be there
/// for another linter. Codes whose rule is not enabled (`--select`,
/// `--ignore`, the config) are not judged, nor are files that do not parse.
/// ## Why is this bad?
/// A stale suppression hides the next real finding on that line: once the
/// loader is fixed, `# noqa: PL101` stays and silences the bug that comes
/// back later.
/// ## Example
///     gpt.norm.weight = assign(gpt.norm.weight, g)  # noqa: PL101
/// Use instead:
///     gpt.norm.weight = assign(gpt.norm.weight, g)
/// ## Fix safety
/// Safe: removes the unused codes, or the whole directive when no code is
/// left (the rest of the comment stays). Comments never change behaviour.
struct UnusedSuppressionCheck {
  static constexpr CheckInfo Info{"PL002", "unused-suppression",
                                  Severity::Warning};
};

/// Drops from A.Diagnostics those that a `# noqa` on their line suppresses
/// and, when PL002 is enabled, adds a PL002 for every suppression code of
/// an input file that suppressed nothing. Keeps the diagnostics sorted.
void applySuppressions(Analysis &A, const AnalysisOptions &Options);

} // namespace paramlint

#endif // PARAMLINT_CHECKS_UNUSEDSUPPRESSIONCHECK_H

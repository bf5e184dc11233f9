//===- checks/ParseErrorRule.h - PL001 -------------------------*- C++ -*-===//
#ifndef PARAMLINT_CHECKS_PARSEERRORRULE_H
#define PARAMLINT_CHECKS_PARSEERRORRULE_H

#include "checks/Check.h"

namespace paramlint {

/// Flags a file that cannot be read or parsed.
/// ## What it does
/// Reports, at the first error, a file with a syntax error, one that is not
/// UTF-8 or holds NUL bytes, a notebook that is not valid JSON or nbformat,
/// a file too large to be source, and a path that cannot be read. The rest
/// of the run goes on; the parts of a file that did parse are still used.
/// ## Why is this bad?
/// paramlint cannot see the names in what it cannot parse, so a finding in
/// that file may be missing. It is also, usually, a file Python cannot run.
/// ## Example
///     def load(gpt, params:
///         gpt.norm.weight = params["g"]
/// Use instead:
///     def load(gpt, params):
///         gpt.norm.weight = params["g"]
/// ## Fix safety
/// No fix: paramlint never guesses at broken code.
struct ParseErrorRule {
  static constexpr CheckInfo Info{"PL001", "parse-error", Severity::Error};
};

} // namespace paramlint

#endif // PARAMLINT_CHECKS_PARSEERRORRULE_H

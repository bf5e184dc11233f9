//===- report/RuleDocs.h - The rules' documentation, embedded --*- C++ -*-===//
///
/// \file
/// Each rule's page (docs/rules/PLxxx.md, generated from the check header's
/// `///` comment) is compiled into the program, so `paramlint rule` prints
/// exactly the page and the SARIF rule metadata (summary, description) is
/// read from it: one source for every place a rule describes itself.
///
//===----------------------------------------------------------------------===//
#ifndef PARAMLINT_REPORT_RULEDOCS_H
#define PARAMLINT_REPORT_RULEDOCS_H

#include <string>
#include <string_view>
#include <vector>

namespace paramlint {

/// One embedded page; the generated table ends with {nullptr, nullptr}.
struct EmbeddedRuleDoc {
  const char *Code;
  const char *Markdown;
};
extern const EmbeddedRuleDoc kRuleDocs[];

/// A rule's page and the parts the reporters use.
struct RuleDoc {
  std::string Code;     ///< `PL101`.
  std::string Name;     ///< `loader-writes-unknown-param` (from the title).
  std::string Summary;  ///< The header's first sentence.
  std::string WhatItDoes; ///< The "What it does" section as plain text.
  std::string Markdown; ///< The whole page, byte for byte.
};

/// Every embedded page, sorted by code.
const std::vector<RuleDoc> &ruleDocs();

/// The page of Code, or nullptr.
const RuleDoc *findRuleDoc(std::string_view Code);

} // namespace paramlint

#endif // PARAMLINT_REPORT_RULEDOCS_H

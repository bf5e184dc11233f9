//===- report/Reporters.h - Diagnostics to text and JSON -------*- C++ -*-===//
///
/// \file
/// One function per output format (one file each): the text format (Ruff /
/// rustc style with the source line and a caret), the Ruff-shaped JSON
/// array the design fixes as public interface (and its JSON-lines form),
/// SARIF, GitHub workflow commands and JUnit XML.
///
//===----------------------------------------------------------------------===//
#ifndef PARAMLINT_REPORT_REPORTERS_H
#define PARAMLINT_REPORT_REPORTERS_H

#include "Diagnostic.h"

#include <optional>
#include <ostream>
#include <string>
#include <vector>

namespace paramlint {

struct TextOptions {
  bool Color = false;
  bool Statistics = false; ///< Counts per rule instead of findings.
  /// `--unsafe-fixes`: unsafe fixes count as fixable (`[*]`) too.
  bool UnsafeFixes = false;
  /// After `--fix`: how many findings were fixed (the diagnostics given are
  /// the remaining ones).
  std::optional<size_t> Fixed;
};

void writeText(std::ostream &OS, const std::vector<Diagnostic> &Diags,
               const TextOptions &Options);

/// The JSON array of `--output-format json`. DocsUrl is the documentation
/// base of the rule links (ruleUrl; empty: the compiled-in one).
void writeJson(std::ostream &OS, const std::vector<Diagnostic> &Diags,
               const std::string &DocsUrl = {});

/// `--output-format json-lines`: the objects of the JSON array, one per line.
void writeJsonLines(std::ostream &OS, const std::vector<Diagnostic> &Diags,
                    const std::string &DocsUrl = {});

/// `--output-format sarif`: a SARIF 2.1.0 log with one run.
void writeSarif(std::ostream &OS, const std::vector<Diagnostic> &Diags,
                const std::string &DocsUrl = {});

/// `--output-format github`: GitHub Actions workflow commands.
void writeGithub(std::ostream &OS, const std::vector<Diagnostic> &Diags);

/// `--output-format junit`: one test case per file of Files (and any other
/// file a diagnostic names), one failure per finding.
void writeJunit(std::ostream &OS, const std::vector<Diagnostic> &Diags,
                const std::vector<std::string> &Files,
                const std::string &DocsUrl = {});

/// One line of `--statistics`: a rule, how often it fired, and how many of
/// those findings `--fix` would fix.
struct RuleCount {
  std::string Code;
  std::string Name;
  size_t Count = 0;
  size_t Fixable = 0;
};

/// Counts per rule, sorted by code (Statistics.cpp).
std::vector<RuleCount> countByRule(const std::vector<Diagnostic> &Diags,
                                   bool UnsafeFixes);

/// `--statistics --output-format json`: an array of objects with `code`,
/// `name`, `count` and `fixable` (a bool: some of them can be fixed), as
/// Ruff writes it.
void writeStatisticsJson(std::ostream &OS, const std::vector<Diagnostic> &Diags,
                         bool UnsafeFixes);

/// The documentation base compiled in (CMake's `PARAMLINT_DOCS_URL`; by
/// default the installed docs, `file://<prefix>/share/doc/paramlint`).
std::string defaultDocsUrl();

/// The absolute documentation link of a rule: `<DocsUrl>/rules/PLxxx.md`,
/// with defaultDocsUrl() when DocsUrl is empty (RuleUrl.cpp).
std::string ruleUrl(const std::string &Code, const std::string &DocsUrl = {});

/// The rule's page in the repository (`docs/rules/PLxxx.md`), for the
/// consistency report, which stays free of network references.
std::string rulePage(const std::string &Code);

} // namespace paramlint

#endif // PARAMLINT_REPORT_REPORTERS_H

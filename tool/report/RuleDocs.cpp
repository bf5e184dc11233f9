//===- report/RuleDocs.cpp - The rules' documentation, embedded -----------===//
#include "report/RuleDocs.h"

#include <sstream>

namespace paramlint {
namespace {

/// Splits a generated page (see scripts/rule-docs.py for its shape): the
/// title `# PLxxx name`, a generator comment, the summary paragraph, then
/// `## ` sections.
RuleDoc parsePage(const EmbeddedRuleDoc &Page) {
  RuleDoc Doc;
  Doc.Code = Page.Code;
  Doc.Markdown = Page.Markdown;
  std::istringstream In(Doc.Markdown);
  std::string Line, Section;
  bool InSummary = false;
  while (std::getline(In, Line)) {
    if (Line.rfind("# ", 0) == 0 && Doc.Name.empty()) {
      size_t Space = Line.find(' ', 2);
      Doc.Name = Space == std::string::npos ? "" : Line.substr(Space + 1);
      InSummary = true;
      continue;
    }
    if (Line.rfind("## ", 0) == 0) {
      Section = Line.substr(3);
      InSummary = false;
      continue;
    }
    if (Line.rfind("<!--", 0) == 0)
      continue;
    std::string &Into = InSummary ? Doc.Summary
                        : Section == "What it does" ? Doc.WhatItDoes
                                                    : Line;
    if (&Into == &Line)
      continue;
    if (Line.empty()) {
      if (!Into.empty() && Into.back() != '\n')
        Into += "\n\n";
      continue;
    }
    if (!Into.empty() && Into.back() != '\n')
      Into += ' ';
    Into += Line;
  }
  auto Trim = [](std::string &S) {
    while (!S.empty() && (S.back() == '\n' || S.back() == ' '))
      S.pop_back();
  };
  Trim(Doc.Summary);
  Trim(Doc.WhatItDoes);
  return Doc;
}

} // namespace

const std::vector<RuleDoc> &ruleDocs() {
  static const std::vector<RuleDoc> Docs = [] {
    std::vector<RuleDoc> Out;
    for (const EmbeddedRuleDoc *P = kRuleDocs; P->Code; ++P)
      Out.push_back(parsePage(*P));
    return Out;
  }();
  return Docs;
}

const RuleDoc *findRuleDoc(std::string_view Code) {
  for (const RuleDoc &D : ruleDocs())
    if (D.Code == Code)
      return &D;
  return nullptr;
}

} // namespace paramlint

//===- report/RuleUrl.cpp - Where a rule's documentation lives ------------===//
///
/// \file
/// Rule links are absolute (SARIF's `helpUri` is a URI that code-scanning
/// UIs open as is, and so is the JSON `url`): a documentation base, the
/// config's `docs-url` or the one compiled in, then `rules/PLxxx.md`, the
/// layout of `docs/` in the repository and where `make install` puts it.
///
//===----------------------------------------------------------------------===//
#include "report/Reporters.h"

// CMakeLists.txt defines it for this file alone: by default the installed
// documentation (`file://<prefix>/share/doc/paramlint`), a page that exists
// wherever the program was installed; packagers point it at hosted docs.
#ifndef PARAMLINT_DOCS_URL
#error "PARAMLINT_DOCS_URL must be defined by the build"
#endif

namespace paramlint {

std::string defaultDocsUrl() { return PARAMLINT_DOCS_URL; }

std::string ruleUrl(const std::string &Code, const std::string &DocsUrl) {
  std::string Base = DocsUrl.empty() ? defaultDocsUrl() : DocsUrl;
  while (!Base.empty() && Base.back() == '/')
    Base.pop_back();
  return Base + "/rules/" + Code + ".md";
}

std::string rulePage(const std::string &Code) {
  return "docs/rules/" + Code + ".md";
}

} // namespace paramlint

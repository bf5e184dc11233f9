//===- report/JunitReporter.cpp - Diagnostics as JUnit XML ----------------===//
///
/// \file
/// The XML CI dashboards read: one test case per analysed file (passing
/// when clean), one `<failure>` per finding in it.
///
//===----------------------------------------------------------------------===//
#include "report/Reporters.h"

#include <fmt/format.h>

#include <map>

namespace paramlint {
namespace {

/// Escapes text for an XML attribute or element; drops the control
/// characters XML 1.0 cannot hold at all.
std::string escapeXml(const std::string &S) {
  std::string Out;
  for (char C : S) {
    unsigned char U = static_cast<unsigned char>(C);
    switch (C) {
    case '&': Out += "&amp;"; break;
    case '<': Out += "&lt;"; break;
    case '>': Out += "&gt;"; break;
    case '"': Out += "&quot;"; break;
    case '\'': Out += "&apos;"; break;
    case '\n': Out += "&#10;"; break;
    case '\t': Out += "&#9;"; break;
    case '\r': Out += "&#13;"; break;
    default:
      if (U >= 0x20)
        Out += C;
    }
  }
  return Out;
}

} // namespace

void writeJunit(std::ostream &OS, const std::vector<Diagnostic> &Diags,
                const std::vector<std::string> &Files, const std::string &DocsUrl) {
  // Every file given and any other a diagnostic names, sorted by path as
  // the diagnostics are.
  std::map<std::string, std::vector<const Diagnostic *>> ByFile;
  for (const std::string &F : Files)
    ByFile[F];
  for (const Diagnostic &D : Diags)
    ByFile[D.Where.File ? D.Where.File->path() : "<unknown>"].push_back(&D);
  size_t Failing = 0;
  for (const auto &[F, List] : ByFile)
    Failing += !List.empty();

  OS << "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n";
  OS << fmt::format("<testsuites name=\"paramlint\" tests=\"{}\" failures=\"{}\" "
                    "errors=\"0\">\n",
                    ByFile.size(), Failing);
  OS << fmt::format("  <testsuite name=\"paramlint\" tests=\"{}\" failures=\"{}\" "
                    "errors=\"0\" skipped=\"0\">\n",
                    ByFile.size(), Failing);
  for (const auto &[F, List] : ByFile) {
    std::string Name = escapeXml(F);
    OS << fmt::format("    <testcase name=\"{}\" classname=\"{}\" file=\"{}\"",
                      Name, Name, Name);
    if (List.empty()) {
      OS << "/>\n";
      continue;
    }
    OS << ">\n";
    for (const Diagnostic *D : List) {
      Position P = D->Where.File ? D->Where.File->position(D->Where.Where.Begin)
                                 : Position{};
      std::string Where = F + ":";
      if (P.Cell)
        Where += fmt::format("cell {}:", *P.Cell);
      Where += fmt::format("{}:{}", P.Row, P.Column);
      OS << fmt::format(
          "      <failure type=\"{}\" message=\"{}\">{}</failure>\n",
          escapeXml(D->Code), escapeXml(D->Code + ": " + D->Message),
          escapeXml(Where + ": " + D->Code + " " + D->Message + "\nsee " +
                    ruleUrl(D->Code, DocsUrl)));
    }
    OS << "    </testcase>\n";
  }
  OS << "  </testsuite>\n</testsuites>\n";
}

} // namespace paramlint

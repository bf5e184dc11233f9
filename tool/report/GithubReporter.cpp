//===- report/GithubReporter.cpp - GitHub Actions workflow commands -------===//
///
/// \file
/// One `::error` (or `::warning`) command per finding, which a GitHub Actions
/// run turns into an annotation on the pull request's diff. A notebook's
/// rows count from its cell, so the message names the cell.
///
//===----------------------------------------------------------------------===//
#include "report/Reporters.h"

#include "checks/Registry.h"

#include <map>

namespace paramlint {
namespace {

/// Escapes the message part of a workflow command.
std::string escapeData(const std::string &S) {
  std::string Out;
  for (char C : S) {
    if (C == '%')
      Out += "%25";
    else if (C == '\r')
      Out += "%0D";
    else if (C == '\n')
      Out += "%0A";
    else
      Out += C;
  }
  return Out;
}

/// Escapes a property value (`file=…`), where `:` and `,` are separators.
std::string escapeProperty(const std::string &S) {
  std::string Out;
  for (char C : escapeData(S)) {
    if (C == ':')
      Out += "%3A";
    else if (C == ',')
      Out += "%2C";
    else
      Out += C;
  }
  return Out;
}

} // namespace

void writeGithub(std::ostream &OS, const std::vector<Diagnostic> &Diags) {
  std::map<std::string, Severity> Levels;
  for (const CheckInfo &R : allRules())
    Levels[R.Code] = R.DefaultSeverity;
  for (const Diagnostic &D : Diags) {
    const SourceFile *File = D.Where.File;
    Position B = File ? File->position(D.Where.Where.Begin) : Position{};
    Position E = File ? File->position(D.Where.Where.End) : Position{};
    auto It = Levels.find(D.Code);
    bool IsError = It == Levels.end() || It->second == Severity::Error;
    std::string Message = D.Message;
    if (B.Cell)
      Message = "cell " + std::to_string(*B.Cell) + ": " + Message;
    OS << (IsError ? "::error " : "::warning ")
       << "file=" << escapeProperty(File ? File->path() : "<unknown>")
       << ",line=" << B.Row << ",col=" << B.Column
       << ",endLine=" << std::max(E.Row, B.Row)
       << ",endColumn=" << (E.Row > B.Row ? E.Column : std::max(E.Column, B.Column))
       << ",title=" << escapeProperty(D.Code) << "::" << escapeData(Message)
       << "\n";
  }
}

} // namespace paramlint

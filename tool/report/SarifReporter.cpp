//===- report/SarifReporter.cpp - Diagnostics as SARIF 2.1.0 --------------===//
///
/// \file
/// The log code scanning services read: one run, the tool's rules as
/// reportingDescriptors (metadata from the embedded rule pages), results
/// with physical locations, related locations from the notes, and fixes as
/// artifact changes. Columns count Unicode code points (as every other
/// output does), which the run declares through `columnKind`.
///
//===----------------------------------------------------------------------===//
#include "report/Reporters.h"

#include "checks/Registry.h"
#include "report/RuleDocs.h"

#include <nlohmann/json.hpp>

#include <filesystem>
#include <map>

namespace paramlint {
namespace {

using Json = nlohmann::ordered_json;
namespace fs = std::filesystem;

/// The base that relative artifact URIs resolve against.
constexpr const char *SrcRoot = "%SRCROOT%";

/// RFC 3986 percent-encoding of a path (slashes kept).
std::string encodePath(const std::string &Path) {
  static const char Hex[] = "0123456789ABCDEF";
  std::string Out;
  for (unsigned char C : Path) {
    if (std::isalnum(C) || C == '-' || C == '.' || C == '_' || C == '~' ||
        C == '/')
      Out += static_cast<char>(C);
    else
      Out += {'%', Hex[C >> 4], Hex[C & 15]};
  }
  return Out;
}

fs::path workingDirectory() {
  std::error_code EC;
  fs::path Cwd = fs::current_path(EC);
  return EC ? fs::path("/") : Cwd;
}

/// A file as SARIF names it: relative to %SRCROOT% (the working directory)
/// when it lies below it, else an absolute `file://` URI.
Json artifactLocation(const SourceFile *File) {
  fs::path P = File ? fs::path(File->path()) : fs::path("<unknown>");
  fs::path Abs = (P.is_absolute() ? P : workingDirectory() / P).lexically_normal();
  fs::path Rel = Abs.lexically_relative(workingDirectory());
  if (!Rel.empty() && *Rel.begin() != "..")
    return Json{{"uri", encodePath(Rel.generic_string())}, {"uriBaseId", SrcRoot}};
  return Json{{"uri", "file://" + encodePath(Abs.generic_string())}};
}

/// The region of a span; a notebook's rows count from its cell, which the
/// region names in its message and properties.
Json region(const SourceFile *File, Span S) {
  Position B = File ? File->position(S.Begin) : Position{};
  Position E = File ? File->position(S.End) : Position{};
  Json R{{"startLine", B.Row},
         {"startColumn", B.Column},
         {"endLine", std::max(E.Row, B.Row)},
         {"endColumn", E.Row > B.Row ? E.Column : std::max(E.Column, B.Column)}};
  if (B.Cell) {
    R["message"] = Json{{"text", "cell " + std::to_string(*B.Cell)}};
    R["properties"] = Json{{"cell", *B.Cell}};
  }
  return R;
}

Json physicalLocation(const Location &L) {
  return Json{{"physicalLocation",
               Json{{"artifactLocation", artifactLocation(L.File)},
                    {"region", region(L.File, L.Where)}}}};
}

const char *level(Severity S) {
  return S == Severity::Error ? "error" : "warning";
}

Json reportingDescriptor(const CheckInfo &Rule, const std::string &DocsUrl) {
  Json D{{"id", Rule.Code}, {"name", Rule.Name}};
  if (const RuleDoc *Doc = findRuleDoc(Rule.Code)) {
    D["shortDescription"] = Json{{"text", Doc->Summary}};
    D["fullDescription"] = Json{{"text", Doc->WhatItDoes.empty()
                                             ? Doc->Summary
                                             : Doc->WhatItDoes}};
    D["help"] = Json{{"text", Doc->Summary}, {"markdown", Doc->Markdown}};
  }
  D["helpUri"] = ruleUrl(Rule.Code, DocsUrl);
  D["defaultConfiguration"] = Json{{"level", level(Rule.DefaultSeverity)}};
  return D;
}

/// SARIF `fixes` for a diagnostic's fix. A notebook's edits are in its
/// joined cell text, which no region of the `.ipynb` file can name, so a
/// notebook's fix is left out (its applicability is still a property).
Json fixes(const Diagnostic &D) {
  const SourceFile *File = D.Where.File;
  if (!D.TheFix || !File || File->kind() == SourceKind::Notebook)
    return nullptr;
  Json Replacements = Json::array();
  for (const Edit &E : D.TheFix->Edits)
    Replacements.push_back(Json{{"deletedRegion", region(File, E.Where)},
                                {"insertedContent", Json{{"text", E.Content}}}});
  Json Change{{"artifactLocation", artifactLocation(File)},
              {"replacements", Replacements}};
  return Json::array({Json{{"description", Json{{"text", D.TheFix->Message}}},
                           {"artifactChanges", Json::array({Change})}}});
}

} // namespace

void writeSarif(std::ostream &OS, const std::vector<Diagnostic> &Diags,
                const std::string &DocsUrl) {
  std::vector<CheckInfo> Rules = allRules();
  std::map<std::string, size_t> RuleIndex;
  Json Descriptors = Json::array();
  for (const CheckInfo &R : Rules) {
    RuleIndex[R.Code] = Descriptors.size();
    Descriptors.push_back(reportingDescriptor(R, DocsUrl));
  }

  Json Results = Json::array();
  for (const Diagnostic &D : Diags) {
    Json R{{"ruleId", D.Code}};
    auto It = RuleIndex.find(D.Code);
    if (It != RuleIndex.end()) {
      R["ruleIndex"] = It->second;
      R["level"] = level(Rules[It->second].DefaultSeverity);
    }
    R["message"] = Json{{"text", D.Message}};
    R["locations"] = Json::array({physicalLocation(D.Where)});
    Json Related = Json::array();
    for (const Note &N : D.Notes) {
      Json L = N.Where ? physicalLocation(*N.Where) : Json::object();
      L["id"] = Related.size();
      L["message"] = Json{{"text", N.Message}};
      Related.push_back(std::move(L));
    }
    if (!Related.empty())
      R["relatedLocations"] = std::move(Related);
    if (Json F = fixes(D); !F.is_null())
      R["fixes"] = std::move(F);
    if (D.TheFix)
      R["properties"] = Json{
          {"fixApplicability",
           D.TheFix->Applies == Applicability::Safe ? "safe" : "unsafe"}};
    Results.push_back(std::move(R));
  }

  Json Driver{{"name", "paramlint"},
              {"semanticVersion", PARAMLINT_VERSION},
              {"version", PARAMLINT_VERSION},
              {"rules", std::move(Descriptors)}};
  std::string Root = encodePath(workingDirectory().generic_string());
  if (Root.empty() || Root.back() != '/')
    Root += '/';
  Json Run{{"tool", Json{{"driver", std::move(Driver)}}},
           {"originalUriBaseIds",
            Json{{SrcRoot, Json{{"uri", "file://" + Root}}}}},
           {"columnKind", "unicodeCodePoints"},
           {"results", std::move(Results)}};
  Json Log{{"$schema", "https://docs.oasis-open.org/sarif/sarif/v2.1.0/errata01/os/schemas/sarif-schema-2.1.0.json"},
           {"version", "2.1.0"},
           {"runs", Json::array({std::move(Run)})}};
  OS << Log.dump(2, ' ', false, Json::error_handler_t::replace) << "\n";
}

} // namespace paramlint

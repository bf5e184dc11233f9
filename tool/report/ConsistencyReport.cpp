//===- report/ConsistencyReport.cpp - The naming-consistency report -------===//
#include "report/ConsistencyReport.h"

#include "checks/Registry.h"
#include "graph/GraphWriter.h"
#include "graph/NormLayer.h"
#include "report/Reporters.h"
#include "report/RuleDocs.h"
#include "verify/NormVerify.h"

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include <algorithm>
#include <map>
#include <set>
#include <sstream>

namespace paramlint {
namespace {

std::string joinNames(const std::vector<const SlotDef *> &Slots) {
  std::string Out;
  for (const SlotDef *S : Slots)
    Out += (Out.empty() ? "" : ", ") + S->Name;
  return Out.empty() ? "-" : Out;
}

/// What a norm layer computes in fp32, in the harness's words.
std::string variantText(const ModuleNode &Node) {
  std::optional<NormLayer> Layer = normLayerOf(Node);
  if (!Layer)
    return "not a row norm";
  auto V = variantOf(*Layer, harness::DType::F32);
  if (!V)
    return "unknown: " + llvm::toString(V.takeError());
  return harness::describe(*V);
}

/// Every norm module under Node, keyed by class and where it is defined.
void collectNorms(const ModuleNode &Node, const std::string &Path,
                  std::map<std::string, NormConvention> &Out) {
  if (Node.IsNorm) {
    std::string Where = Node.Class && Node.File
                            ? formatLocation(Location{Node.File, Node.Class->Where})
                            : "library";
    NormConvention &C = Out[Node.ClassName + "\n" + Where];
    if (C.ClassName.empty()) {
      C.ClassName = Node.ClassName;
      C.Where = Where;
      C.Scale = joinNames(Node.slotsWithRole(Role::Scale));
      C.Shift = joinNames(Node.slotsWithRole(Role::Shift));
      C.Kind = Node.Library ? "library" : "project";
    }
    std::string Variant = variantText(Node);
    if (std::find(C.Variants.begin(), C.Variants.end(), Variant) == C.Variants.end())
      C.Variants.push_back(Variant);
    C.Users.push_back(Path);
  }
  for (const auto &[Name, Child] : Node.Children)
    if (Child)
      collectNorms(*Child, Path + "." + Name, Out);
}

std::string joinVariants(const std::vector<std::string> &Variants,
                         const char *Separator) {
  std::string Out;
  for (const std::string &V : Variants)
    Out += (Out.empty() ? "" : Separator) + V;
  return Out;
}

std::string where(const SourceFile *File, Span S) {
  return formatLocation(Location{File, S});
}

} // namespace

ConsistencyReport buildReport(const Analysis &A) {
  ConsistencyReport R;
  for (size_t I = 0; I < A.InputCount; ++I)
    R.Inputs.push_back(A.Files[I]->path());

  std::map<std::string, NormConvention> Norms;
  for (const auto &M : A.Graph.Models) {
    if (!M->IsRoot || !M->Root)
      continue;
    collectNorms(*M->Root, M->Name, Norms);
    ModelSection S;
    S.Name = M->Name;
    S.Where = formatLocation(M->Where);
    for (const KeySlot &K : M->Keys)
      S.Keys.push_back(KeyRow{K.Key, K.Slot ? slotKindName(K.Slot->Kind) : "",
                              K.Slot ? roleName(K.Slot->TheRole) : "",
                              K.Conditional});
    R.Models.push_back(std::move(S));
  }
  for (auto &[Key, C] : Norms)
    R.Conventions.push_back(std::move(C));

  for (const Loader &L : A.Graph.Loaders) {
    if (!L.TheModel)
      continue;
    LoaderRow Row;
    Row.Function = L.Function;
    Row.Where = where(L.File, L.Where);
    Row.Model = L.TheModel->Name;
    std::set<std::string> Written;
    for (size_t I : L.Accesses) {
      const BoundAccess &B = A.Graph.Accesses[I];
      if (B.Fact->K == AccessFact::Kind::Read)
        continue;
      if (B.Resolved.K == Resolution::Kind::Slot)
        Written.insert(B.Resolved.Key);
      else if (B.Resolved.K == Resolution::Kind::Missing)
        ++Row.Missing;
    }
    Row.Total = L.TheModel->Keys.size();
    for (const KeySlot &K : L.TheModel->Keys) {
      if (Written.count(K.Key))
        ++Row.Written;
      else
        Row.NotWritten.push_back(K.Key);
    }
    R.Loaders.push_back(std::move(Row));
  }

  std::map<std::string, RuleFindings> ByRule;
  for (const CheckInfo &Rule : allRules()) {
    RuleFindings &F = ByRule[Rule.Code];
    F.Code = Rule.Code;
    F.Name = Rule.Name;
    if (const RuleDoc *Doc = findRuleDoc(Rule.Code))
      F.Summary = Doc->Summary;
  }
  for (const Diagnostic &D : A.Diagnostics) {
    RuleFindings &F = ByRule[D.Code];
    F.Code = D.Code;
    std::string Snippet;
    if (D.Where.File && !D.Where.File->text().empty() && !D.Where.File->changed())
      Snippet = std::string(D.Where.File->lineAt(D.Where.Where.Begin));
    Snippet.erase(0, Snippet.find_first_not_of(" \t"));
    F.Items.push_back({formatLocation(D.Where), D.Message, Snippet});
  }
  for (auto &[Code, F] : ByRule)
    if (!F.Items.empty())
      R.Findings.push_back(std::move(F));

  std::ostringstream Dot;
  writeGraphDot(Dot, A.Graph);
  R.Dot = Dot.str();
  return R;
}

// --- Markdown ---------------------------------------------------------------

namespace {

/// A table cell: pipes escaped, code in backticks.
std::string cell(const std::string &S) {
  std::string Out;
  for (char C : S)
    Out += C == '|' ? std::string("\\|") : std::string(1, C);
  return Out;
}

std::string percent(size_t Part, size_t Whole) {
  return Whole ? fmt::format("{}%", Part * 100 / Whole) : "-";
}

} // namespace

void writeReportMarkdown(std::ostream &OS, const ConsistencyReport &R) {
  OS << "# paramlint naming-consistency report\n\n";
  OS << R.Inputs.size() << " files, " << R.Models.size() << " models, "
     << R.Loaders.size() << " loaders.\n\n";
  OS << "## Norm conventions\n\n| class | defined | scale | shift | kind | variant | users |\n"
        "|---|---|---|---|---|---|---|\n";
  for (const NormConvention &C : R.Conventions) {
    std::string Users;
    for (const std::string &U : C.Users)
      Users += (Users.empty() ? "`" : ", `") + U + "`";
    OS << "| `" << cell(C.ClassName) << "` | " << cell(C.Where) << " | `"
       << C.Scale << "` | `" << C.Shift << "` | " << C.Kind << " | "
       << cell(joinVariants(C.Variants, "; ")) << " | " << cell(Users) << " |\n";
  }
  OS << "\n## Models\n";
  for (const ModelSection &M : R.Models) {
    OS << "\n### `" << M.Name << "` (" << M.Where << "), " << M.Keys.size()
       << " keys\n\n| key | kind | role |\n|---|---|---|\n";
    for (const KeyRow &K : M.Keys)
      OS << "| `" << cell(K.Key) << "`" << (K.Conditional ? " (conditional)" : "")
         << " | " << K.Kind << " | " << K.Role << " |\n";
  }
  OS << "\n## Loaders\n\n| loader | where | model | writes | coverage | unknown names |\n"
        "|---|---|---|---|---|---|\n";
  for (const LoaderRow &L : R.Loaders)
    OS << "| `" << cell(L.Function) << "` | " << cell(L.Where) << " | `" << L.Model
       << "` | " << L.Written << "/" << L.Total << " | "
       << percent(L.Written, L.Total) << " | " << L.Missing << " |\n";
  OS << "\n## Findings\n";
  if (R.Findings.empty())
    OS << "\nNone.\n";
  for (const RuleFindings &F : R.Findings) {
    OS << "\n### " << F.Code << " " << F.Name << " (" << F.Items.size()
       << ")\n\n" << F.Summary << " See [" << rulePage(F.Code) << "]("
       << rulePage(F.Code) << ").\n\n";
    for (const RuleFindings::Item &I : F.Items) {
      OS << "- " << I.Where << ": " << I.Message << "\n";
      if (!I.Snippet.empty())
        OS << "  ```python\n  " << I.Snippet << "\n  ```\n";
    }
  }
  OS << "\n## Graph\n\n```dot\n" << R.Dot << "```\n";
}

// --- JSON -------------------------------------------------------------------

void writeReportJson(std::ostream &OS, const ConsistencyReport &R) {
  using Json = nlohmann::ordered_json;
  Json Out;
  Out["inputs"] = R.Inputs;
  Json Conv = Json::array();
  for (const NormConvention &C : R.Conventions)
    Conv.push_back({{"class", C.ClassName}, {"defined", C.Where}, {"scale", C.Scale},
                    {"shift", C.Shift}, {"kind", C.Kind}, {"variants", C.Variants},
                    {"users", C.Users}});
  Out["conventions"] = Conv;
  Json Models = Json::array();
  for (const ModelSection &M : R.Models) {
    Json Keys = Json::array();
    for (const KeyRow &K : M.Keys)
      Keys.push_back({{"key", K.Key}, {"kind", K.Kind}, {"role", K.Role},
                      {"conditional", K.Conditional}});
    Models.push_back({{"name", M.Name}, {"defined", M.Where}, {"keys", Keys}});
  }
  Out["models"] = Models;
  Json Loaders = Json::array();
  for (const LoaderRow &L : R.Loaders)
    Loaders.push_back({{"function", L.Function}, {"where", L.Where},
                       {"model", L.Model}, {"written", L.Written},
                       {"total", L.Total}, {"unknown_names", L.Missing},
                       {"not_written", L.NotWritten}});
  Out["loaders"] = Loaders;
  Json Findings = Json::array();
  for (const RuleFindings &F : R.Findings) {
    Json Items = Json::array();
    for (const RuleFindings::Item &I : F.Items)
      Items.push_back({{"where", I.Where}, {"message", I.Message},
                       {"snippet", I.Snippet}});
    Findings.push_back({{"code", F.Code}, {"name", F.Name},
                        {"summary", F.Summary}, {"findings", Items}});
  }
  Out["findings"] = Findings;
  Out["dot"] = R.Dot;
  OS << Out.dump(2, ' ', false, Json::error_handler_t::replace) << "\n";
}

// --- HTML -------------------------------------------------------------------

namespace {

std::string html(const std::string &S) {
  std::string Out;
  for (char C : S) {
    switch (C) {
    case '&': Out += "&amp;"; break;
    case '<': Out += "&lt;"; break;
    case '>': Out += "&gt;"; break;
    case '"': Out += "&quot;"; break;
    default: Out += C;
    }
  }
  return Out;
}

const char *const Style = R"(
body { font: 14px/1.45 system-ui, sans-serif; margin: 2em auto; max-width: 78em; color: #1d1d1f; padding: 0 1em; }
h1 { font-size: 1.6em; } h2 { border-bottom: 1px solid #ddd; padding-bottom: .2em; margin-top: 2em; }
table { border-collapse: collapse; margin: .6em 0; width: 100%; }
th, td { border: 1px solid #ddd; padding: .25em .6em; text-align: left; vertical-align: top; }
th { background: #f4f4f6; } code, pre { font-family: ui-monospace, monospace; font-size: 12.5px; }
pre { background: #f7f7f9; padding: .4em .6em; overflow-x: auto; margin: .2em 0 .8em; }
.bar { background: #eee; width: 8em; height: .8em; display: inline-block; vertical-align: middle; }
.bar span { background: #3a7; height: 100%; display: block; }
.code { color: #b00; font-weight: 600; } .summary { color: #555; }
.graph { overflow: auto; border: 1px solid #ddd; padding: .5em; }
.stats span { display: inline-block; margin-right: 1.5em; }
)";

} // namespace

void writeReportHtml(std::ostream &OS, const ConsistencyReport &R,
                     const std::string &Svg) {
  size_t FindingCount = 0;
  for (const RuleFindings &F : R.Findings)
    FindingCount += F.Items.size();
  OS << "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n"
        "<title>paramlint report</title>\n<style>"
     << Style << "</style>\n</head>\n<body>\n<h1>paramlint naming-consistency report</h1>\n"
     << "<p class=\"stats\"><span><b>" << R.Inputs.size() << "</b> files</span><span><b>"
     << R.Models.size() << "</b> models</span><span><b>" << R.Loaders.size()
     << "</b> loaders</span><span><b>" << FindingCount << "</b> findings</span></p>\n";

  OS << "<h2 id=\"conventions\">Norm conventions</h2>\n<table id=\"conventions-table\">\n"
        "<tr><th>class</th><th>defined</th><th>scale</th><th>shift</th><th>kind</th>"
        "<th>variant</th><th>users</th></tr>\n";
  for (const NormConvention &C : R.Conventions) {
    std::string Users;
    for (const std::string &U : C.Users)
      Users += (Users.empty() ? "" : "<br>") + ("<code>" + html(U) + "</code>");
    OS << "<tr><td><code>" << html(C.ClassName) << "</code></td><td>" << html(C.Where)
       << "</td><td><code>" << html(C.Scale) << "</code></td><td><code>"
       << html(C.Shift) << "</code></td><td>" << C.Kind << "</td><td>"
       << html(joinVariants(C.Variants, "; ")) << "</td><td>" << Users
       << "</td></tr>\n";
  }
  OS << "</table>\n<h2 id=\"models\">Models</h2>\n";
  for (const ModelSection &M : R.Models) {
    OS << "<h3><code>" << html(M.Name) << "</code> <small>" << html(M.Where) << ", "
       << M.Keys.size() << " keys</small></h3>\n<table class=\"keys\">\n"
       << "<tr><th>key</th><th>kind</th><th>role</th></tr>\n";
    for (const KeyRow &K : M.Keys)
      OS << "<tr><td><code>" << html(K.Key) << "</code>"
         << (K.Conditional ? " <i>(conditional)</i>" : "") << "</td><td>" << K.Kind
         << "</td><td>" << K.Role << "</td></tr>\n";
    OS << "</table>\n";
  }
  OS << "<h2 id=\"loaders\">Loaders</h2>\n<table id=\"loaders-table\">\n"
        "<tr><th>loader</th><th>where</th><th>model</th><th>writes</th>"
        "<th>coverage</th><th>unknown names</th></tr>\n";
  for (const LoaderRow &L : R.Loaders) {
    size_t Pct = L.Total ? L.Written * 100 / L.Total : 0;
    OS << "<tr><td><code>" << html(L.Function) << "</code></td><td>" << html(L.Where)
       << "</td><td><code>" << html(L.Model) << "</code></td><td>" << L.Written << "/"
       << L.Total << "</td><td><span class=\"bar\"><span style=\"width:" << Pct
       << "%\"></span></span> " << Pct << "%</td><td>" << L.Missing << "</td></tr>\n";
  }
  OS << "</table>\n<h2 id=\"findings\">Findings</h2>\n";
  if (R.Findings.empty())
    OS << "<p>None.</p>\n";
  for (const RuleFindings &F : R.Findings) {
    OS << "<h3><span class=\"code\">" << F.Code << "</span> " << html(F.Name) << " ("
       << F.Items.size() << ")</h3>\n<p class=\"summary\">" << html(F.Summary)
       << " <a href=\"" << html(rulePage(F.Code)) << "\">rule</a></p>\n<ul>\n";
    for (const RuleFindings::Item &I : F.Items) {
      OS << "<li><code>" << html(I.Where) << "</code>: " << html(I.Message);
      if (!I.Snippet.empty())
        OS << "<pre>" << html(I.Snippet) << "</pre>";
      OS << "</li>\n";
    }
    OS << "</ul>\n";
  }
  OS << "<h2 id=\"graph\">Parameter-name graph</h2>\n<div class=\"graph\">\n" << Svg
     << "\n</div>\n</body>\n</html>\n";
}

} // namespace paramlint

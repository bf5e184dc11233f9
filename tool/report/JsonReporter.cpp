//===- report/JsonReporter.cpp - Ruff-shaped JSON array and JSON lines ---===//
#include "report/Reporters.h"

#include <nlohmann/json.hpp>

namespace paramlint {
namespace {

using Json = nlohmann::ordered_json;

Json position(const SourceFile *File, uint32_t Byte) {
  Position P = File ? File->position(Byte) : Position{};
  return Json{{"column", P.Column}, {"row", P.Row}};
}

} // namespace

namespace {

/// One diagnostic as the object both JSON formats print.
Json diagnosticObject(const Diagnostic &D, const std::string &DocsUrl) {
  const SourceFile *File = D.Where.File;
  Json Obj;
  Position P = File ? File->position(D.Where.Where.Begin) : Position{};
  Obj["cell"] = P.Cell ? Json(*P.Cell) : Json(nullptr);
  Obj["code"] = D.Code;
  Obj["end_location"] = position(File, D.Where.Where.End);
  Obj["filename"] = File ? File->path() : "";
  if (D.TheFix) {
    Json Edits = Json::array();
    for (const Edit &E : D.TheFix->Edits)
      Edits.push_back(Json{{"content", E.Content},
                           {"end_location", position(File, E.Where.End)},
                           {"location", position(File, E.Where.Begin)}});
    Obj["fix"] = Json{
        {"applicability",
         D.TheFix->Applies == Applicability::Safe ? "safe" : "unsafe"},
        {"edits", Edits},
        {"message", D.TheFix->Message}};
  } else {
    Obj["fix"] = nullptr;
  }
  Obj["location"] = position(File, D.Where.Where.Begin);
  Obj["message"] = D.Message;
  Obj["url"] = ruleUrl(D.Code, DocsUrl);
  return Obj;
}

} // namespace

void writeJson(std::ostream &OS, const std::vector<Diagnostic> &Diags,
               const std::string &DocsUrl) {
  Json Out = Json::array();
  for (const Diagnostic &D : Diags)
    Out.push_back(diagnosticObject(D, DocsUrl));
  OS << Out.dump(2, ' ', false, Json::error_handler_t::replace) << "\n";
}

void writeJsonLines(std::ostream &OS, const std::vector<Diagnostic> &Diags,
                    const std::string &DocsUrl) {
  for (const Diagnostic &D : Diags)
    OS << diagnosticObject(D, DocsUrl).dump(-1, ' ', false,
                                   Json::error_handler_t::replace)
       << "\n";
}

} // namespace paramlint

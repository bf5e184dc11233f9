//===- graph/GraphWriter.cpp - `paramlint graph` output -------------------===//
#include "graph/GraphWriter.h"

#include <nlohmann/json.hpp>

#include <map>

namespace paramlint {
namespace {

using Json = nlohmann::ordered_json;

Json where(const Location &L) {
  Json J;
  J["file"] = L.File ? L.File->path() : "";
  Position P = L.File ? L.File->position(L.Where.Begin) : Position{};
  J["line"] = P.Row;
  if (P.Cell)
    J["cell"] = *P.Cell;
  return J;
}

std::string pathPattern(const std::vector<PathSegment> &Path) {
  std::string Out;
  for (const PathSegment &S : Path)
    Out += (Out.empty() ? "" : ".") + S.Name;
  return Out;
}

const char *accessKind(AccessFact::Kind K) {
  switch (K) {
  case AccessFact::Kind::Write:
    return "write";
  case AccessFact::Kind::Mutate:
    return "mutate";
  case AccessFact::Kind::Read:
    break;
  }
  return "read";
}

std::string modelId(const Model &M) { return "model:" + M.Name + "@" + M.Where.File->path(); }

} // namespace

void writeGraphJson(std::ostream &OS, const ParamGraph &Graph) {
  Json Out;
  Json Models = Json::array(), Nodes = Json::array(), Edges = Json::array();
  for (const auto &M : Graph.Models) {
    Json JM = where(M->Where);
    JM = Json{{"name", M->Name}, {"file", JM["file"]}, {"line", JM["line"]},
              {"root", M->IsRoot}};
    Json Keys = Json::array();
    Nodes.push_back(Json{{"id", modelId(*M)}, {"kind", "model"}, {"label", M->Name}});
    for (const KeySlot &K : M->Keys) {
      Keys.push_back(Json{{"key", K.Key},
                          {"kind", slotKindName(K.Slot->Kind)},
                          {"role", roleName(K.Slot->TheRole)},
                          {"class", K.Owner->ClassName},
                          {"conditional", K.Conditional}});
      std::string Id = modelId(*M) + "/" + K.Key;
      Nodes.push_back(Json{{"id", Id}, {"kind", "slot"}, {"label", K.Key},
                           {"role", roleName(K.Slot->TheRole)}});
      Edges.push_back(Json{{"from", modelId(*M)}, {"to", Id}, {"kind", "defines"}});
    }
    JM["keys"] = std::move(Keys);
    Models.push_back(std::move(JM));
  }
  Json Instances = Json::array();
  for (const Instance &I : Graph.Instances) {
    Json W = where(I.Where);
    Json JI{{"variable", I.Variable},
            {"scope", I.Scope == 0 ? "<module>" : "function"},
            {"model", I.TheModel->Name},
            {"file", W["file"]},
            {"line", W["line"]}};
    if (W.contains("cell"))
      JI["cell"] = W["cell"];
    Instances.push_back(std::move(JI));
  }
  Json Loaders = Json::array();
  for (const Loader &L : Graph.Loaders) {
    Json W = where(Location{L.File, L.Where});
    Json Uses = Json::array();
    std::string LoaderId = "loader:" + L.File->path() + ":" + L.Function;
    Nodes.push_back(Json{{"id", LoaderId}, {"kind", "loader"}, {"label", L.Function}});
    for (size_t I : L.Accesses) {
      const BoundAccess &B = Graph.Accesses[I];
      Json Sources = Json::array();
      for (const SourceName &S : B.Fact->Sources)
        Sources.push_back(Json{{"root", S.Root}, {"keys", S.Keys}});
      bool Resolved = B.Resolved.K == Resolution::Kind::Slot;
      Json UseWhere = where(Location{B.File, B.Fact->RootWhere});
      uint32_t Line = UseWhere["line"];
      Json JU{{"kind", accessKind(B.Fact->K)},
              {"path", pathPattern(B.Path)},
              {"line", Line},
              {"key", Resolved ? Json(B.Resolved.Key) : Json(nullptr)},
              {"sources", Sources}};
      if (UseWhere.contains("cell"))
        JU["cell"] = UseWhere["cell"];
      Uses.push_back(std::move(JU));
      std::string UseId = LoaderId + ":" + std::to_string(Line) + ":" + pathPattern(B.Path);
      Nodes.push_back(Json{{"id", UseId}, {"kind", "use"}, {"label", pathPattern(B.Path)}});
      Edges.push_back(Json{{"from", LoaderId}, {"to", UseId}, {"kind", "contains"}});
      if (Resolved)
        Edges.push_back(Json{{"from", UseId},
                             {"to", modelId(*B.TheModel) + "/" + B.Resolved.Key},
                             {"kind", B.Fact->K == AccessFact::Kind::Read ? "reads" : "writes"},
                             {"file", B.File->path()},
                             {"line", Line}});
    }
    Loaders.push_back(Json{{"function", L.Function},
                           {"file", W["file"]},
                           {"line", W["line"]},
                           {"cell", W.contains("cell") ? W["cell"] : Json(nullptr)},
                           {"model", L.TheModel->Name},
                           {"binding", bindingKindName(L.How)},
                           {"confidence", L.Confidence},
                           {"uses", Uses}});
  }
  Out["models"] = std::move(Models);
  Out["instances"] = std::move(Instances);
  Out["loaders"] = std::move(Loaders);
  Out["nodes"] = std::move(Nodes);
  Out["edges"] = std::move(Edges);
  OS << Out.dump(2, ' ', false, Json::error_handler_t::replace) << "\n";
}

void writeGraphDot(std::ostream &OS, const ParamGraph &Graph) {
  auto Quote = [](const std::string &S) {
    std::string Out = "\"";
    for (char C : S) {
      if (C == '"' || C == '\\')
        Out += '\\';
      Out += C;
    }
    return Out + "\"";
  };
  OS << "digraph paramlint {\n  rankdir=LR;\n  node [shape=box, fontname=\"monospace\"];\n";
  size_t Cluster = 0;
  for (const auto &M : Graph.Models) {
    if (!M->IsRoot)
      continue;
    OS << "  subgraph cluster_" << Cluster++ << " {\n    label=" << Quote(M->Name) << ";\n";
    for (const KeySlot &K : M->Keys) {
      const char *Color = K.Slot->TheRole == Role::Scale   ? "lightblue"
                          : K.Slot->TheRole == Role::Shift ? "lightyellow"
                                                            : "white";
      OS << "    " << Quote(modelId(*M) + "/" + K.Key) << " [label=" << Quote(K.Key)
         << ", style=filled, fillcolor=" << Color << "];\n";
    }
    OS << "  }\n";
  }
  for (const Loader &L : Graph.Loaders) {
    std::string Id = "loader:" + L.File->path() + ":" + L.Function;
    OS << "  " << Quote(Id) << " [shape=ellipse, label=" << Quote(L.Function) << "];\n";
    for (size_t I : L.Accesses) {
      const BoundAccess &B = Graph.Accesses[I];
      if (B.Fact->K == AccessFact::Kind::Read)
        continue;
      if (B.Resolved.K == Resolution::Kind::Slot) {
        OS << "  " << Quote(Id) << " -> " << Quote(modelId(*B.TheModel) + "/" + B.Resolved.Key)
           << " [label=\"writes\"];\n";
      } else if (B.Resolved.K == Resolution::Kind::Missing) {
        std::string Missing = "missing:" + pathPattern(B.Path);
        OS << "  " << Quote(Missing) << " [label=" << Quote(pathPattern(B.Path))
           << ", color=red, fontcolor=red];\n";
        OS << "  " << Quote(Id) << " -> " << Quote(Missing) << " [color=red, label=\"writes (no such parameter)\"];\n";
      }
    }
  }
  OS << "}\n";
}

} // namespace paramlint

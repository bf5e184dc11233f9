//===- python/ConfigClasses.cpp - Numbers of config classes ---------------===//
#include "python/ConfigClasses.h"

#include "graph/NormLayer.h"
#include "python/PythonSyntax.h"

#include <map>
#include <string>

namespace paramlint {
namespace {
using namespace py;

class ConfigReader {
public:
  ConfigReader(std::string_view Text, FileFacts &Facts)
      : Text(Text), Facts(Facts), G(Grammar::get()) {}

  /// Statement containers only: classes at any nesting of blocks.
  void walk(TSNode N, unsigned Depth);

private:
  std::string_view text(TSNode N) const {
    Span S = spanOf(N);
    return Text.substr(S.Begin, S.End - S.Begin);
  }
  /// The number a literal (`1e-5`, `-3`) is.
  std::optional<double> number(TSNode N) const {
    Sym S = G.of(N);
    if (S != Sym::Integer && S != Sym::Float && S != Sym::UnaryOperator)
      return std::nullopt;
    return numberLiteral(text(N));
  }
  /// The target and value of statement S when it is an assignment.
  bool assignment(TSNode S, TSNode &L, TSNode &R) const {
    if (G.of(S) != Sym::ExpressionStatement)
      return false;
    TSNode A = ts_node_named_child(S, 0);
    if (G.of(A) != Sym::Assignment)
      return false;
    L = ts_node_child_by_field_id(A, G.Left);
    R = ts_node_child_by_field_id(A, G.Right);
    return !isNull(R);
  }
  void readClass(TSNode Class, bool Dataclass);
  void readInit(const std::string &Class, TSNode Fn);
  void add(const std::string &Class, std::string Key, double Value, Span Where) {
    Facts.ConfigValues.push_back(ConfigValueFact{Class, std::move(Key), Value, Where,
                                                 ConfigValueFact::Kind::ClassDefault});
  }

  std::string_view Text;
  FileFacts &Facts;
  const Grammar &G;
  ChildLister Lister;
};

void ConfigReader::walk(TSNode N, unsigned Depth) {
  if (Depth > 32)
    return;
  llvm::SmallVector<TSNode, 16> Kids;
  Lister.listNamed(N, Kids);
  for (TSNode C : Kids) {
    switch (G.of(C)) {
    case Sym::ClassDefinition:
      readClass(C, false);
      break;
    case Sym::DecoratedDefinition: {
      TSNode Def = ts_node_child_by_field_id(C, G.Definition);
      if (G.of(Def) != Sym::ClassDefinition)
        break;
      bool Dataclass = false;
      for (uint32_t I = 0; I < ts_node_named_child_count(C); ++I) {
        TSNode D = ts_node_named_child(C, I);
        if (std::string_view(ts_node_type(D)) == "decorator" &&
            text(D).find("dataclass") != std::string_view::npos)
          Dataclass = true;
      }
      readClass(Def, Dataclass);
      break;
    }
    case Sym::Block:
    case Sym::IfStatement:
    case Sym::ElseClause:
    case Sym::TryStatement:
      walk(C, Depth + 1);
      break;
    default:
      break;
    }
  }
}

void ConfigReader::readClass(TSNode Class, bool Dataclass) {
  std::string Name(text(ts_node_child_by_field_id(Class, G.Name)));
  bool Config = Dataclass || looksLikeConfigClass(Name);
  TSNode Bases = ts_node_child_by_field_id(Class, G.Superclasses);
  if (!Config && !isNull(Bases))
    Config = text(Bases).find("Config") != std::string_view::npos;
  TSNode Body = ts_node_child_by_field_id(Class, G.Body);
  if (!Config || isNull(Body))
    return;
  llvm::SmallVector<TSNode, 16> Stmts;
  Lister.listNamed(Body, Stmts);
  for (TSNode S : Stmts) {
    TSNode Def = S;
    if (G.of(S) == Sym::DecoratedDefinition)
      Def = ts_node_child_by_field_id(S, G.Definition);
    if (G.of(Def) == Sym::FunctionDefinition &&
        text(ts_node_child_by_field_id(Def, G.Name)) == "__init__") {
      readInit(Name, Def);
      continue;
    }
    // `norm_eps: float = 1e-5`, `eps = 1e-6`.
    TSNode L, R;
    if (!assignment(S, L, R) || G.of(L) != Sym::Identifier)
      continue;
    if (std::optional<double> V = number(R))
      add(Name, std::string(text(L)), *V, spanOf(R));
  }
}

void ConfigReader::readInit(const std::string &Class, TSNode Fn) {
  // Parameters with numeric defaults.
  std::map<std::string, std::pair<double, Span>> Defaults;
  llvm::SmallVector<TSNode, 16> Params;
  Lister.listNamed(ts_node_child_by_field_id(Fn, G.ParametersField), Params);
  for (TSNode P : Params) {
    if (G.of(P) != Sym::DefaultParameter && G.of(P) != Sym::TypedDefaultParameter)
      continue;
    TSNode Value = ts_node_child_by_field_id(P, G.Value);
    if (std::optional<double> V = isNull(Value) ? std::nullopt : number(Value))
      Defaults[std::string(text(ts_node_child_by_field_id(P, G.Name)))] = {*V,
                                                                          spanOf(Value)};
  }
  // `self.layer_norm_eps = layer_norm_eps` (or a literal).
  llvm::SmallVector<TSNode, 32> Stmts;
  Lister.listNamed(ts_node_child_by_field_id(Fn, G.Body), Stmts);
  for (TSNode S : Stmts) {
    TSNode L, R;
    if (!assignment(S, L, R) || G.of(L) != Sym::Attribute ||
        text(ts_node_child_by_field_id(L, G.Object)) != "self")
      continue;
    std::string Key(text(ts_node_child_by_field_id(L, G.AttributeField)));
    if (G.of(R) == Sym::Identifier) {
      auto It = Defaults.find(std::string(text(R)));
      if (It != Defaults.end())
        add(Class, Key, It->second.first, It->second.second);
    } else if (std::optional<double> V = number(R)) {
      add(Class, Key, *V, spanOf(R));
    }
  }
}

} // namespace

bool looksLikeConfigClass(std::string_view Name) {
  size_t Dot = Name.rfind('.');
  if (Dot != std::string_view::npos)
    Name = Name.substr(Dot + 1);
  auto EndsWith = [&](std::string_view S) {
    return Name.size() > S.size() && Name.substr(Name.size() - S.size()) == S;
  };
  return Name.find("Config") != std::string_view::npos ||
         Name.find("Cfg") != std::string_view::npos || EndsWith("Args") ||
         EndsWith("Params") || EndsWith("HParams");
}

void extractConfigClasses(std::string_view Text, TSNode Root, FileFacts &Facts) {
  ConfigReader(Text, Facts).walk(Root, 0);
}

} // namespace paramlint

//===- FactsDump.cpp - Every field of a FileFacts as text -----------------===//
#include "FactsDump.h"

#include <iomanip>
#include <sstream>
#include <type_traits>

namespace paramlint::test {
namespace {

class Dumper {
public:
  std::ostringstream OS;

  void value(const std::string &S) { OS << std::quoted(S); }
  void value(unsigned V) { OS << V; }
  void value(int V) { OS << V; }
  void value(double V) { OS << std::setprecision(17) << V; }
  void value(bool B) { OS << (B ? "true" : "false"); }
  template <class E> std::enable_if_t<std::is_enum_v<E>> value(E V) {
    OS << "#" << static_cast<int>(V);
  }
  template <class T> void value(const std::optional<T> &O) {
    if (!O) {
      OS << "none";
      return;
    }
    OS << "some(";
    value(*O);
    OS << ")";
  }
  template <class T> void value(const std::vector<T> &V) { list(V); }
  template <class T> void value(const BoxedVector<T> &V) { list(V); }
  template <class List> void list(const List &V) {
    OS << "[";
    for (size_t I = 0; I < V.size(); ++I) {
      if (I)
        OS << ", ";
      value(V[I]);
    }
    OS << "]";
  }
  template <class A, class B> void value(const std::pair<A, B> &P) {
    OS << "(";
    value(P.first);
    OS << ", ";
    value(P.second);
    OS << ")";
  }

  /// Name=value pairs of one struct.
  template <class... Ts> void fields(const char *Type, const Ts &...Xs) {
    OS << Type << "{";
    named(Xs...);
    OS << "}";
  }

  void value(const Span &X) {
    const auto &[Begin, End] = X;
    OS << "@" << Begin << "-" << End;
  }
  void value(const ImportFact &X) {
    const auto &[Module, Name, Alias, Level, IsAssignment, Where] = X;
    fields("Import", "Module", Module, "Name", Name, "Alias", Alias, "Level",
           Level, "IsAssignment", IsAssignment, "Where", Where);
  }
  void value(const CallArgs &X) {
    const auto &[Positional, Keyword, ConfigKeys] = X;
    fields("Args", "Positional", Positional, "Keyword", Keyword, "ConfigKeys",
           ConfigKeys);
  }
  void value(const ModuleExpr &X) {
    const auto &[K, Callee, Args, Children, Count, Where] = X;
    fields("ModuleExpr", "K", K, "Callee", Callee, "Args", Args, "Children",
           Children, "Count", Count, "Where", Where);
  }
  void value(const MemberFact &X) {
    const auto &[Name, Kind, Value, Conditional, Persistent, Where, RoleHint] = X;
    fields("Member", "Name", Name, "Kind", Kind, "Value", Value, "Conditional",
           Conditional, "Persistent", Persistent, "Where", Where, "RoleHint",
           RoleHint);
  }
  void value(const NormSemanticsFact &X) {
    const auto &[K, Reason, ReasonWhere, Unbiased, VarianceCall, VarianceArgs, FlagValue,
           FlagName, VarianceIsStd, Eps, EpsSum, StdOperand, EpsOperand,
           EpsValue, EpsOrigin, EpsParam, EpsParamIndex, Scale, Shift,
           ScaleOffset, Upcast, Via, WidthParam, WidthParamIndex, WidthValue,
           Forward, EpsConfigKey] = X;
    fields("Norm", "K", K, "Reason", Reason, "ReasonWhere", ReasonWhere, "Unbiased", Unbiased, "VarianceCall", VarianceCall, "VarianceArgs", VarianceArgs, "FlagValue", FlagValue, "FlagName", FlagName, "VarianceIsStd", VarianceIsStd, "Eps", Eps, "EpsSum", EpsSum, "StdOperand", StdOperand, "EpsOperand", EpsOperand, "EpsValue", EpsValue, "EpsOrigin", EpsOrigin, "EpsParam", EpsParam, "EpsParamIndex", EpsParamIndex, "Scale", Scale, "Shift", Shift, "ScaleOffset", ScaleOffset, "Upcast", Upcast, "Via", Via, "WidthParam", WidthParam, "WidthParamIndex", WidthParamIndex, "WidthValue", WidthValue, "Forward", Forward, "EpsConfigKey", EpsConfigKey);
  }
  void value(const ClassFact &X) {
    const auto &[Name, Bases, Members, Methods, HasDynamicAttributes, Where,
                 Norm, IsTensorStruct, IsPartial, Extent, BodyStart] = X;
    fields("Class", "Name", Name, "Bases", Bases, "Members", Members, "Methods",
           Methods, "HasDynamicAttributes", HasDynamicAttributes, "Where", Where,
           "Norm", Norm, "IsTensorStruct", IsTensorStruct, "IsPartial",
           IsPartial, "Extent", Extent, "BodyStart", BodyStart);
  }
  void value(const NormUseFact &X) {
    const auto &[Semantics, ScaleAccess, ShiftAccess, Where] = X;
    fields("NormUse", "Semantics", Semantics, "ScaleAccess", ScaleAccess,
           "ShiftAccess", ShiftAccess, "Where", Where);
  }
  void value(const ConfigValueFact &X) {
    const auto &[Dict, Key, Value, Where, K] = X;
    fields("ConfigValue", "Dict", Dict, "Key", Key, "Value", Value, "Where", Where, "K", K);
  }
  void value(const ParamFact &X) {
    const auto &[Name, Annotation] = X;
    fields("Param", "Name", Name, "Annotation", Annotation);
  }
  void value(const ScopeFact &X) {
    const auto &[Name, Class, Parent, Params, Where] = X;
    fields("Scope", "Name", Name, "Class", Class, "Parent", Parent, "Params",
           Params, "Where", Where);
  }
  void value(const PathSegment &X) {
    const auto &[K, Name, Where] = X;
    fields("Segment", "K", K, "Name", Name, "Where", Where);
  }
  void value(const SourceName &X) {
    const auto &[Root, Keys, Where, Table, TableWhere, Selector] = X;
    fields("Source", "Root", Root, "Keys", Keys, "Where", Where, "Table", Table,
           "TableWhere", TableWhere, "Selector", Selector);
  }
  void value(const BindingFact &X) {
    const auto &[K, Scope, Var, Callee, Root, Path, Where] = X;
    fields("Binding", "K", K, "Scope", Scope, "Var", Var, "Callee", Callee,
           "Root", Root, "Path", Path, "Where", Where);
  }
  void value(const AccessFact &X) {
    const auto &[K, Called, ValueIsParameter, Scope, Root, RootWhere, Path,
                 Sources, Statement] = X;
    fields("Access", "K", K, "Scope", Scope, "Root", Root, "RootWhere",
           RootWhere, "Path", Path, "Called", Called, "Sources", Sources,
           "ValueIsParameter", ValueIsParameter, "Statement", Statement);
  }
  void value(const CallFact &X) {
    const auto &[Scope, Callee, Args, Keyword, Where] = X;
    fields("Call", "Scope", Scope, "Callee", Callee, "Args", Args, "Keyword",
           Keyword, "Where", Where);
  }
  void value(const KeyPiece &X) {
    const auto &[Text, Where] = X;
    fields("Piece", "Text", Text, "Where", Where);
  }
  void value(const KeyUseFact &X) {
    const auto &[K, Scope, Pattern, Dict, Pieces, Where] = X;
    fields("KeyUse", "K", K, "Scope", Scope, "Pattern", Pattern, "Dict", Dict,
           "Pieces", Pieces, "Where", Where);
  }
  void value(const RenameFact &X) {
    const auto &[K, Scope, From, To, FromWhere, ToWhere, Map] = X;
    fields("Rename", "K", K, "Scope", Scope, "From", From, "To", To,
           "FromWhere", FromWhere, "ToWhere", ToWhere, "Map", Map);
  }
  void value(const LoadStateDictFact &X) {
    const auto &[Scope, Receiver, Path, Argument, Strict, StrictGiven, Where] =
        X;
    fields("LoadStateDict", "Scope", Scope, "Receiver", Receiver, "Path", Path,
           "Argument", Argument, "Strict", Strict, "StrictGiven", StrictGiven,
           "Where", Where);
  }
  void value(const StateDictFact &X) {
    const auto &[Scope, Var, Root, Path, Where] = X;
    fields("StateDict", "Scope", Scope, "Var", Var, "Root", Root, "Path", Path,
           "Where", Where);
  }
  void value(const ParseProblem &X) {
    const auto &[Message, Where, TimedOut] = X;
    fields("Problem", "Message", Message, "Where", Where, "TimedOut", TimedOut);
  }
  void value(const SuppressionFact::Code &X) {
    const auto &[Name, Where] = X;
    fields("Code", "Name", Name, "Where", Where);
  }
  void value(const SuppressionFact &X) {
    const auto &[Codes, Where, Comment, AppliesAt] = X;
    fields("Suppression", "Codes", Codes, "Where", Where, "Comment", Comment,
           "AppliesAt", AppliesAt);
  }

  /// One line per element of a top-level list.
  template <class T> void lines(const char *Name, const std::vector<T> &V) {
    for (size_t I = 0; I < V.size(); ++I) {
      OS << Name << "[" << I << "] ";
      value(V[I]);
      OS << "\n";
    }
  }

private:
  void named() {}
  template <class T, class... Rest>
  void named(const char *Name, const T &X, const Rest &...More) {
    OS << Name << "=";
    value(X);
    if constexpr (sizeof...(More) > 0)
      OS << " ";
    named(More...);
  }
};

} // namespace

std::string dumpFacts(const FileFacts &Facts) {
  Dumper D;
  const auto &[Imports, Classes, Scopes, Bindings, Accesses, Calls, KeyUses,
               Renames, LoadStateDicts, StateDicts, Problems, Suppressions,
               ConfigValues, NormUses] = Facts;
  D.lines("Imports", Imports);
  D.lines("Classes", Classes);
  D.lines("Scopes", Scopes);
  D.lines("Bindings", Bindings);
  D.lines("Accesses", Accesses);
  D.lines("Calls", Calls);
  D.lines("KeyUses", KeyUses);
  D.lines("Renames", Renames);
  D.lines("LoadStateDicts", LoadStateDicts);
  D.lines("StateDicts", StateDicts);
  D.lines("Problems", Problems);
  D.lines("Suppressions", Suppressions);
  D.lines("ConfigValues", ConfigValues);
  D.lines("NormUses", NormUses);
  return D.OS.str();
}

} // namespace paramlint::test

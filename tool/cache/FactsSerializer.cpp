//===- cache/FactsSerializer.cpp - FileFacts to bytes and back ------------===//
#include "cache/FactsSerializer.h"

#include "cache/BinaryArchive.h"

#include <cstdint>
#include <limits>
#include <type_traits>
#include <utility>
#include <vector>

namespace paramlint {
namespace {

/// The fields of every fact, in order, for both directions: Ar is the
/// writer (T const) or the reader. The structured binding must name every
/// field, so a field added to Facts.h fails to compile here.
struct FactsSchema {
  template <class Ar, class T>
  static std::enable_if_t<IsField<T, Span>> fields(Ar &A, T &X) {
    auto &[Begin, End] = X;
    A(Begin, End);
  }

  template <class Ar, class T>
  static std::enable_if_t<IsField<T, ImportFact>> fields(Ar &A, T &X) {
    auto &[Module, Name, Alias, Level, IsAssignment, Where] = X;
    A(Module, Name, Alias, Level, IsAssignment, Where);
  }

  template <class Ar, class T>
  static std::enable_if_t<IsField<T, CallArgs>> fields(Ar &A, T &X) {
    auto &[Positional, Keyword, ConfigKeys] = X;
    A(Positional, Keyword, ConfigKeys);
  }

  template <class Ar, class T>
  static std::enable_if_t<IsField<T, ModuleExpr>> fields(Ar &A, T &X) {
    if (A.Depth >= MaxModuleExprDepth) {
      A.Ok = false;
      return;
    }
    ++A.Depth;
    auto &[K, Callee, Args, Children, Count, Where] = X;
    A(K, Callee, Args, Children, Count, Where);
    --A.Depth;
  }

  template <class Ar, class T>
  static std::enable_if_t<IsField<T, MemberFact>> fields(Ar &A, T &X) {
    auto &[Name, Kind, Value, Conditional, Persistent, Where, RoleHint] = X;
    A(Name, Kind, Value, Conditional, Persistent, Where, RoleHint);
  }

  template <class Ar, class T>
  static std::enable_if_t<IsField<T, NormSemanticsFact>> fields(Ar &A, T &X) {
    auto &[K, Reason, ReasonWhere, Unbiased, VarianceCall, VarianceArgs, FlagValue,
           FlagName, VarianceIsStd, Eps, EpsSum, StdOperand, EpsOperand,
           EpsValue, EpsOrigin, EpsParam, EpsParamIndex, Scale, Shift,
           ScaleOffset, Upcast, Via, WidthParam, WidthParamIndex, WidthValue,
           Forward, EpsConfigKey] = X;
    A(K, Reason, ReasonWhere, Unbiased, VarianceCall, VarianceArgs, FlagValue,
      FlagName, VarianceIsStd, Eps, EpsSum, StdOperand, EpsOperand,
      EpsValue, EpsOrigin, EpsParam, EpsParamIndex, Scale, Shift,
      ScaleOffset, Upcast, Via, WidthParam, WidthParamIndex, WidthValue,
      Forward, EpsConfigKey);
  }

  template <class Ar, class T>
  static std::enable_if_t<IsField<T, ClassFact>> fields(Ar &A, T &X) {
    auto &[Name, Bases, Members, Methods, HasDynamicAttributes, Where, Norm,
           IsTensorStruct, IsPartial, Extent, BodyStart] = X;
    A(Name, Bases, Members, Methods, HasDynamicAttributes, Where, Norm,
      IsTensorStruct, IsPartial, Extent, BodyStart);
  }

  template <class Ar, class T>
  static std::enable_if_t<IsField<T, ParamFact>> fields(Ar &A, T &X) {
    auto &[Name, Annotation] = X;
    A(Name, Annotation);
  }

  template <class Ar, class T>
  static std::enable_if_t<IsField<T, ScopeFact>> fields(Ar &A, T &X) {
    auto &[Name, Class, Parent, Params, Where] = X;
    A(Name, Class, Parent, Params, Where);
  }

  template <class Ar, class T>
  static std::enable_if_t<IsField<T, PathSegment>> fields(Ar &A, T &X) {
    auto &[K, Name, Where] = X;
    A(K, Name, Where);
  }

  template <class Ar, class T>
  static std::enable_if_t<IsField<T, SourceName>> fields(Ar &A, T &X) {
    auto &[Root, Keys, Where, Table, TableWhere, Selector] = X;
    A(Root, Keys, Where, Table, TableWhere, Selector);
  }

  template <class Ar, class T>
  static std::enable_if_t<IsField<T, BindingFact>> fields(Ar &A, T &X) {
    auto &[K, Scope, Var, Callee, Root, Path, Where] = X;
    A(K, Scope, Var, Callee, Root, Path, Where);
  }

  template <class Ar, class T>
  static std::enable_if_t<IsField<T, AccessFact>> fields(Ar &A, T &X) {
    // Declared packed (Facts.h), written in the order of before.
    auto &[K, Called, ValueIsParameter, Scope, Root, RootWhere, Path, Sources,
           Statement] = X;
    A(K, Scope, Root, RootWhere, Path, Called, Sources, ValueIsParameter,
      Statement);
  }

  template <class Ar, class T>
  static std::enable_if_t<IsField<T, CallFact>> fields(Ar &A, T &X) {
    auto &[Scope, Callee, Args, Keyword, Where] = X;
    A(Scope, Callee, Args, Keyword, Where);
  }

  template <class Ar, class T>
  static std::enable_if_t<IsField<T, KeyPiece>> fields(Ar &A, T &X) {
    auto &[Text, Where] = X;
    A(Text, Where);
  }

  template <class Ar, class T>
  static std::enable_if_t<IsField<T, KeyUseFact>> fields(Ar &A, T &X) {
    auto &[K, Scope, Pattern, Dict, Pieces, Where] = X;
    A(K, Scope, Pattern, Dict, Pieces, Where);
  }

  template <class Ar, class T>
  static std::enable_if_t<IsField<T, RenameFact>> fields(Ar &A, T &X) {
    auto &[K, Scope, From, To, FromWhere, ToWhere, Map] = X;
    A(K, Scope, From, To, FromWhere, ToWhere, Map);
  }

  template <class Ar, class T>
  static std::enable_if_t<IsField<T, LoadStateDictFact>> fields(Ar &A, T &X) {
    auto &[Scope, Receiver, Path, Argument, Strict, StrictGiven, Where] = X;
    A(Scope, Receiver, Path, Argument, Strict, StrictGiven, Where);
  }

  template <class Ar, class T>
  static std::enable_if_t<IsField<T, StateDictFact>> fields(Ar &A, T &X) {
    auto &[Scope, Var, Root, Path, Where] = X;
    A(Scope, Var, Root, Path, Where);
  }

  template <class Ar, class T>
  static std::enable_if_t<IsField<T, ParseProblem>> fields(Ar &A, T &X) {
    // TimedOut is never stored: FactsCache does not keep such facts.
    [[maybe_unused]] auto &[Message, Where, TimedOut] = X;
    A(Message, Where);
  }

  template <class Ar, class T>
  static std::enable_if_t<IsField<T, SuppressionFact::Code>> fields(Ar &A,
                                                                    T &X) {
    auto &[Name, Where] = X;
    A(Name, Where);
  }

  template <class Ar, class T>
  static std::enable_if_t<IsField<T, SuppressionFact>> fields(Ar &A, T &X) {
    auto &[Codes, Where, Comment, AppliesAt] = X;
    A(Codes, Where, Comment, AppliesAt);
  }

  template <class Ar, class T>
  static std::enable_if_t<IsField<T, FileFacts>> fields(Ar &A, T &X) {
    auto &[Imports, Classes, Scopes, Bindings, Accesses, Calls, KeyUses,
           Renames, LoadStateDicts, StateDicts, Problems, Suppressions,
           ConfigValues, NormUses] = X;
    A(Imports, Classes, Scopes, Bindings, Accesses, Calls, KeyUses, Renames,
      LoadStateDicts, StateDicts, Problems, Suppressions, ConfigValues,
      NormUses);
  }

  template <class Ar, class T>
  static std::enable_if_t<IsField<T, NormUseFact>> fields(Ar &A, T &X) {
    auto &[Semantics, ScaleAccess, ShiftAccess, Where] = X;
    A(Semantics, ScaleAccess, ShiftAccess, Where);
  }

  template <class Ar, class T>
  static std::enable_if_t<IsField<T, ConfigValueFact>> fields(Ar &A, T &X) {
    auto &[Dict, Key, Value, Where, K] = X;
    A(Dict, Key, Value, Where, K);
  }

  // The last enumerator of each enum: a reader rejects anything above it.
  // An enumerator added at the end of an enum must be named here, or entries
  // holding it are never reused (correct, but uncached).
  static constexpr uint64_t lastOf(ModuleExpr::Kind) {
    return static_cast<uint64_t>(ModuleExpr::Kind::Unknown);
  }
  static constexpr uint64_t lastOf(MemberKind) {
    return static_cast<uint64_t>(MemberKind::Attribute);
  }
  static constexpr uint64_t lastOf(PathSegment::Kind) {
    return static_cast<uint64_t>(PathSegment::Kind::Index);
  }
  static constexpr uint64_t lastOf(BindingFact::Kind) {
    return static_cast<uint64_t>(BindingFact::Kind::Alias);
  }
  static constexpr uint64_t lastOf(AccessFact::Kind) {
    return static_cast<uint64_t>(AccessFact::Kind::Mutate);
  }
  static constexpr uint64_t lastOf(KeyUseFact::Kind) {
    return static_cast<uint64_t>(KeyUseFact::Kind::DictLiteral);
  }
  static constexpr uint64_t lastOf(RenameFact::Kind) {
    return static_cast<uint64_t>(RenameFact::Kind::SubstringTest);
  }
  static constexpr uint64_t lastOf(NormSemanticsFact::Kind) {
    return static_cast<uint64_t>(NormSemanticsFact::Kind::Unknown);
  }
  static constexpr uint64_t lastOf(ConfigValueFact::Kind) {
    return static_cast<uint64_t>(ConfigValueFact::Kind::Argument);
  }
  static constexpr uint64_t lastOf(NormSemanticsFact::EpsKind) {
    return static_cast<uint64_t>(NormSemanticsFact::EpsKind::ClampVar);
  }
};

} // namespace

bool serializeFacts(const FileFacts &Facts, std::string &Out) {
  FactsSchema S;
  BinaryWriter<FactsSchema> W(Out, S);
  W(Facts);
  return W.Ok;
}

std::optional<FileFacts> deserializeFacts(std::string_view Bytes) {
  FactsSchema S;
  BinaryReader<FactsSchema> R(Bytes, S);
  FileFacts Facts;
  R(Facts);
  if (!R.Ok || !R.atEnd())
    return std::nullopt;
  return Facts;
}

} // namespace paramlint

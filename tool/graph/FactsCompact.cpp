//===- graph/FactsCompact.cpp - Fact lists without spare capacity ---------===//
#include "graph/FactsCompact.h"

namespace paramlint {
namespace {

/// shrink_to_fit is only a request; a swap with an exact copy is not. The
/// copy moves the elements, so their own buffers are kept as they are.
template <typename T> void shrink(std::vector<T> &V) {
  if (V.capacity() == V.size())
    return;
  std::vector<T> Exact;
  Exact.reserve(V.size());
  for (T &E : V)
    Exact.push_back(std::move(E));
  V.swap(Exact);
}

/// A boxed list: no box when empty, else no spare capacity.
template <typename T> void shrink(BoxedVector<T> &V) { V.shrink_to_fit(); }

} // namespace

void compactFacts(FileFacts &F) {
  shrink(F.Imports);
  shrink(F.Classes);
  for (ClassFact &C : F.Classes) {
    shrink(C.Bases);
    shrink(C.Members);
    shrink(C.Methods);
  }
  shrink(F.Scopes);
  for (ScopeFact &S : F.Scopes)
    shrink(S.Params);
  shrink(F.Bindings);
  for (BindingFact &B : F.Bindings)
    shrink(B.Path);
  shrink(F.Accesses);
  for (AccessFact &A : F.Accesses) {
    shrink(A.Path);
    shrink(A.Sources);
  }
  shrink(F.Calls);
  for (CallFact &C : F.Calls) {
    shrink(C.Args);
    shrink(C.Keyword);
  }
  shrink(F.KeyUses);
  for (KeyUseFact &K : F.KeyUses)
    shrink(K.Pieces);
  shrink(F.Renames);
  shrink(F.LoadStateDicts);
  shrink(F.StateDicts);
  shrink(F.Problems);
  shrink(F.Suppressions);
  shrink(F.ConfigValues);
  shrink(F.NormUses);
}

} // namespace paramlint

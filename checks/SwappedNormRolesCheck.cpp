//===- checks/SwappedNormRolesCheck.cpp - PL104 ---------------------------===//
#include "checks/SwappedNormRolesCheck.h"

#include "checks/CheckSupport.h"
#include "checks/Conventions.h"

#include <fmt/format.h>

#include <algorithm>
#include <cctype>

namespace paramlint {
namespace {

/// The role of a source when all its names agree, else Other.
Role sourceRole(const AccessFact &A, const SourceName **Single) {
  Role Found = Role::Other;
  *Single = nullptr;
  for (const SourceName &S : A.Sources) {
    if (S.Keys.empty())
      continue;
    Role R = Conventions::current().roleOfKey(S.Keys.back());
    if (R != Role::Scale && R != Role::Shift)
      continue;
    if (*Single && R != Found)
      return Role::Other; // Mixed sources (a concatenation): not judged.
    Found = R;
    *Single = &S;
  }
  return Found;
}

std::string sourceText(const SourceFile &File, const SourceName &S) {
  return std::string(File.slice(S.Where));
}

/// The role a table selector's own name gives (`ASR_TENSOR_LN_WEIGHT` →
/// scale), read as a key whose components are its `_`-separated words.
Role selectorRole(const std::string &Selector) {
  std::string Key;
  for (char C : Selector)
    Key += C == '_' ? '.' : static_cast<char>(std::tolower(static_cast<unsigned char>(C)));
  return Conventions::builtin().roleOfKey(Key);
}

/// The table entry to blame instead of the call: the name came from an
/// entry whose selector says the target's role while its text says the
/// other (the table was edited, not the call). Null when the call is
/// what is wrong, or the entry's file is not in the graph.
const SourceFile *blamedTable(const ParamGraph &Graph, const SourceName &S,
                              Role Target) {
  if (S.Table.empty() || selectorRole(S.Selector) != Target)
    return nullptr;
  return Graph.fileByPath(S.Table);
}

} // namespace

void SwappedNormRolesCheck::run(const ParamGraph &Graph,
                                DiagnosticSink &Out) const {
  struct Swapped {
    const BoundAccess *B;
    const SourceName *Source;
    Role Target;
  };
  std::vector<Swapped> Found;
  for (const BoundAccess &B : Graph.Accesses) {
    if (B.Fact->K == AccessFact::Kind::Read ||
        B.Resolved.K != Resolution::Kind::Slot ||
        !(B.Resolved.Owner->IsNorm || B.Resolved.Slot->RoleFromName))
      continue;
    Role Target = B.Resolved.Slot->TheRole;
    if (Target != Role::Scale && Target != Role::Shift)
      continue;
    const SourceName *Source = nullptr;
    Role From = sourceRole(*B.Fact, &Source);
    if (!Source || From == Role::Other || From == Target)
      continue;
    Found.push_back({&B, Source, Target});
  }

  for (const Swapped &S : Found) {
    const BoundAccess &B = *S.B;
    Diagnostic D;
    D.Code = Info.Code;
    D.Where = Location{B.File, S.Source->Where};
    std::string Name = S.Source->Keys.back();
    Role Other = S.Target == Role::Scale ? Role::Shift : Role::Scale;
    if (const SourceFile *Table = blamedTable(Graph, *S.Source, S.Target)) {
      // The call asks for the right entry; the entry's text is wrong.
      D.Where = Location{Table, S.Source->TableWhere};
      D.Message = fmt::format(
          "the table names `{}` `{}`, which names a {}, but the loader loads "
          "that entry into `{}`, the {} of `{}`",
          S.Source->Selector, Name, roleName(Other), B.Resolved.Key,
          roleName(S.Target), B.Resolved.Owner->ClassName);
      Location Call{B.File, S.Source->Where};
      D.Notes.push_back(Note{fmt::format("the loader selects the entry at {} (`{}`)",
                                         formatLocation(Call), sourceText(*B.File, *S.Source)),
                             Call});
      D.Notes.push_back(modelNote(B));
      Out.report(std::move(D));
      continue;
    }
    D.Message = fmt::format(
        "`{}` is the {} of `{}`, but the loader writes `{}` into it, which "
        "names a {} (`{}`)",
        B.Resolved.Key, roleName(S.Target), B.Resolved.Owner->ClassName,
        sourceText(*B.File, *S.Source), roleName(Other), Name);
    D.Notes.push_back(modelNote(B));
    // The partner: the other role of the same layer, written in the same
    // scope from a source of the opposite name. Swapping both is the fix.
    for (const Swapped &P : Found) {
      if (P.B == S.B || P.B->File != B.File ||
          P.B->Fact->Scope != B.Fact->Scope || P.Target == S.Target ||
          P.B->Resolved.Owner != B.Resolved.Owner)
        continue;
      Fix F;
      F.Applies = Applicability::Safe;
      F.Message = "Swap the sources of the scale and the shift";
      std::string Mine = sourceText(*B.File, *S.Source);
      std::string Theirs = sourceText(*B.File, *P.Source);
      F.Edits.push_back(Edit{S.Source->Where, Theirs});
      F.Edits.push_back(Edit{P.Source->Where, Mine});
      std::sort(F.Edits.begin(), F.Edits.end(), [](const Edit &A, const Edit &E) {
        return A.Where.Begin < E.Where.Begin;
      });
      D.TheFix = std::move(F);
      break;
    }
    Out.report(std::move(D));
  }
}

} // namespace paramlint

//===- checks/LoaderWritesUnknownParamCheck.cpp - PL101 -------------------===//
#include "checks/LoaderWritesUnknownParamCheck.h"

#include "checks/CheckSupport.h"
#include "checks/Conventions.h"

#include <fmt/format.h>

#include <algorithm>
#include <map>
#include <set>

namespace paramlint {
namespace {

const char *verb(AccessFact::Kind K) {
  switch (K) {
  case AccessFact::Kind::Write:
    return "writes";
  case AccessFact::Kind::Mutate:
    return "copies into";
  case AccessFact::Kind::Read:
    break;
  }
  return "reads";
}

/// Edit distance, for "did you mean" among a module's own names.
size_t distance(const std::string &A, const std::string &B) {
  std::vector<size_t> Row(B.size() + 1);
  for (size_t J = 0; J <= B.size(); ++J)
    Row[J] = J;
  for (size_t I = 1; I <= A.size(); ++I) {
    size_t Diag = Row[0];
    Row[0] = I;
    for (size_t J = 1; J <= B.size(); ++J) {
      size_t Up = Row[J];
      Row[J] = std::min({Row[J] + 1, Row[J - 1] + 1,
                         Diag + (A[I - 1] == B[J - 1] ? 0 : 1)});
      Diag = Up;
    }
  }
  return Row[B.size()];
}

std::string closestName(const ModuleNode &Owner, const std::string &Name) {
  std::string Best;
  size_t BestD = 3;
  auto Try = [&](const std::string &Candidate) {
    size_t D = distance(Name, Candidate);
    if (D < BestD) {
      BestD = D;
      Best = Candidate;
    }
  };
  for (const SlotDef &S : Owner.Slots)
    Try(S.Name);
  for (const auto &C : Owner.Children)
    if (C.first != "*")
      Try(C.first);
  return Best;
}

/// Whether a missing name at the end of a chain is worth reporting: it is
/// a norm-parameter name, or the statement puts a tensor there.
bool isParameterUse(const BoundAccess &B, const std::string &Name) {
  if (Conventions::current().roleOf(Name) != Role::Other)
    return true;
  return B.Fact->K == AccessFact::Kind::Mutate ||
         (B.Fact->K == AccessFact::Kind::Write && B.Fact->ValueIsParameter);
}

bool sameNames(const std::vector<PathSegment> &A,
               const std::vector<PathSegment> &B) {
  if (A.size() != B.size())
    return false;
  for (size_t I = 0; I < A.size(); ++I)
    if (A[I].K != B[I].K || A[I].Name != B[I].Name)
      return false;
  return true;
}

} // namespace

void LoaderWritesUnknownParamCheck::run(const ParamGraph &Graph,
                                        DiagnosticSink &Out) const {
  // One finding per statement and chain: `x.scale = assign(x.scale, g)`
  // reads and writes the same wrong name. Group by statement, prefer the
  // write as the reported site.
  std::map<std::tuple<const SourceFile *, uint32_t, std::string>,
           std::vector<const BoundAccess *>>
      ByStatement;
  for (const BoundAccess &B : Graph.Accesses) {
    if (B.Resolved.K != Resolution::Kind::Missing || !B.Resolved.Owner ||
        B.Resolved.Owner->Open)
      continue;
    const bool Last = B.Resolved.MissingAt + 1 == B.Path.size();
    const std::string &Name = B.Path[B.Resolved.MissingAt].Name;
    if (Last && (B.Fact->Called || !isParameterUse(B, Name)))
      continue;
    if (!Last && B.Fact->K == AccessFact::Kind::Read &&
        !isParameterUse(B, B.Path.back().Name))
      continue;
    ByStatement[{B.File, B.Fact->Statement.Begin, pathText(B.Path, B.Path.size())}]
        .push_back(&B);
  }

  for (const auto &[Key, Group] : ByStatement) {
    const BoundAccess *Site = Group.front();
    for (const BoundAccess *B : Group)
      if (B->Fact->K != AccessFact::Kind::Read) {
        Site = B;
        break;
      }
    const BoundAccess &B = *Site;
    const ModuleNode &Owner = *B.Resolved.Owner;
    size_t At = B.Resolved.MissingAt;
    const PathSegment &Seg = B.Path[At];
    const bool Last = At + 1 == B.Path.size();
    std::string OwnerText = At == 0 ? B.TheModel->Name : pathText(B.Path, At);

    Diagnostic D;
    D.Code = Info.Code;
    const bool HasSpan = Seg.Where.End > Seg.Where.Begin;
    D.Where = Location{B.File, HasSpan ? Seg.Where : B.Fact->RootWhere};

    const SlotDef *Equivalent = Last ? roleEquivalent(Owner, Seg.Name) : nullptr;
    std::string Suggestion =
        Equivalent ? Equivalent->Name : closestName(Owner, Seg.Name);
    if (Last)
      D.Message = fmt::format("`{}` is {}; the loader {} `{}`, which it does "
                              "not have",
                              OwnerText, describeModule(Owner),
                              verb(B.Fact->K), Seg.Name);
    else
      D.Message = fmt::format("`{}` is {}; the loader goes through `{}`, "
                              "which it does not have",
                              OwnerText, describeModule(Owner), Seg.Name);
    if (!Suggestion.empty())
      D.Message += fmt::format(" — did you mean `{}`?", Suggestion);
    D.Notes.push_back(modelNote(B));
    if (Owner.Class && Owner.File)
      D.Notes.push_back(Note{fmt::format("`{}` is defined at {}", Owner.ClassName,
                                         formatLocation({Owner.File, Owner.Class->Where})),
                             Location{Owner.File, Owner.Class->Where}});

    if (Equivalent && HasSpan) {
      Fix F;
      // Renaming a plain-tensor write onto a registered parameter turns a
      // silent bug into `TypeError: cannot assign ... as parameter`: the
      // author must wrap the value, so that rename is not safe.
      bool PlainTensorWrite = B.Fact->K == AccessFact::Kind::Write &&
                              !B.Fact->ValueIsParameter && Equivalent->Kind == SlotKind::Parameter;
      F.Applies = PlainTensorWrite ? Applicability::Unsafe : Applicability::Safe;
      F.Message = fmt::format("Rename `{}` to `{}`", Seg.Name, Equivalent->Name);
      std::set<uint32_t> Seen;
      for (const BoundAccess *Other : Group) {
        if (!sameNames(Other->Path, B.Path))
          continue;
        const PathSegment &S = Other->Path[At];
        if (S.Where.End > S.Where.Begin && Seen.insert(S.Where.Begin).second)
          F.Edits.push_back(Edit{S.Where, Equivalent->Name});
      }
      std::sort(F.Edits.begin(), F.Edits.end(), [](const Edit &A, const Edit &E) {
        return A.Where.Begin < E.Where.Begin;
      });
      D.TheFix = std::move(F);
    }
    Out.report(std::move(D));
  }
}

} // namespace paramlint

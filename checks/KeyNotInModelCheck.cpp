//===- checks/KeyNotInModelCheck.cpp - PL102 ------------------------------===//
#include "checks/KeyNotInModelCheck.h"

#include "checks/CheckSupport.h"
#include "checks/Conventions.h"
#include "graph/KeyPattern.h"

#include <fmt/format.h>

#include <map>
#include <set>
#include <tuple>

namespace paramlint {
namespace {

/// The fix that rewrites a key's leaf where it is written: the end of the
/// last constant piece, when the key ends there.
std::optional<Fix> leafFix(const KeyUseFact &K, const std::string &Leaf,
                           const std::string &Suggested) {
  if (K.Pieces.empty())
    return std::nullopt;
  const KeyPiece &Last = K.Pieces.back();
  size_t N = Leaf.size();
  if (Last.Text.size() < N || Last.Text.compare(Last.Text.size() - N, N, Leaf) != 0 ||
      Last.Where.End - Last.Where.Begin != Last.Text.size())
    return std::nullopt;
  Fix F;
  F.Applies = Applicability::Safe;
  F.Message = fmt::format("Rename `{}` to `{}`", Leaf, Suggested);
  F.Edits.push_back(
      Edit{Span{Last.Where.End - static_cast<uint32_t>(N), Last.Where.End}, Suggested});
  return F;
}

void checkKey(const BoundKeyUse &U, DiagnosticSink &Out) {
  const KeyUseFact &K = *U.Fact;
  std::string Leaf(keyLeaf(K.Pattern));
  Role R = Conventions::current().roleOf(Leaf);
  if (R != Role::Scale && R != Role::Shift)
    return;
  std::string Full = U.Prefix + K.Pattern;
  std::string Parent(keyParent(Full));
  std::set<std::string> Names;
  const KeySlot *Example = nullptr;
  for (const KeySlot &S : U.TheModel->Keys) {
    if (S.Slot->TheRole != R || !S.Owner->IsNorm)
      continue;
    std::string SlotLeaf(keyLeaf(S.Key));
    if (keyMatches(Parent.empty() ? SlotLeaf : Parent + "." + SlotLeaf, S.Key)) {
      Names.insert(SlotLeaf);
      Example = &S;
    }
  }
  if (!Example)
    return; // No role-equivalent: not a naming-convention problem.

  Diagnostic D;
  D.Code = KeyNotInModelCheck::Info.Code;
  D.Where = Location{U.File, K.Where};
  std::string Suggested = *Names.begin();
  std::string Fixed = K.Pattern.substr(0, K.Pattern.size() - Leaf.size()) + Suggested;
  D.Message = fmt::format(
      "key `{}` names no key of `{}`; `{}` is `{}`, whose {} is `{}`{}",
      K.Pattern, U.TheModel->Name, keyParent(Example->Key), Example->Owner->ClassName,
      roleName(R), Suggested,
      Names.size() == 1 ? fmt::format(" — did you mean `{}`?", Fixed) : "");
  std::string How = U.How == BindingKind::BestMatch
                        ? fmt::format(" (best match, confidence {:.2f})", U.Confidence)
                        : "";
  D.Notes.push_back(Note{fmt::format("model: `{}` ({}){}", U.TheModel->Name,
                                     formatLocation(U.TheModel->Where), How),
                         U.TheModel->Where});
  if (Names.size() == 1)
    D.TheFix = leafFix(K, Leaf, Suggested);
  Out.report(std::move(D));
}

/// Keys of C++ loaders that no model explains, judged against each
/// checkpoint given: when the checkpoint holds most keys of the group (a
/// loader's lookups in one function and dict), a key it lacks while it
/// holds the role-equivalent name (`attn_norm.scale` for
/// `attn_norm.weight`) is a wrong name.
void checkLooseKeys(const ParamGraph &Graph, DiagnosticSink &Out) {
  std::map<std::tuple<const SourceFile *, unsigned, std::string>,
           std::vector<const KeyUseFact *>>
      Groups;
  for (const LooseKeyUse &L : Graph.LooseKeyUses)
    if (L.File->kind() == SourceKind::Cxx &&
        keyLeaf(L.Fact->Pattern).find('*') == std::string_view::npos)
      Groups[{L.File, L.Fact->Scope, L.Fact->Dict}].push_back(L.Fact);
  const Conventions &Conv = Conventions::current();
  for (const CheckpointBinding &CB : Graph.Checkpoints)
    for (const auto &[Key, Group] : Groups) {
      auto Holds = [&](const std::string &Pattern) {
        for (const TensorInfo &T : CB.Tensors)
          if (keyMatches(Pattern, T.Name))
            return true;
        return false;
      };
      std::vector<const KeyUseFact *> Missing;
      for (const KeyUseFact *K : Group)
        if (!Holds(K->Pattern))
          Missing.push_back(K);
      size_t Held = Group.size() - Missing.size();
      if (Held < 2 || Held < 0.6 * Group.size())
        continue;
      for (const KeyUseFact *K : Missing) {
        std::string Leaf(keyLeaf(K->Pattern));
        Role R = Conv.roleOf(Leaf);
        if (R != Role::Scale && R != Role::Shift)
          continue;
        std::string Stem = K->Pattern.substr(0, K->Pattern.size() - Leaf.size());
        std::set<std::string> Names;
        for (const std::string &Name : Conv.namesOf(R))
          if (Name != Leaf && Holds(Stem + Name))
            Names.insert(Name);
        if (Names.empty())
          continue;
        Diagnostic D;
        D.Code = KeyNotInModelCheck::Info.Code;
        D.Where = Location{std::get<0>(Key), K->Where};
        std::string Suggested = *Names.begin();
        D.Message = fmt::format(
            "key `{}` names no tensor of checkpoint `{}`, which holds the {} "
            "as `{}`{}",
            K->Pattern, CB.Path, roleName(R), Stem + Suggested,
            Names.size() == 1 ? fmt::format(" — did you mean `{}`?", Stem + Suggested)
                              : "");
        D.Notes.push_back(Note{fmt::format("checkpoint: `{}` ({} of the {} keys "
                                           "this loader asks for are in it)",
                                           CB.Path, Held, Group.size()),
                               Location{CB.File, Span{0, 0}}});
        if (Names.size() == 1)
          D.TheFix = leafFix(*K, Leaf, Suggested);
        Out.report(std::move(D));
      }
    }
}

void checkRename(const BoundRename &B, DiagnosticSink &Out) {
  const RenameFact &R = *B.Fact;
  if (R.K != RenameFact::Kind::Replace || R.From.empty())
    return;
  for (const KeySlot &S : B.TheModel->Keys) {
    std::string Leaf(keyLeaf(S.Key));
    if (Leaf.find(R.From) == std::string::npos || S.Owner->IsNorm)
      continue;
    // Renamed, the key must still be one of the model's.
    std::string Renamed = S.Key;
    Renamed.replace(Renamed.rfind(R.From), R.From.size(), R.To);
    bool Exists = false;
    for (const KeySlot &T : B.TheModel->Keys)
      Exists |= T.Key == Renamed;
    if (Exists)
      continue;
    Diagnostic D;
    D.Code = KeyNotInModelCheck::Info.Code;
    D.Where = Location{B.File, R.FromWhere};
    D.Message = fmt::format(
        "substring rename `{}` → `{}` also hits `{}`, a parameter of `{}` that "
        "is not a norm's: the key becomes `{}`, which `{}` does not have",
        R.From, R.To, S.Key, S.Owner->ClassName, Renamed, B.TheModel->Name);
    D.Notes.push_back(Note{fmt::format("model: `{}` ({})", B.TheModel->Name,
                                       formatLocation(B.TheModel->Where)),
                           B.TheModel->Where});
    Out.report(std::move(D));
    return; // One finding per rule is enough to fix it.
  }
}

} // namespace

void KeyNotInModelCheck::run(const ParamGraph &Graph, DiagnosticSink &Out) const {
  for (const BoundKeyUse &U : Graph.KeyUses)
    if (U.Matches.empty())
      checkKey(U, Out);
  for (const BoundRename &R : Graph.Renames)
    checkRename(R, Out);
  checkLooseKeys(Graph, Out);
}

} // namespace paramlint

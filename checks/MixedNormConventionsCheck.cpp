//===- checks/MixedNormConventionsCheck.cpp - PL301 -----------------------===//
#include "checks/MixedNormConventionsCheck.h"

#include "checks/Conventions.h"
#include "fix/RenameParams.h"
#include "graph/ModulePaths.h"

#include <fmt/format.h>

#include <algorithm>
#include <filesystem>
#include <map>
#include <set>

namespace paramlint {
namespace {

/// The names one norm class gives its scale and shift (either may be
/// absent: an RMSNorm has no shift).
struct NormNames {
  std::string ClassName;
  const ModuleNode *Node = nullptr; ///< A project class's model root.
  bool Library = false;
  std::string Scale, Shift;
  std::optional<Location> ScaleAt, ShiftAt; ///< Project classes.
  /// Library classes: the member of a project class that holds one first,
  /// and its spelling (`Block.norm2`).
  std::optional<Location> UsedAt;
  std::string UsedBy;
};

/// A convention as a pair of names; an empty name agrees with any.
struct Pair {
  std::string Scale, Shift;
  bool operator==(const Pair &O) const { return Scale == O.Scale && Shift == O.Shift; }
};

bool agrees(const std::string &A, const std::string &B) {
  return A.empty() || B.empty() || A == B;
}

bool compatible(const NormNames &N, const Pair &P) {
  return agrees(N.Scale, P.Scale) && agrees(N.Shift, P.Shift);
}

/// "`scale`/`shift`", or the one name a class has.
std::string pairText(const std::string &Scale, const std::string &Shift) {
  if (Shift.empty())
    return "`" + Scale + "`";
  if (Scale.empty())
    return "`" + Shift + "`";
  return fmt::format("`{}`/`{}`", Scale, Shift);
}

/// " (torch.nn)": the conventions table's name for the pair, when exactly
/// one convention has it (for a partial pair: agrees with it).
std::string conventionLabel(const std::string &Scale, const std::string &Shift) {
  const NamingConvention *Found = nullptr;
  for (const NamingConvention &C : Conventions::current().libraries())
    if (agrees(Scale, C.Scale) && agrees(Shift, C.Shift)) {
      if (Found && (!Scale.empty() && !Shift.empty()))
        break; // Both names given: the first full match names it.
      if (Found)
        return "";
      Found = &C;
    }
  return Found ? " (" + Found->Name + ")" : "";
}

/// The project a file belongs to: the top directory of the Python package
/// it is in (the last ancestor holding an `__init__.py`), or its own
/// directory for a loose script or notebook. A repository of separate
/// chapters or examples is several projects; one package is one.
std::string projectOf(const SourceFile &File) {
  namespace fs = std::filesystem;
  fs::path Dir = absolutePath(File.path()).parent_path(), Top = Dir;
  std::error_code Ec;
  for (fs::path D = Dir; fs::exists(D / "__init__.py", Ec);) {
    Top = D;
    if (D.parent_path() == D)
      break;
    D = D.parent_path();
  }
  return Top.string();
}

/// The library norm classes the project's modules hold, and the project
/// classes some module holds, found by walking every model's tree.
struct Uses {
  std::set<const ClassFact *> Used;
  std::vector<NormNames> Library; ///< In first-seen order, one per class and file.
};

void walk(const ModuleNode &Node, const std::optional<Location> &At,
          const std::string &By, Uses &U) {
  for (const auto &[Name, Child] : Node.Children) {
    std::optional<Location> ChildAt = At;
    std::string ChildBy = By.empty() ? Name : By + "." + Name;
    if (Node.Class && Node.File)
      for (const MemberFact &M : Node.Class->Members)
        if (M.Name == Name && M.Kind == MemberKind::Module) {
          ChildAt = Location{Node.File, M.Where};
          ChildBy = Node.Class->Name + "." + Name;
          break;
        }
    if (Child->Class)
      U.Used.insert(Child->Class);
    if (Child->Library && Child->IsNorm && ChildAt &&
        std::none_of(U.Library.begin(), U.Library.end(),
                     // By name: C++17 lambdas cannot capture a structured
                     // binding (clang, which builds the fuzz targets, says so).
                     [&, &ChildNode = Child](const NormNames &N) {
                       return N.ClassName == ChildNode->ClassName &&
                              N.UsedAt->File == ChildAt->File;
                     })) {
      NormNames N;
      N.ClassName = Child->ClassName;
      N.Library = true;
      for (const SlotDef &S : Child->Slots) {
        if (S.Kind != SlotKind::Parameter)
          continue;
        if (S.TheRole == Role::Scale && N.Scale.empty())
          N.Scale = S.Name;
        if (S.TheRole == Role::Shift && N.Shift.empty())
          N.Shift = S.Name;
      }
      N.UsedAt = ChildAt;
      N.UsedBy = ChildBy;
      if (!N.Scale.empty() || !N.Shift.empty())
        U.Library.push_back(std::move(N));
    }
    walk(*Child, ChildAt, ChildBy, U);
  }
}

/// Whether Class itself defines the parameter Name (not a base class).
bool definesItself(const ClassFact &Class, const std::string &Name) {
  for (const MemberFact &M : Class.Members)
    if (M.Name == Name &&
        (M.Kind == MemberKind::Parameter || M.Kind == MemberKind::Buffer))
      return true;
  return false;
}

/// A project norm class's own scale/shift names (none: std::nullopt).
std::optional<NormNames> projectNames(const Model &M) {
  const ModuleNode *Node = M.Root.get();
  if (!Node || !Node->Class || !Node->IsNorm || !Node->File ||
      Node->File->kind() == SourceKind::Cxx)
    return std::nullopt;
  NormNames N;
  N.ClassName = Node->Class->Name;
  N.Node = Node;
  for (const SlotDef &S : Node->Slots) {
    if (S.Kind != SlotKind::Parameter || !S.Where || !definesItself(*Node->Class, S.Name))
      continue;
    if (S.TheRole == Role::Scale && N.Scale.empty()) {
      N.Scale = S.Name;
      N.ScaleAt = S.Where;
    } else if (S.TheRole == Role::Shift && N.Shift.empty()) {
      N.Shift = S.Name;
      N.ShiftAt = S.Where;
    }
  }
  if (N.Scale.empty() && N.Shift.empty())
    return std::nullopt;
  return N;
}

/// The convention most classes agree with. Ties go to a pair with both
/// names, then to one a library class uses (its names cannot change), then
/// to the first seen.
Pair majority(const std::vector<NormNames> &All) {
  std::vector<Pair> Candidates;
  for (const NormNames &N : All) {
    Pair P{N.Scale, N.Shift};
    if (std::find(Candidates.begin(), Candidates.end(), P) == Candidates.end())
      Candidates.push_back(P);
  }
  auto Score = [&](const Pair &P) {
    int Agree = 0;
    bool ByLibrary = false;
    for (const NormNames &N : All)
      if (compatible(N, P)) {
        ++Agree;
        ByLibrary |= N.Library && N.Scale == P.Scale && N.Shift == P.Shift;
      }
    return std::make_tuple(Agree, !P.Scale.empty() && !P.Shift.empty(), ByLibrary);
  };
  Pair Best = Candidates.front();
  auto BestScore = Score(Best);
  for (const Pair &P : Candidates) {
    auto S = Score(P);
    if (S > BestScore) {
      Best = P;
      BestScore = S;
    }
  }
  return Best;
}

/// The unsafe fix: rename-params on the class, limited to the edits in the
/// class's own file (a fix edits one file; the loaders elsewhere follow in
/// the next rounds as PL101/PL102 fixes).
std::optional<Fix> unifyFix(const ParamGraph &Graph, const NormNames &N,
                            const Pair &Want, const SubclassIndex &Subclasses) {
  std::vector<ParamRename> Renames;
  if (!N.Scale.empty() && !Want.Scale.empty() && N.Scale != Want.Scale)
    Renames.push_back({N.Scale, Want.Scale});
  if (!N.Shift.empty() && !Want.Shift.empty() && N.Shift != Want.Shift)
    Renames.push_back({N.Shift, Want.Shift});
  if (Renames.empty())
    return std::nullopt;
  auto Fixes =
      renameParamsFixes(Graph, N.ClassName, Renames, N.Node->File, &Subclasses);
  if (!Fixes) {
    llvm::consumeError(Fixes.takeError());
    return std::nullopt;
  }
  for (Diagnostic &D : *Fixes)
    if (D.Where.File == N.Node->File && D.TheFix) {
      Fix F = std::move(*D.TheFix);
      F.Applies = Applicability::Unsafe;
      F.Message += ", keeping old checkpoints loadable";
      return F;
    }
  return std::nullopt;
}

/// Reports the classes of one project that disagree with its convention.
void checkProject(const ParamGraph &Graph, std::vector<NormNames> All,
                  DiagnosticSink &Out, const SubclassIndex &Subclasses) {
  const std::optional<RequiredConvention> &Required = Graph.Context.NormConvention;
  bool Own = std::any_of(All.begin(), All.end(),
                         [](const NormNames &N) { return !N.Library; });
  if (!Own)
    return;
  Pair Want;
  if (Required) {
    Want = Pair{Required->Scale, Required->Shift};
  } else {
    if (All.size() < 2)
      return;
    Want = majority(All);
  }

  std::vector<const NormNames *> Agreeing;
  for (const NormNames &N : All)
    if (compatible(N, Want) && !(Required && N.Library))
      Agreeing.push_back(&N);
  for (const NormNames &N : All) {
    if (N.Library || compatible(N, Want))
      continue;
    bool ScaleDiffers = !agrees(N.Scale, Want.Scale);
    Diagnostic D;
    D.Code = MixedNormConventionsCheck::Info.Code;
    D.Where = ScaleDiffers ? *N.ScaleAt : *N.ShiftAt;
    std::string Mine = pairText(N.Scale, N.Shift) + conventionLabel(N.Scale, N.Shift);
    std::string Theirs =
        pairText(Want.Scale, Want.Shift) + conventionLabel(Want.Scale, Want.Shift);
    if (Required) {
      D.Message = fmt::format(
          "norm class `{}` names its parameters {} where the configured "
          "convention `{}` is {}",
          N.ClassName, Mine, Required->Name, Theirs);
    } else {
      std::string Names;
      size_t Shown = 0;
      for (const NormNames *A : Agreeing) {
        if (Shown == 3) {
          Names += fmt::format(" and {} more", Agreeing.size() - Shown);
          break;
        }
        Names += (Shown++ ? ", `" : "`") + A->ClassName + "`";
      }
      D.Message = fmt::format(
          "norm class `{}` names its parameters {} where the project's other "
          "norm classes use {}: {}",
          N.ClassName, Mine, Theirs, Names);
    }
    for (const NormNames *A : Agreeing) {
      if (D.Notes.size() == 4)
        break;
      std::string Names = pairText(A->Scale, A->Shift);
      if (A->Library)
        D.Notes.push_back(Note{
            fmt::format("`{}` uses {} (in `{}`)", A->ClassName, Names, A->UsedBy),
            A->UsedAt});
      else
        D.Notes.push_back(Note{fmt::format("`{}` uses {}", A->ClassName, Names),
                               A->ScaleAt ? A->ScaleAt : A->ShiftAt});
    }
    D.TheFix = unifyFix(Graph, N, Want, Subclasses);
    Out.report(std::move(D));
  }
}

} // namespace

void MixedNormConventionsCheck::run(const ParamGraph &Graph,
                                    DiagnosticSink &Out) const {
  Uses U;
  for (const auto &M : Graph.Models)
    if (M->Root)
      walk(*M->Root, std::nullopt, "", U);

  // Norm classes by project, projects in the order first seen.
  std::vector<std::string> Order;
  std::map<std::string, std::vector<NormNames>> ByProject;
  auto Add = [&](const SourceFile &File, NormNames N) {
    std::string P = projectOf(File);
    auto [It, New] = ByProject.try_emplace(P);
    if (New)
      Order.push_back(P);
    It->second.push_back(std::move(N));
  };
  std::set<const ClassFact *> Seen;
  for (const auto &M : Graph.Models)
    if (std::optional<NormNames> N = projectNames(*M))
      // Without a configured convention only classes some module holds
      // count: a class nobody builds mixes nothing into a checkpoint.
      if ((Graph.Context.NormConvention || U.Used.count(N->Node->Class)) &&
          Seen.insert(N->Node->Class).second)
        Add(*N->Node->File, std::move(*N));
  // Library classes come after the project's own (ties go to the first
  // seen), and count only without a configured convention.
  for (NormNames &L : U.Library) {
    auto It = ByProject.find(projectOf(*L.UsedAt->File));
    // One entry per library class and project, however many files use it.
    if (It == ByProject.end() ||
        std::none_of(It->second.begin(), It->second.end(),
                     [&](const NormNames &N) { return N.ClassName == L.ClassName; }))
      Add(*L.UsedAt->File, std::move(L));
  }
  // The fixes search subclasses once per finding: index them once.
  SubclassIndex Subclasses = subclassIndex(Graph);
  for (const std::string &P : Order)
    checkProject(Graph, std::move(ByProject[P]), Out, Subclasses);
}

} // namespace paramlint

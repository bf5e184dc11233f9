//===- fix/RenameParams.cpp - Back-compatible parameter renames -----------===//
#include "fix/RenameParams.h"

#include "graph/KeyPattern.h"

#include <fmt/format.h>

#include <algorithm>
#include <map>
#include <set>
#include <string_view>

namespace paramlint {
namespace {

bool isIdentifier(const std::string &S) {
  if (S.empty() || (S[0] >= '0' && S[0] <= '9'))
    return false;
  return std::all_of(S.begin(), S.end(), [](char C) {
    return (C >= 'a' && C <= 'z') || (C >= 'A' && C <= 'Z') ||
           (C >= '0' && C <= '9') || C == '_';
  });
}

llvm::Error renameError(const std::string &What) {
  return llvm::createStringError(std::errc::invalid_argument, "%s", What.c_str());
}

/// The last component of a dotted name: `nn.Module` → `Module`.
std::string_view lastComponent(std::string_view Dotted) {
  size_t Dot = Dotted.rfind('.');
  return Dot == std::string_view::npos ? Dotted : Dotted.substr(Dot + 1);
}

/// A class and its subclasses, by name; looked up by views of base names
/// without copying them (the subclass search reads every class's bases).
using ClassFamily = std::set<std::string, std::less<>>;

/// Where the override goes: the end of the line that ends the class body,
/// and the indentation of the body and of one level inside it.
struct ClassEnd {
  uint32_t At = 0;
  std::string Body, Step;
};

/// Where the class's body ends and how it is indented, from the extent the
/// frontend recorded (ClassFact::Extent, BodyStart): the check that offers
/// this fix runs on every project, and parsing the file again cost more
/// than the rest of the fix.
std::optional<ClassEnd> classEnd(const std::string &Text, const ClassFact &C) {
  if (C.Extent.End <= C.Extent.Begin || C.Extent.End > Text.size() ||
      C.BodyStart <= C.Extent.Begin || C.BodyStart >= C.Extent.End)
    return std::nullopt;
  auto Column = [&](uint32_t Byte) {
    size_t LineStart = Text.rfind('\n', Byte == 0 ? 0 : Byte - 1);
    LineStart = LineStart == std::string::npos ? 0 : LineStart + 1;
    return std::string(Text, LineStart, Byte - LineStart);
  };
  ClassEnd E;
  std::string ClassIndent = Column(C.Extent.Begin);
  E.Body = Column(C.BodyStart);
  // A body on the class line (`class A: x = 1`) has no indentation to copy.
  if (E.Body.find_first_not_of(" \t") != std::string::npos ||
      E.Body.size() <= ClassIndent.size())
    return std::nullopt;
  E.Step = E.Body.substr(ClassIndent.size());
  size_t Nl = Text.find('\n', C.Extent.End);
  E.At = static_cast<uint32_t>(Nl == std::string::npos ? Text.size() : Nl);
  if (E.At > 0 && Text[E.At - 1] == '\r')
    --E.At;
  return E;
}

/// The override that maps old keys to new ones before torch reads them.
std::string compatMethod(const ClassEnd &E, const std::vector<ParamRename> &Renames,
                         const std::string &Nl) {
  std::string Pairs;
  for (const ParamRename &R : Renames)
    Pairs += fmt::format("{}(\"{}\", \"{}\")", Pairs.empty() ? "" : ", ", R.From, R.To);
  if (Renames.size() == 1)
    Pairs += ",";
  std::string I = E.Body, S = E.Step;
  std::vector<std::string> Lines{
      "",
      I + "def _load_from_state_dict(self, state_dict, prefix, *args, **kwargs):",
      I + S + "# Added by `paramlint rename-params`: checkpoints saved before the",
      I + S + "# rename still load (strict=True too); their old keys are mapped.",
      I + S + "for old, new in (" + Pairs + "):",
      I + S + S + "if prefix + old in state_dict and prefix + new not in state_dict:",
      I + S + S + S + "state_dict[prefix + new] = state_dict.pop(prefix + old)",
      I + S + "super()._load_from_state_dict(state_dict, prefix, *args, **kwargs)"};
  std::string Out;
  for (const std::string &L : Lines)
    Out += Nl + L;
  return Out;
}

/// Renames collected per file, each span once.
class EditSet {
public:
  /// Replaces a name; an empty span (a name the frontend could not place)
  /// is skipped.
  void rename(const SourceFile *File, Span Where, const std::string &Content) {
    if (Where.End > Where.Begin)
      PerFile[File].emplace(Where.Begin, Edit{Where, Content});
  }
  void insert(const SourceFile *File, uint32_t At, const std::string &Content) {
    PerFile[File].emplace(At, Edit{Span{At, At}, Content});
  }
  std::map<const SourceFile *, std::map<uint32_t, Edit>> PerFile;
};

/// The edit that renames the leaf of a state-dict key use (`norm1.scale` in
/// `sd["trf_blocks.0.norm1.scale"]` or `f"trf_blocks.{b}.norm1.scale"`),
/// when every key of the model it can name is a renamed parameter of the
/// family and the last constant piece spells the leaf. Keys bound by best
/// match are renamed too: left alone, PL102 would report each of them
/// against the renamed class.
std::optional<Edit> keyLeafRename(const BoundKeyUse &U,
                                  const ClassFamily &Family,
                                  const std::map<std::string, std::string> &NewName) {
  const KeyUseFact &K = *U.Fact;
  if (U.Matches.empty() || K.Pieces.empty())
    return std::nullopt;
  std::string Leaf(keyLeaf(K.Pattern));
  auto It = NewName.find(Leaf);
  if (It == NewName.end())
    return std::nullopt;
  for (const KeySlot *S : U.Matches)
    if (!S->Owner || !S->Owner->Class || !Family.count(S->Owner->Class->Name) ||
        !S->Slot || S->Slot->Name != Leaf)
      return std::nullopt;
  const KeyPiece &Last = K.Pieces.back();
  size_t N = Leaf.size();
  // The piece must end the key (`f"{p}.scale"`, not `f"{p}.scale{s}"`)
  // and be written without escapes, so its bytes are its text.
  if (Last.Text.size() < N || Last.Text.compare(Last.Text.size() - N, N, Leaf) != 0 ||
      (Last.Text.size() > N && Last.Text[Last.Text.size() - N - 1] != '.') ||
      Last.Where.End - Last.Where.Begin != Last.Text.size() ||
      K.Pattern.size() < N || K.Pattern.compare(K.Pattern.size() - N, N, Leaf) != 0)
    return std::nullopt;
  return Edit{Span{Last.Where.End - static_cast<uint32_t>(N), Last.Where.End},
              It->second};
}

} // namespace

llvm::Expected<ParamRename> parseParamRename(const std::string &Spec) {
  size_t Eq = Spec.find('=');
  if (Eq == std::string::npos)
    return renameError("`" + Spec + "`: expected old=new");
  ParamRename R{Spec.substr(0, Eq), Spec.substr(Eq + 1)};
  if (!isIdentifier(R.From) || !isIdentifier(R.To))
    return renameError("`" + Spec + "`: both names must be Python identifiers");
  if (R.From == R.To)
    return renameError("`" + Spec + "`: the names are the same");
  return R;
}

llvm::Expected<std::vector<Diagnostic>>
renameParamsFixes(const Analysis &A, const std::string &ClassName,
                  const std::vector<ParamRename> &Renames) {
  return renameParamsFixes(A.Graph, ClassName, Renames);
}

SubclassIndex subclassIndex(const ParamGraph &G) {
  SubclassIndex Out;
  for (size_t I = 0; I < G.Files.size(); ++I)
    for (const ClassFact &C : G.Facts[I]->Classes)
      for (const std::string &Base : C.Bases)
        Out[lastComponent(Base)].push_back(C.Name);
  return Out;
}

llvm::Expected<std::vector<Diagnostic>>
renameParamsFixes(const ParamGraph &G, const std::string &ClassName,
                  const std::vector<ParamRename> &Renames,
                  const SourceFile *Only, const SubclassIndex *Subclasses) {
  std::map<std::string, std::string> NewName;
  for (const ParamRename &R : Renames)
    if (!NewName.emplace(R.From, R.To).second)
      return renameError("`" + R.From + "` is renamed twice");

  EditSet Edits;
  // The class's own definitions (the last definition wins in Python, but a
  // notebook may define it in several cells: all of them are renamed).
  struct Def {
    const SourceFile *File;
    const ClassFact *Class;
  };
  std::vector<Def> Defs;
  ClassFamily Family{ClassName}; // The class and its subclasses.
  for (size_t I = 0; I < G.InputCount; ++I)
    for (const ClassFact &C : G.Facts[I]->Classes)
      if (C.Name == ClassName)
        Defs.push_back({G.Files[I], &C});
  if (Defs.empty())
    return renameError("no input defines a class `" + ClassName + "`");
  // Subclasses by name, to a fixed point (`class B(A)`, `class C(B)`).
  if (Subclasses) {
    std::vector<std::string_view> Queue{ClassName};
    while (!Queue.empty()) {
      std::string_view Name = Queue.back();
      Queue.pop_back();
      auto It = Subclasses->find(Name);
      if (It != Subclasses->end())
        for (std::string_view Sub : It->second)
          if (Family.emplace(Sub).second)
            Queue.push_back(Sub);
    }
  }
  for (bool Grew = !Subclasses; Grew;) {
    Grew = false;
    for (size_t I = 0; I < G.Files.size(); ++I)
      for (const ClassFact &C : G.Facts[I]->Classes)
        for (const std::string &Base : C.Bases)
          if (Family.count(lastComponent(Base)) && Family.insert(C.Name).second)
            Grew = true;
  }

  for (const Def &D : Defs) {
    const std::string &Text = D.File->text();
    if (std::find(D.Class->Methods.begin(), D.Class->Methods.end(),
                  "_load_from_state_dict") != D.Class->Methods.end())
      return renameError("`" + ClassName +
                         "` already overrides `_load_from_state_dict`; add the "
                         "key mapping there by hand");
    for (const ParamRename &R : Renames) {
      bool Found = false;
      for (const MemberFact &M : D.Class->Members) {
        if (M.Name == R.To)
          return renameError("`" + ClassName + "` already has a member `" + R.To + "`");
        if (M.Name != R.From)
          continue;
        if (M.Kind != MemberKind::Parameter && M.Kind != MemberKind::Buffer)
          return renameError("`" + ClassName + "." + R.From +
                             "` is not a parameter or buffer");
        Found = true;
        Span W = M.Where;
        // `register_parameter("scale", ...)`: keep the quotes.
        if (W.End - W.Begin >= 2 && (Text[W.Begin] == '"' || Text[W.Begin] == '\''))
          W = Span{W.Begin + 1, W.End - 1};
        Edits.rename(D.File, W, R.To);
      }
      if (!Found)
        return renameError("`" + ClassName + "` has no parameter or buffer `" +
                           R.From + "`");
    }
    auto End = classEnd(Text, *D.Class);
    if (!End)
      return renameError("cannot find the end of the body of `" + ClassName +
                         "` to add the compatibility method");
    std::string Nl = Text.find("\r\n") != std::string::npos ? "\r\n" : "\n";
    Edits.insert(D.File, End->At, compatMethod(*End, Renames, Nl));
  }

  // `self.old` in the methods of the class and its subclasses.
  for (size_t I = 0; I < G.InputCount; ++I) {
    if (Only && G.Files[I] != Only)
      continue;
    const FileFacts &F = *G.Facts[I];
    for (const AccessFact &Acc : F.Accesses) {
      if (Acc.Scope >= F.Scopes.size() || Acc.Path.empty() ||
          !NewName.count(Acc.Path.front().Name))
        continue;
      // The method, or a def nested in it, of a class of the family.
      unsigned S = Acc.Scope;
      while (S != 0 && F.Scopes[S].Class.empty())
        S = F.Scopes[S].Parent;
      const ScopeFact &Method = F.Scopes[S];
      if (S == 0 || !Family.count(Method.Class) || Method.Params.empty() ||
          Acc.Root != Method.Params.front().Name)
        continue;
      auto It = NewName.find(Acc.Path.front().Name);
      if (It != NewName.end() && Acc.Path.front().K == PathSegment::Kind::Attr)
        Edits.rename(G.Files[I], Acc.Path.front().Where, It->second);
    }
  }

  // Loader uses bound to a model: each segment naming `old` on a module of
  // the class or of a subclass (which inherits the parameter).
  // With Only, only it can be asked about: not a set of every input per
  // finding.
  std::set<const SourceFile *> Inputs;
  if (Only) {
    if (std::find(G.Files.begin(), G.Files.begin() + G.InputCount, Only) !=
        G.Files.begin() + G.InputCount)
      Inputs.insert(Only);
  } else {
    Inputs.insert(G.Files.begin(), G.Files.begin() + G.InputCount);
  }
  for (const BoundAccess &B : G.Accesses) {
    if ((Only && B.File != Only) || !B.TheModel || !B.TheModel->Root || !B.File ||
        !Inputs.count(B.File))
      continue;
    const ModuleNode *Node = B.TheModel->Root.get();
    for (const PathSegment &Seg : B.Path) {
      if (!Node)
        break;
      if (Node->Class && Family.count(Node->Class->Name) &&
          Seg.K == PathSegment::Kind::Attr) {
        auto It = NewName.find(Seg.Name);
        if (It != NewName.end())
          Edits.rename(B.File, Seg.Where, It->second);
      }
      const ModuleNode *Next = Node->child(Seg.Name);
      if (!Next && Seg.K == PathSegment::Kind::Index)
        Next = Node->child("*");
      Node = Next;
    }
  }

  // State-dict key strings whose pattern names a renamed parameter: the
  // leaf, where a constant piece of the key spells it, is rewritten.
  for (const BoundKeyUse &U : G.KeyUses)
    if (U.File && (!Only || U.File == Only) && Inputs.count(U.File))
      if (std::optional<Edit> E = keyLeafRename(U, Family, NewName))
        Edits.rename(U.File, E->Where, E->Content);

  std::vector<Diagnostic> Out;
  std::string Title;
  for (const ParamRename &R : Renames)
    Title += fmt::format("{}`{}` to `{}`", Title.empty() ? "" : ", ", R.From, R.To);
  for (auto &[File, Map] : Edits.PerFile) {
    if (Only && File != Only)
      continue;
    Diagnostic D;
    D.Code = "rename-params";
    D.Message = "Rename " + Title + " in `" + ClassName + "`";
    D.Where = Location{File, Map.begin()->second.Where};
    Fix F;
    F.Applies = Applicability::Unsafe;
    F.Message = D.Message;
    for (auto &[Begin, E] : Map)
      F.Edits.push_back(E);
    D.TheFix = std::move(F);
    Out.push_back(std::move(D));
  }
  return Out;
}

} // namespace paramlint

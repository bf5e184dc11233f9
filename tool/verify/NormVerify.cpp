//===- verify/NormVerify.cpp - Two versions of a model's norms, run -------===//
#include "verify/NormVerify.h"

#include "checkpoint/Checkpoint.h"
#include "checkpoint/TensorData.h"
#include "checks/Conventions.h"

#include "Half.h"

#include <fmt/format.h>

#include <algorithm>
#include <cctype>
#include <cstring>
#include <map>
#include <regex>
#include <set>

namespace paramlint {
namespace {
using namespace harness;

/// A norm layer of a model, by path from the root: a module, or a norm
/// computed on tensors of one (ggml), named by the stem of their names.
struct FoundLayer {
  std::string Path;
  /// The stem a tensor norm adds to its module's path (empty for a norm
  /// module): the tensors' keys are the module's path + `.` + their names.
  std::string Stem;
  NormLayer Layer;
  std::string ClassName; ///< The norm's class, or its call (`ggml_norm`).
  std::optional<Location> Where;
  /// A tensor norm's checkpoint names as its loader gives them
  /// (`model/h*/ln_1/g` for `layers.*.ln_1_g`), empty when none does.
  std::string ScaleName, ShiftName;

  /// The module path the tensors live under, for one concrete layer path.
  std::string keyBase(const std::string &Concrete) const {
    if (Stem.empty())
      return Concrete;
    return Concrete.size() > Stem.size() ? Concrete.substr(0, Concrete.size() - Stem.size() - 1)
                                         : ""; // Top-level tensors.
  }
};

/// A key under a module path (`""` for the root).
std::string joinKey(const std::string &Path, const std::string &Name) {
  return Path.empty() ? Name : Path + "." + Name;
}

/// Name with its first `*` replaced by Index.
std::string withIndex(std::string Name, const std::string &Index) {
  if (size_t Star = Name.find('*'); Star != std::string::npos)
    Name.replace(Star, 1, Index);
  return Name;
}

/// The layer paths of a loader-named tensor norm in the checkpoint: the
/// indices its loader's name pattern matches (`model/h*/ln_1/g` and
/// `model/h3/ln_1/g` give `layers.3.ln_1`), with each path's index.
std::vector<std::pair<std::string, std::string>>
expandByName(const std::string &Path, const std::string &Pattern,
             const std::vector<std::pair<std::string, const TensorInfo *>> &Keys) {
  std::vector<std::pair<std::string, std::string>> Out;
  if (Pattern.find('*') == std::string::npos || Path.find('*') == std::string::npos)
    return {{Path, ""}};
  std::string Re;
  for (char C : Pattern)
    Re += C == '*' ? std::string("([0-9]+)")
          : std::isalnum(static_cast<unsigned char>(C)) || C == '_' ? std::string(1, C)
                                                                     : std::string("\\") + C;
  std::regex R("^" + Re + "$");
  std::set<std::pair<size_t, std::string>> Found; // Numeric order.
  for (const auto &[Key, T] : Keys) {
    std::smatch M;
    if (std::regex_match(Key, M, R))
      Found.insert({M[1].str().size(), M[1].str()});
  }
  for (const auto &[Size, Index] : Found)
    Out.push_back({withIndex(Path, Index), Index});
  if (Out.empty())
    Out.push_back({Path, ""});
  return Out;
}

std::optional<Location> whereOf(const ModuleNode &Node, const Model &M) {
  if (Node.Class && Node.File)
    return Location{Node.File, Node.Class->Where};
  return M.Where;
}

void collectNorms(const ModuleNode &Node, const Model &M, const std::string &Path,
                  std::vector<FoundLayer> &Out, unsigned Depth) {
  if (Depth > 64)
    return;
  if (!Path.empty())
    if (std::optional<NormLayer> L = normLayerOf(Node)) {
      Out.push_back({Path, "", *L, Node.ClassName, whereOf(Node, M)});
      return;
    }
  for (const auto &[Name, Child] : Node.Children)
    collectNorms(*Child, M, Path.empty() ? Name : Path + "." + Name, Out, Depth + 1);
}

/// The checkpoint name a loader of G gives the tensor at Key of M
/// (`model.tensors["model/h" + i + "/ln_1/g"] = layer.ln_1_g` gives
/// `model/h*/ln_1/g` to `layers.*.ln_1_g`), or "".
std::string loaderName(const ParamGraph &G, const Model &M, const std::string &Key) {
  for (const BoundAccess &B : G.Accesses)
    if (B.TheModel == &M && B.Fact && B.Fact->K != AccessFact::Kind::Read &&
        B.Resolved.K == Resolution::Kind::Slot && B.Resolved.Key == Key &&
        !B.Fact->Sources.empty() && B.Fact->Sources[0].Keys.size() == 1 &&
        std::count(B.Fact->Sources[0].Keys[0].begin(), B.Fact->Sources[0].Keys[0].end(),
                   '*') == std::count(Key.begin(), Key.end(), '*'))
      return B.Fact->Sources[0].Keys[0];
  return "";
}

/// The norm layers of M: its norm modules and the norms computed on its
/// tensors (first of a path wins).
std::vector<FoundLayer> normsOf(const Model &M, const ParamGraph &G) {
  std::vector<FoundLayer> Out;
  collectNorms(*M.Root, M, "", Out, 0);
  std::set<std::string> Seen;
  for (const FoundLayer &L : Out)
    Seen.insert(L.Path);
  for (const TensorNorm &T : tensorNorms(G)) {
    if (T.TheModel != &M)
      continue;
    std::string Path = T.KeyBase.empty() ? T.Stem : T.KeyBase + "." + T.Stem;
    if (!Seen.insert(Path).second)
      continue;
    FoundLayer F{Path, T.Stem, T.Layer, T.Fact->Semantics.Via,
                 Location{T.File, T.Fact->Where}};
    if (!T.Layer.Scale.empty())
      F.ScaleName = loaderName(G, M, joinKey(T.KeyBase, T.Layer.Scale));
    if (!T.Layer.Shift.empty())
      F.ShiftName = loaderName(G, M, joinKey(T.KeyBase, T.Layer.Shift));
    Out.push_back(std::move(F));
  }
  return Out;
}

/// The root model of a side with the most norm layers, preferring names in
/// Prefer (the other side's root models).
const Model *pickModel(const ParamGraph &G, const std::set<std::string> &Prefer) {
  const Model *Best = nullptr;
  size_t BestCount = 0;
  bool BestPreferred = false;
  for (const auto &M : G.Models) {
    if (!M->IsRoot || !M->Where.File)
      continue;
    size_t Count = normsOf(*M, G).size();
    if (Count == 0)
      continue;
    bool Preferred = Prefer.count(M->Name) != 0;
    if (!Best || (Preferred && !BestPreferred) ||
        (Preferred == BestPreferred && Count > BestCount)) {
      Best = M.get();
      BestCount = Count;
      BestPreferred = Preferred;
    }
  }
  return Best;
}

std::set<std::string> rootNames(const ParamGraph &G) {
  std::set<std::string> Out;
  for (const auto &M : G.Models)
    if (M->IsRoot && !normsOf(*M, G).empty())
      Out.insert(M->Name);
  return Out;
}

/// A checkpoint's tensors (any format readCheckpoint knows) with their
/// values readable, by state-dict key: a torch file that wraps its state
/// dict (`{"model": ...}`) is looked up without the wrapper's prefix.
struct Weights {
  std::unique_ptr<CheckpointInfo> Info;
  std::unique_ptr<TensorDataReader> Reader;
  /// (key, tensor) in file order.
  std::vector<std::pair<std::string, const TensorInfo *>> Keys;
  std::map<std::string, const TensorInfo *> ByName;

  const TensorInfo *find(const std::string &Name) const {
    auto It = ByName.find(Name);
    return It == ByName.end() ? nullptr : It->second;
  }
};

llvm::Expected<Weights> openWeights(const std::string &Path) {
  auto Info = readCheckpoint(Path);
  if (!Info)
    return Info.takeError();
  Weights W;
  W.Info = std::make_unique<CheckpointInfo>(std::move(*Info));
  W.Reader = std::make_unique<TensorDataReader>(*W.Info);
  std::string Prefix;
  if (auto It = W.Info->Metadata.find("paramlint.state_dict_prefix");
      It != W.Info->Metadata.end())
    Prefix = It->second;
  for (const TensorInfo &T : W.Info->Tensors) {
    if (T.Name.compare(0, Prefix.size(), Prefix) != 0)
      continue;
    std::string Key = T.Name.substr(Prefix.size());
    W.Keys.emplace_back(Key, &T);
    W.ByName.emplace(Key, &T);
  }
  return W;
}

std::optional<DType> storageOf(const std::string &D) {
  if (D == "float32")
    return DType::F32;
  if (D == "float16")
    return DType::F16;
  if (D == "bfloat16")
    return DType::BF16;
  return std::nullopt;
}

/// The values of T (a float tensor), or an error.
llvm::Expected<std::vector<float>> loadTensor(const Weights &W, const TensorInfo &T) {
  std::optional<DType> D = storageOf(T.DType);
  if (!D)
    return llvm::createStringError(
        llvm::inconvertibleErrorCode(),
        "`%s` is %s: unsupported dtype (verify reads float32, float16 and "
        "bfloat16 tensors)",
        T.Name.c_str(), T.DType.c_str());
  auto Bytes = W.Reader->read(T, /*MaxElements=*/1u << 26);
  if (!Bytes)
    return Bytes.takeError();
  uint64_t Count = Bytes->Bytes.size() / dtypeSize(T.DType);
  return decodeLittleEndian(
      reinterpret_cast<const unsigned char *>(Bytes->Bytes.data()), Count, *D);
}

/// The concrete layer paths of Pattern (`trf_blocks.*.norm1`) the
/// checkpoint holds tensors under.
std::vector<std::string> expandPath(const std::string &Pattern, const Weights &W) {
  if (Pattern.find('*') == std::string::npos)
    return {Pattern};
  std::string Re;
  for (char C : Pattern)
    Re += C == '*' ? std::string("[^.]+") : C == '.' ? std::string("\\.") : std::string(1, C);
  std::regex R("^(" + Re + ")\\.[^.]+$");
  std::set<std::string> Found;
  for (const auto &[Key, T] : W.Keys) {
    std::smatch M;
    if (std::regex_match(Key, M, R))
      Found.insert(M[1].str());
  }
  std::vector<std::string> Out(Found.begin(), Found.end());
  // Numeric order: 2 before 10.
  std::sort(Out.begin(), Out.end(), [](const std::string &A, const std::string &B) {
    return A.size() != B.size() ? A.size() < B.size() : A < B;
  });
  if (Out.empty())
    Out.push_back(Pattern);
  return Out;
}

/// The checkpoint tensor a side loads for Role under Path through its own
/// name Own, else through OtherName (what a rename would map), else any
/// name of that role; null when none. Source says which key was used.
const TensorInfo *tensorFor(const Weights &W, const std::string &Path,
                            const std::string &Own, const std::string &OtherName,
                            Role R, std::string &Source) {
  for (const std::string &Name : {Own, OtherName}) {
    if (Name.empty())
      continue;
    if (const TensorInfo *T = W.find(joinKey(Path, Name))) {
      Source = T->Name + (Name == Own ? "" : " (through the rename)");
      return T;
    }
  }
  std::string Prefix = Path.empty() ? "" : Path + ".";
  for (const auto &[Key, T] : W.Keys)
    if (Key.compare(0, Prefix.size(), Prefix) == 0 &&
        Key.find('.', Prefix.size()) == std::string::npos &&
        Conventions::current().roleOf(Key.substr(Prefix.size())) == R) {
      Source = T->Name + " (same role)";
      return T;
    }
  return nullptr;
}

/// The configuration numbers of a side (dict literals, config classes).
ConfigValueIndex configValuesOf(const Analysis &Run) {
  std::vector<const FileFacts *> Facts;
  for (const FileFacts &F : Run.Facts)
    Facts.push_back(&F);
  return configValueIndex(Facts);
}

/// What stands in for an eps both sides read from the same unresolved
/// config key: torch.nn.LayerNorm's default. Any shared value compares
/// the rest of the two formulas; the report says it is a stand-in.
constexpr double SharedEpsStandIn = 1e-5;

/// Fills the eps a layer's side cannot know statically: `--eps` when
/// given, else a shared stand-in when both sides read the same config key.
void fillUnknownEps(NormLayer &Old, NormLayer &New, const VerifyOptions &Options) {
  if (Options.Eps) {
    for (NormLayer *L : {&Old, &New})
      if (!L->EpsValue && L->K != NormSemanticsFact::Kind::Unknown) {
        L->EpsValue = *Options.Eps;
        L->EpsOrigin = fmt::format("--eps {:g} (for {})", *Options.Eps,
                                   L->EpsOrigin.empty() ? "an unknown eps" : L->EpsOrigin);
      }
    return;
  }
  if (Old.EpsValue || New.EpsValue || Old.EpsConfigKey.empty() ||
      Old.EpsConfigKey != New.EpsConfigKey)
    return;
  for (NormLayer *L : {&Old, &New}) {
    L->EpsValue = SharedEpsStandIn;
    L->EpsOrigin = fmt::format(
        "config key `{}` on both sides, value unknown: both run with the "
        "same stand-in {:g} (pass --eps for the real one)",
        L->EpsConfigKey, SharedEpsStandIn);
  }
}

/// What the harness's fp32 computation means for a project class at
/// Storage: with an upcast it is what the class does; without one, torch
/// would round each op of forward to Storage, which the harness does not.
std::string precisionNote(const NormLayer &L, DType Storage) {
  if (!L.Fact)
    return "";
  std::string Name(dtypeName(Storage));
  // ggml normalises fp32 activations whatever the weights' type.
  if (L.Fact->Via.rfind("ggml_", 0) == 0)
    return Storage == DType::F32 ? ""
                                 : "ggml normalises in fp32 and multiplies by the " + Name +
                                       " weights: the harness's fp32 run rounded once";
  if (L.Fact->Upcast)
    return Storage == DType::F32
               ? "upcast in forward (`.float()`): no effect on fp32 inputs"
               : "upcast in forward (`.float()`): statistics in fp32 on " + Name +
                     " inputs, cast back, as the harness runs it";
  if (Storage == DType::F32)
    return "";
  return "no upcast in forward: under torch each op rounds to " + Name +
         "; the harness computes in fp32 and rounds once, so this side's "
         "figures are a lower bound on the difference";
}

} // namespace

llvm::Expected<NormVariant> variantOf(const NormLayer &L, DType Storage) {
  if (L.K == NormSemanticsFact::Kind::Unknown)
    return llvm::createStringError(llvm::inconvertibleErrorCode(),
                                   "semantics unknown: %s", L.Reason.c_str());
  if (!L.EpsValue)
    return llvm::createStringError(
        llvm::inconvertibleErrorCode(), "eps unknown: %s",
        (L.EpsOrigin.empty() ? std::string("not a literal") : L.EpsOrigin).c_str());
  NormVariant V;
  V.Kind = L.K == NormSemanticsFact::Kind::LayerNorm ? NormKind::LayerNorm
                                                    : NormKind::RMSNorm;
  V.Variance = L.Unbiased ? VarianceKind::Unbiased : VarianceKind::Biased;
  switch (L.Eps) {
  case NormSemanticsFact::EpsKind::InsideSqrt:
    V.Eps = EpsPlacement::InsideSqrt;
    V.EpsValue = *L.EpsValue;
    break;
  case NormSemanticsFact::EpsKind::AddedToStd:
    V.Eps = EpsPlacement::AddedToStd;
    V.EpsValue = *L.EpsValue;
    break;
  case NormSemanticsFact::EpsKind::ClampStd:
    V.Eps = EpsPlacement::ClampStd;
    V.EpsValue = *L.EpsValue;
    break;
  case NormSemanticsFact::EpsKind::ClampVar:
    V.Eps = EpsPlacement::ClampVar;
    V.EpsValue = *L.EpsValue;
    break;
  case NormSemanticsFact::EpsKind::None:
    V.Eps = EpsPlacement::InsideSqrt;
    V.EpsValue = 0;
    break;
  }
  V.HasScale = !L.Scale.empty();
  V.HasShift = !L.Shift.empty();
  V.ScaleOffset = L.ScaleOffset && V.HasScale;
  V.Storage = Storage;
  V.Accumulation = AccumType::F32;
  return V;
}

bool VerifyLayer::passed() const {
  return Error.empty() && Diff &&
         (Diff->Outcome == Verdict::BitIdentical ||
          Diff->Outcome == Verdict::WithinTolerance);
}

std::string VerifyLayer::verdict() const {
  if (!Error.empty() || !Diff)
    return "ERROR";
  return std::string(verdictName(Diff->Outcome));
}

bool VerifyReport::allPassed() const {
  if (!OnlyOld.empty() || !OnlyNew.empty())
    return false;
  for (const VerifyLayer &L : Layers)
    if (!L.passed())
      return false;
  return true;
}

llvm::Expected<VerifyReport> verifyNorms(const std::vector<std::string> &OldPaths,
                                         const std::vector<std::string> &NewPaths,
                                         const VerifyOptions &Options) {
  VerifyReport R;
  AnalysisOptions AO;
  AO.RunChecks = false;
  AO.Contents = Options.OldContents;
  auto Old = analyze(OldPaths, AO);
  if (!Old)
    return Old.takeError();
  AO.Contents = Options.NewContents;
  auto New = analyze(NewPaths, AO);
  if (!New)
    return New.takeError();
  R.OldRun = std::move(*Old);
  R.NewRun = std::move(*New);

  std::optional<Weights> W;
  if (!Options.Checkpoint.empty()) {
    auto Opened = openWeights(Options.Checkpoint);
    if (!Opened)
      return Opened.takeError();
    W = std::move(*Opened);
    R.WeightsFrom = Options.Checkpoint;
  } else {
    R.WeightsFrom = "seeded random tensors";
  }

  const Model *OM = pickModel(R.OldRun->Graph, rootNames(R.NewRun->Graph));
  const Model *NM = pickModel(R.NewRun->Graph, rootNames(R.OldRun->Graph));
  if (!OM || !NM)
    return llvm::createStringError(llvm::inconvertibleErrorCode(),
                                   "%s has no model with norm layers",
                                   static_cast<const char *>(!OM ? "OLD" : "NEW"));
  if (OM->Name != NM->Name) {
    // Prefer the same name on both sides when it exists.
    if (const Model *Same = R.NewRun->Graph.findModel(OM->Name);
        Same && !normsOf(*Same, R.NewRun->Graph).empty())
      NM = Same;
  }
  R.OldModel = OM->Name;
  R.NewModel = NM->Name;

  std::vector<FoundLayer> OldLayers = normsOf(*OM, R.OldRun->Graph),
                          NewLayers = normsOf(*NM, R.NewRun->Graph);
  // Config keys resolved against each side's own config dicts.
  for (auto [Layers, Run] : {std::pair{&OldLayers, R.OldRun.get()},
                             std::pair{&NewLayers, R.NewRun.get()}}) {
    ConfigValueIndex Config = configValuesOf(*Run);
    for (FoundLayer &L : *Layers)
      resolveConfigEps(L.Layer, Config);
  }
  std::map<std::string, const FoundLayer *> NewByPath;
  for (const FoundLayer &L : NewLayers)
    NewByPath[L.Path] = &L;
  std::set<std::string> Paired;
  for (const FoundLayer &OL : OldLayers) {
    auto It = NewByPath.find(OL.Path);
    if (It == NewByPath.end()) {
      R.OnlyOld.push_back(OL.Path);
      continue;
    }
    const FoundLayer &NL = *It->second;
    Paired.insert(OL.Path);
    NormLayer OldLayer = OL.Layer, NewLayer = NL.Layer;
    fillUnknownEps(OldLayer, NewLayer, Options);
    // Concrete paths, with the index a loader's name pattern takes.
    std::vector<std::pair<std::string, std::string>> Paths{{OL.Path, ""}};
    const std::string &OldName = !OL.ScaleName.empty() ? OL.ScaleName : OL.ShiftName;
    if (W && !OldName.empty()) {
      // A ggml norm: its tensors are found under its loader's names.
      Paths = expandByName(OL.Path, OldName, W->Keys);
    } else if (W && !OL.keyBase(OL.Path).empty()) {
      // Expanded over the checkpoint's indices by the module the tensors
      // live under.
      Paths.clear();
      for (std::string &P : expandPath(OL.keyBase(OL.Path), *W))
        Paths.push_back({OL.Stem.empty() ? P : P + "." + OL.Stem, ""});
    }
    for (const auto &[Path, Index] : Paths) {
      VerifyLayer L;
      L.Path = Path;
      for (auto [Side, Found, Layer] :
           {std::tuple{&L.Old, &OL, &OldLayer}, std::tuple{&L.New, &NL, &NewLayer}}) {
        Side->ClassName = Found->ClassName;
        Side->Layer = *Layer;
        Side->EpsOrigin = Layer->EpsOrigin;
        Side->Where = Found->Where;
        std::string Base = Found->keyBase(Path);
        if (!Layer->Scale.empty())
          Side->ScaleKey = joinKey(Base, Layer->Scale);
        if (!Layer->Shift.empty())
          Side->ShiftKey = joinKey(Base, Layer->Shift);
      }
      auto Fail = [&](std::string Why) {
        if (L.Error.empty())
          L.Error = std::move(Why);
      };

      // Each side's tensors, loaded through its own names.
      struct Loaded {
        std::vector<float> Scale, Shift;
        DType Storage = DType::F32;
        std::optional<size_t> Width;
      };
      Loaded Tensors[2];
      VerifySide *Sides[2] = {&L.Old, &L.New};
      const NormLayer *Layers[2] = {&OldLayer, &NewLayer};
      if (W) {
        for (int S = 0; S < 2; ++S) {
          const NormLayer &Me = *Layers[S], &Other = *Layers[1 - S];
          std::vector<std::string> Sources;
          for (auto [Own, OtherName, Role_, Out] :
               {std::tuple{Me.Scale, Other.Scale, Role::Scale, &Tensors[S].Scale},
                std::tuple{Me.Shift, Other.Shift, Role::Shift, &Tensors[S].Shift}}) {
            if (Own.empty())
              continue;
            std::string Source;
            const FoundLayer &Found = S == 0 ? OL : NL;
            const std::string &LoaderName =
                Role_ == Role::Scale ? Found.ScaleName : Found.ShiftName;
            std::string Wanted = joinKey(Found.keyBase(Path), Own);
            const TensorInfo *T = nullptr;
            if (!LoaderName.empty()) {
              // Through the name the side's loader gives the tensor.
              Wanted = withIndex(LoaderName, Index);
              if ((T = W->find(Wanted)))
                Source = T->Name + " (the loader's name)";
            } else {
              T = tensorFor(*W, Found.keyBase(Path), Own, OtherName, Role_, Source);
            }
            const char *SideName = S == 0 ? "OLD" : "NEW";
            if (!T) {
              Fail(fmt::format("{}: no tensor for `{}` in the checkpoint", SideName, Wanted));
              continue;
            }
            if (T->Shape.size() != 1) {
              Fail(fmt::format("{}: `{}` has shape {}, not one dimension",
                               SideName, T->Name, shapeText(T->Shape)));
              continue;
            }
            auto Values = loadTensor(*W, *T);
            if (!Values) {
              Fail(fmt::format("{}: {}", SideName, llvm::toString(Values.takeError())));
              continue;
            }
            size_t N = Values->size();
            if (Tensors[S].Width && *Tensors[S].Width != N)
              Fail(fmt::format("{}: scale and shift widths differ ({} vs {})",
                               SideName, *Tensors[S].Width, N));
            Tensors[S].Width = N;
            Tensors[S].Storage = *storageOf(T->DType);
            *Out = std::move(*Values);
            Sources.push_back(Source);
          }
          std::string Joined;
          for (const std::string &Src : Sources)
            Joined += (Joined.empty() ? "" : ", ") + Src;
          Sides[S]->WeightSource = Joined.empty() ? "none" : Joined;
        }
      }

      // The width: the checkpoint's, else a literal, else assumed.
      std::optional<size_t> Widths[2];
      for (int S = 0; S < 2; ++S)
        Widths[S] = Tensors[S].Width ? Tensors[S].Width
                    : Layers[S]->Width ? std::optional<size_t>(*Layers[S]->Width)
                                       : std::nullopt;
      if (Widths[0] && Widths[1] && *Widths[0] != *Widths[1])
        Fail(fmt::format("shape mismatch: OLD width {} ({}), NEW width {} ({})",
                         *Widths[0], Tensors[0].Width ? "checkpoint" : "constructor",
                         *Widths[1], Tensors[1].Width ? "checkpoint" : "constructor"));
      if (Widths[0] || Widths[1]) {
        L.Width = Widths[0] ? *Widths[0] : *Widths[1];
        L.WidthSource = (Tensors[0].Width || Tensors[1].Width) ? "checkpoint"
                                                                : "constructor";
      } else {
        L.Width = Options.AssumedWidth;
        L.WidthSource = "assumed";
      }
      if (L.Width == 0)
        Fail("zero-width layer: nothing to normalise");

      // Variants: the storage is the coarser checkpoint dtype when given.
      DType Storage = Tensors[0].Storage == DType::F32 ? Tensors[1].Storage
                                                        : Tensors[0].Storage;
      for (int S = 0; S < 2; ++S)
        Sides[S]->Precision = precisionNote(*Layers[S], Storage);
      std::optional<NormVariant> Variants[2];
      for (int S = 0; S < 2; ++S) {
        auto V = variantOf(*Layers[S], Storage);
        if (!V) {
          Fail(fmt::format("{}: {}", S == 0 ? "OLD" : "NEW",
                           llvm::toString(V.takeError())));
          Sides[S]->Variant = "unknown";
          continue;
        }
        Variants[S] = *V;
        Sides[S]->Variant = describe(*V);
        Sides[S]->Formula = formula(*V);
      }

      if (L.Error.empty() && !W) {
        // Shared seeded tensors keyed by path and role: one raw tensor per
        // role, given to both sides whatever they call it.
        bool Offset = Variants[0]->ScaleOffset;
        std::vector<float> Scale = seededWeights(
            Path, Offset ? WeightRole::ScaleOffset : WeightRole::Scale, L.Width);
        std::vector<float> Shift = seededWeights(Path, WeightRole::Shift, L.Width);
        for (int S = 0; S < 2; ++S) {
          if (Variants[S]->HasScale)
            Tensors[S].Scale = Scale;
          if (Variants[S]->HasShift)
            Tensors[S].Shift = Shift;
          Sides[S]->WeightSource = "seeded";
        }
      }
      if (L.Error.empty()) {
        LayerSide A{*Variants[0], {Tensors[0].Scale, Tensors[0].Shift}, L.Width};
        LayerSide B{*Variants[1], {Tensors[1].Scale, Tensors[1].Shift}, L.Width};
        Result<LayerDiff> D = diffLayer(A, B, Options.Probes);
        if (D)
          L.Diff = std::move(*D);
        else
          Fail(D.error());
      }
      R.Layers.push_back(std::move(L));
    }
  }
  for (const FoundLayer &NL : NewLayers)
    if (!Paired.count(NL.Path))
      R.OnlyNew.push_back(NL.Path);

  // PL403 for every layer that did not pass.
  for (const VerifyLayer &L : R.Layers) {
    if (L.passed())
      continue;
    Diagnostic D;
    D.Code = "PL403";
    if (L.New.Where)
      D.Where = *L.New.Where;
    if (!L.Error.empty()) {
      D.Message = fmt::format("norm layer `{}` cannot be compared: {}", L.Path, L.Error);
    } else {
      const LayerDiff &X = *L.Diff;
      D.Message = fmt::format(
          "norm layer `{}` computes differently after the change ({}): `{}` "
          "{} vs `{}` {}: max abs {:.3g}, max rel {:.3g}, {}/{} outside "
          "tolerance",
          L.Path, verdictName(X.Outcome), L.Old.ClassName, L.Old.Variant,
          L.New.ClassName, L.New.Variant, X.Overall.MaxAbs, X.Overall.MaxRel,
          X.Overall.Mismatches, X.Overall.Count);
      for (const std::string &S : X.SemanticDifferences)
        D.Notes.push_back(Note{S, std::nullopt});
      std::string Old = X.OldNonFinite.describe(X.ComparedIn);
      std::string New = X.NewNonFinite.describe(X.ComparedIn);
      if (!Old.empty())
        D.Notes.push_back(Note{"OLD: " + Old, std::nullopt});
      if (!New.empty())
        D.Notes.push_back(Note{"NEW: " + New, std::nullopt});
    }
    if (L.Old.Where)
      D.Notes.push_back(Note{"OLD `" + L.Old.ClassName + "`", L.Old.Where});
    R.Diagnostics.push_back(std::move(D));
  }
  return R;
}

} // namespace paramlint

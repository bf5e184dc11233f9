//===- verify/NormVerify.h - Two versions of a model's norms, run -*- C++ -*-===//
///
/// \file
/// What `paramlint verify OLD NEW` computes: both versions are analysed,
/// the norm layers of their models are paired by module path in the key
/// space (each side keeps its own parameter names: `scale`/`shift` on one,
/// `weight`/`bias` on the other), each side's weights are loaded through
/// its own names (from a checkpoint in any format tool/checkpoint reads:
/// safetensors, torch zip, .npy/.npz, GGUF; falling back to the other
/// role-equivalent name a rename would map, or shared seeded tensors keyed
/// by path and role), and both variants run through the numeric harness
/// (harness/LayerDiff.h) on the same probes. Differing layers become PL403
/// diagnostics.
///
//===----------------------------------------------------------------------===//
#ifndef PARAMLINT_VERIFY_NORMVERIFY_H
#define PARAMLINT_VERIFY_NORMVERIFY_H

#include "Analysis.h"
#include "graph/NormLayer.h"

#include "LayerDiff.h"

#include "llvm/Support/Error.h"

#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace paramlint {

struct VerifyOptions {
  /// A checkpoint holding the weights (either side's names), any format
  /// readCheckpoint reads.
  std::string Checkpoint;
  /// `--eps`: the eps of every layer whose eps paramlint cannot resolve
  /// statically (a config key no config dict literal or config class
  /// defines, a non-literal argument). Known values are never overridden.
  std::optional<double> Eps;
  /// The width probed when neither a literal nor the checkpoint says it.
  unsigned AssumedWidth = 768;
  harness::ProbeOptions Probes;
  /// Bytes to analyse instead of the files on disk, per side (keyed as
  /// AnalysisOptions::Contents): `check --fix --verify` compares the text
  /// before its fixes with the text after.
  std::map<std::string, std::string> OldContents, NewContents;
};

/// One side of a layer.
struct VerifySide {
  std::string ClassName;
  std::optional<NormLayer> Layer;
  /// harness describe() and formula(), when the semantics are known.
  std::string Variant, Formula;
  /// What an upcast in forward (`x.float()` ... `.type_as(x)`) means for
  /// this side at the layer's storage dtype, or its absence in a project
  /// class whose weights are fp16/bf16; empty when there is nothing to say
  /// (library classes, which compute in fp32 whatever they are given).
  std::string Precision;
  /// Where the eps value comes from (`literal`, `config key `eps` = 1e-05
  /// (GPT_CONFIG_124M)`, `--eps`, a shared stand-in).
  std::string EpsOrigin;
  /// The state-dict keys this side loads (empty when it has no such role).
  std::string ScaleKey, ShiftKey;
  /// "seeded", or the checkpoint key each tensor came from.
  std::string WeightSource;
  std::optional<Location> Where; ///< The class (project) or the model.
};

/// One layer, paired by path.
struct VerifyLayer {
  std::string Path; ///< `trf_blocks.0.norm1` (`*` when not expanded).
  VerifySide Old, New;
  std::size_t Width = 0;
  std::string WidthSource; ///< "checkpoint", "constructor", "assumed".
  std::optional<harness::LayerDiff> Diff;
  /// Why the layer could not be compared (shape mismatch, unknown
  /// semantics, missing tensor, zero width).
  std::string Error;
  /// Compared and bit-identical or within tolerance.
  bool passed() const;
  /// "bit-identical", "within tolerance", "DIFFERENT", "NaN/Inf", "ERROR".
  std::string verdict() const;
};

/// The outcome of a verify run.
struct VerifyReport {
  std::unique_ptr<Analysis> OldRun, NewRun;
  std::string OldModel, NewModel;
  std::string WeightsFrom; ///< "seeded random tensors" or the checkpoint.
  std::vector<VerifyLayer> Layers;
  /// Norm layer paths only one side has.
  std::vector<std::string> OnlyOld, OnlyNew;
  /// PL403 for each layer that differs or could not be compared.
  std::vector<Diagnostic> Diagnostics;
  /// Every layer passed and none is one-sided.
  bool allPassed() const;
};

/// Runs the comparison. Errors: a side cannot be analysed, the checkpoint
/// cannot be read, or a side has no model with norm layers.
llvm::Expected<VerifyReport> verifyNorms(const std::vector<std::string> &OldPaths,
                                         const std::vector<std::string> &NewPaths,
                                         const VerifyOptions &Options);

/// The harness variant a known norm layer computes in fp32 (or Storage),
/// or an error naming what is unknown.
llvm::Expected<harness::NormVariant> variantOf(const NormLayer &L,
                                               harness::DType Storage);

} // namespace paramlint

#endif // PARAMLINT_VERIFY_NORMVERIFY_H

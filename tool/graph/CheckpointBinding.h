//===- graph/CheckpointBinding.h - Checkpoints against key spaces -*- C++ -*-===//
///
/// \file
/// `check --checkpoint FILE`: which root model a checkpoint holds the
/// weights of, and how its tensor names differ from that model's key space.
/// The binding counts a name as explained when a key matches it or would
/// with the role-equivalent leaf (`explainsKey`), so a checkpoint written
/// in another naming convention still finds its model; the comparison then
/// says exactly what `load_state_dict(strict=False)` would report, with
/// indices collapsed to `*` and each side's role-equivalent partner.
///
//===----------------------------------------------------------------------===//
#ifndef PARAMLINT_GRAPH_CHECKPOINTBINDING_H
#define PARAMLINT_GRAPH_CHECKPOINTBINDING_H

#include "checkpoint/Checkpoint.h"
#include "graph/ParamGraph.h"

#include <map>
#include <string>
#include <string_view>
#include <vector>

namespace paramlint {

/// A binding needs at least this share of the checkpoint's names explained.
constexpr double MinCheckpointConfidence = 0.5;

/// Builds the binding of Info (read from the file File stands for) against
/// the root models of Graph. The model explaining most names wins; a tie is
/// broken by how many of the model's keys the checkpoint has; a remaining
/// tie, or less than MinCheckpointConfidence, leaves TheModel null with Why
/// saying so.
CheckpointBinding bindCheckpoint(const ParamGraph &Graph, CheckpointInfo Info,
                                 const SourceFile *File);

/// Key with every all-digit component replaced by `*`: `h.0.ln_1.gamma` →
/// `h.*.ln_1.gamma`, the spelling of model key patterns.
std::string indexPattern(std::string_view Key);

/// A model key no tensor of the checkpoint matches (PL201).
struct MissingKey {
  const KeySlot *Key = nullptr;
  /// Unexpected tensors under the same module with the same role (the
  /// checkpoint's spelling of this key), in checkpoint order.
  std::vector<const TensorInfo *> Partners;
};

/// Tensors of one index pattern that no model key takes (PL202).
struct UnexpectedGroup {
  std::string Pattern; ///< `h.*.ln_1.gamma`.
  std::vector<const TensorInfo *> Tensors;
  /// The missing model key of the same module and role, when there is one.
  const KeySlot *Partner = nullptr;
};

/// What loading the checkpoint into its model would leave out, grouped by
/// key pattern. Keys that are not persistent are never missing, nor are
/// conditional keys unless the checkpoint holds their role-equivalent;
/// tensors under an open module are never unexpected.
struct CheckpointDiff {
  std::vector<MissingKey> Missing;       ///< In model key order.
  std::vector<UnexpectedGroup> Unexpected; ///< In checkpoint order.
  /// Checkpoint name → model key for every unexpected tensor with exactly
  /// one role-equivalent missing key: the map a load hook applies.
  std::map<std::string, std::string> Renames;
};

/// Compares a bound checkpoint (TheModel set) with its model.
CheckpointDiff compareCheckpoint(const CheckpointBinding &B);

/// The naming conventions that use Name for a norm parameter, joined with
/// " or " (`TensorFlow / Keras` for `gamma`), or "" when none does.
std::string conventionsUsing(std::string_view Name);

/// The Python a user adds to load a checkpoint with Renames applied: a
/// `_register_load_state_dict_pre_hook` on the model that renames the keys
/// (module prefix included) before `load_state_dict` matches them. Its rules
/// are per module pattern and leaf (`h\.\d+\.ln_1`, `gamma` → `weight`), so
/// it stays short for any number of layers. The hook holds its own rules (a
/// default argument), so the snippets of several findings can be pasted one
/// after the other.
std::string renameHookSnippet(const std::map<std::string, std::string> &Renames);

/// Renames as a JSON object, keys sorted, one entry per line.
std::string renameMapJson(const std::map<std::string, std::string> &Renames);

} // namespace paramlint

#endif // PARAMLINT_GRAPH_CHECKPOINTBINDING_H

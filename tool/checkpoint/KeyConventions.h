//===- checkpoint/KeyConventions.h - Norm naming seen in a key list -*- C++ -*-===//
///
/// \file
/// Which per-library scale/shift naming (checks/conventions.toml) the keys
/// of a checkpoint follow: `h.0.ln_1.gamma` + `h.0.ln_1.beta` is one
/// TensorFlow / Keras group. A group counts as a norm when its scale is
/// one-dimensional and its shift has the same shape (or shapes are not
/// known), so the `weight/bias` of a Linear layer does not count.
///
//===----------------------------------------------------------------------===//
#ifndef PARAMLINT_CHECKPOINT_KEYCONVENTIONS_H
#define PARAMLINT_CHECKPOINT_KEYCONVENTIONS_H

#include "checkpoint/Checkpoint.h"

#include <string>
#include <vector>

namespace paramlint {

/// One convention and the norm groups of a checkpoint that follow it.
struct ConventionUse {
  /// Library names joined with " / " when several share the pair.
  std::string Library;
  std::string Scale, Shift;
  /// Groups (module paths) with both names; Example is the first in file
  /// order.
  size_t Groups = 0;
  std::string Example;
};

/// The conventions the tensors of Info follow, most groups first.
std::vector<ConventionUse> conventionsUsed(const CheckpointInfo &Info);

} // namespace paramlint

#endif // PARAMLINT_CHECKPOINT_KEYCONVENTIONS_H

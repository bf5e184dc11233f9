//===- checkpoint/Pickle.h - A restricted reader for torch pickles -*- C++ -*-===//
///
/// \file
/// Reads the `data.pkl` of a torch zip into an inert value tree and lists
/// the tensors in it. Only the opcodes a state dict uses are understood,
/// and only the globals that describe one: `collections.OrderedDict`, the
/// `torch._utils._rebuild_*` tensor and parameter builders, the
/// `torch.*Storage` classes named by persistent ids, and torch dtype
/// objects. Any other global (`os.system`, `builtins.eval`, a user class)
/// is refused when the pickle names it; nothing is ever called or imported.
///
//===----------------------------------------------------------------------===//
#ifndef PARAMLINT_CHECKPOINT_PICKLE_H
#define PARAMLINT_CHECKPOINT_PICKLE_H

#include "llvm/ADT/StringRef.h"
#include "llvm/Support/Error.h"

#include <cstdint>
#include <string>
#include <vector>

namespace paramlint::checkpoint {

/// A tensor as the pickle describes it; its bytes live in the zip member
/// `<archive>/data/<StorageKey>`.
struct PickledTensor {
  /// Dict keys and list indices from the top object, joined with dots.
  std::string Name;
  std::string DType;
  std::vector<int64_t> Shape, Stride;
  std::string StorageKey;
  /// In elements of DType.
  uint64_t StorageOffset = 0, StorageNumel = 0;
  bool IsParameter = false;
};

/// The tensors of a pickle, in pickle order, and the key prefix of the
/// state dict when it is wrapped (`{"model": state_dict, ...}` → `model.`).
struct PickledStateDict {
  std::vector<PickledTensor> Tensors;
  std::string StateDictPrefix;
};

/// Reads Bytes (a whole `data.pkl`). Errors start with Where.
llvm::Expected<PickledStateDict> readTorchPickle(llvm::StringRef Where,
                                                 llvm::StringRef Bytes);

} // namespace paramlint::checkpoint

#endif // PARAMLINT_CHECKPOINT_PICKLE_H

//===- checkpoint/Checkpoint.h - Tensor names from checkpoint files -*- C++ -*-===//
///
/// \file
/// The language-neutral view of a checkpoint file: its tensors (name, dtype,
/// shape, where the bytes are) and the metadata that names the model. Every
/// reader reads headers only and never executes anything: a torch zip's
/// pickle is walked by a restricted unpickler that builds an inert value
/// tree and refuses any global outside the few that describe a state dict.
///
/// Formats: safetensors (and sharded checkpoints through
/// `*.safetensors.index.json`), GGUF v2/v3, NumPy `.npy`/`.npz`, and the
/// PyTorch zip format (`torch.save` since 1.6). The format is chosen by the
/// file's magic bytes, not its extension.
///
//===----------------------------------------------------------------------===//
#ifndef PARAMLINT_CHECKPOINT_CHECKPOINT_H
#define PARAMLINT_CHECKPOINT_CHECKPOINT_H

#include "llvm/Support/Error.h"

#include <cstdint>
#include <map>
#include <string>
#include <vector>

namespace paramlint {

/// One tensor of a checkpoint.
struct TensorInfo {
  /// The key: a state-dict key (`h.0.ln_1.weight`), an npz member name
  /// without `.npy`, or a GGUF tensor name. Nested torch dicts are joined
  /// with dots (`model.h.0.ln_1.weight`).
  std::string Name;
  /// Lower-case element type in NumPy/PyTorch spelling (`float32`,
  /// `bfloat16`, `int64`, `bool`); GGUF block-quantised types keep their
  /// ggml name (`q4_0`, `q6_k`).
  std::string DType;
  /// Row-major shape as PyTorch/NumPy report it (GGUF's reversed `ne` order
  /// is turned back). Empty for a scalar.
  std::vector<int64_t> Shape;
  /// Where the data starts, in bytes, relative to the format's data area:
  /// the safetensors byte buffer, the GGUF data section, the `.npy` file or
  /// member, the torch storage member.
  uint64_t Offset = 0;
  /// Size of the data in bytes (0 when the format does not say).
  uint64_t Bytes = 0;

  // Where the values are, for checkpoint/TensorData.h (headers-only users
  // can ignore these):
  /// The file holding the bytes when it is not CheckpointInfo::Path (a
  /// shard of a sharded safetensors checkpoint).
  std::string DataFile;
  /// The zip member holding the bytes (a torch storage `archive/data/0`,
  /// an npz member `w.npy`); empty outside a zip.
  std::string DataMember;
  /// Where Offset counts from in the file or member: the safetensors byte
  /// buffer, the GGUF data section (0 for npy and torch storages).
  uint64_t DataBase = 0;
  /// Element strides of a view (torch) or a Fortran-order `.npy`; empty
  /// when the elements are row-major and contiguous.
  std::vector<int64_t> Stride;
  /// Multi-byte elements stored big-endian (a `>f4` `.npy`).
  bool BigEndian = false;
};

/// Everything paramlint reads from one checkpoint.
struct CheckpointInfo {
  std::string Path;
  /// `safetensors`, `safetensors-sharded`, `gguf`, `npy`, `npz`, `torch-zip`.
  std::string Format;
  /// In file order: safetensors by data offset (shard by shard), GGUF in
  /// tensor-info order, torch in pickle order, npz in member order.
  std::vector<TensorInfo> Tensors;
  /// Format metadata: safetensors `__metadata__`, GGUF key/values (arrays
  /// summarised), and paramlint's own notes under `paramlint.*` (e.g.
  /// `paramlint.state_dict_prefix` = `model.` when a torch file wraps its
  /// state dict in `{"model": ...}`).
  std::map<std::string, std::string> Metadata;
};

/// Reads the tensor table of the checkpoint at Path. Errors name the file
/// and say what is wrong (truncated, offsets out of range, a refused pickle
/// global, a legacy torch file, ...); a hostile file is an error, never a
/// crash, a hang or a large allocation.
llvm::Expected<CheckpointInfo> readCheckpoint(const std::string &Path);

/// The size in bytes of one element of DType (as spelled in TensorInfo), or
/// 0 for a type without a fixed element size (quantised blocks, strings).
uint64_t dtypeSize(const std::string &DType);

/// A shape as `[12, 768]` (`[]` for a scalar).
std::string shapeText(const std::vector<int64_t> &Shape);

} // namespace paramlint

#endif // PARAMLINT_CHECKPOINT_CHECKPOINT_H

//===- checkpoint/TensorData.h - Tensor values out of checkpoints -*- C++ -*-===//
///
/// \file
/// The rest of tool/checkpoint reads headers only. `paramlint verify` also
/// needs the values of a few small tensors (norm weights and biases), from
/// whichever format the user has: safetensors (sharded too), a torch zip
/// (the storage member, with the view's offset and strides), `.npy`/`.npz`
/// (stored or deflated members, either byte order, Fortran order) and GGUF
/// (the plain float and integer types; block-quantised types are refused
/// per tensor). Only the bytes of the asked-for tensor are read, every
/// position is checked against the file or member first, and the element
/// count is capped by the caller.
///
//===----------------------------------------------------------------------===//
#ifndef PARAMLINT_CHECKPOINT_TENSORDATA_H
#define PARAMLINT_CHECKPOINT_TENSORDATA_H

#include "checkpoint/Checkpoint.h"

#include "llvm/Support/Error.h"

#include <cstdint>
#include <map>
#include <memory>
#include <string>
#include <vector>

namespace paramlint {

/// One tensor's elements: row-major, contiguous, little-endian, in the
/// dtype the file stores them in (no conversion).
struct TensorBytes {
  std::string DType;
  std::vector<int64_t> Shape;
  std::string Bytes;
};

/// Reads tensor values out of one checkpoint (as readCheckpoint described
/// it), keeping the files and zip archives it opens for later reads.
class TensorDataReader {
public:
  /// Info must outlive the reader.
  explicit TensorDataReader(const CheckpointInfo &Info);
  TensorDataReader(TensorDataReader &&) noexcept;
  TensorDataReader &operator=(TensorDataReader &&) noexcept;
  ~TensorDataReader();

  /// The elements of T, one of Info's tensors. Errors name the tensor: a
  /// dtype without a fixed element size (`unsupported dtype q4_0`), more
  /// than MaxElements elements, a view reaching outside its storage, bytes
  /// past the end of the file or member.
  llvm::Expected<TensorBytes> read(const TensorInfo &T, uint64_t MaxElements);

private:
  struct Source;
  /// The open file (and zip) holding T's bytes.
  llvm::Expected<Source *> sourceOf(const TensorInfo &T);

  const CheckpointInfo *Info;
  std::map<std::string, std::unique_ptr<Source>> Sources;
};

} // namespace paramlint

#endif // PARAMLINT_CHECKPOINT_TENSORDATA_H

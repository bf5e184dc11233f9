//===- checkpoint/Readers.h - What the format readers share ------*- C++ -*-===//
///
/// \file
/// Internal to tool/checkpoint: the caps every reader enforces, a bounded
/// positional file reader, the error helper, and one entry point per format
/// (each in its own file). Checkpoint.cpp picks the reader by magic bytes.
///
//===----------------------------------------------------------------------===//
#ifndef PARAMLINT_CHECKPOINT_READERS_H
#define PARAMLINT_CHECKPOINT_READERS_H

#include "checkpoint/Checkpoint.h"

#include "llvm/ADT/StringRef.h"

#include <cstdint>
#include <optional>
#include <string>

namespace paramlint::checkpoint {

/// Caps: what a header may claim before paramlint refuses it. They sit far
/// above real checkpoints (a 400B-parameter model has < 10^5 tensors and a
/// few-MB header) and far below what would hurt the machine.
struct Limits {
  /// A safetensors JSON header, a torch `data.pkl`, a GGUF header.
  static constexpr uint64_t HeaderBytes = 100ull << 20;
  /// JSON or pickle values one header may hold.
  static constexpr uint64_t Values = 8'000'000;
  /// Nesting of JSON arrays/objects, pickle containers, GGUF arrays.
  static constexpr unsigned Depth = 64;
  /// Tensors in one file, and shards in one index.
  static constexpr uint64_t Tensors = 2'000'000;
  static constexpr uint64_t Shards = 10'000;
  /// Dimensions of one tensor.
  static constexpr uint64_t Dims = 64;
  /// Members of a zip archive.
  static constexpr uint64_t ZipMembers = 2'000'000;
  /// A `.npy` header.
  static constexpr uint64_t NpyHeader = 1u << 20;
  /// A metadata value kept in CheckpointInfo::Metadata (longer is cut).
  static constexpr size_t MetadataValue = 512;
};

/// An error that names the file: `<Path>: <Message>`.
llvm::Error fileError(llvm::StringRef Path, const llvm::Twine &Message);

/// Positional reads of a file that is never read whole.
class FileReader {
public:
  /// Opens Path for reading.
  static llvm::Expected<FileReader> open(const std::string &Path);
  FileReader(FileReader &&Other) noexcept;
  FileReader &operator=(FileReader &&) = delete;
  ~FileReader();

  uint64_t size() const { return Size; }
  const std::string &path() const { return Path; }
  /// Exactly Length bytes at Offset, or an error saying the file is
  /// truncated. Length must already be capped by the caller.
  llvm::Expected<std::string> read(uint64_t Offset, uint64_t Length,
                                   llvm::StringRef What) const;

private:
  FileReader(std::string Path, int Fd, uint64_t Size)
      : Path(std::move(Path)), Fd(Fd), Size(Size) {}
  std::string Path;
  int Fd = -1;
  uint64_t Size = 0;
};

/// Reads little-endian integers from a byte string with bounds checks.
inline uint64_t loadLE(const char *P, unsigned Bytes) {
  uint64_t V = 0;
  for (unsigned I = 0; I < Bytes; ++I)
    V |= uint64_t(static_cast<unsigned char>(P[I])) << (8 * I);
  return V;
}

/// Product of Shape into Numel; false on a negative dimension or overflow.
bool shapeNumel(const std::vector<int64_t> &Shape, uint64_t &Numel);

/// Sorts Spans by start and fails on the first overlap; each span is
/// (Begin, End, Name) with Begin <= End already checked.
struct ByteSpan {
  uint64_t Begin = 0, End = 0;
  const std::string *Name = nullptr;
};
llvm::Error checkNoOverlap(llvm::StringRef Path, std::vector<ByteSpan> Spans);

llvm::Expected<CheckpointInfo> readSafetensors(const FileReader &File);
llvm::Expected<CheckpointInfo> readSafetensorsIndex(const FileReader &File);
llvm::Expected<CheckpointInfo> readGguf(const FileReader &File);
llvm::Expected<CheckpointInfo> readNpy(const FileReader &File);
/// A zip archive: a torch checkpoint (`<archive>/data.pkl`) or an npz.
llvm::Expected<CheckpointInfo> readZip(const FileReader &File);

/// A zip archive opened with libzip (only the central directory is read on
/// open; members are read on demand and never more than asked for).
class ZipArchive {
public:
  struct Member {
    std::string Name;
    /// Uncompressed size as the directory declares it (may lie).
    uint64_t Size = 0;
    bool Compressed = false;
  };
  static llvm::Expected<ZipArchive> open(const FileReader &File);
  ZipArchive(ZipArchive &&Other) noexcept;
  ZipArchive &operator=(ZipArchive &&) = delete;
  ~ZipArchive();

  const std::vector<Member> &members() const { return Members; }
  const std::string &path() const { return Path; }
  /// The first min(Length, size) bytes of member Index (decompressed);
  /// never reads past Length, whatever the member declares.
  llvm::Expected<std::string> readPrefix(size_t Index, uint64_t Length) const;
  /// Exactly Length bytes at Offset of member Index, or an error when the
  /// member is shorter. A stored member is read from Offset on; a
  /// compressed one is inflated up to Offset + Length and no further.
  llvm::Expected<std::string> readRange(size_t Index, uint64_t Offset,
                                        uint64_t Length) const;
  /// The index of the member called Name, if any.
  std::optional<size_t> find(llvm::StringRef Name) const;

private:
  ZipArchive(std::string Path, void *Handle)
      : Path(std::move(Path)), Handle(Handle) {}
  std::string Path;
  void *Handle = nullptr; // zip_t *
  std::vector<Member> Members;
};

/// The parsed header of one `.npy` stream: the tensor (Name left empty)
/// and where the data begins. Prefix holds at least the first 12 bytes;
/// NeedBytes says how many the header needs when Prefix is too short.
struct NpyHeader {
  TensorInfo Tensor;
  uint64_t NeedBytes = 0;
};
llvm::Expected<NpyHeader> parseNpyHeader(llvm::StringRef Path,
                                         llvm::StringRef Prefix);

llvm::Expected<CheckpointInfo> readNpz(const ZipArchive &Zip);
/// Prefix is the archive's top directory (`archive/`); DataPkl the index
/// of `<prefix>data.pkl`.
llvm::Expected<CheckpointInfo> readTorchZip(const ZipArchive &Zip,
                                            const std::string &Prefix,
                                            size_t DataPkl);

} // namespace paramlint::checkpoint

#endif // PARAMLINT_CHECKPOINT_READERS_H

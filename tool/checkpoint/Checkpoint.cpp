//===- checkpoint/Checkpoint.cpp - Format dispatch and shared helpers -----===//
#include "checkpoint/Readers.h"

#include "llvm/ADT/StringSwitch.h"

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

namespace paramlint {
namespace checkpoint {

llvm::Error fileError(llvm::StringRef Path, const llvm::Twine &Message) {
  return llvm::createStringError(llvm::inconvertibleErrorCode(),
                                 (Path + ": " + Message).str());
}

llvm::Expected<FileReader> FileReader::open(const std::string &Path) {
  int Fd = ::open(Path.c_str(), O_RDONLY | O_CLOEXEC);
  if (Fd < 0)
    return fileError(Path, std::strerror(errno));
  struct stat St;
  if (::fstat(Fd, &St) != 0) {
    int Err = errno;
    ::close(Fd);
    return fileError(Path, std::strerror(Err));
  }
  if (S_ISDIR(St.st_mode)) {
    ::close(Fd);
    return fileError(Path, "is a directory (name a checkpoint file or its "
                           "`.safetensors.index.json`)");
  }
  if (!S_ISREG(St.st_mode)) {
    ::close(Fd);
    return fileError(Path, "not a regular file");
  }
  return FileReader(Path, Fd, static_cast<uint64_t>(St.st_size));
}

FileReader::FileReader(FileReader &&Other) noexcept
    : Path(std::move(Other.Path)), Fd(Other.Fd), Size(Other.Size) {
  Other.Fd = -1;
}

FileReader::~FileReader() {
  if (Fd >= 0)
    ::close(Fd);
}

llvm::Expected<std::string> FileReader::read(uint64_t Offset, uint64_t Length,
                                             llvm::StringRef What) const {
  if (Offset > Size || Length > Size - Offset)
    return fileError(Path, "truncated: " + What + " needs " +
                               llvm::Twine(Length) + " bytes at offset " +
                               llvm::Twine(Offset) + " but the file has " +
                               llvm::Twine(Size) + " bytes");
  std::string Bytes(Length, '\0');
  uint64_t Done = 0;
  while (Done < Length) {
    ssize_t N = ::pread(Fd, Bytes.data() + Done, Length - Done,
                        static_cast<off_t>(Offset + Done));
    if (N < 0 && errno == EINTR)
      continue;
    if (N < 0)
      return fileError(Path, llvm::Twine("read error: ") + std::strerror(errno));
    if (N == 0)
      return fileError(Path, "truncated while reading " + What);
    Done += static_cast<uint64_t>(N);
  }
  return Bytes;
}

bool shapeNumel(const std::vector<int64_t> &Shape, uint64_t &Numel) {
  Numel = 1;
  for (int64_t D : Shape) {
    if (D < 0)
      return false;
    uint64_t U = static_cast<uint64_t>(D);
    if (U != 0 && Numel > UINT64_MAX / U)
      return false;
    Numel *= U;
  }
  return true;
}

llvm::Error checkNoOverlap(llvm::StringRef Path, std::vector<ByteSpan> Spans) {
  std::sort(Spans.begin(), Spans.end(), [](const ByteSpan &A, const ByteSpan &B) {
    return A.Begin != B.Begin ? A.Begin < B.Begin : A.End < B.End;
  });
  for (size_t I = 1; I < Spans.size(); ++I) {
    const ByteSpan &Prev = Spans[I - 1], &Cur = Spans[I];
    // Empty tensors occupy no bytes and may share an offset with anything.
    if (Cur.Begin == Cur.End || Prev.Begin == Prev.End)
      continue;
    if (Cur.Begin < Prev.End)
      return fileError(Path, "tensors `" + *Prev.Name + "` [" +
                                 llvm::Twine(Prev.Begin) + ", " +
                                 llvm::Twine(Prev.End) + ") and `" + *Cur.Name +
                                 "` [" + llvm::Twine(Cur.Begin) + ", " +
                                 llvm::Twine(Cur.End) + ") overlap");
  }
  return llvm::Error::success();
}

} // namespace checkpoint

std::string shapeText(const std::vector<int64_t> &Shape) {
  std::string S = "[";
  for (size_t I = 0; I < Shape.size(); ++I)
    S += (I ? ", " : "") + std::to_string(Shape[I]);
  return S + "]";
}

uint64_t dtypeSize(const std::string &DType) {
  return llvm::StringSwitch<uint64_t>(DType)
      .Cases("float64", "int64", "uint64", "complex64", 8)
      .Case("complex128", 16)
      .Cases("float32", "int32", "uint32", 4)
      .Cases("float16", "bfloat16", "int16", "uint16", 2)
      .Cases("int8", "uint8", "bool", "float8_e4m3fn", "float8_e5m2", 1)
      .Cases("qint8", "quint8", 1)
      .Case("qint32", 4)
      .Case("complex32", 4)
      .Default(0);
}

namespace {
using namespace checkpoint;

/// What the first bytes say. Extension only breaks the tie for JSON.
enum class Magic { Zip, Npy, Gguf, Pickle, Json, Safetensors, Unknown };

Magic sniff(const std::string &Head) {
  llvm::StringRef H(Head);
  if (H.startswith("PK\x03\x04") || H.startswith("PK\x05\x06"))
    return Magic::Zip;
  if (H.startswith("\x93NUMPY"))
    return Magic::Npy;
  if (H.startswith("GGUF"))
    return Magic::Gguf;
  // PROTO 2..5: pickles written by torch.save's legacy path start so.
  if (H.size() >= 2 && static_cast<unsigned char>(H[0]) == 0x80 &&
      static_cast<unsigned char>(H[1]) <= 5)
    return Magic::Pickle;
  llvm::StringRef Trimmed = H.ltrim();
  if (Trimmed.startswith("{"))
    return Magic::Json;
  // safetensors: u64 header length, then the JSON object.
  // The length itself is checked by the reader, which says what is wrong.
  if (H.size() >= 9 && H[8] == '{')
    return Magic::Safetensors;
  return Magic::Unknown;
}

} // namespace

llvm::Expected<CheckpointInfo> readCheckpoint(const std::string &Path) {
  auto File = FileReader::open(Path);
  if (!File)
    return File.takeError();
  if (File->size() == 0)
    return fileError(Path, "empty file");
  auto Head = File->read(0, std::min<uint64_t>(File->size(), 16), "magic");
  if (!Head)
    return Head.takeError();
  switch (sniff(*Head)) {
  case Magic::Zip:
    return readZip(*File);
  case Magic::Npy:
    return readNpy(*File);
  case Magic::Gguf:
    return readGguf(*File);
  case Magic::Json:
    return readSafetensorsIndex(*File);
  case Magic::Safetensors:
    return readSafetensors(*File);
  case Magic::Pickle:
    return fileError(
        Path, "unsupported legacy format: a bare pickle (torch.save before "
              "PyTorch 1.6 or with _use_new_zipfile_serialization=False); "
              "re-save it with a current torch.save, or convert it to "
              "safetensors");
  case Magic::Unknown:
    break;
  }
  if (llvm::StringRef(Path).endswith(".safetensors"))
    return readSafetensors(*File);
  return fileError(Path, "unrecognised checkpoint format (expected "
                         "safetensors, GGUF, .npy/.npz or a torch zip)");
}

} // namespace paramlint

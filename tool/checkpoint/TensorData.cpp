//===- checkpoint/TensorData.cpp - Tensor values out of checkpoints -------===//
///
/// \file
/// A tensor's bytes are the span from its first to its last element: for
/// a contiguous tensor exactly its size, for a torch view the stretch of
/// its storage the strides reach. The span is read in one bounded read
/// (FileReader::read or ZipArchive::readRange, both of which refuse to
/// read past the end), then gathered into row-major order and byte-swapped
/// to little-endian where the file says big-endian.
///
//===----------------------------------------------------------------------===//
#include "checkpoint/TensorData.h"

#include "checkpoint/Readers.h"

#include <algorithm>

namespace paramlint {
using namespace checkpoint;

namespace {

/// The most bytes one tensor's span may cover: a norm weight is a few
/// kilobytes; a view into a huge storage is refused rather than read.
constexpr uint64_t MaxSpanBytes = 256ull << 20;

/// Complex types swap each half on its own.
uint64_t swapUnit(const std::string &DType, uint64_t ElemSize) {
  return llvm::StringRef(DType).startswith("complex") ? ElemSize / 2 : ElemSize;
}

} // namespace

struct TensorDataReader::Source {
  std::unique_ptr<FileReader> File;
  std::unique_ptr<ZipArchive> Zip;
};

TensorDataReader::TensorDataReader(const CheckpointInfo &Info) : Info(&Info) {}
TensorDataReader::TensorDataReader(TensorDataReader &&) noexcept = default;
TensorDataReader &TensorDataReader::operator=(TensorDataReader &&) noexcept = default;
TensorDataReader::~TensorDataReader() = default;

llvm::Expected<TensorDataReader::Source *>
TensorDataReader::sourceOf(const TensorInfo &T) {
  const std::string &Path = T.DataFile.empty() ? Info->Path : T.DataFile;
  std::unique_ptr<Source> &Slot = Sources[Path];
  if (!Slot) {
    auto File = FileReader::open(Path);
    if (!File)
      return File.takeError();
    auto S = std::make_unique<Source>();
    S->File = std::make_unique<FileReader>(std::move(*File));
    Slot = std::move(S);
  }
  if (!T.DataMember.empty() && !Slot->Zip) {
    auto Zip = ZipArchive::open(*Slot->File);
    if (!Zip)
      return Zip.takeError();
    Slot->Zip = std::make_unique<ZipArchive>(std::move(*Zip));
  }
  return Slot.get();
}

llvm::Expected<TensorBytes> TensorDataReader::read(const TensorInfo &T,
                                                   uint64_t MaxElements) {
  auto Bad = [&](const llvm::Twine &What) {
    return fileError(Info->Path, "tensor `" + T.Name + "`: " + What);
  };
  const uint64_t Elem = dtypeSize(T.DType);
  if (Elem == 0)
    return Bad("unsupported dtype " + T.DType +
               " (no fixed element size: block-quantised or unknown)");
  uint64_t Numel = 0;
  if (!shapeNumel(T.Shape, Numel))
    return Bad("shape overflows");
  if (Numel > MaxElements)
    return Bad(llvm::Twine(Numel) + " elements, more than the " +
               llvm::Twine(MaxElements) + " read for one tensor");
  TensorBytes Out;
  Out.DType = T.DType;
  Out.Shape = T.Shape;
  if (Numel == 0)
    return Out;

  // The elements the tensor reaches: [0, SpanElems) from Offset.
  uint64_t SpanElems = Numel;
  if (!T.Stride.empty()) {
    if (T.Stride.size() != T.Shape.size())
      return Bad("stride and shape differ in length");
    __int128 Last = 0;
    for (size_t I = 0; I < T.Shape.size(); ++I) {
      if (T.Stride[I] < 0)
        return Bad("negative stride");
      Last += static_cast<__int128>(T.Shape[I] - 1) * T.Stride[I];
    }
    if (Last >= static_cast<__int128>(MaxSpanBytes / Elem))
      return Bad("a view spanning more than " + llvm::Twine(MaxSpanBytes) +
                 " bytes of its storage");
    SpanElems = static_cast<uint64_t>(Last) + 1;
  } else if (T.Bytes != 0 && T.Bytes != Numel * Elem) {
    return Bad("the header gives it " + llvm::Twine(T.Bytes) + " bytes, not " +
               llvm::Twine(Numel * Elem));
  }
  const uint64_t SpanBytes = SpanElems * Elem;
  if (T.DataBase > UINT64_MAX - T.Offset)
    return Bad("offset overflows");
  const uint64_t Start = T.DataBase + T.Offset;

  auto Src = sourceOf(T);
  if (!Src)
    return Src.takeError();
  llvm::Expected<std::string> Span = std::string();
  if (T.DataMember.empty()) {
    Span = (*Src)->File->read(Start, SpanBytes, "tensor `" + T.Name + "`");
  } else {
    std::optional<size_t> Index = (*Src)->Zip->find(T.DataMember);
    if (!Index)
      return Bad("its data member `" + T.DataMember + "` is not in the archive");
    Span = (*Src)->Zip->readRange(*Index, Start, SpanBytes);
  }
  if (!Span)
    return Bad(llvm::toString(Span.takeError()));

  if (T.Stride.empty()) {
    Out.Bytes = std::move(*Span);
  } else {
    // Walk the indices in row-major order, the last moving fastest.
    Out.Bytes.resize(Numel * Elem);
    std::vector<int64_t> Index(T.Shape.size(), 0);
    uint64_t From = 0;
    for (uint64_t I = 0; I < Numel; ++I) {
      std::copy_n(Span->data() + From * Elem, Elem, Out.Bytes.data() + I * Elem);
      for (size_t D = T.Shape.size(); D-- > 0;) {
        if (++Index[D] < T.Shape[D]) {
          From += T.Stride[D];
          break;
        }
        From -= static_cast<uint64_t>(T.Shape[D] - 1) * T.Stride[D];
        Index[D] = 0;
      }
    }
  }
  if (T.BigEndian) {
    uint64_t Unit = swapUnit(T.DType, Elem);
    for (uint64_t At = 0; Unit > 1 && At + Unit <= Out.Bytes.size(); At += Unit)
      std::reverse(Out.Bytes.begin() + At, Out.Bytes.begin() + At + Unit);
  }
  return Out;
}

} // namespace paramlint

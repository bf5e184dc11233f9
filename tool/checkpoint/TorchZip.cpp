//===- checkpoint/TorchZip.cpp - PyTorch zip checkpoints ------------------===//
///
/// \file
/// `torch.save` (since PyTorch 1.6) writes a zip archive: `<archive>/data.pkl`
/// (the object, with tensors as persistent references to storages),
/// `<archive>/data/<key>` (one member per storage, stored uncompressed) and
/// `<archive>/version`. Only `data.pkl` is read, through the restricted
/// unpickler; storage members are checked by their directory sizes, never
/// read, so the time does not depend on how big the tensors are.
///
//===----------------------------------------------------------------------===//
#include "checkpoint/Pickle.h"
#include "checkpoint/Readers.h"

#include "llvm/ADT/StringMap.h"

namespace paramlint::checkpoint {
namespace {

/// Whether Stride is the row-major stride of Shape (dimensions of size 1
/// may have any stride).
bool isContiguous(const std::vector<int64_t> &Shape,
                  const std::vector<int64_t> &Stride) {
  if (Stride.size() != Shape.size())
    return Stride.empty();
  int64_t Expected = 1;
  for (size_t I = Shape.size(); I-- > 0;) {
    if (Shape[I] != 1 && Stride[I] != Expected)
      return false;
    Expected *= Shape[I];
  }
  return true;
}

} // namespace

llvm::Expected<CheckpointInfo> readTorchZip(const ZipArchive &Zip,
                                            const std::string &Prefix,
                                            size_t DataPkl) {
  const auto &Members = Zip.members();
  const ZipArchive::Member &Pkl = Members[DataPkl];
  std::string Where = Zip.path() + ": " + Pkl.Name;
  if (Pkl.Size > Limits::HeaderBytes)
    return fileError(Where, "declares " + llvm::Twine(Pkl.Size) +
                                " bytes (limit " +
                                llvm::Twine(Limits::HeaderBytes) + ")");
  auto Bytes = Zip.readPrefix(DataPkl, Pkl.Size);
  if (!Bytes)
    return Bytes.takeError();
  auto Dict = readTorchPickle(Where, *Bytes);
  if (!Dict)
    return Dict.takeError();

  llvm::StringMap<uint64_t> StorageBytes;
  std::string DataDir = Prefix + "data/";
  for (const auto &M : Members)
    if (llvm::StringRef(M.Name).startswith(DataDir))
      StorageBytes[llvm::StringRef(M.Name).drop_front(DataDir.size())] = M.Size;

  CheckpointInfo Info;
  Info.Path = Zip.path();
  Info.Format = "torch-zip";
  if (!Dict->StateDictPrefix.empty())
    Info.Metadata["paramlint.state_dict_prefix"] = Dict->StateDictPrefix;
  for (PickledTensor &P : Dict->Tensors) {
    auto Bad = [&](const llvm::Twine &What) {
      return fileError(Zip.path(), "tensor `" + P.Name + "`: " + What);
    };
    uint64_t Size = dtypeSize(P.DType);
    auto It = StorageBytes.find(P.StorageKey);
    if (It == StorageBytes.end())
      return Bad("its storage `" + DataDir + P.StorageKey +
                 "` is not in the archive");
    if (Size && (P.StorageNumel > UINT64_MAX / Size ||
                 P.StorageNumel * Size > It->second))
      return Bad("its storage declares " + llvm::Twine(P.StorageNumel) +
                 " elements of " + P.DType + " but `" + DataDir +
                 P.StorageKey + "` holds " + llvm::Twine(It->second) +
                 " bytes");
    // The last element the view touches must lie inside the storage.
    uint64_t Numel = 0;
    if (!shapeNumel(P.Shape, Numel))
      return Bad("shape overflows");
    if (Size && Numel > UINT64_MAX / Size)
      return Bad("shape overflows");
    if (Numel != 0) {
      if (P.Stride.size() != P.Shape.size())
        return Bad("stride and size differ in length");
      __int128 Last = P.StorageOffset;
      for (size_t I = 0; I < P.Shape.size(); ++I) {
        if (P.Stride[I] < 0)
          return Bad("negative stride");
        Last += static_cast<__int128>(P.Shape[I] - 1) * P.Stride[I];
      }
      if (Last >= static_cast<__int128>(P.StorageNumel))
        return Bad("reads past the end of its storage");
    }
    TensorInfo T;
    T.Name = P.Name.empty() ? "<root>" : std::move(P.Name);
    T.DType = std::move(P.DType);
    T.Shape = std::move(P.Shape);
    T.Offset = P.StorageOffset * Size;
    T.Bytes = Numel * Size;
    T.DataMember = DataDir + P.StorageKey;
    if (!isContiguous(P.Shape, P.Stride))
      T.Stride = std::move(P.Stride);
    Info.Tensors.push_back(std::move(T));
  }
  return Info;
}

} // namespace paramlint::checkpoint

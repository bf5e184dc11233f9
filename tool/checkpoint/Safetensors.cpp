//===- checkpoint/Safetensors.cpp - safetensors and its shard index -------===//
///
/// \file
/// A safetensors file is an 8-byte little-endian header length N, N bytes
/// of JSON (`{"name": {"dtype", "shape", "data_offsets": [b, e]}, ...,
/// "__metadata__": {str: str}}`), then the byte buffer the offsets index.
/// Everything the header claims is checked against the file: the length,
/// each tensor's byte count against dtype × shape, offsets inside the
/// buffer and not overlapping. A sharded checkpoint is a JSON index
/// (`model.safetensors.index.json`, `{"weight_map": {name: shard}}`) whose
/// shards are read header-only in turn.
///
//===----------------------------------------------------------------------===//
#include "checkpoint/Readers.h"

#include "llvm/ADT/StringMap.h"
#include "llvm/ADT/StringSwitch.h"
#include "llvm/Support/Path.h"

#include <nlohmann/json.hpp>

#include <set>

namespace paramlint::checkpoint {
namespace {
using Json = nlohmann::json;

/// Refuses JSON that nests deeper than Limits::Depth or holds more than
/// Limits::Values values before nlohmann builds a tree of it, so a bomb
/// costs one linear scan, not memory.
llvm::Error checkJsonShape(llvm::StringRef Path, llvm::StringRef Text) {
  unsigned Depth = 0;
  uint64_t Values = 0;
  bool InString = false;
  for (size_t I = 0; I < Text.size(); ++I) {
    char C = Text[I];
    if (InString) {
      if (C == '\\')
        ++I;
      else if (C == '"')
        InString = false;
      continue;
    }
    switch (C) {
    case '"':
      InString = true;
      break;
    case '[':
    case '{':
      if (++Depth > Limits::Depth)
        return fileError(Path, "JSON header nests deeper than " +
                                   llvm::Twine(Limits::Depth) + " levels");
      break;
    case ']':
    case '}':
      if (Depth > 0)
        --Depth;
      break;
    case ',':
    case ':':
      if (++Values > Limits::Values)
        return fileError(Path, "JSON header holds more than " +
                                   llvm::Twine(Limits::Values) + " values");
      break;
    default:
      break;
    }
  }
  return llvm::Error::success();
}

llvm::Expected<Json> parseJson(llvm::StringRef Path, llvm::StringRef Text,
                               llvm::StringRef What) {
  if (auto E = checkJsonShape(Path, Text))
    return E;
  Json J = Json::parse(Text.begin(), Text.end(), nullptr,
                       /*allow_exceptions=*/false);
  if (J.is_discarded())
    return fileError(Path, What + " is not valid JSON");
  if (!J.is_object())
    return fileError(Path, What + " is not a JSON object");
  return J;
}

/// safetensors dtype → TensorInfo spelling.
std::string dtypeName(const std::string &S) {
  return llvm::StringSwitch<std::string>(S)
      .Case("BOOL", "bool")
      .Case("U8", "uint8")
      .Case("I8", "int8")
      .Case("F8_E5M2", "float8_e5m2")
      .Case("F8_E4M3", "float8_e4m3fn")
      .Case("I16", "int16")
      .Case("U16", "uint16")
      .Case("F16", "float16")
      .Case("BF16", "bfloat16")
      .Case("I32", "int32")
      .Case("U32", "uint32")
      .Case("F32", "float32")
      .Case("F64", "float64")
      .Case("I64", "int64")
      .Case("U64", "uint64")
      .Case("C64", "complex64")
      .Default(llvm::StringRef(S).lower());
}

std::string cut(std::string S) {
  if (S.size() > Limits::MetadataValue)
    S.resize(Limits::MetadataValue);
  return S;
}

} // namespace

llvm::Expected<CheckpointInfo> readSafetensors(const FileReader &File) {
  const std::string &Path = File.path();
  auto Prefix = File.read(0, 8, "the safetensors header length");
  if (!Prefix)
    return Prefix.takeError();
  uint64_t N = loadLE(Prefix->data(), 8);
  if (N > Limits::HeaderBytes)
    return fileError(Path, "safetensors header length " + llvm::Twine(N) +
                               " exceeds the limit of " +
                               llvm::Twine(Limits::HeaderBytes) + " bytes");
  if (N > File.size() - 8)
    return fileError(Path, "safetensors header length " + llvm::Twine(N) +
                               " is larger than the file (" +
                               llvm::Twine(File.size()) + " bytes)");
  auto Header = File.read(8, N, "the safetensors header");
  if (!Header)
    return Header.takeError();
  auto J = parseJson(Path, *Header, "the safetensors header");
  if (!J)
    return J.takeError();
  const uint64_t BufferSize = File.size() - 8 - N;

  CheckpointInfo Info;
  Info.Path = Path;
  Info.Format = "safetensors";
  std::vector<ByteSpan> Spans;
  for (auto It = J->begin(); It != J->end(); ++It) {
    const std::string &Name = It.key();
    const Json &V = It.value();
    if (Name == "__metadata__") {
      if (!V.is_object())
        return fileError(Path, "`__metadata__` is not an object");
      for (auto M = V.begin(); M != V.end(); ++M)
        Info.Metadata[M.key()] =
            cut(M.value().is_string() ? M.value().get<std::string>()
                                      : M.value().dump());
      continue;
    }
    auto Bad = [&](const char *What) {
      return fileError(Path, "tensor `" + Name + "`: " + What);
    };
    if (!V.is_object())
      return Bad("entry is not an object");
    auto DT = V.find("dtype"), Sh = V.find("shape"), Off = V.find("data_offsets");
    if (DT == V.end() || !DT->is_string())
      return Bad("missing or non-string `dtype`");
    if (Sh == V.end() || !Sh->is_array())
      return Bad("missing or non-array `shape`");
    if (Off == V.end() || !Off->is_array() || Off->size() != 2 ||
        !(*Off)[0].is_number_unsigned() || !(*Off)[1].is_number_unsigned())
      return Bad("`data_offsets` is not a pair of non-negative integers");
    if (Sh->size() > Limits::Dims)
      return Bad("too many dimensions");
    TensorInfo T;
    T.Name = Name;
    T.DType = dtypeName(DT->get<std::string>());
    for (const Json &D : *Sh) {
      if (!D.is_number_unsigned() || D.get<uint64_t>() > uint64_t(INT64_MAX))
        return Bad("shape holds a value that is not a non-negative integer");
      T.Shape.push_back(static_cast<int64_t>(D.get<uint64_t>()));
    }
    uint64_t Begin = (*Off)[0].get<uint64_t>(), End = (*Off)[1].get<uint64_t>();
    if (Begin > End)
      return Bad("`data_offsets` begin is after end");
    if (End > BufferSize)
      return fileError(Path, "tensor `" + Name + "`: data_offsets [" +
                                 llvm::Twine(Begin) + ", " + llvm::Twine(End) +
                                 ") point past the end of the data (" +
                                 llvm::Twine(BufferSize) + " bytes)");
    uint64_t Numel = 0, Size = dtypeSize(T.DType);
    if (!shapeNumel(T.Shape, Numel))
      return Bad("shape overflows");
    if (Size != 0 && (Numel > UINT64_MAX / Size || Numel * Size != End - Begin))
      return fileError(Path, "tensor `" + Name + "`: " + T.DType +
                                 " with " + llvm::Twine(Numel) +
                                 " elements needs " +
                                 llvm::Twine(Numel * Size) +
                                 " bytes but data_offsets span " +
                                 llvm::Twine(End - Begin));
    T.Offset = Begin;
    T.Bytes = End - Begin;
    T.DataBase = 8 + N;
    if (Info.Tensors.size() >= Limits::Tensors)
      return fileError(Path, "more than " + llvm::Twine(Limits::Tensors) +
                                 " tensors");
    Info.Tensors.push_back(std::move(T));
  }
  for (const TensorInfo &T : Info.Tensors)
    Spans.push_back({T.Offset, T.Offset + T.Bytes, &T.Name});
  if (auto E = checkNoOverlap(Path, std::move(Spans)))
    return E;
  // File order: writers lay tensors out in the order they list them.
  std::stable_sort(Info.Tensors.begin(), Info.Tensors.end(),
                   [](const TensorInfo &A, const TensorInfo &B) {
                     return A.Offset < B.Offset;
                   });
  return Info;
}

llvm::Expected<CheckpointInfo> readSafetensorsIndex(const FileReader &File) {
  const std::string &Path = File.path();
  if (File.size() > Limits::HeaderBytes)
    return fileError(Path, "JSON index larger than " +
                               llvm::Twine(Limits::HeaderBytes) + " bytes");
  auto Text = File.read(0, File.size(), "the index");
  if (!Text)
    return Text.takeError();
  auto J = parseJson(Path, *Text, "the index");
  if (!J)
    return J.takeError();
  auto Map = J->find("weight_map");
  if (Map == J->end() || !Map->is_object())
    return fileError(Path, "a JSON file without a `weight_map` object is not "
                           "a sharded-checkpoint index");
  CheckpointInfo Info;
  Info.Path = Path;
  Info.Format = "safetensors-sharded";
  if (auto M = J->find("metadata"); M != J->end() && M->is_object())
    for (auto It = M->begin(); It != M->end(); ++It)
      Info.Metadata[It.key()] = cut(It.value().is_string()
                                        ? It.value().get<std::string>()
                                        : It.value().dump());

  // Shards in first-mention order; each read once.
  std::vector<std::string> Shards;
  llvm::StringMap<std::set<std::string>> Expected;
  for (auto It = Map->begin(); It != Map->end(); ++It) {
    if (!It.value().is_string())
      return fileError(Path, "weight_map entry `" + It.key() +
                                 "` does not name a shard file");
    std::string Shard = It.value().get<std::string>();
    llvm::StringRef S(Shard);
    // A shard is a sibling file: refuse paths that leave the directory.
    if (S.empty() || llvm::sys::path::is_absolute(S) || S.contains("..") ||
        S.contains('/') || S.contains('\\'))
      return fileError(Path, "weight_map names `" + Shard +
                                 "`, which is not a file beside the index");
    auto [Slot, New] = Expected.try_emplace(Shard);
    if (New) {
      if (Shards.size() >= Limits::Shards)
        return fileError(Path, "more than " + llvm::Twine(Limits::Shards) +
                                   " shards");
      Shards.push_back(Shard);
    }
    Slot->second.insert(It.key());
  }
  llvm::SmallString<256> Dir(Path);
  llvm::sys::path::remove_filename(Dir);
  for (const std::string &Shard : Shards) {
    llvm::SmallString<256> ShardPath(Dir);
    llvm::sys::path::append(ShardPath, Shard);
    auto ShardFile = FileReader::open(std::string(ShardPath));
    if (!ShardFile)
      return fileError(Path, "shard `" + Shard + "`: " +
                                 llvm::toString(ShardFile.takeError()));
    auto Part = readSafetensors(*ShardFile);
    if (!Part)
      return fileError(Path, "shard: " + llvm::toString(Part.takeError()));
    std::set<std::string> &Want = Expected[Shard];
    for (TensorInfo &T : Part->Tensors) {
      Want.erase(T.Name);
      T.DataFile = std::string(ShardPath);
      Info.Tensors.push_back(std::move(T));
    }
    if (!Want.empty())
      return fileError(Path, "weight_map puts `" + *Want.begin() +
                                 "` in shard `" + Shard +
                                 "`, which has no such tensor");
  }
  return Info;
}

} // namespace paramlint::checkpoint

//===- checkpoint/Gguf.cpp - GGUF v2 and v3 headers ------------------------===//
///
/// \file
/// GGUF (llama.cpp): `GGUF`, u32 version, u64 tensor count, u64 key/value
/// count, the key/values (typed, arrays possibly nested), then per tensor
/// its name, u32 dimension count, u64 dims (innermost first), u32 ggml
/// type and u64 offset into the data section, which starts at the next
/// multiple of `general.alignment` (32 by default). All integers are
/// little-endian (big-endian files are refused). The header is read through
/// a bounded sequential reader; every count is checked against what is
/// left of the file before anything is reserved.
///
//===----------------------------------------------------------------------===//
#include "checkpoint/Readers.h"

#include "llvm/ADT/StringExtras.h"

#include <algorithm>
#include <cstring>

namespace paramlint::checkpoint {
namespace {

/// Sequential reads of the header, one chunk at a time.
class HeaderStream {
public:
  explicit HeaderStream(const FileReader &File) : File(File) {}

  uint64_t offset() const { return Base + Pos; }
  uint64_t left() const { return File.size() - offset(); }

  llvm::Error bytes(uint64_t N, std::string &Out, llvm::StringRef What) {
    if (N > left())
      return fileError(File.path(), "truncated GGUF header: " + What +
                                        " needs " + llvm::Twine(N) +
                                        " bytes at offset " +
                                        llvm::Twine(offset()) +
                                        " but only " + llvm::Twine(left()) +
                                        " remain");
    if (offset() + N > Limits::HeaderBytes)
      return fileError(File.path(), "GGUF header exceeds " +
                                        llvm::Twine(Limits::HeaderBytes) +
                                        " bytes");
    Out.clear();
    while (N) {
      if (Pos == Buffer.size()) {
        Base += Buffer.size();
        Pos = 0;
        auto Chunk = File.read(Base, std::min<uint64_t>(1 << 20, left()),
                               "the GGUF header");
        if (!Chunk)
          return Chunk.takeError();
        Buffer = std::move(*Chunk);
      }
      uint64_t Take = std::min<uint64_t>(N, Buffer.size() - Pos);
      Out.append(Buffer, Pos, Take);
      Pos += Take;
      N -= Take;
    }
    return llvm::Error::success();
  }
  llvm::Error u(unsigned Width, uint64_t &Out, llvm::StringRef What) {
    if (auto E = bytes(Width, Scratch, What))
      return E;
    Out = loadLE(Scratch.data(), Width);
    return llvm::Error::success();
  }
  llvm::Error string(std::string &Out, llvm::StringRef What) {
    uint64_t N;
    if (auto E = u(8, N, What))
      return E;
    return bytes(N, Out, What);
  }

private:
  const FileReader &File;
  std::string Buffer, Scratch;
  uint64_t Base = 0, Pos = 0;
};

/// ggml type → (name, block elements, block bytes); block 0 when unknown.
struct GgmlType {
  const char *Name;
  uint32_t Block, Bytes;
};

GgmlType ggmlType(uint32_t T) {
  switch (T) {
  case 0: return {"float32", 1, 4};
  case 1: return {"float16", 1, 2};
  case 2: return {"q4_0", 32, 18};
  case 3: return {"q4_1", 32, 20};
  case 6: return {"q5_0", 32, 22};
  case 7: return {"q5_1", 32, 24};
  case 8: return {"q8_0", 32, 34};
  case 9: return {"q8_1", 32, 36};
  case 10: return {"q2_k", 256, 84};
  case 11: return {"q3_k", 256, 110};
  case 12: return {"q4_k", 256, 144};
  case 13: return {"q5_k", 256, 176};
  case 14: return {"q6_k", 256, 210};
  case 15: return {"q8_k", 256, 292};
  case 16: return {"iq2_xxs", 0, 0};
  case 17: return {"iq2_xs", 0, 0};
  case 18: return {"iq3_xxs", 0, 0};
  case 19: return {"iq1_s", 0, 0};
  case 20: return {"iq4_nl", 0, 0};
  case 21: return {"iq3_s", 0, 0};
  case 22: return {"iq2_s", 0, 0};
  case 23: return {"iq4_xs", 0, 0};
  case 24: return {"int8", 1, 1};
  case 25: return {"int16", 1, 2};
  case 26: return {"int32", 1, 4};
  case 27: return {"int64", 1, 8};
  case 28: return {"float64", 1, 8};
  case 29: return {"iq1_m", 0, 0};
  case 30: return {"bfloat16", 1, 2};
  default: return {nullptr, 0, 0};
  }
}

/// GGUF metadata value types.
enum : uint32_t {
  U8, I8, U16, I16, U32, I32, F32, Bool, String, Array, U64, I64, F64
};

const char *typeName(uint32_t T) {
  static const char *Names[] = {"u8",  "i8",   "u16",    "i16",   "u32",
                                "i32", "f32",  "bool",   "string", "array",
                                "u64", "i64",  "f64"};
  return T <= F64 ? Names[T] : "?";
}

unsigned scalarWidth(uint32_t T) {
  switch (T) {
  case U8: case I8: case Bool: return 1;
  case U16: case I16: return 2;
  case U32: case I32: case F32: return 4;
  case U64: case I64: case F64: return 8;
  default: return 0;
  }
}

class GgufReader {
public:
  explicit GgufReader(const FileReader &File) : File(File), In(File) {}

  llvm::Expected<CheckpointInfo> run();

private:
  /// Reads one value of Type; Text gets a printable form when not null.
  llvm::Error value(uint32_t Type, unsigned Depth, std::string *Text);

  const FileReader &File;
  HeaderStream In;
  std::string Tmp;
};

llvm::Error GgufReader::value(uint32_t Type, unsigned Depth, std::string *Text) {
  if (unsigned W = scalarWidth(Type)) {
    uint64_t V;
    if (auto E = In.u(W, V, "a metadata value"))
      return E;
    if (!Text)
      return llvm::Error::success();
    switch (Type) {
    case I8: *Text = std::to_string(int8_t(V)); break;
    case I16: *Text = std::to_string(int16_t(V)); break;
    case I32: *Text = std::to_string(int32_t(V)); break;
    case I64: *Text = std::to_string(int64_t(V)); break;
    case Bool: *Text = V ? "true" : "false"; break;
    case F32: {
      uint32_t B = uint32_t(V);
      float F;
      std::memcpy(&F, &B, 4);
      *Text = std::to_string(F);
      break;
    }
    case F64: {
      double D;
      std::memcpy(&D, &V, 8);
      *Text = std::to_string(D);
      break;
    }
    default: *Text = std::to_string(V); break;
    }
    return llvm::Error::success();
  }
  if (Type == String) {
    if (auto E = In.string(Tmp, "a metadata string"))
      return E;
    if (Text)
      *Text = Tmp.substr(0, Limits::MetadataValue);
    return llvm::Error::success();
  }
  if (Type != Array)
    return fileError(File.path(), "GGUF metadata value of unknown type " +
                                      llvm::Twine(Type));
  if (Depth >= Limits::Depth)
    return fileError(File.path(), "GGUF arrays nest deeper than " +
                                      llvm::Twine(Limits::Depth) + " levels");
  uint64_t ItemType, Count;
  if (auto E = In.u(4, ItemType, "an array type"))
    return E;
  if (auto E = In.u(8, Count, "an array length"))
    return E;
  // Every element takes at least one byte: a count beyond the file is a lie.
  if (Count > In.left())
    return fileError(File.path(), "GGUF array claims " + llvm::Twine(Count) +
                                      " elements but only " +
                                      llvm::Twine(In.left()) +
                                      " bytes remain");
  if (unsigned W = scalarWidth(static_cast<uint32_t>(ItemType))) {
    if (Count * W > In.left())
      return fileError(File.path(), "truncated GGUF array");
    // Skip in one go: arrays of numbers are never names.
    std::string Skip;
    uint64_t Left = Count * W;
    while (Left) {
      uint64_t Step = std::min<uint64_t>(Left, 1 << 20);
      if (auto E = In.bytes(Step, Skip, "an array"))
        return E;
      Left -= Step;
    }
  } else {
    for (uint64_t I = 0; I < Count; ++I)
      if (auto E = value(static_cast<uint32_t>(ItemType), Depth + 1, nullptr))
        return E;
  }
  if (Text)
    *Text = std::string("array<") + typeName(static_cast<uint32_t>(ItemType)) +
            ">[" + std::to_string(Count) + "]";
  return llvm::Error::success();
}

llvm::Expected<CheckpointInfo> GgufReader::run() {
  const std::string &Path = File.path();
  uint64_t Magic, Version, NTensors, NKv;
  if (auto E = In.u(4, Magic, "the magic"))
    return E;
  if (auto E = In.u(4, Version, "the version"))
    return E;
  if (Version == 1)
    return fileError(Path, "GGUF version 1 is not supported (only 2 and 3)");
  if (Version != 2 && Version != 3)
    return fileError(Path, "GGUF version " + llvm::Twine(Version) +
                               " is not supported (only 2 and 3; a "
                               "big-endian file shows a byte-swapped version)");
  if (auto E = In.u(8, NTensors, "the tensor count"))
    return E;
  if (auto E = In.u(8, NKv, "the metadata count"))
    return E;
  if (NTensors > Limits::Tensors)
    return fileError(Path, "GGUF header claims " + llvm::Twine(NTensors) +
                               " tensors (limit " +
                               llvm::Twine(Limits::Tensors) + ")");
  if (NKv > In.left() / 13) // key length (8) + type (4) + one value byte
    return fileError(Path, "GGUF header claims " + llvm::Twine(NKv) +
                               " metadata entries, more than the file holds");

  CheckpointInfo Info;
  Info.Path = Path;
  Info.Format = "gguf";
  Info.Metadata["gguf.version"] = std::to_string(Version);
  uint64_t Alignment = 32;
  for (uint64_t I = 0; I < NKv; ++I) {
    std::string Key, Text;
    uint64_t Type;
    if (auto E = In.string(Key, "a metadata key"))
      return E;
    if (auto E = In.u(4, Type, "a metadata type"))
      return E;
    if (auto E = value(static_cast<uint32_t>(Type), 0, &Text))
      return E;
    if (Key == "general.alignment") {
      if (Type != U32 || Text == "0" ||
          !llvm::isPowerOf2_64(std::stoull(Text)))
        return fileError(Path, "general.alignment is not a power of two");
      Alignment = std::stoull(Text);
    }
    Info.Metadata[Key.substr(0, Limits::MetadataValue)] = std::move(Text);
  }

  if (NTensors > In.left() / 24) // name length, dims count, type, offset
    return fileError(Path, "GGUF header claims " + llvm::Twine(NTensors) +
                               " tensors, more than the file holds");
  Info.Tensors.reserve(NTensors);
  for (uint64_t I = 0; I < NTensors; ++I) {
    TensorInfo T;
    uint64_t NDims, Type, Offset;
    if (auto E = In.string(T.Name, "a tensor name"))
      return E;
    if (auto E = In.u(4, NDims, "a dimension count"))
      return E;
    if (NDims > Limits::Dims)
      return fileError(Path, "tensor `" + T.Name + "` has " +
                                 llvm::Twine(NDims) + " dimensions");
    std::vector<int64_t> Ne;
    for (uint64_t D = 0; D < NDims; ++D) {
      uint64_t Dim;
      if (auto E = In.u(8, Dim, "a dimension"))
        return E;
      if (Dim > uint64_t(INT64_MAX))
        return fileError(Path, "tensor `" + T.Name + "` has a negative "
                                                     "dimension");
      Ne.push_back(static_cast<int64_t>(Dim));
    }
    T.Shape.assign(Ne.rbegin(), Ne.rend());
    if (auto E = In.u(4, Type, "a tensor type"))
      return E;
    if (auto E = In.u(8, Offset, "a tensor offset"))
      return E;
    GgmlType G = ggmlType(static_cast<uint32_t>(Type));
    T.DType = G.Name ? G.Name : "ggml_type_" + std::to_string(Type);
    if (Offset % Alignment)
      return fileError(Path, "tensor `" + T.Name + "` offset " +
                                 llvm::Twine(Offset) +
                                 " is not aligned to " + llvm::Twine(Alignment));
    uint64_t Numel = 0;
    if (!shapeNumel(T.Shape, Numel))
      return fileError(Path, "tensor `" + T.Name + "` shape overflows");
    if (G.Block) {
      if ((Ne.empty() ? 1 : Ne[0]) % G.Block)
        return fileError(Path, "tensor `" + T.Name + "` row of " +
                                   llvm::Twine(Ne.empty() ? 1 : Ne[0]) +
                                   " is not a multiple of the " + T.DType +
                                   " block of " + llvm::Twine(G.Block));
      uint64_t Blocks = Numel / G.Block;
      if (Blocks > UINT64_MAX / G.Bytes)
        return fileError(Path, "tensor `" + T.Name + "` shape overflows");
      T.Bytes = Blocks * G.Bytes;
    }
    T.Offset = Offset;
    Info.Tensors.push_back(std::move(T));
  }
  uint64_t DataStart = (In.offset() + Alignment - 1) / Alignment * Alignment;
  uint64_t DataSize = File.size() > DataStart ? File.size() - DataStart : 0;
  std::vector<ByteSpan> Spans;
  for (TensorInfo &T : Info.Tensors) {
    T.DataBase = DataStart;
    if (T.Offset > DataSize || T.Bytes > DataSize - T.Offset)
      return fileError(Path, "tensor `" + T.Name + "` [" +
                                 llvm::Twine(T.Offset) + ", " +
                                 llvm::Twine(T.Offset + T.Bytes) +
                                 ") points past the end of the data (" +
                                 llvm::Twine(DataSize) + " bytes)");
    Spans.push_back({T.Offset, T.Offset + T.Bytes, &T.Name});
  }
  if (auto E = checkNoOverlap(Path, std::move(Spans)))
    return E;
  return Info;
}

} // namespace

llvm::Expected<CheckpointInfo> readGguf(const FileReader &File) {
  return GgufReader(File).run();
}

} // namespace paramlint::checkpoint

//===- checkpoint/Npz.cpp - NumPy .npy headers and .npz archives ----------===//
///
/// \file
/// A `.npy` stream is `\x93NUMPY`, a version byte pair (1.0, 2.0 or 3.0), a
/// header length (u16 for version 1, u32 after), and a Python dict literal
/// `{'descr': '<f4', 'fortran_order': False, 'shape': (3, 4), }`. Only the
/// header is read; the literal is parsed by a small scanner that accepts
/// strings, booleans, integer tuples and (for structured dtypes) bracketed
/// lists kept as text. An `.npz` is a zip of `.npy` members (`savez` stores,
/// `savez_compressed` deflates); each member's header is decompressed and
/// nothing else.
///
//===----------------------------------------------------------------------===//
#include "checkpoint/Readers.h"

#include "llvm/ADT/STLFunctionalExtras.h"
#include "llvm/ADT/StringExtras.h"

namespace paramlint::checkpoint {
namespace {

/// The values a `.npy` header dict may hold.
struct NpyValue {
  enum Kind { String, Bool, Tuple, Raw } K = Raw;
  std::string Text;
  bool Flag = false;
  std::vector<int64_t> Ints;
};

class NpyDictParser {
public:
  explicit NpyDictParser(llvm::StringRef S) : S(S) {}

  /// Fills Out with the dict's entries; false on anything unexpected.
  bool parse(std::vector<std::pair<std::string, NpyValue>> &Out) {
    skip();
    if (!eat('{'))
      return false;
    while (true) {
      skip();
      if (eat('}'))
        return true;
      NpyValue Key;
      if (!string(Key.Text))
        return false;
      skip();
      if (!eat(':'))
        return false;
      skip();
      NpyValue V;
      if (!value(V))
        return false;
      Out.emplace_back(Key.Text, std::move(V));
      skip();
      if (eat(','))
        continue;
      skip();
      if (eat('}'))
        return true;
      return false;
    }
  }

private:
  void skip() {
    while (Pos < S.size() && (S[Pos] == ' ' || S[Pos] == '\n' || S[Pos] == '\t'))
      ++Pos;
  }
  bool eat(char C) {
    if (Pos < S.size() && S[Pos] == C) {
      ++Pos;
      return true;
    }
    return false;
  }
  bool string(std::string &Out) {
    if (Pos >= S.size() || (S[Pos] != '\'' && S[Pos] != '"'))
      return false;
    char Quote = S[Pos++];
    size_t End = S.find(Quote, Pos);
    if (End == llvm::StringRef::npos)
      return false;
    Out = S.slice(Pos, End).str();
    Pos = End + 1;
    return true;
  }
  bool integer(int64_t &Out) {
    size_t Start = Pos;
    while (Pos < S.size() && llvm::isDigit(S[Pos]))
      ++Pos;
    if (Start == Pos || S.slice(Start, Pos).getAsInteger(10, Out))
      return false;
    eat('L'); // Python 2 longs
    return true;
  }
  bool value(NpyValue &V) {
    if (S.substr(Pos).startswith("True") || S.substr(Pos).startswith("False")) {
      V.K = NpyValue::Bool;
      V.Flag = S[Pos] == 'T';
      Pos += V.Flag ? 4 : 5;
      return true;
    }
    if (Pos < S.size() && (S[Pos] == '\'' || S[Pos] == '"')) {
      V.K = NpyValue::String;
      return string(V.Text);
    }
    if (eat('(')) {
      V.K = NpyValue::Tuple;
      while (true) {
        skip();
        if (eat(')'))
          return true;
        int64_t I;
        if (!integer(I) || V.Ints.size() >= Limits::Dims)
          return false;
        V.Ints.push_back(I);
        skip();
        if (eat(','))
          continue;
        skip();
        return eat(')');
      }
    }
    if (Pos < S.size() && S[Pos] == '[') {
      // A structured dtype: keep its text; brackets balance outside quotes.
      V.K = NpyValue::Raw;
      size_t Start = Pos;
      unsigned Depth = 0;
      char Quote = 0;
      for (; Pos < S.size(); ++Pos) {
        char C = S[Pos];
        if (Quote) {
          if (C == Quote)
            Quote = 0;
        } else if (C == '\'' || C == '"') {
          Quote = C;
        } else if (C == '[' || C == '(') {
          if (++Depth > Limits::Depth)
            return false;
        } else if ((C == ']' || C == ')') && --Depth == 0) {
          ++Pos;
          V.Text = S.slice(Start, Pos).str();
          return true;
        }
      }
      return false;
    }
    return false;
  }

  llvm::StringRef S;
  size_t Pos = 0;
};

/// `<f4` → `float32`; anything else keeps its descr text.
std::string npyDtype(llvm::StringRef Descr) {
  llvm::StringRef D = Descr;
  if (!D.empty() && (D[0] == '<' || D[0] == '>' || D[0] == '|' || D[0] == '='))
    D = D.drop_front();
  if (D.size() < 2)
    return Descr.str();
  unsigned Bytes = 0;
  if (D.drop_front().getAsInteger(10, Bytes))
    return Descr.str();
  switch (D[0]) {
  case 'f':
    if (Bytes == 2 || Bytes == 4 || Bytes == 8)
      return "float" + std::to_string(Bytes * 8);
    break;
  case 'i':
    if (Bytes == 1 || Bytes == 2 || Bytes == 4 || Bytes == 8)
      return "int" + std::to_string(Bytes * 8);
    break;
  case 'u':
    if (Bytes == 1 || Bytes == 2 || Bytes == 4 || Bytes == 8)
      return "uint" + std::to_string(Bytes * 8);
    break;
  case 'b':
    if (Bytes == 1)
      return "bool";
    break;
  case 'c':
    if (Bytes == 8 || Bytes == 16)
      return "complex" + std::to_string(Bytes * 8);
    break;
  default:
    break;
  }
  return Descr.str();
}

} // namespace

llvm::Expected<NpyHeader> parseNpyHeader(llvm::StringRef Path,
                                         llvm::StringRef Prefix) {
  if (Prefix.size() < 10 || !Prefix.startswith("\x93NUMPY"))
    return fileError(Path, "not a .npy stream (bad magic or truncated)");
  unsigned Major = static_cast<unsigned char>(Prefix[6]);
  if (Major < 1 || Major > 3)
    return fileError(Path, ".npy format version " + llvm::Twine(Major) +
                               " is not 1, 2 or 3");
  uint64_t LenBytes = Major == 1 ? 2 : 4;
  if (Prefix.size() < 8 + LenBytes)
    return NpyHeader{{}, 8 + LenBytes};
  uint64_t HeaderLen = loadLE(Prefix.data() + 8, LenBytes);
  if (HeaderLen > Limits::NpyHeader)
    return fileError(Path, ".npy header length " + llvm::Twine(HeaderLen) +
                               " exceeds the limit of " +
                               llvm::Twine(Limits::NpyHeader) + " bytes");
  uint64_t DataStart = 8 + LenBytes + HeaderLen;
  if (Prefix.size() < DataStart)
    return NpyHeader{{}, DataStart};

  std::vector<std::pair<std::string, NpyValue>> Dict;
  if (!NpyDictParser(Prefix.slice(8 + LenBytes, DataStart)).parse(Dict))
    return fileError(Path, ".npy header is not a dict literal with descr, "
                           "fortran_order and shape");
  NpyHeader H;
  bool HaveDescr = false, HaveShape = false, Fortran = false;
  for (auto &[Key, V] : Dict) {
    if (Key == "descr") {
      if (V.K != NpyValue::String && V.K != NpyValue::Raw)
        return fileError(Path, ".npy header: `descr` is not a dtype");
      H.Tensor.DType = V.K == NpyValue::String ? npyDtype(V.Text) : V.Text;
      H.Tensor.BigEndian = V.K == NpyValue::String &&
                           llvm::StringRef(V.Text).startswith(">");
      HaveDescr = true;
    } else if (Key == "shape") {
      if (V.K != NpyValue::Tuple)
        return fileError(Path, ".npy header: `shape` is not a tuple of ints");
      H.Tensor.Shape = V.Ints;
      HaveShape = true;
    } else if (Key == "fortran_order") {
      if (V.K != NpyValue::Bool)
        return fileError(Path, ".npy header: `fortran_order` is not a bool");
      Fortran = V.Flag;
    }
  }
  if (!HaveDescr || !HaveShape)
    return fileError(Path, ".npy header lacks `descr` or `shape`");
  uint64_t Numel = 0;
  if (!shapeNumel(H.Tensor.Shape, Numel))
    return fileError(Path, ".npy shape overflows");
  uint64_t Size = dtypeSize(H.Tensor.DType);
  if (Size != 0 && Numel > UINT64_MAX / Size)
    return fileError(Path, ".npy shape overflows");
  H.Tensor.Offset = DataStart;
  H.Tensor.Bytes = Numel * Size;
  // Column-major: the first index moves fastest.
  if (Fortran && H.Tensor.Shape.size() > 1) {
    int64_t Step = 1;
    for (int64_t D : H.Tensor.Shape) {
      H.Tensor.Stride.push_back(Step);
      Step *= std::max<int64_t>(D, 1);
    }
  }
  return H;
}

/// Reads a header through Prefix(N), which returns the first N bytes of
/// the stream (fewer when it is shorter): 12 bytes first, then exactly what
/// the header length asks for.
static llvm::Expected<NpyHeader> readNpyHeader(
    llvm::StringRef Where,
    llvm::function_ref<llvm::Expected<std::string>(uint64_t)> Prefix) {
  auto Bytes = Prefix(12);
  if (!Bytes)
    return Bytes.takeError();
  auto H = parseNpyHeader(Where, *Bytes);
  if (!H || !H->NeedBytes)
    return H;
  Bytes = Prefix(H->NeedBytes);
  if (!Bytes)
    return Bytes.takeError();
  if (Bytes->size() < H->NeedBytes)
    return fileError(Where, "truncated .npy header");
  return parseNpyHeader(Where, *Bytes);
}

llvm::Expected<CheckpointInfo> readNpy(const FileReader &File) {
  auto H = readNpyHeader(File.path(), [&](uint64_t N) {
    return File.read(0, std::min(N, File.size()), "the .npy header");
  });
  if (!H)
    return H.takeError();
  TensorInfo &T = H->Tensor;
  if (T.Offset > File.size() || T.Bytes > File.size() - T.Offset)
    return fileError(File.path(), "truncated: the .npy data needs " +
                                      llvm::Twine(T.Bytes) +
                                      " bytes after the header but the file "
                                      "has " +
                                      llvm::Twine(File.size() - std::min(File.size(), T.Offset)));
  llvm::StringRef Stem = llvm::StringRef(File.path()).rsplit('/').second;
  if (Stem.empty())
    Stem = File.path();
  T.Name = Stem.endswith(".npy") ? Stem.drop_back(4).str() : Stem.str();
  CheckpointInfo Info;
  Info.Path = File.path();
  Info.Format = "npy";
  Info.Tensors.push_back(std::move(T));
  return Info;
}

llvm::Expected<CheckpointInfo> readNpz(const ZipArchive &Zip) {
  CheckpointInfo Info;
  Info.Path = Zip.path();
  Info.Format = "npz";
  const auto &Members = Zip.members();
  for (size_t I = 0; I < Members.size(); ++I) {
    const ZipArchive::Member &M = Members[I];
    std::string Where = Zip.path() + " member `" + M.Name + "`";
    auto H = readNpyHeader(Where, [&](uint64_t N) { return Zip.readPrefix(I, N); });
    if (!H)
      return H.takeError();
    TensorInfo &T = H->Tensor;
    if (T.Offset + T.Bytes < T.Offset || T.Offset + T.Bytes > M.Size)
      return fileError(Where, "declares " + llvm::Twine(T.Bytes) +
                                  " bytes of data but the member holds " +
                                  llvm::Twine(M.Size) + " bytes");
    llvm::StringRef Name(M.Name);
    T.Name = Name.endswith(".npy") ? Name.drop_back(4).str() : Name.str();
    T.DataMember = M.Name;
    Info.Tensors.push_back(std::move(T));
  }
  return Info;
}

} // namespace paramlint::checkpoint

//===- checkpoint/Pickle.cpp - A restricted reader for torch pickles ------===//
///
/// \file
/// A pickle is a program for a stack machine. This reader runs the subset
/// of it that builds containers and records the few calls a state dict
/// makes (`OrderedDict()`, `_rebuild_tensor_v2(storage, ...)`), but it
/// never calls anything: REDUCE on an allowed global builds a value
/// directly, and a global outside the allow-list stops the read with an
/// error naming it. Values live in an arena addressed by index, so sharing
/// through the memo and even cycles cost nothing to build or free; the walk
/// that lists tensors is bounded in depth and in nodes visited.
///
/// Wrapped state dicts: every tensor is listed under its full dotted path
/// (`model.h.0.ln_1.weight`, `optimizer.state.0.exp_avg`), so nothing is
/// hidden. When the top object is a dict without tensors of its own, the
/// entry that most likely is the model's state dict (a known name such as
/// `state_dict`, `model` or `module`, else the entry with most tensors)
/// becomes StateDictPrefix, so that consumers comparing against a model's
/// keys can strip it.
///
//===----------------------------------------------------------------------===//
#include "checkpoint/Pickle.h"
#include "checkpoint/Readers.h"

#include "llvm/ADT/DenseMap.h"
#include "llvm/ADT/StringMap.h"
#include "llvm/ADT/StringSwitch.h"

#include <cstdio>
#include <cstring>
#include <optional>

namespace paramlint::checkpoint {
namespace {

/// Caps specific to pickles (see also Limits).
constexpr uint64_t MaxValues = 4'000'000;
constexpr uint64_t MaxMemo = 4'000'000;
constexpr uint64_t MaxStack = 4'000'000;

enum class Kind : uint8_t {
  None,
  Bool,
  Int,
  Float,
  Str,
  Bytes,
  Tuple,
  List,
  Dict,
  Global,
  Storage,
  Tensor,
  Other
};

/// What an allowed global is.
enum class GlobalKind : uint8_t {
  OrderedDict,
  RebuildTensor,
  RebuildTensorV2,
  RebuildParameter,
  RebuildParameterWithState,
  RebuildFromTypeV2,
  TensorClass,
  StorageClass,
  DType
};

struct Value {
  Kind K = Kind::None;
  GlobalKind G = GlobalKind::OrderedDict;
  bool Flag = false;   // Bool value; Tensor: is a parameter
  uint32_t Depth = 0;  // containers: nesting (approximate under sharing)
  int64_t Int = 0;     // Int; Storage: numel
  uint32_t Aux = 0;    // Str/Bytes/Global/Storage: index into Strings;
                       // Tensor: index into Tensors
  std::vector<uint32_t> Items; // Tuple/List elements; Dict keys and values
};

/// A tensor as REDUCE built it (the name is given by the walk).
struct TensorRec {
  uint32_t Storage = 0;
  std::vector<int64_t> Shape, Stride;
  uint64_t Offset = 0;
};

class Unpickler {
public:
  Unpickler(llvm::StringRef Where, llvm::StringRef Data)
      : Where(Where), Data(Data) {}

  llvm::Expected<PickledStateDict> run();

private:
  llvm::Error fail(const llvm::Twine &Message) const {
    return fileError(Where, Message);
  }
  llvm::Error failAt(const llvm::Twine &Message) const {
    return fileError(Where, Message + " (at byte " + llvm::Twine(OpPos) + ")");
  }

  bool take(uint64_t N, llvm::StringRef &Out) {
    if (N > Data.size() - Pos)
      return false;
    Out = Data.substr(Pos, N);
    Pos += N;
    return true;
  }

  llvm::Expected<uint32_t> make(Value V) {
    if (Arena.size() >= MaxValues)
      return fail("pickle builds more than " + llvm::Twine(MaxValues) +
                  " values");
    Arena.push_back(std::move(V));
    return static_cast<uint32_t>(Arena.size() - 1);
  }
  llvm::Expected<uint32_t> makeString(Kind K, llvm::StringRef S) {
    Value V;
    V.K = K;
    V.Aux = static_cast<uint32_t>(Strings.size());
    Strings.push_back(S.str());
    return make(std::move(V));
  }
  llvm::Error push(llvm::Expected<uint32_t> V) {
    if (!V)
      return V.takeError();
    if (Stack.size() >= MaxStack)
      return fail("pickle stack exceeds " + llvm::Twine(MaxStack) + " entries");
    Stack.push_back(*V);
    return llvm::Error::success();
  }
  llvm::Expected<uint32_t> pop() {
    if (Stack.size() <= (Marks.empty() ? 0 : Marks.back()))
      return failAt("pickle pops an empty stack");
    uint32_t V = Stack.back();
    Stack.pop_back();
    return V;
  }
  /// The values above the last MARK, which is removed.
  llvm::Expected<std::vector<uint32_t>> popMark() {
    if (Marks.empty())
      return failAt("pickle uses a MARK that was never set");
    size_t M = Marks.back();
    Marks.pop_back();
    std::vector<uint32_t> Out(Stack.begin() + M, Stack.end());
    Stack.resize(M);
    return Out;
  }
  /// Appends Child to container Parent, keeping the nesting depth.
  llvm::Error adopt(uint32_t Parent, uint32_t Child) {
    uint32_t D = Arena[Child].Depth + 1;
    if (D > Limits::Depth)
      return failAt("pickle nests containers deeper than " +
                    llvm::Twine(Limits::Depth) + " levels");
    Value &P = Arena[Parent];
    P.Depth = std::max(P.Depth, D);
    P.Items.push_back(Child);
    return llvm::Error::success();
  }
  llvm::Expected<uint32_t> makeSeq(Kind K, const std::vector<uint32_t> &Items) {
    Value V;
    V.K = K;
    auto Id = make(std::move(V));
    if (!Id)
      return Id.takeError();
    for (uint32_t I : Items)
      if (auto E = adopt(*Id, I))
        return E;
    return *Id;
  }

  llvm::Error memoPut(uint64_t Index) {
    if (Stack.empty())
      return failAt("pickle memoizes an empty stack");
    if (Memo.size() >= MaxMemo && !Memo.count(Index))
      return fail("pickle memo exceeds " + llvm::Twine(MaxMemo) + " entries");
    Memo[Index] = Stack.back();
    return llvm::Error::success();
  }
  llvm::Error memoGet(uint64_t Index) {
    auto It = Memo.find(Index);
    if (It == Memo.end())
      return failAt("pickle reads memo entry " + llvm::Twine(Index) +
                    " that was never stored");
    return push(It->second);
  }

  llvm::Error global(llvm::StringRef Module, llvm::StringRef Name);
  llvm::Error reduce(uint32_t Callable, uint32_t Args);
  llvm::Error persistentId(uint32_t Pid);
  llvm::Error step(uint8_t Op);

  llvm::Error walk(uint32_t V, std::string &Path, unsigned Depth,
                   std::vector<PickledTensor> &Out);

  bool isInt(uint32_t V) const { return Arena[V].K == Kind::Int; }
  llvm::Expected<std::vector<int64_t>> intTuple(uint32_t V,
                                                const char *What) const {
    const Value &T = Arena[V];
    if (T.K != Kind::Tuple && T.K != Kind::List)
      return fail(llvm::Twine("tensor ") + What + " is not a tuple");
    if (T.Items.size() > Limits::Dims)
      return fail(llvm::Twine("tensor ") + What + " has too many dimensions");
    std::vector<int64_t> Out;
    for (uint32_t I : T.Items) {
      if (!isInt(I))
        return fail(llvm::Twine("tensor ") + What + " holds a non-integer");
      Out.push_back(Arena[I].Int);
    }
    return Out;
  }

  llvm::StringRef Where, Data;
  size_t Pos = 0, OpPos = 0;
  std::vector<Value> Arena;
  std::vector<std::string> Strings;
  std::vector<TensorRec> Tensors;
  std::vector<uint32_t> Stack;
  std::vector<size_t> Marks;
  llvm::DenseMap<uint64_t, uint32_t> Memo;
  uint64_t Visited = 0;
  bool Stopped = false;
};

/// `torch.FloatStorage` → `float32`; empty when not a storage class.
std::string storageDtype(llvm::StringRef Name) {
  return llvm::StringSwitch<std::string>(Name)
      .Case("DoubleStorage", "float64")
      .Case("FloatStorage", "float32")
      .Case("HalfStorage", "float16")
      .Case("BFloat16Storage", "bfloat16")
      .Case("LongStorage", "int64")
      .Case("IntStorage", "int32")
      .Case("ShortStorage", "int16")
      .Case("CharStorage", "int8")
      .Case("ByteStorage", "uint8")
      .Case("BoolStorage", "bool")
      .Case("ComplexFloatStorage", "complex64")
      .Case("ComplexDoubleStorage", "complex128")
      .Case("QInt8Storage", "qint8")
      .Case("QUInt8Storage", "quint8")
      .Case("QInt32Storage", "qint32")
      .Case("UntypedStorage", "uint8")
      .Default("");
}

bool isTorchDtype(llvm::StringRef Name) {
  return llvm::StringSwitch<bool>(Name)
      .Cases("float16", "float32", "float64", "bfloat16", "half", true)
      .Cases("float", "double", "int8", "int16", "int32", true)
      .Cases("int64", "uint8", "bool", "complex64", "complex128", true)
      .Cases("long", "int", "short", "cfloat", "cdouble", true)
      .Default(false);
}

llvm::Error Unpickler::global(llvm::StringRef Module, llvm::StringRef Name) {
  std::optional<GlobalKind> G;
  std::string Dtype;
  if (Module == "collections" && Name == "OrderedDict")
    G = GlobalKind::OrderedDict;
  else if (Module == "torch._utils" && Name == "_rebuild_tensor_v2")
    G = GlobalKind::RebuildTensorV2;
  else if (Module == "torch._utils" && Name == "_rebuild_tensor")
    G = GlobalKind::RebuildTensor;
  else if (Module == "torch._utils" && Name == "_rebuild_parameter")
    G = GlobalKind::RebuildParameter;
  else if (Module == "torch._utils" && Name == "_rebuild_parameter_with_state")
    G = GlobalKind::RebuildParameterWithState;
  else if (Module == "torch._tensor" && Name == "_rebuild_from_type_v2")
    G = GlobalKind::RebuildFromTypeV2;
  else if ((Module == "torch" && Name == "Tensor") ||
           (Module == "torch.nn.parameter" && Name == "Parameter"))
    G = GlobalKind::TensorClass;
  else if ((Module == "torch" || Module == "torch.storage") &&
           !(Dtype = storageDtype(Name)).empty())
    G = GlobalKind::StorageClass;
  else if (Module == "torch" && isTorchDtype(Name)) {
    G = GlobalKind::DType;
    Dtype = Name.str();
  }
  if (!G)
    return failAt("refused pickle global `" + Module + "." + Name +
                  "`: only the globals of a state dict are read, and nothing "
                  "in the file was executed");
  auto Id = makeString(Kind::Global, Dtype);
  if (!Id)
    return Id.takeError();
  Arena[*Id].G = *G;
  return push(*Id);
}

llvm::Error Unpickler::persistentId(uint32_t Pid) {
  const Value &P = Arena[Pid];
  // ('storage', storage_type, key, location, numel)
  if (P.K != Kind::Tuple || P.Items.size() != 5 ||
      Arena[P.Items[0]].K != Kind::Str ||
      Strings[Arena[P.Items[0]].Aux] != "storage")
    return failAt("persistent id is not a torch storage reference");
  const Value &Type = Arena[P.Items[1]];
  const Value &Key = Arena[P.Items[2]];
  const Value &Numel = Arena[P.Items[4]];
  if (Type.K != Kind::Global || Type.G != GlobalKind::StorageClass)
    return failAt("persistent id names a storage type that is not a torch "
                  "storage class");
  if (Key.K != Kind::Str || Numel.K != Kind::Int || Numel.Int < 0)
    return failAt("persistent id has a malformed storage key or size");
  Value S;
  S.K = Kind::Storage;
  S.Int = Numel.Int;
  // "dtype\0key" keeps the two strings in one slot.
  S.Aux = static_cast<uint32_t>(Strings.size());
  Strings.push_back(Strings[Type.Aux] + '\0' + Strings[Key.Aux]);
  return push(make(std::move(S)));
}

llvm::Error Unpickler::reduce(uint32_t Callable, uint32_t Args) {
  const Value &F = Arena[Callable];
  if (F.K != Kind::Global)
    return failAt("pickle calls something that is not an allowed global");
  if (Arena[Args].K != Kind::Tuple)
    return failAt("pickle call arguments are not a tuple");
  std::vector<uint32_t> A = Arena[Args].Items;
  switch (F.G) {
  case GlobalKind::OrderedDict: {
    Value D;
    D.K = Kind::Dict;
    return push(make(std::move(D)));
  }
  case GlobalKind::RebuildTensor:
  case GlobalKind::RebuildTensorV2: {
    if (A.size() < 4 || Arena[A[0]].K != Kind::Storage || !isInt(A[1]) ||
        Arena[A[1]].Int < 0)
      return failAt("_rebuild_tensor arguments are not (storage, offset, "
                    "size, stride, ...)");
    TensorRec T;
    T.Storage = A[0];
    T.Offset = static_cast<uint64_t>(Arena[A[1]].Int);
    auto Shape = intTuple(A[2], "size");
    if (!Shape)
      return Shape.takeError();
    auto Stride = intTuple(A[3], "stride");
    if (!Stride)
      return Stride.takeError();
    T.Shape = std::move(*Shape);
    T.Stride = std::move(*Stride);
    if (Tensors.size() >= Limits::Tensors)
      return fail("more than " + llvm::Twine(Limits::Tensors) + " tensors");
    Value V;
    V.K = Kind::Tensor;
    V.Aux = static_cast<uint32_t>(Tensors.size());
    Tensors.push_back(std::move(T));
    return push(make(std::move(V)));
  }
  case GlobalKind::RebuildParameter:
  case GlobalKind::RebuildParameterWithState: {
    if (A.empty() || Arena[A[0]].K != Kind::Tensor)
      return failAt("_rebuild_parameter is not given a tensor");
    Arena[A[0]].Flag = true;
    return push(A[0]);
  }
  case GlobalKind::RebuildFromTypeV2: {
    // (func, type, args, state): the tensor is func(*args).
    if (A.size() < 3 || Arena[A[1]].K != Kind::Global ||
        Arena[A[1]].G != GlobalKind::TensorClass ||
        Arena[A[0]].K != Kind::Global ||
        Arena[A[0]].G == GlobalKind::RebuildFromTypeV2)
      return failAt("_rebuild_from_type_v2 is not given a tensor builder");
    return reduce(A[0], A[2]);
  }
  case GlobalKind::TensorClass:
  case GlobalKind::StorageClass:
  case GlobalKind::DType:
    break;
  }
  return failAt("pickle calls a torch class or dtype, which a state dict "
                "never does");
}

llvm::Error Unpickler::step(uint8_t Op) {
  llvm::StringRef Arg;
  auto Need = [&](uint64_t N) -> llvm::Error {
    if (!take(N, Arg))
      return fail("truncated pickle (opcode at byte " + llvm::Twine(OpPos) +
                  " needs " + llvm::Twine(N) + " more bytes)");
    return llvm::Error::success();
  };
  auto Counted = [&](unsigned LenBytes, Kind K) -> llvm::Error {
    if (auto E = Need(LenBytes))
      return E;
    uint64_t N = loadLE(Arg.data(), LenBytes);
    if (auto E = Need(N))
      return E;
    return push(makeString(K, Arg));
  };
  auto Int = [&](int64_t I) {
    Value V;
    V.K = Kind::Int;
    V.Int = I;
    return push(make(std::move(V)));
  };
  auto Simple = [&](Kind K, bool Flag = false) {
    Value V;
    V.K = K;
    V.Flag = Flag;
    return push(make(std::move(V)));
  };

  switch (Op) {
  case 0x80: // PROTO
    return Need(1);
  case 0x95: // FRAME: a length hint only
    return Need(8);
  case '.': // STOP
    Stopped = true;
    return llvm::Error::success();
  case '(': // MARK
    Marks.push_back(Stack.size());
    return llvm::Error::success();
  case '0': // POP
    return pop().takeError();
  case '1': // POP_MARK
    return popMark().takeError();
  case '2': { // DUP
    if (Stack.empty())
      return failAt("pickle duplicates an empty stack");
    return push(Stack.back());
  }
  case 'N':
    return Simple(Kind::None);
  case 0x88:
    return Simple(Kind::Bool, true);
  case 0x89:
    return Simple(Kind::Bool, false);
  case 'J':
    if (auto E = Need(4))
      return E;
    return Int(static_cast<int32_t>(loadLE(Arg.data(), 4)));
  case 'K':
    if (auto E = Need(1))
      return E;
    return Int(static_cast<uint8_t>(Arg[0]));
  case 'M':
    if (auto E = Need(2))
      return E;
    return Int(static_cast<int64_t>(loadLE(Arg.data(), 2)));
  case 0x8a:   // LONG1
  case 0x8b: { // LONG4
    if (auto E = Need(Op == 0x8a ? 1 : 4))
      return E;
    uint64_t N = loadLE(Arg.data(), Op == 0x8a ? 1 : 4);
    if (auto E = Need(N))
      return E;
    if (N > 8) {
      // A big integer: no state dict needs one; keep it opaque.
      return Simple(Kind::Other);
    }
    uint64_t U = N ? loadLE(Arg.data(), static_cast<unsigned>(N)) : 0;
    if (N && N < 8 && (static_cast<unsigned char>(Arg[N - 1]) & 0x80))
      U |= ~uint64_t(0) << (8 * N); // sign-extend
    return Int(static_cast<int64_t>(U));
  }
  case 'G': { // BINFLOAT, big-endian
    if (auto E = Need(8))
      return E;
    uint64_t Bits = 0;
    for (int I = 0; I < 8; ++I)
      Bits = (Bits << 8) | static_cast<unsigned char>(Arg[I]);
    Value V;
    V.K = Kind::Float;
    V.Int = static_cast<int64_t>(Bits);
    return push(make(std::move(V)));
  }
  case 'X':
    return Counted(4, Kind::Str);
  case 0x8c:
    return Counted(1, Kind::Str);
  case 0x8d:
    return Counted(8, Kind::Str);
  case 'U':
    return Counted(1, Kind::Str);
  case 'T':
    return Counted(4, Kind::Str);
  case 'C':
    return Counted(1, Kind::Bytes);
  case 'B':
    return Counted(4, Kind::Bytes);
  case 0x8e:
    return Counted(8, Kind::Bytes);
  case '}':
    return Simple(Kind::Dict);
  case ']':
  case 0x8f: // EMPTY_SET: a list is as good for walking
    return Simple(Kind::List);
  case ')':
    return Simple(Kind::Tuple);
  case 0x85:
  case 0x86:
  case 0x87: {
    size_t N = Op - 0x84;
    if (Stack.size() < N + (Marks.empty() ? 0 : Marks.back()))
      return failAt("pickle builds a tuple from an empty stack");
    std::vector<uint32_t> Items(Stack.end() - N, Stack.end());
    Stack.resize(Stack.size() - N);
    return push(makeSeq(Kind::Tuple, Items));
  }
  case 't':
  case 'l':
  case 0x91: { // TUPLE, LIST, FROZENSET
    auto Items = popMark();
    if (!Items)
      return Items.takeError();
    return push(makeSeq(Op == 't' ? Kind::Tuple : Kind::List, *Items));
  }
  case 'd': { // DICT
    auto Items = popMark();
    if (!Items)
      return Items.takeError();
    if (Items->size() % 2)
      return failAt("pickle DICT has an odd number of items");
    return push(makeSeq(Kind::Dict, *Items));
  }
  case 'a': { // APPEND
    auto Item = pop();
    if (!Item)
      return Item.takeError();
    if (Stack.empty() || Arena[Stack.back()].K != Kind::List)
      return failAt("pickle APPEND to something that is not a list");
    return adopt(Stack.back(), *Item);
  }
  case 'e':
  case 0x90: { // APPENDS, ADDITEMS
    auto Items = popMark();
    if (!Items)
      return Items.takeError();
    if (Stack.empty() || Arena[Stack.back()].K != Kind::List)
      return failAt("pickle APPENDS to something that is not a list");
    for (uint32_t I : *Items)
      if (auto E = adopt(Stack.back(), I))
        return E;
    return llvm::Error::success();
  }
  case 's': { // SETITEM
    auto V = pop();
    if (!V)
      return V.takeError();
    auto K = pop();
    if (!K)
      return K.takeError();
    if (Stack.empty() || Arena[Stack.back()].K != Kind::Dict)
      return failAt("pickle SETITEM on something that is not a dict");
    if (auto E = adopt(Stack.back(), *K))
      return E;
    return adopt(Stack.back(), *V);
  }
  case 'u': { // SETITEMS
    auto Items = popMark();
    if (!Items)
      return Items.takeError();
    if (Items->size() % 2)
      return failAt("pickle SETITEMS has an odd number of items");
    if (Stack.empty() || Arena[Stack.back()].K != Kind::Dict)
      return failAt("pickle SETITEMS on something that is not a dict");
    for (uint32_t I : *Items)
      if (auto E = adopt(Stack.back(), I))
        return E;
    return llvm::Error::success();
  }
  case 'c': { // GLOBAL: "module\nname\n"
    size_t End1 = Data.find('\n', Pos);
    size_t End2 = End1 == llvm::StringRef::npos ? End1 : Data.find('\n', End1 + 1);
    if (End2 == llvm::StringRef::npos)
      return fail("truncated pickle GLOBAL");
    llvm::StringRef Module = Data.slice(Pos, End1),
                    Name = Data.slice(End1 + 1, End2);
    Pos = End2 + 1;
    return global(Module, Name);
  }
  case 0x93: { // STACK_GLOBAL
    auto Name = pop();
    if (!Name)
      return Name.takeError();
    auto Module = pop();
    if (!Module)
      return Module.takeError();
    if (Arena[*Name].K != Kind::Str || Arena[*Module].K != Kind::Str)
      return failAt("pickle STACK_GLOBAL names are not strings");
    return global(Strings[Arena[*Module].Aux], Strings[Arena[*Name].Aux]);
  }
  case 'R': { // REDUCE
    auto Args = pop();
    if (!Args)
      return Args.takeError();
    auto F = pop();
    if (!F)
      return F.takeError();
    return reduce(*F, *Args);
  }
  case 0x81: { // NEWOBJ: cls.__new__(cls, *args)
    auto Args = pop();
    if (!Args)
      return Args.takeError();
    auto Cls = pop();
    if (!Cls)
      return Cls.takeError();
    if (Arena[*Cls].K != Kind::Global || Arena[*Cls].G != GlobalKind::OrderedDict)
      return failAt("pickle NEWOBJ of a class other than OrderedDict");
    return Simple(Kind::Dict);
  }
  case 'b': { // BUILD: state for the object below; dicts and tensors keep none
    auto State = pop();
    if (!State)
      return State.takeError();
    if (Stack.empty())
      return failAt("pickle BUILD on an empty stack");
    Kind K = Arena[Stack.back()].K;
    if (K != Kind::Dict && K != Kind::Tensor)
      return failAt("pickle BUILD on something that is not a dict or tensor");
    return llvm::Error::success();
  }
  case 'Q': { // BINPERSID
    auto Pid = pop();
    if (!Pid)
      return Pid.takeError();
    return persistentId(*Pid);
  }
  case 'h':
    if (auto E = Need(1))
      return E;
    return memoGet(static_cast<uint8_t>(Arg[0]));
  case 'j':
    if (auto E = Need(4))
      return E;
    return memoGet(loadLE(Arg.data(), 4));
  case 'q':
    if (auto E = Need(1))
      return E;
    return memoPut(static_cast<uint8_t>(Arg[0]));
  case 'r':
    if (auto E = Need(4))
      return E;
    return memoPut(loadLE(Arg.data(), 4));
  case 0x94: // MEMOIZE
    return memoPut(Memo.size());
  default:
    break;
  }
  char Hex[8];
  std::snprintf(Hex, sizeof(Hex), "0x%02x", Op);
  return failAt(llvm::Twine("unsupported pickle opcode ") + Hex +
                " (only the binary opcodes of a state dict are read)");
}

llvm::Error Unpickler::walk(uint32_t Id, std::string &Path, unsigned Depth,
                            std::vector<PickledTensor> &Out) {
  if (++Visited > MaxValues)
    return fail("pickle shares values so often that listing its tensors "
                "would visit more than " +
                llvm::Twine(MaxValues) + " nodes");
  if (Depth > Limits::Depth)
    return fail("pickle nests containers deeper than " +
                llvm::Twine(Limits::Depth) + " levels");
  const Value &V = Arena[Id];
  auto Child = [&](llvm::StringRef Component, uint32_t C) -> llvm::Error {
    size_t Old = Path.size();
    if (!Path.empty())
      Path += '.';
    Path += Component;
    llvm::Error E = walk(C, Path, Depth + 1, Out);
    Path.resize(Old);
    return E;
  };
  switch (V.K) {
  case Kind::Tensor: {
    const TensorRec &T = Tensors[V.Aux];
    const Value &S = Arena[T.Storage];
    llvm::StringRef DtypeKey = Strings[S.Aux];
    auto [Dtype, Key] = DtypeKey.split('\0');
    PickledTensor P;
    P.Name = Path;
    P.DType = Dtype.str();
    P.Shape = T.Shape;
    P.Stride = T.Stride;
    P.StorageKey = Key.str();
    P.StorageOffset = T.Offset;
    P.StorageNumel = static_cast<uint64_t>(S.Int);
    P.IsParameter = V.Flag;
    Out.push_back(std::move(P));
    return llvm::Error::success();
  }
  case Kind::Dict:
    for (size_t I = 0; I + 1 < V.Items.size(); I += 2) {
      const Value &K = Arena[V.Items[I]];
      std::string Component;
      if (K.K == Kind::Str)
        Component = Strings[K.Aux];
      else if (K.K == Kind::Int)
        Component = std::to_string(K.Int);
      else
        continue; // tuple or None keys name nothing a model loads
      if (auto E = Child(Component, V.Items[I + 1]))
        return E;
    }
    return llvm::Error::success();
  case Kind::List:
  case Kind::Tuple:
    for (size_t I = 0; I < V.Items.size(); ++I)
      if (auto E = Child(std::to_string(I), V.Items[I]))
        return E;
    return llvm::Error::success();
  default:
    return llvm::Error::success();
  }
}

llvm::Expected<PickledStateDict> Unpickler::run() {
  while (!Stopped) {
    if (Pos >= Data.size())
      return fail("truncated pickle (no STOP opcode)");
    OpPos = Pos;
    uint8_t Op = static_cast<uint8_t>(Data[Pos++]);
    if (auto E = step(Op))
      return E;
  }
  if (Stack.size() != 1)
    return fail("pickle ends with " + llvm::Twine(Stack.size()) +
                " values on the stack instead of one");
  PickledStateDict Result;
  uint32_t Top = Stack.back();
  std::string Path;
  if (auto E = walk(Top, Path, 0, Result.Tensors))
    return E;

  // Which top-level entry is the model's state dict, when it is wrapped.
  const Value &T = Arena[Top];
  if (T.K != Kind::Dict)
    return Result;
  // A plain state dict holds its tensors itself, under dotted names that a
  // split of the joined paths could not tell from nesting; a wrapper holds
  // dicts under string keys.
  std::vector<std::string> Entries;
  for (size_t I = 0; I + 1 < T.Items.size(); I += 2) {
    const Value &Key = Arena[T.Items[I]], &Item = Arena[T.Items[I + 1]];
    if (Item.K == Kind::Tensor)
      return Result;
    if (Item.K == Kind::Dict && Key.K == Kind::Str)
      Entries.push_back(Strings[Key.Aux]);
  }
  llvm::StringMap<size_t> PerKey;
  for (const PickledTensor &P : Result.Tensors)
    for (const std::string &E : Entries)
      if (llvm::StringRef(P.Name).startswith(E + ".")) {
        ++PerKey[E];
        break;
      }
  for (const char *Known : {"state_dict", "model_state_dict", "model",
                            "module", "net", "network", "params", "ema"})
    if (PerKey.count(Known)) {
      Result.StateDictPrefix = std::string(Known) + ".";
      return Result;
    }
  size_t Best = 0;
  for (auto &Entry : PerKey)
    if (Entry.second > Best ||
        (Entry.second == Best && Entry.getKey().str() + "." < Result.StateDictPrefix)) {
      Best = Entry.second;
      Result.StateDictPrefix = Entry.getKey().str() + ".";
    }
  return Result;
}

} // namespace

llvm::Expected<PickledStateDict> readTorchPickle(llvm::StringRef Where,
                                                 llvm::StringRef Bytes) {
  return Unpickler(Where, Bytes).run();
}

} // namespace paramlint::checkpoint

//===- fuzz/CheckpointFuzz.cpp - libFuzzer entry for one checkpoint reader ===//
///
/// \file
/// Built once per reader with PARAMLINT_FUZZ_READER naming it (see
/// fuzz/CMakeLists.txt). File readers get the input as an in-memory file
/// (memfd), so the real open/pread/libzip paths run; the pickle target feeds
/// the bytes straight to the restricted unpickler. A reader may accept or
/// refuse an input; ASan and libFuzzer catch everything else.
///
//===----------------------------------------------------------------------===//
#include "checkpoint/Pickle.h"
#include "checkpoint/Readers.h"

#include <cstdint>
#include <string>
#include <sys/mman.h>
#include <unistd.h>

using namespace paramlint;
using namespace paramlint::checkpoint;

namespace {

/// The input as a file: /proc/self/fd/N of a memfd holding Data.
struct MemFile {
  int Fd = -1;
  std::string Path;
  MemFile(const uint8_t *Data, size_t Size) {
    Fd = memfd_create("fuzz", MFD_CLOEXEC);
    if (Fd < 0)
      __builtin_trap();
    size_t Done = 0;
    while (Done < Size) {
      ssize_t N = write(Fd, Data + Done, Size - Done);
      if (N <= 0)
        __builtin_trap();
      Done += static_cast<size_t>(N);
    }
    Path = "/proc/self/fd/" + std::to_string(Fd);
  }
  ~MemFile() { close(Fd); }
};

template <typename Reader> void viaFile(const uint8_t *Data, size_t Size,
                                        Reader Read) {
  MemFile F(Data, Size);
  auto File = FileReader::open(F.Path);
  if (!File) {
    llvm::consumeError(File.takeError());
    return;
  }
  auto Info = Read(*File);
  if (!Info)
    llvm::consumeError(Info.takeError());
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *Data, size_t Size) {
#if PARAMLINT_FUZZ_READER == 1
  viaFile(Data, Size, readSafetensors);
#elif PARAMLINT_FUZZ_READER == 2
  viaFile(Data, Size, readGguf);
#elif PARAMLINT_FUZZ_READER == 3
  viaFile(Data, Size, readNpy);
#elif PARAMLINT_FUZZ_READER == 4
  viaFile(Data, Size, readZip); // torch zips and npz
#elif PARAMLINT_FUZZ_READER == 5
  auto Dict = readTorchPickle(
      "fuzz", llvm::StringRef(reinterpret_cast<const char *>(Data), Size));
  if (!Dict)
    llvm::consumeError(Dict.takeError());
#elif PARAMLINT_FUZZ_READER == 6
  viaFile(Data, Size, readSafetensorsIndex);
#else
#error "PARAMLINT_FUZZ_READER must name a reader"
#endif
  return 0;
}

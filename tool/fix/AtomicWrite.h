//===- fix/AtomicWrite.h - Replace a file's bytes, all or nothing -*- C++ -*-===//
///
/// \file
/// The fix engine never leaves a half-written file, and never overwrites a
/// file that someone changed after paramlint read it. A FileSnapshot holds
/// what was read (bytes, size, modification time, mode); writeAtomically
/// checks the file still matches it, writes the new bytes to a temporary
/// file in the same directory, flushes it to disk, gives it the original's
/// mode and renames it over the original. Any failure leaves the original
/// as it was and removes the temporary file.
///
//===----------------------------------------------------------------------===//
#ifndef PARAMLINT_FIX_ATOMICWRITE_H
#define PARAMLINT_FIX_ATOMICWRITE_H

#include "llvm/Support/Error.h"

#include <cstdint>
#include <functional>
#include <string>

namespace paramlint {

/// What paramlint read of a file, to detect later changes.
struct FileSnapshot {
  std::string Path;
  std::string Bytes;
  int64_t MTimeNs = 0; ///< Modification time in nanoseconds.
  uint64_t Size = 0;
  uint32_t Mode = 0; ///< Permission bits (st_mode & 07777).
};

/// Reads a regular file and records its size, time and mode.
llvm::Expected<FileSnapshot> snapshotFile(const std::string &Path);

/// Fault injection for the tests: each hook, when set, replaces one step.
struct WriteHooks {
  /// Writes Bytes to the open temporary file; the default loops over
  /// write(2). A fake returns an error (e.g. ENOSPC) to simulate a full disk.
  std::function<llvm::Error(int Fd, const std::string &Bytes)> WriteData;
  /// Runs after the temporary file is complete and before the final
  /// staleness check and rename (a test changes the original here).
  std::function<void()> BeforeRename;
};

/// Replaces the file Was.Path by NewBytes atomically, keeping its mode.
/// Fails (writing nothing) when the file is not writable by the user, or
/// when its bytes, size or modification time differ from Was; the message
/// then says the file changed on disk.
llvm::Error writeAtomically(const FileSnapshot &Was, const std::string &NewBytes,
                            const WriteHooks &Hooks = {});

} // namespace paramlint

#endif // PARAMLINT_FIX_ATOMICWRITE_H

//===- fix/AtomicWrite.cpp - Replace a file's bytes, all or nothing -------===//
#include "fix/AtomicWrite.h"

#include <cerrno>
#include <climits>
#include <cstdlib>
#include <cstring>
#include <fcntl.h>
#include <random>
#include <string_view>
#include <sys/stat.h>
#include <unistd.h>

namespace paramlint {
namespace {

llvm::Error ioError(const std::string &Path, const std::string &What, int Errno) {
  return llvm::createStringError(std::error_code(Errno, std::generic_category()),
                                 "%s: %s: %s", Path.c_str(), What.c_str(),
                                 std::strerror(Errno));
}

int64_t mtimeNs(const struct stat &St) {
  return static_cast<int64_t>(St.st_mtim.tv_sec) * 1000000000 +
         St.st_mtim.tv_nsec;
}

/// Reads all of Fd into Out.
bool readAll(int Fd, std::string &Out) {
  char Buffer[1 << 16];
  for (;;) {
    ssize_t N = ::read(Fd, Buffer, sizeof Buffer);
    if (N == 0)
      return true;
    if (N < 0) {
      if (errno == EINTR)
        continue;
      return false;
    }
    Out.append(Buffer, static_cast<size_t>(N));
  }
}

llvm::Error writeAllDefault(int Fd, const std::string &Bytes) {
  size_t Done = 0;
  while (Done < Bytes.size()) {
    ssize_t N = ::write(Fd, Bytes.data() + Done, Bytes.size() - Done);
    if (N < 0) {
      if (errno == EINTR)
        continue;
      return llvm::createStringError(std::error_code(errno, std::generic_category()),
                                     "%s", std::strerror(errno));
    }
    Done += static_cast<size_t>(N);
  }
  return llvm::Error::success();
}

/// The file a path names after following links, so that a fix through a
/// symbolic link rewrites the target instead of replacing the link.
std::string resolved(const std::string &Path) {
  char Buffer[PATH_MAX];
  return ::realpath(Path.c_str(), Buffer) ? std::string(Buffer) : Path;
}

/// Whether the file at Path still is what Was recorded; sets Why if not.
bool unchanged(const FileSnapshot &Was, const std::string &Path, std::string &Why) {
  int Fd = ::open(Path.c_str(), O_RDONLY | O_CLOEXEC);
  if (Fd < 0) {
    Why = std::string("cannot reopen it: ") + std::strerror(errno);
    return false;
  }
  struct stat St;
  std::string Now;
  bool Ok = ::fstat(Fd, &St) == 0 && readAll(Fd, Now);
  ::close(Fd);
  if (!Ok) {
    Why = std::string("cannot re-read it: ") + std::strerror(errno);
    return false;
  }
  if (static_cast<uint64_t>(St.st_size) != Was.Size || mtimeNs(St) != Was.MTimeNs ||
      Now != Was.Bytes) {
    Why = "it changed on disk since paramlint read it; not touched (run again)";
    return false;
  }
  return true;
}

/// Gives the O_TMPFILE file Fd a fresh name from Template (its XXXXXX
/// replaced), through /proc, which needs no privilege. False, with errno
/// set, when it cannot.
bool nameAnonymousFile(int Fd, std::string &Template) {
  const std::string Proc = "/proc/self/fd/" + std::to_string(Fd);
  const size_t X = Template.size() - 6;
  static const char Alphabet[] = "abcdefghijklmnopqrstuvwxyz0123456789";
  for (int Attempt = 0; Attempt < 64; ++Attempt) {
    unsigned long long Seed = (static_cast<unsigned long long>(::getpid()) << 32) ^
                              std::random_device{}() ^
                              (Attempt * 0x9e3779b97f4a7c15ULL);
    for (size_t I = 0; I < 6; ++I, Seed /= 36)
      Template[X + I] = Alphabet[Seed % 36];
    if (::linkat(AT_FDCWD, Proc.c_str(), AT_FDCWD, Template.c_str(),
                 AT_SYMLINK_FOLLOW) == 0)
      return true;
    if (errno != EEXIST)
      return false;
  }
  return false;
}

} // namespace

llvm::Expected<FileSnapshot> snapshotFile(const std::string &Path) {
  int Fd = ::open(Path.c_str(), O_RDONLY | O_CLOEXEC);
  if (Fd < 0)
    return ioError(Path, "cannot open", errno);
  FileSnapshot S;
  S.Path = Path;
  struct stat St;
  if (::fstat(Fd, &St) != 0 || !readAll(Fd, S.Bytes)) {
    int E = errno;
    ::close(Fd);
    return ioError(Path, "cannot read", E);
  }
  ::close(Fd);
  if (!S_ISREG(St.st_mode))
    return ioError(Path, "not a regular file", EINVAL);
  S.Size = static_cast<uint64_t>(St.st_size);
  S.MTimeNs = mtimeNs(St);
  S.Mode = static_cast<uint32_t>(St.st_mode & 07777);
  // The bytes must belong to the recorded stat: a write between fstat and
  // the read shows as a size mismatch here, or as a changed file later.
  if (S.Bytes.size() != S.Size)
    return ioError(Path, "changed while being read", EAGAIN);
  return S;
}

llvm::Error writeAtomically(const FileSnapshot &Was, const std::string &NewBytes,
                            const WriteHooks &Hooks) {
  const std::string Target = resolved(Was.Path);
  // rename(2) would replace a read-only file without complaint: honour the
  // user's protection explicitly, even for root (who passes access(2)).
  struct stat Now;
  if (::stat(Target.c_str(), &Now) != 0)
    return ioError(Was.Path, "not written", errno);
  if ((Now.st_mode & 0222) == 0 || ::access(Target.c_str(), W_OK) != 0)
    return ioError(Was.Path, "not written (the file is read-only)", EACCES);
  std::string Why;
  if (!unchanged(Was, Target, Why))
    return llvm::createStringError(std::errc::resource_unavailable_try_again,
                                   "%s: %s", Was.Path.c_str(), Why.c_str());

  size_t Slash = Target.rfind('/');
  std::string Dir = Slash == std::string::npos ? "." : Target.substr(0, Slash);
  std::string Base = Slash == std::string::npos ? Target : Target.substr(Slash + 1);
  std::string Temp = Dir + "/." + Base + ".paramlint-XXXXXX";
  // The new bytes go to a file with no name (O_TMPFILE) while they are
  // written and flushed: a process killed then leaves nothing behind. It
  // gets its temporary name only just before the rename. Where the file
  // system has no O_TMPFILE, a named temporary file is the fallback.
  int Fd = ::open(Dir.c_str(), O_TMPFILE | O_WRONLY | O_CLOEXEC, 0600);
  const bool Anonymous = Fd >= 0;
  if (!Anonymous)
    Fd = ::mkostemp(Temp.data(), O_CLOEXEC);
  if (Fd < 0)
    return ioError(Was.Path,
                   "not written (cannot create a temporary file in " + Dir + ")",
                   errno);
  auto Abandon = [&](llvm::Error E) {
    ::close(Fd);
    if (!Anonymous)
      ::unlink(Temp.c_str());
    return E;
  };

  llvm::Error Written = Hooks.WriteData ? Hooks.WriteData(Fd, NewBytes)
                                        : writeAllDefault(Fd, NewBytes);
  if (Written) {
    std::error_code Code;
    std::string Why;
    llvm::handleAllErrors(std::move(Written), [&](const llvm::ErrorInfoBase &I) {
      Code = I.convertToErrorCode();
      Why = I.message();
    });
    return Abandon(llvm::createStringError(
        Code, "%s: not written (%s; the original is unchanged)",
        Was.Path.c_str(), Why.c_str()));
  }
  // Keep the permissions; keeping the owner only works for root and is
  // harmless to try.
  if (::fchown(Fd, Now.st_uid, Now.st_gid) != 0) {
    // Not permitted for a normal user: the file then keeps our ownership.
  }
  if (::fchmod(Fd, static_cast<mode_t>(Was.Mode)) != 0)
    return Abandon(ioError(Was.Path, "not written (cannot set the mode)", errno));
  if (::fsync(Fd) != 0)
    return Abandon(ioError(Was.Path, "not written (fsync failed)", errno));
  if (Hooks.BeforeRename)
    Hooks.BeforeRename();
  // The window between this check and the rename is as short as it can be.
  if (!unchanged(Was, Target, Why))
    return Abandon(llvm::createStringError(std::errc::resource_unavailable_try_again,
                                           "%s: %s", Was.Path.c_str(), Why.c_str()));
  if (Anonymous && !nameAnonymousFile(Fd, Temp))
    return Abandon(ioError(Was.Path, "not written (cannot link the temporary file)",
                           errno));
  if (::close(Fd) != 0) {
    int E = errno;
    ::unlink(Temp.c_str());
    return ioError(Was.Path, "not written (close failed)", E);
  }
  if (::rename(Temp.c_str(), Target.c_str()) != 0) {
    int E = errno;
    ::unlink(Temp.c_str());
    return ioError(Was.Path, "not written (rename failed)", E);
  }
  // Make the rename itself durable.
  int DirFd = ::open(Dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (DirFd >= 0) {
    ::fsync(DirFd);
    ::close(DirFd);
  }
  return llvm::Error::success();
}

} // namespace paramlint

//===- ReadFile.cpp - Whole files with plain POSIX calls ------------------===//
#include "ReadFile.h"

#include <cerrno>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

namespace paramlint {

ReadResult readWholeFile(const std::string &Path, size_t Limit,
                         std::string &Bytes) {
  int Fd = ::open(Path.c_str(), O_RDONLY | O_CLOEXEC);
  if (Fd < 0)
    return ReadResult::CannotOpen;
  struct stat St;
  size_t Expected = ::fstat(Fd, &St) == 0 && St.st_size > 0
                        ? static_cast<size_t>(St.st_size)
                        : 0;
  if (Expected > Limit) {
    ::close(Fd);
    return ReadResult::TooLarge;
  }
  // The size is a hint (a file may grow, a pipe has none): read to EOF.
  Bytes.resize(Expected + 1);
  size_t Used = 0;
  for (;;) {
    if (Used == Bytes.size())
      Bytes.resize(Bytes.size() * 2 + 4096);
    ssize_t N = ::read(Fd, Bytes.data() + Used, Bytes.size() - Used);
    if (N < 0 && errno == EINTR)
      continue;
    if (N < 0) {
      ::close(Fd);
      return ReadResult::ReadError;
    }
    if (N == 0)
      break;
    Used += static_cast<size_t>(N);
    if (Used > Limit) {
      ::close(Fd);
      return ReadResult::TooLarge;
    }
  }
  ::close(Fd);
  Bytes.resize(Used);
  return ReadResult::Ok;
}

} // namespace paramlint

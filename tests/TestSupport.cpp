//===- TestSupport.cpp - Helpers shared by the test files -----------------===//
#include "TestSupport.h"

#include <gtest/gtest.h>

#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <fcntl.h>
#include <filesystem>
#include <fstream>
#include <poll.h>
#include <signal.h>
#include <sstream>
#include <sys/wait.h>
#include <unistd.h>

namespace paramlint::test {
namespace fs = std::filesystem;

namespace {

void setNonBlocking(int Fd) {
  int Flags = ::fcntl(Fd, F_GETFL);
  ::fcntl(Fd, F_SETFL, Flags | O_NONBLOCK);
}

void closeIfOpen(int &Fd) {
  if (Fd >= 0)
    ::close(Fd);
  Fd = -1;
}

} // namespace

RunResult runCommand(const std::vector<std::string> &Argv,
                     const std::string &Stdin, const std::string &Cwd,
                     std::chrono::milliseconds Timeout) {
  RunResult R;
  if (Argv.empty()) {
    ADD_FAILURE() << "runCommand: empty argv";
    return R;
  }
  int In[2], Out[2], Err[2];
  if (::pipe2(In, O_CLOEXEC) || ::pipe2(Out, O_CLOEXEC) ||
      ::pipe2(Err, O_CLOEXEC)) {
    ADD_FAILURE() << "pipe: " << std::strerror(errno);
    return R;
  }
  std::vector<char *> Args;
  for (const std::string &A : Argv)
    Args.push_back(const_cast<char *>(A.c_str()));
  Args.push_back(nullptr);

  pid_t Pid = ::fork();
  if (Pid < 0) {
    ADD_FAILURE() << "fork: " << std::strerror(errno);
    return R;
  }
  if (Pid == 0) {
    // Only async-signal-safe calls between fork and exec.
    ::dup2(In[0], 0);
    ::dup2(Out[1], 1);
    ::dup2(Err[1], 2);
    if (!Cwd.empty() && ::chdir(Cwd.c_str()) != 0)
      ::_exit(126);
    ::execv(Args[0], Args.data());
    ::_exit(127);
  }
  ::close(In[0]);
  ::close(Out[1]);
  ::close(Err[1]);
  int InFd = In[1], OutFd = Out[0], ErrFd = Err[0];
  setNonBlocking(InFd);
  setNonBlocking(OutFd);
  setNonBlocking(ErrFd);
  // A child that exits without reading its input must not kill us.
  ::signal(SIGPIPE, SIG_IGN);

  size_t Written = 0;
  if (Stdin.empty())
    closeIfOpen(InFd);
  auto Deadline = std::chrono::steady_clock::now() + Timeout;
  char Buf[65536];
  while (OutFd >= 0 || ErrFd >= 0) {
    auto Left = std::chrono::duration_cast<std::chrono::milliseconds>(
        Deadline - std::chrono::steady_clock::now());
    if (Left.count() <= 0) {
      R.TimedOut = true;
      ::kill(Pid, SIGKILL);
      break;
    }
    pollfd Fds[3];
    int N = 0;
    if (OutFd >= 0)
      Fds[N++] = {OutFd, POLLIN, 0};
    if (ErrFd >= 0)
      Fds[N++] = {ErrFd, POLLIN, 0};
    if (InFd >= 0)
      Fds[N++] = {InFd, POLLOUT, 0};
    int Ready = ::poll(
        Fds, N, static_cast<int>(std::min<long long>(Left.count(), 1000)));
    if (Ready < 0 && errno != EINTR) {
      ADD_FAILURE() << "poll: " << std::strerror(errno);
      ::kill(Pid, SIGKILL);
      break;
    }
    for (int I = 0; I < N; ++I) {
      if (!Fds[I].revents)
        continue;
      int Fd = Fds[I].fd;
      if (Fd == InFd) {
        ssize_t W =
            ::write(InFd, Stdin.data() + Written, Stdin.size() - Written);
        if (W > 0)
          Written += static_cast<size_t>(W);
        if ((W < 0 && errno != EAGAIN) || Written == Stdin.size())
          closeIfOpen(InFd);
        continue;
      }
      ssize_t Got = ::read(Fd, Buf, sizeof Buf);
      if (Got > 0) {
        (Fd == OutFd ? R.Out : R.Err).append(Buf, static_cast<size_t>(Got));
      } else if (Got == 0 || errno != EAGAIN) {
        if (Fd == OutFd)
          closeIfOpen(OutFd);
        else
          closeIfOpen(ErrFd);
      }
    }
  }
  closeIfOpen(InFd);
  closeIfOpen(OutFd);
  closeIfOpen(ErrFd);

  int Status = 0;
  // The pipes closed: the child is exiting; wait, but not for ever.
  while (true) {
    pid_t W = ::waitpid(Pid, &Status, WNOHANG);
    if (W == Pid)
      break;
    if (W < 0 && errno != EINTR) {
      ADD_FAILURE() << "waitpid: " << std::strerror(errno);
      return R;
    }
    if (std::chrono::steady_clock::now() > Deadline && !R.TimedOut) {
      R.TimedOut = true;
      ::kill(Pid, SIGKILL);
    }
    ::usleep(1000);
  }
  if (WIFEXITED(Status))
    R.ExitCode = WEXITSTATUS(Status);
  else if (WIFSIGNALED(Status))
    R.Signal = WTERMSIG(Status);
  if (R.TimedOut)
    ADD_FAILURE() << Argv[0] << " did not finish within "
                  << Timeout.count() / 1000 << " s and was killed";
  return R;
}

namespace {
/// The programs the tests run keep their cache out of the source tree (a
/// `check` of a fixture would otherwise leave `.paramlint_cache` beside
/// it): PARAMLINT_CACHE_DIR names a directory of this test process,
/// removed at exit, unless it is set already. Tests of the default place
/// unset it for their child.
struct ChildCacheDir {
  std::string Path;
  ChildCacheDir() {
    if (std::getenv("PARAMLINT_CACHE_DIR"))
      return;
    const char *Base = std::getenv("TMPDIR");
    std::string Template = std::string(Base && *Base ? Base : "/tmp") +
                           "/paramlint-test-cache-XXXXXX";
    if (::mkdtemp(Template.data()) &&
        ::setenv("PARAMLINT_CACHE_DIR", Template.c_str(), 0) == 0)
      Path = Template;
  }
  ~ChildCacheDir() {
    std::error_code Ec;
    if (!Path.empty())
      fs::remove_all(Path, Ec);
  }
} TheChildCacheDir;
} // namespace

RunResult runParamlint(const std::vector<std::string> &Args,
                       const std::string &Stdin, const std::string &Cwd) {
  std::vector<std::string> Argv{PARAMLINT_BINARY};
  Argv.insert(Argv.end(), Args.begin(), Args.end());
  return runCommand(Argv, Stdin, Cwd);
}

RunResult runPython(const std::vector<std::string> &Args,
                    const std::string &Stdin, const std::string &Cwd) {
  std::vector<std::string> Argv{PARAMLINT_PYTHON};
  Argv.insert(Argv.end(), Args.begin(), Args.end());
  return runCommand(Argv, Stdin, Cwd);
}

std::string sourceDir() {
  // An override lets the fixture machinery be tried on a scratch copy of
  // the fixtures without touching the tree.
  const char *Override = std::getenv("PARAMLINT_TEST_SOURCE_DIR");
  std::string S = Override && *Override ? Override : PARAMLINT_SOURCE_DIR;
  while (S.size() > 1 && S.back() == '/')
    S.pop_back();
  return S;
}

std::string readFile(const std::string &Path) {
  std::ifstream In(Path, std::ios::binary);
  if (!In) {
    ADD_FAILURE() << "cannot read " << Path;
    return "";
  }
  std::ostringstream S;
  S << In.rdbuf();
  return S.str();
}

void writeFile(const std::string &Path, const std::string &Bytes) {
  std::error_code Ec;
  fs::path Parent = fs::path(Path).parent_path();
  if (!Parent.empty())
    fs::create_directories(Parent, Ec);
  std::ofstream Out(Path, std::ios::binary | std::ios::trunc);
  Out.write(Bytes.data(), static_cast<std::streamsize>(Bytes.size()));
  if (!Out)
    ADD_FAILURE() << "cannot write " << Path;
}

TempDir::TempDir() {
  const char *Base = std::getenv("TMPDIR");
  std::string Template =
      std::string(Base && *Base ? Base : "/tmp") + "/paramlint-test-XXXXXX";
  if (!::mkdtemp(Template.data()))
    ADD_FAILURE() << "mkdtemp: " << std::strerror(errno);
  Path = Template;
}

TempDir::~TempDir() {
  if (Path.empty())
    return;
  std::error_code Ec;
  // Tests chmod files and directories to 000; give them back so that
  // remove_all can enter and delete them.
  for (fs::recursive_directory_iterator
           It(Path, fs::directory_options::skip_permission_denied, Ec),
       End;
       !Ec && It != End; It.increment(Ec)) {
    std::error_code PEc;
    if (It->is_directory(PEc) && !It->is_symlink(PEc))
      fs::permissions(It->path(), fs::perms::owner_all, fs::perm_options::add,
                      PEc);
  }
  ::chmod(Path.c_str(), 0700);
  // Directories chmod 000 were skipped above; a second pass reaches
  // what they contain.
  for (int Pass = 0; Pass < 8; ++Pass) {
    fs::remove_all(Path, Ec);
    if (!Ec)
      return;
    for (fs::recursive_directory_iterator
             It(Path, fs::directory_options::skip_permission_denied, Ec),
         End;
         !Ec && It != End; It.increment(Ec)) {
      std::error_code PEc;
      fs::permissions(It->path(), fs::perms::owner_all, fs::perm_options::add,
                      PEc);
    }
  }
}

std::string TempDir::file(const std::string &Relative) const {
  return Path + "/" + Relative;
}

std::string TempDir::write(const std::string &Relative,
                           const std::string &Bytes) const {
  std::string P = file(Relative);
  writeFile(P, Bytes);
  return P;
}

std::string describeRun(const RunResult &R) {
  std::ostringstream S;
  if (R.TimedOut)
    S << "timed out; ";
  if (R.Signal)
    S << "killed by signal " << R.Signal << "; ";
  else
    S << "exit code " << R.ExitCode << "; ";
  S << "stdout:\n"
    << R.Out.substr(0, 4000) << "\nstderr:\n"
    << R.Err.substr(0, 4000);
  return S.str();
}

} // namespace paramlint::test

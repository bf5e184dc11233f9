//===- TestSupport.h - Helpers shared by the test files ---------*- C++ -*-===//
///
/// \file
/// Running the built program (and the PyTorch python) as a user would, with
/// a timeout; temporary directories; whole-file reads and writes.
///
//===----------------------------------------------------------------------===//
#ifndef PARAMLINT_TESTS_TESTSUPPORT_H
#define PARAMLINT_TESTS_TESTSUPPORT_H

#include <chrono>
#include <string>
#include <vector>

namespace paramlint::test {

/// What a child process did. ExitCode is -1 when it did not exit normally;
/// Signal is then the signal that ended it (SIGKILL after a timeout).
struct RunResult {
  int ExitCode = -1;
  std::string Out, Err;
  int Signal = 0;
  bool TimedOut = false;
};

/// The default limit for one child process.
constexpr std::chrono::seconds DefaultTimeout{120};

/// Runs Argv[0] (a path, not searched on PATH) with Argv, feeding Stdin and
/// capturing stdout and stderr. A child that outlives Timeout is killed and
/// the test fails. Cwd, when not empty, is the child's working directory.
RunResult runCommand(const std::vector<std::string> &Argv,
                     const std::string &Stdin = "", const std::string &Cwd = "",
                     std::chrono::milliseconds Timeout = DefaultTimeout);

/// Runs the built paramlint (PARAMLINT_BINARY) with Args.
RunResult runParamlint(const std::vector<std::string> &Args,
                       const std::string &Stdin = "",
                       const std::string &Cwd = "");

/// Runs the python that has PyTorch (PARAMLINT_PYTHON) with Args.
RunResult runPython(const std::vector<std::string> &Args,
                    const std::string &Stdin = "", const std::string &Cwd = "");

/// The source tree (PARAMLINT_SOURCE_DIR, or $PARAMLINT_TEST_SOURCE_DIR
/// when set), without a trailing slash.
std::string sourceDir();

/// The whole content of a file; fails the test and returns "" when it
/// cannot be read.
std::string readFile(const std::string &Path);

/// Writes Bytes to Path (creating parent directories); fails the test on
/// error.
void writeFile(const std::string &Path, const std::string &Bytes);

/// A fresh directory under $TMPDIR (or /tmp), removed with everything in it
/// (whatever its permissions) when the object dies.
class TempDir {
public:
  TempDir();
  ~TempDir();
  TempDir(const TempDir &) = delete;
  TempDir &operator=(const TempDir &) = delete;

  const std::string &path() const { return Path; }
  /// `path()/Relative`.
  std::string file(const std::string &Relative) const;
  /// Writes a file under the directory and returns its full path.
  std::string write(const std::string &Relative,
                    const std::string &Bytes) const;

private:
  std::string Path;
};

/// A short human-readable description of a run, for failure messages.
std::string describeRun(const RunResult &R);

} // namespace paramlint::test

#endif // PARAMLINT_TESTS_TESTSUPPORT_H

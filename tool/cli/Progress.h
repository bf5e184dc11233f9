//===- cli/Progress.h - A progress bar on stderr for long runs -*- C++ -*-===//
///
/// \file
/// `[=====>     ] 1234/5000 files` on stderr, redrawn in place, only when
/// stderr is a terminal and `CI` is not set, and only once a run has taken
/// longer than a moment (PARAMLINT_PROGRESS_DELAY_MS, default 300 ms), so
/// short runs, pipes and CI logs never see it. The line is erased when the
/// bar is done, before any report is printed.
///
//===----------------------------------------------------------------------===//
#ifndef PARAMLINT_CLI_PROGRESS_H
#define PARAMLINT_CLI_PROGRESS_H

#include <chrono>
#include <cstddef>
#include <mutex>

namespace paramlint {

class ProgressBar {
public:
  /// Whether a bar may be shown at all: stderr is a terminal, CI unset.
  static bool wanted();

  ProgressBar();
  ~ProgressBar() { finish(); }
  ProgressBar(const ProgressBar &) = delete;
  ProgressBar &operator=(const ProgressBar &) = delete;

  /// Records progress; draws at most ten times a second. Thread-safe.
  void update(size_t Done, size_t Total);
  /// Erases the bar if it was drawn.
  void finish();

private:
  std::mutex Mutex;
  std::chrono::steady_clock::time_point Start, LastDraw;
  std::chrono::milliseconds Delay;
  bool Drawn = false;
};

} // namespace paramlint

#endif // PARAMLINT_CLI_PROGRESS_H

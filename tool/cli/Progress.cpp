//===- cli/Progress.cpp - A progress bar on stderr for long runs ----------===//
#include "cli/Progress.h"

#include <fmt/format.h>

#include <cstdio>
#include <cstdlib>
#include <string>
#include <unistd.h>

namespace paramlint {

bool ProgressBar::wanted() {
  const char *Ci = std::getenv("CI");
  return isatty(STDERR_FILENO) != 0 && !(Ci && *Ci);
}

ProgressBar::ProgressBar() : Start(std::chrono::steady_clock::now()) {
  const char *D = std::getenv("PARAMLINT_PROGRESS_DELAY_MS");
  Delay = std::chrono::milliseconds(D && *D ? std::atol(D) : 300);
}

void ProgressBar::update(size_t Done, size_t Total) {
  std::lock_guard<std::mutex> Lock(Mutex);
  auto Now = std::chrono::steady_clock::now();
  if (Now - Start < Delay || Total == 0)
    return;
  // The last file always draws, so the bar ends full; the rest throttle.
  if (Drawn && Done < Total && Now - LastDraw < std::chrono::milliseconds(100))
    return;
  constexpr size_t Width = 30;
  size_t Fill = Done * Width / Total;
  std::string Bar(Fill, '=');
  if (Fill < Width)
    Bar += '>' + std::string(Width - Fill - 1, ' ');
  std::fputs(fmt::format("\r[{}] {}/{} files", Bar, Done, Total).c_str(), stderr);
  std::fflush(stderr);
  Drawn = true;
  LastDraw = Now;
}

void ProgressBar::finish() {
  std::lock_guard<std::mutex> Lock(Mutex);
  if (!Drawn)
    return;
  std::fputs("\r\x1b[K", stderr);
  std::fflush(stderr);
  Drawn = false;
}

} // namespace paramlint

//===- Parallel.h - Index loops spread over worker threads -----*- C++ -*-===//
///
/// \file
/// The one way paramlint spreads independent work over `--jobs` threads:
/// every worker takes the next index until none is left, so that files of
/// very different sizes (or best-match groups of very different costs)
/// balance by themselves. Results go to slots indexed like the input, and
/// callers combine them in index order afterwards, so the output never
/// depends on which thread did what.
///
//===----------------------------------------------------------------------===//
#ifndef PARAMLINT_PARALLEL_H
#define PARAMLINT_PARALLEL_H

#include <algorithm>
#include <atomic>
#include <cstddef>
#include <thread>
#include <vector>

namespace paramlint {

/// The number of workers for Jobs (0: one per core), never more than N
/// and never fewer than one.
inline unsigned workerCount(unsigned Jobs, size_t N) {
  unsigned J = Jobs ? Jobs : std::thread::hardware_concurrency();
  return std::max(1u, static_cast<unsigned>(std::min<size_t>(J ? J : 1, N)));
}

/// Calls Body(I, Worker) for every I in [0, N) on workerCount(Jobs, N)
/// threads (the calling thread is one of them), Worker in [0, that count):
/// no two calls with the same Worker run at once, so Body may keep scratch
/// state per worker (a cache, a list to merge afterwards). Body must be
/// safe to call concurrently for different indices; it must not throw.
template <typename Fn>
void parallelForWorkers(size_t N, unsigned Jobs, Fn &&Body) {
  unsigned Workers = workerCount(Jobs, N);
  if (Workers <= 1) {
    for (size_t I = 0; I < N; ++I)
      Body(I, 0u);
    return;
  }
  std::atomic<size_t> Next{0};
  auto Work = [&](unsigned Worker) {
    for (size_t I = Next++; I < N; I = Next++)
      Body(I, Worker);
  };
  std::vector<std::thread> Threads;
  for (unsigned J = 1; J < Workers; ++J)
    Threads.emplace_back(Work, J);
  Work(0);
  for (std::thread &T : Threads)
    T.join();
}

/// Calls Body(I) for every I in [0, N) on workerCount(Jobs, N) threads (the
/// calling thread is one of them). Body must be safe to call concurrently
/// for different indices; it must not throw.
template <typename Fn> void parallelFor(size_t N, unsigned Jobs, Fn &&Body) {
  parallelForWorkers(N, Jobs, [&Body](size_t I, unsigned) { Body(I); });
}

} // namespace paramlint

#endif // PARAMLINT_PARALLEL_H

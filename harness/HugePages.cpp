//===- HugePages.cpp - Large outputs on transparent huge pages ------------===//
#include "HugePages.h"

#include <cstdint>
#include <sys/mman.h>

namespace paramlint::harness {

void adviseHugePages(void *Data, std::size_t Bytes) {
  constexpr std::uintptr_t Huge = std::uintptr_t(2) << 20;
  auto Begin = reinterpret_cast<std::uintptr_t>(Data);
  std::uintptr_t First = (Begin + Huge - 1) & ~(Huge - 1);
  std::uintptr_t Last = (Begin + Bytes) & ~(Huge - 1);
  if (Last > First)
    ::madvise(reinterpret_cast<void *>(First), Last - First, MADV_HUGEPAGE);
}

} // namespace paramlint::harness

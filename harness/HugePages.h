//===- HugePages.h - Large outputs on transparent huge pages ----*- C++ -*-===//
///
/// \file
/// A fresh 128 MiB output costs more to fault in, 4 KiB at a time, than the
/// norm kernel takes to fill it (69 ms against 24 ms at 8192 x 4096 fp32 on
/// the reference machine). Asking the kernel for transparent huge pages on
/// the buffer (Debian's default THP mode is `madvise`) cuts that to 15 ms.
///
//===----------------------------------------------------------------------===//
#ifndef PARAMLINT_HARNESS_HUGEPAGES_H
#define PARAMLINT_HARNESS_HUGEPAGES_H

#include <cstddef>
#include <vector>

namespace paramlint::harness {

/// Advises huge pages for the 2 MiB-aligned part of [Data, Data + Bytes)
/// when it spans at least one huge page; a hint only, never an error.
void adviseHugePages(void *Data, std::size_t Bytes);

/// Resizes V to N elements, asking for huge pages before the new storage is
/// first touched (the zero fill), when V must grow.
template <class T> void resizeOnHugePages(std::vector<T> &V, std::size_t N) {
  if (N > V.capacity()) {
    V.reserve(N);
    adviseHugePages(V.data(), N * sizeof(T));
  }
  V.resize(N);
}

} // namespace paramlint::harness

#endif // PARAMLINT_HARNESS_HUGEPAGES_H

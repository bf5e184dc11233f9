//===- ReadFile.h - Whole files with plain POSIX calls ---------*- C++ -*-===//
///
/// \file
/// Reads a file into a string with one open, one fstat and (usually) one
/// read. Analysis reads every input this way and the facts cache every
/// entry: thousands of small files per run, where an ifstream's own buffer
/// allocation cost more than the read itself.
///
//===----------------------------------------------------------------------===//
#ifndef PARAMLINT_READFILE_H
#define PARAMLINT_READFILE_H

#include <cstddef>
#include <string>

namespace paramlint {

enum class ReadResult { Ok, CannotOpen, TooLarge, ReadError };

/// Reads Path whole into Bytes, refusing more than Limit bytes. The size
/// fstat reports is a hint (a file may grow, a pipe has none): it reads to
/// end of file. A directory is a ReadError.
ReadResult readWholeFile(const std::string &Path, size_t Limit,
                         std::string &Bytes);

} // namespace paramlint

#endif // PARAMLINT_READFILE_H

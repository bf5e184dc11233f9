//===- Annotations.h - What a fixture says must (not) fire ------*- C++ -*-===//
///
/// \file
/// Fixtures carry their expectations in comments, next to the code:
///
///     x.norm1.scale = g            # expect: PL101
///     # expect: PL104 "ln_1"
///     x.norm1.weight = p["ln_1"]["b"]
///     x.norm1.bias = p["ln_1"]["b"]   # ok: PL104
///     y = 1  # expect: PL101, PL103 "never loaded"
///
/// `expect:` lists codes (comma-separated), each optionally followed by a
/// quoted substring its message must contain. `ok:` says the code must NOT
/// fire on that line. A trailing annotation (code before it on its line)
/// applies to its own line; an own-line annotation applies to the next line
/// that is neither blank nor only a comment. Python (and notebook cells)
/// use `#`; C++ files (by extension) use `//`. A comment may hold several
/// annotations after other text: `# noqa: PL101  # expect: PL002`.
///
//===----------------------------------------------------------------------===//
#ifndef PARAMLINT_TESTS_ANNOTATIONS_H
#define PARAMLINT_TESTS_ANNOTATIONS_H

#include "SourceFile.h"

#include "llvm/Support/Error.h"

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace paramlint::test {

/// One code a fixture line expects (or, when Ok, forbids).
struct Expectation {
  std::string Code;
  uint32_t Row = 0;             ///< Row of the line it applies to.
  std::optional<uint32_t> Cell; ///< Notebook code cell, as Position has it.
  std::string MessageContains;  ///< Empty: any message.
  bool Ok = false;              ///< `ok:`: the code must not fire here.
  uint32_t AnnotationRow = 0;   ///< Row of the comment itself.
};

/// Every annotation of a file, in order, with rows and cells in the
/// coordinates SourceFile::position reports. Fails, naming the file and
/// row, on a malformed annotation (no code, a lower-case code, an open
/// quote) or an own-line annotation that no code line follows (in its cell).
llvm::Expected<std::vector<Expectation>>
parseAnnotations(const SourceFile &File);

} // namespace paramlint::test

#endif // PARAMLINT_TESTS_ANNOTATIONS_H

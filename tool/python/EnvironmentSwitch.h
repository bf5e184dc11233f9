//===- python/EnvironmentSwitch.h - Speed-ups the environment turns off -*- C++ -*-===//
///
/// \file
/// The frontend's speed-ups that reach into how tree-sitter parses (the
/// parse arena, the SubtreeReader, the lexer's fast path, the dense parse
/// table, the scanner memo) can each be turned off from the environment, so that a run, and
/// ctest, can take the runtime's own way instead.
///
//===----------------------------------------------------------------------===//
#ifndef PARAMLINT_PYTHON_ENVIRONMENTSWITCH_H
#define PARAMLINT_PYTHON_ENVIRONMENTSWITCH_H

#include <cstdlib>
#include <cstring>

namespace paramlint {
namespace py {

/// Whether the environment variable Name is `off` or `0`.
inline bool switchedOffInEnvironment(const char *Name) {
  const char *Value = std::getenv(Name);
  return Value && (std::strcmp(Value, "off") == 0 || std::strcmp(Value, "0") == 0);
}

} // namespace py
} // namespace paramlint

#endif // PARAMLINT_PYTHON_ENVIRONMENTSWITCH_H

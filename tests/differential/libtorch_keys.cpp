//===- differential/libtorch_keys.cpp - libtorch's own state names --------===//
///
/// \file
/// Builds the libtorch fixture model and prints what libtorch says its
/// state is: `parameter NAME` for named_parameters(), `buffer NAME` for
/// named_buffers(). CxxDifferentialTest compares them with paramlint's
/// key space for the same source.
///
//===----------------------------------------------------------------------===//
#include "model.h"

#include <iostream>

int main() {
  GPT Model(100, 16, 3);
  for (const auto &P : Model->named_parameters())
    std::cout << "parameter " << P.key() << "\n";
  for (const auto &B : Model->named_buffers())
    std::cout << "buffer " << B.key() << "\n";
  return 0;
}

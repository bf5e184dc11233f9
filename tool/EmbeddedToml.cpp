//===- EmbeddedToml.cpp - Parse a data table compiled into the program ----===//
#include "EmbeddedToml.h"

#include <cstdio>
#include <cstdlib>
#include <string>

namespace paramlint {

toml::table parseEmbeddedToml(const char *Text, const char *Name) {
  try {
    return toml::parse(Text);
  } catch (const toml::parse_error &E) {
    std::fprintf(stderr, "paramlint: internal error: %s: %s\n", Name,
                 std::string(E.description()).c_str());
    std::abort();
  }
}

} // namespace paramlint

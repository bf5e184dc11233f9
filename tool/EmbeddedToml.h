//===- EmbeddedToml.h - Parse a data table compiled into the program -*- C++ -*-===//
#ifndef PARAMLINT_EMBEDDEDTOML_H
#define PARAMLINT_EMBEDDEDTOML_H

#include <toml++/toml.h>

namespace paramlint {

/// Parses a TOML table embedded by cmake/EmbedData.cmake. The tables are
/// compiled in and tested, so a parse failure is a build defect: it is
/// reported with Name and aborts rather than being returned as an error.
toml::table parseEmbeddedToml(const char *Text, const char *Name);

} // namespace paramlint

#endif // PARAMLINT_EMBEDDEDTOML_H

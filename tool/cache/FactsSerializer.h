//===- cache/FactsSerializer.h - FileFacts to bytes and back ----*- C++ -*-===//
///
/// \file
/// The compact binary form of a FileFacts that the facts cache stores:
/// unsigned numbers as LEB128 varints, strings and lists as a length and
/// their elements, enums and optionals as one tag, every field of every
/// fact in declaration order. There is no per-field tagging: the cache
/// directory's name carries FactsFormatVersion and the build, so a reader
/// only ever sees bytes its own writer made (or damaged ones, which it
/// rejects).
///
/// Each struct is taken apart with a structured binding that names all its
/// fields, so adding a field to graph/Facts.h breaks the build here until
/// the field is written and read (and the round-trip test compares it).
///
//===----------------------------------------------------------------------===//
#ifndef PARAMLINT_CACHE_FACTSSERIALIZER_H
#define PARAMLINT_CACHE_FACTSSERIALIZER_H

#include "graph/Facts.h"

#include <optional>
#include <string>
#include <string_view>

namespace paramlint {

/// Bump when the meaning of the bytes changes without a change to the
/// structs (an encoding choice): old cache entries are then ignored.
constexpr unsigned FactsFormatVersion = 2;

/// Appends the bytes of Facts to Out. Returns false (Out then holds a
/// partial entry the caller must drop) for facts too deeply nested to read
/// back safely: a ModuleExpr nested deeper than MaxModuleExprDepth.
bool serializeFacts(const FileFacts &Facts, std::string &Out);

/// Reads what serializeFacts wrote: nullopt when Bytes are truncated,
/// damaged or have bytes left over. Never reads past Bytes, and never
/// allocates more elements than Bytes could hold.
std::optional<FileFacts> deserializeFacts(std::string_view Bytes);

/// Deeper ModuleExpr trees (containers of containers) are not cached, so
/// that reading cannot exhaust a worker thread's stack.
constexpr unsigned MaxModuleExprDepth = 256;

} // namespace paramlint

#endif // PARAMLINT_CACHE_FACTSSERIALIZER_H

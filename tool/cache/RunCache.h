//===- cache/RunCache.h - The diagnostics of an unchanged run ---*- C++ -*-===//
///
/// \file
/// Facts are per file, but linking is whole-program and costs more than
/// parsing on a large tree. When nothing a run's diagnostics depend on has
/// changed, the last run's diagnostics are reused and nothing is linked.
///
/// They depend on: the files read (inputs and the imported files found for
/// them), in order, each by path, text, notebook cells and load problem;
/// the working directory (module paths are made absolute against it); the
/// options that choose and silence findings (select, ignore, per-file
/// ignores, whether checks run); what the config adds to the tables (role
/// aliases, library classes); and the build, which names the cache
/// directory. That is the run key. Discovery, exclusion and the search for
/// imported files still run every time, so a new, removed or renamed file
/// changes the key.
///
/// Locations point at files by their index in Analysis::Files. Runs with
/// checkpoints are never reused: a checkpoint is a large file outside the
/// tree, and its binding lives in the graph.
///
//===----------------------------------------------------------------------===//
#ifndef PARAMLINT_CACHE_RUNCACHE_H
#define PARAMLINT_CACHE_RUNCACHE_H

#include "Diagnostic.h"
#include "SourceFile.h"
#include "cache/ContentHash.h"

#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace paramlint {

struct AnalysisOptions;

/// The key of a run over Files (LoadProblems parallel to it: the PL001
/// message of a file that could not be read, else empty) with Options.
Hash128 runKey(const std::vector<std::unique_ptr<SourceFile>> &Files,
               size_t InputCount, const std::vector<std::string> &LoadProblems,
               const AnalysisOptions &Options);

/// The bytes of Diags, whose locations point into Files; nullopt when one
/// points elsewhere (a checkpoint's stand-in).
std::optional<std::string>
serializeDiagnostics(const std::vector<Diagnostic> &Diags,
                     const std::vector<std::unique_ptr<SourceFile>> &Files);

/// Diagnostics read back against the same Files; nullopt when the bytes
/// are damaged or name a file or a span Files do not have.
std::optional<std::vector<Diagnostic>>
deserializeDiagnostics(std::string_view Bytes,
                       const std::vector<std::unique_ptr<SourceFile>> &Files);

} // namespace paramlint

#endif // PARAMLINT_CACHE_RUNCACHE_H

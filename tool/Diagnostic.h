//===- Diagnostic.h - Findings, their locations and fixes ------*- C++ -*-===//
///
/// \file
/// A Diagnostic is one finding: a rule code, a message naming both sides,
/// where it is, related locations, and an optional Fix (byte-range edits
/// with an applicability). Checks emit them into a DiagnosticSink; reporters
/// print them. Diagnostics are data, never errors.
///
//===----------------------------------------------------------------------===//
#ifndef PARAMLINT_DIAGNOSTIC_H
#define PARAMLINT_DIAGNOSTIC_H

#include "SourceFile.h"
#include "graph/Facts.h"

#include <mutex>
#include <optional>
#include <string>
#include <vector>

namespace paramlint {

/// A place in a file the run read.
struct Location {
  const SourceFile *File = nullptr;
  Span Where;
};

/// Replace the bytes of Where by Content.
struct Edit {
  Span Where;
  std::string Content;
};

enum class Applicability { Safe, Unsafe };

/// A set of edits that together fix one diagnostic.
struct Fix {
  Applicability Applies = Applicability::Safe;
  std::string Message; ///< e.g. "Rename `scale` to `weight`".
  std::vector<Edit> Edits;
};

/// A secondary location with a note ("model: `GPTModel` (model.py:58)").
struct Note {
  std::string Message;
  std::optional<Location> Where;
};

struct Diagnostic {
  std::string Code; ///< `PL101`.
  std::string Message;
  Location Where;
  std::vector<Note> Notes;
  std::optional<Fix> TheFix;
};

/// Collects diagnostics from checks; safe to use from several threads.
class DiagnosticSink {
public:
  void report(Diagnostic D) {
    std::lock_guard<std::mutex> Lock(Mutex);
    Diagnostics.push_back(std::move(D));
  }
  /// All diagnostics, sorted by file, position and code.
  std::vector<Diagnostic> take();

private:
  std::mutex Mutex;
  std::vector<Diagnostic> Diagnostics;
};

} // namespace paramlint

#endif // PARAMLINT_DIAGNOSTIC_H

namespace paramlint {
/// `path:row` (or `path:cell N:row` in a notebook) for messages and notes.
std::string formatLocation(const Location &L);
} // namespace paramlint

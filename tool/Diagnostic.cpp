//===- Diagnostic.cpp - Findings, their locations and fixes ---------------===//
#include "Diagnostic.h"

#include <algorithm>
#include <tuple>

namespace paramlint {

std::vector<Diagnostic> DiagnosticSink::take() {
  std::lock_guard<std::mutex> Lock(Mutex);
  std::vector<Diagnostic> Out = std::move(Diagnostics);
  Diagnostics.clear();
  auto Key = [](const Diagnostic &D) {
    static const std::string Empty;
    return std::tie(D.Where.File ? D.Where.File->path() : Empty,
                    D.Where.Where.Begin, D.Code, D.Message);
  };
  std::stable_sort(Out.begin(), Out.end(),
                   [&](const Diagnostic &A, const Diagnostic &B) {
                     return Key(A) < Key(B);
                   });
  // The same finding reached twice (e.g. through two bindings) is one.
  Out.erase(std::unique(Out.begin(), Out.end(),
                        [&](const Diagnostic &A, const Diagnostic &B) {
                          return Key(A) == Key(B);
                        }),
            Out.end());
  return Out;
}

} // namespace paramlint

namespace paramlint {
std::string formatLocation(const Location &L) {
  if (!L.File)
    return "<unknown>";
  Position P = L.File->position(L.Where.Begin);
  std::string Out = L.File->path() + ":";
  if (P.Cell)
    Out += "cell " + std::to_string(*P.Cell) + ":";
  return Out + std::to_string(P.Row);
}
} // namespace paramlint

//===- checks/Check.h - The interface every rule implements ----*- C++ -*-===//
///
/// \file
/// A check reads the ParamGraph (never syntax), so one check serves every
/// language a frontend feeds into the graph. Each lives in its own
/// `<Name>Check.{h,cpp}` and is registered by one line in Registry.cpp.
///
//===----------------------------------------------------------------------===//
#ifndef PARAMLINT_CHECKS_CHECK_H
#define PARAMLINT_CHECKS_CHECK_H

#include "Diagnostic.h"
#include "graph/ParamGraph.h"

namespace paramlint {

enum class Severity { Warning, Error };

/// The public identity of a rule: its code, its kebab-case name (naming the
/// flagged pattern), and its default severity.
struct CheckInfo {
  const char *Code;
  const char *Name;
  Severity DefaultSeverity;
};

/// A rule that reads the graph and reports diagnostics.
class Check {
public:
  virtual ~Check() = default;
  virtual const CheckInfo &info() const = 0;
  virtual void run(const ParamGraph &Graph, DiagnosticSink &Out) const = 0;
};

} // namespace paramlint

#endif // PARAMLINT_CHECKS_CHECK_H

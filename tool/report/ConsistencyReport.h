//===- report/ConsistencyReport.h - The naming-consistency report -*- C++ -*-===//
///
/// \file
/// `paramlint report`: what a maintainer reads about a project's parameter
/// names. The norm classes and the names they give their scale and shift
/// (with the modules that use each), each root model's key space (layer
/// indices collapsed to `*`), each loader and how much of its model it
/// writes, every finding grouped by rule with its source line, and the
/// parameter-name graph as a picture. Written as Markdown, JSON, or one
/// self-contained HTML file (inline CSS and SVG, no network references).
///
//===----------------------------------------------------------------------===//
#ifndef PARAMLINT_REPORT_CONSISTENCYREPORT_H
#define PARAMLINT_REPORT_CONSISTENCYREPORT_H

#include "Analysis.h"

#include "llvm/Support/Error.h"

#include <ostream>
#include <string>
#include <vector>

namespace paramlint {

/// One norm class and the names it uses, with every module path using it.
struct NormConvention {
  std::string ClassName;
  std::string Where; ///< `model.py:12` for a project class, else the library.
  std::string Scale, Shift; ///< Slot names in those roles (`-` when none).
  std::string Kind;         ///< `library` or `project`.
  /// What it computes, as the harness describes it ("LayerNorm(biased var,
  /// eps=1e-05 inside sqrt, ...)"), or "unknown: why"; one entry per
  /// distinct variant among its users (constructor arguments can differ).
  std::vector<std::string> Variants;
  std::vector<std::string> Users; ///< `GPTModel.trf_blocks.*.norm1`.
};

/// One key pattern of a model's state dict.
struct KeyRow {
  std::string Key, Kind, Role;
  bool Conditional = false;
};

struct ModelSection {
  std::string Name, Where;
  std::vector<KeyRow> Keys;
};

/// A loader and how much of its model's key space it writes.
struct LoaderRow {
  std::string Function, Where, Model;
  size_t Written = 0, Total = 0, Missing = 0;
  std::vector<std::string> NotWritten; ///< Model keys it never writes.
};

/// The findings of one rule.
struct RuleFindings {
  std::string Code, Name, Summary;
  struct Item {
    std::string Where, Message, Snippet;
  };
  std::vector<Item> Items;
};

struct ConsistencyReport {
  std::vector<std::string> Inputs;
  std::vector<NormConvention> Conventions;
  std::vector<ModelSection> Models;
  std::vector<LoaderRow> Loaders;
  std::vector<RuleFindings> Findings;
  std::string Dot; ///< The graph, as `paramlint graph --format dot` prints it.
};

/// Builds the report from an analysis that ran its checks.
ConsistencyReport buildReport(const Analysis &A);

void writeReportMarkdown(std::ostream &OS, const ConsistencyReport &R);
void writeReportJson(std::ostream &OS, const ConsistencyReport &R);
/// Svg is the rendered graph (renderSvg), inlined as is.
void writeReportHtml(std::ostream &OS, const ConsistencyReport &R,
                     const std::string &Svg);

/// Lays out a DOT graph with Graphviz (`dot`) and returns it as SVG without
/// the XML prolog and DOCTYPE, ready to inline in HTML.
llvm::Expected<std::string> renderSvg(const std::string &Dot);

} // namespace paramlint

#endif // PARAMLINT_REPORT_CONSISTENCYREPORT_H

//===- SourceFile.h - A file's text and its coordinate systems -*- C++ -*-===//
///
/// \file
/// The text paramlint analyses for one input file, and the mapping from byte
/// offsets to what a user sees: 1-based rows and columns (columns count
/// Unicode code points, as Ruff's do) and, for notebooks, the code cell.
///
/// A notebook's text is its code cells joined in order, one cell after the
/// other, with magics and shell lines blanked out (kept as empty lines so
/// rows still map); CellStarts says where each cell begins.
///
//===----------------------------------------------------------------------===//
#ifndef PARAMLINT_SOURCEFILE_H
#define PARAMLINT_SOURCEFILE_H

#include "graph/Facts.h"

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace paramlint {

enum class SourceKind { Python, Notebook, Cxx };

/// A 1-based row and column; Cell is the 1-based code-cell number in a
/// notebook (rows then count from the cell's first line), else nullopt.
struct Position {
  uint32_t Row = 1;
  uint32_t Column = 1;
  std::optional<uint32_t> Cell;
};

/// One code cell of a notebook inside the joined text.
struct CellSpan {
  uint32_t Number = 0;    ///< 1-based among the notebook's code cells.
  uint32_t Index = 0;     ///< 0-based index in the notebook's `cells` array.
  uint32_t BeginByte = 0; ///< Where the cell's text starts in the joined text.
  uint32_t FirstRow = 0;  ///< 0-based row of that start in the joined text.
};

/// A file's analysable text with its line table.
class SourceFile {
public:
  SourceFile(std::string Path, std::string Text, SourceKind Kind,
             std::vector<CellSpan> Cells = {});

  const std::string &path() const { return Path; }
  const std::string &text() const { return Text; }
  SourceKind kind() const { return Kind; }
  const std::vector<CellSpan> &cells() const { return Cells; }

  /// The user-facing position of a byte offset (clamped to the text).
  Position position(uint32_t Byte) const;
  /// The line of text (without its newline) that holds a byte offset.
  std::string_view lineAt(uint32_t Byte) const;
  /// The slice of text a span covers.
  std::string_view slice(Span S) const;

private:
  std::string Path;
  std::string Text;
  SourceKind Kind;
  std::vector<CellSpan> Cells;
  std::vector<uint32_t> LineStarts; ///< Byte offset of every line's start.
};

} // namespace paramlint

#endif // PARAMLINT_SOURCEFILE_H

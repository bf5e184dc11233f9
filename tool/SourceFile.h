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
/// Once a file's facts are extracted its text is needed only for the few
/// files a finding quotes or a fix edits, so analyze() releases it
/// (releaseText): what stays is the size, a content hash, the line table and
/// where multi-byte characters are, enough for every position. text() reads
/// the file again when asked and checks that it is the text that was
/// analysed; a file that changed on disk since gives no text (changed()).
///
//===----------------------------------------------------------------------===//
#ifndef PARAMLINT_SOURCEFILE_H
#define PARAMLINT_SOURCEFILE_H

#include "cache/ContentHash.h"
#include "graph/Facts.h"

#include <cstdint>
#include <mutex>
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

class SourceFile;

/// Reads a released file's analysable text again, the way it was first
/// made (the bytes of a `.py`, the joined code cells of a notebook);
/// nullopt when it cannot.
using TextReader = std::optional<std::string> (*)(const SourceFile &File);

/// A file's analysable text with its line table.
class SourceFile {
public:
  SourceFile(std::string Path, std::string Text, SourceKind Kind,
             std::vector<CellSpan> Cells = {});

  const std::string &path() const { return Path; }
  /// The analysed text. After releaseText() the file is read again (once)
  /// and must hash as it did; when it changed or cannot be read, changed()
  /// is true and the text is blanks with the analysed text's size and line
  /// breaks (spans stay in bounds; nothing quotes other bytes).
  const std::string &text() const;
  SourceKind kind() const { return Kind; }
  const std::vector<CellSpan> &cells() const { return Cells; }
  /// The analysed text's size in bytes, kept when the text is released.
  uint32_t size() const { return Size; }
  /// contentHash() of the analysed text (the facts cache's key).
  const Hash128 &hash() const { return Hash; }

  /// The user-facing position of a byte offset (clamped to the text).
  /// Needs no text: the line table and the multi-byte characters are kept.
  Position position(uint32_t Byte) const;
  /// Where the line holding a byte offset starts (needs no text).
  uint32_t lineStart(uint32_t Byte) const;
  /// The line of text (without its newline) that holds a byte offset.
  std::string_view lineAt(uint32_t Byte) const;
  /// The slice of text a span covers.
  std::string_view slice(Span S) const;

  /// Drops the text; text() reads it again through Reader. A file whose
  /// text is mostly multi-byte characters keeps it (their table would be
  /// larger than the text). Not thread-safe with text().
  void releaseText(TextReader Reader);
  /// Whether the text is released and not read back yet.
  bool released() const;
  /// Whether reading a released text back found other bytes than those
  /// analysed (or none): the file changed on disk since it was read, and
  /// excerpts and fixes of it must not be made from text().
  bool changed() const;

private:
  std::string Path;
  mutable std::string Text;
  SourceKind Kind;
  std::vector<CellSpan> Cells;
  std::vector<uint32_t> LineStarts; ///< Byte offset of every line's start.
  /// Offsets of the UTF-8 continuation bytes (columns skip them).
  std::vector<uint32_t> Continuations;
  uint32_t Size = 0;
  Hash128 Hash;
  TextReader Reader = nullptr;
  mutable std::mutex ReadMutex; ///< Guards reading a released text back.
  mutable bool Released = false, Changed = false;
};

} // namespace paramlint

#endif // PARAMLINT_SOURCEFILE_H

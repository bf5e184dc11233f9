//===- python/LexerFastPath.h - One-byte characters without the detour -*- C++ -*-===//
///
/// \file
/// The grammar's lexer and external scanner move through the text one
/// character at a time through a function pointer the runtime puts in its
/// lexer (`TSLexer::advance`). In runtime 0.20.7 each step then goes
/// through three more functions and a UTF-8 decoder called through another
/// pointer: some 95 instructions per character, 15% of `check`'s
/// instructions. Nearly every character of model code is one byte.
///
/// The fast path replaces that pointer in a parser's lexer with a function
/// that takes a step from a one-byte character to a one-byte character
/// itself (the position, the row and column, the token's start when
/// skipping, the next character) and hands every other step, unchanged, to
/// the runtime's own function: a multi-byte or undecodable character, the
/// end of the text or of the input's chunk, the end of an included range,
/// a logger.
///
/// The lexer's fields are the runtime's private layout (0.20.7, 64-bit).
/// At first use a probe text with every kind of step is parsed with and
/// without the fast path and the two trees compared node by node (symbol,
/// bytes, rows and columns, errors); on any difference, or on a lexer that
/// does not look like 0.20.7's, the fast path is never used, so a runtime
/// with another layout costs speed, never correctness.
///
/// Only the parse arena's parsers use it (python/ParseArena.h): the parse
/// `check` makes, and `bare_parse --arena`, the floor timed with it. The
/// thread's heap parser parses as the runtime comes.
///
//===----------------------------------------------------------------------===//
#ifndef PARAMLINT_PYTHON_LEXERFASTPATH_H
#define PARAMLINT_PYTHON_LEXERFASTPATH_H

#include <tree_sitter/api.h>

namespace paramlint {
namespace py {

/// Gives Parser's lexer the fast path, when the self-check passed; returns
/// whether it did. Call after ts_parser_new, before parsing.
bool useLexerFastPath(TSParser *Parser);

/// Whether the self-check passed (it runs once, at the first call of this
/// or of useLexerFastPath) and `PARAMLINT_LEXER_FAST_PATH=off` is not set.
bool lexerFastPathAvailable();

/// Whether the environment asks for the runtime's own steps
/// (`PARAMLINT_LEXER_FAST_PATH=off`).
bool lexerFastPathSwitchedOff();

} // namespace py
} // namespace paramlint

#endif // PARAMLINT_PYTHON_LEXERFASTPATH_H

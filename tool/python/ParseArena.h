//===- python/ParseArena.h - One file's parse in one region --------*- C++ -*-===//
///
/// \file
/// While a ParseArenaScope is alive on a thread, every allocation the
/// tree-sitter runtime makes on that thread comes from the thread's arena: a
/// few large blocks bumped through, where a free is a no-op (or a step back,
/// for the last block) and a realloc of the last block grows in place. The
/// scope makes its own parser inside the arena; when it ends, the parser,
/// every tree parsed in it and everything the runtime allocated for them are
/// dropped at once by rewinding the arena, without the walk of
/// ts_tree_delete and without one free per node.
///
/// Why: a parse allocates and frees one record per node, and the runtime
/// frees a tree by walking it; together that was 10% of `check`'s CPU time
/// (malloc, free, ts_subtree_release, ts_tree_delete) with jemalloc.
///
/// The rule that keeps it safe: nothing allocated in the scope outlives it.
/// A scope's trees must be destroyed before it (declare the scope first);
/// TreeDeleter skips ts_tree_delete for trees the arena owns. Pointers the
/// runtime got from the heap before the scope (or on another thread) are
/// passed to the heap's free and realloc, since the arena knows its own
/// blocks' addresses. Outside any scope, the runtime's allocations go to
/// the heap as they did before.
///
//===----------------------------------------------------------------------===//
#ifndef PARAMLINT_PYTHON_PARSEARENA_H
#define PARAMLINT_PYTHON_PARSEARENA_H

#include <tree_sitter/api.h>

namespace paramlint {
namespace py {

/// This thread's tree-sitter allocations go to its arena while the scope is
/// alive. A scope inside another one on the same thread does nothing (the
/// outer one keeps the arena).
class ParseArenaScope {
public:
  ParseArenaScope();
  ~ParseArenaScope();
  ParseArenaScope(const ParseArenaScope &) = delete;
  ParseArenaScope &operator=(const ParseArenaScope &) = delete;

  /// Whether a scope is alive on this thread.
  static bool active();
  /// The parser of the scope alive on this thread, made in its arena at
  /// first use (null when no scope is alive).
  static TSParser *parser();
  /// Whether P lies in the blocks of the arena alive on this thread: a tree
  /// parsed in the scope is dropped with it, not deleted.
  static bool owns(const void *P);
  /// Whether the environment asks for the heap instead
  /// (`PARAMLINT_PARSE_ARENA=off`): then scopes do nothing.
  static bool switchedOff();

private:
  bool Outer = false;
};

} // namespace py
} // namespace paramlint

#endif // PARAMLINT_PYTHON_PARSEARENA_H

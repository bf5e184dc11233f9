# Sourced by compare.sh and instructions.sh (set BUILD first): the programs
# paramlint is compared with, found the same way by both.
#
#   JEMALLOC  the jemalloc of the jemalloc rows: BENCH_JEMALLOC, else the
#             one paramlint is linked against (ldd); empty when none
#   SG        the ast-grep binary: AST_GREP, else `ast-grep` on PATH, else
#             /tmp/astgrep/node_modules/.bin/ast-grep; empty when none
JEMALLOC=${BENCH_JEMALLOC-$(ldd "$BUILD/paramlint" | awk '/libjemalloc/ {print $3; exit}')}
SG=${AST_GREP:-$(command -v ast-grep || echo /tmp/astgrep/node_modules/.bin/ast-grep)}
[[ -x $SG ]] || SG=""

# ast-grep's one pattern: the loader bug of the design (a write to a norm's
# `.scale`). ast-grep runs it two ways, which find the same matches:
#   ast-grep      `scan`, with the pattern as a rule of an sgconfig.yml;
#   ast-grep_run  `run -p PATTERN -l python`, the pattern on the command
#                 line: about 15% less CPU than `scan` on the benchmark
#                 corpus, so the peer's best time is this one.
# (Written without spaces, so that the scripts' word-split command lines
# keep it one argument; ast-grep reads it as the same code either way.)
AST_GREP_PATTERN='$M.scale=$V'

# write_ast_grep_rule DIR: ast-grep reads its rules from the sgconfig.yml of
# the working directory; this writes one into DIR with one rule, the
# pattern above.
write_ast_grep_rule() {
  mkdir -p "$1/rules"
  echo 'ruleDirs: [rules]' >"$1/sgconfig.yml"
  cat >"$1/rules/norm-scale-write.yml" <<RULE
id: norm-scale-write
language: python
severity: warning
message: write to a norm's scale
rule:
  pattern: $AST_GREP_PATTERN
RULE
}

# tree-sitter-python, pinned and integrity-checked by scripts/fetch-grammar.sh
# (run here if the verified copy is absent), compiled as a static C library.
set(PARAMLINT_GRAMMAR_DIR "${CMAKE_SOURCE_DIR}/build/deps/tree-sitter-python"
    CACHE PATH "Verified tree-sitter-python 0.23.6 package")
if(NOT EXISTS "${PARAMLINT_GRAMMAR_DIR}/.verified-0.23.6")
  execute_process(COMMAND "${CMAKE_SOURCE_DIR}/scripts/fetch-grammar.sh"
                  RESULT_VARIABLE grammar_rc)
  if(NOT grammar_rc EQUAL 0)
    message(FATAL_ERROR "could not fetch and verify tree-sitter-python; "
                        "run scripts/bootstrap.sh")
  endif()
endif()
add_library(tree_sitter_python STATIC
  "${PARAMLINT_GRAMMAR_DIR}/src/parser.c"
  "${PARAMLINT_GRAMMAR_DIR}/src/scanner.c")
target_include_directories(tree_sitter_python PRIVATE "${PARAMLINT_GRAMMAR_DIR}/src")
set_target_properties(tree_sitter_python PROPERTIES C_STANDARD 11
                      POSITION_INDEPENDENT_CODE ON)
# The C compiler compiles only this library. The release preset makes it
# clang-14: GCC 12's code for the generated lexer (ts_lex) runs 65% more
# instructions (docs/architecture.md, "How the parser is built").
# Generated code: its warnings are not ours to fix.
target_compile_options(tree_sitter_python PRIVATE -w -O2)

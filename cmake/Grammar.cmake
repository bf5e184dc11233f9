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
# Generated code: its warnings are not ours to fix.
target_compile_options(tree_sitter_python PRIVATE -w -O2)

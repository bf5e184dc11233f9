# Script mode: writes OUT, a C++ file holding every docs/rules/PL*.md page
# under DIR as `kRuleDocs` (code, Markdown). The pages are generated from the
# check headers by scripts/rule-docs.py (a test keeps them current), so the
# program's `paramlint rule` text and its SARIF rule metadata come from the
# headers too, with no second copy written by hand.
file(GLOB pages "${DIR}/PL*.md")
list(SORT pages)
set(body "")
set(table "")
set(i 0)
foreach(page IN LISTS pages)
  get_filename_component(code "${page}" NAME_WE)
  file(READ "${page}" content HEX)
  string(REGEX REPLACE "([0-9a-f][0-9a-f])" "0x\\1," bytes "${content}")
  string(APPEND body "const unsigned char Page${i}[] = {${bytes}0x00};\n")
  string(APPEND table "    {\"${code}\", reinterpret_cast<const char *>(Page${i})},\n")
  math(EXPR i "${i} + 1")
endforeach()
file(WRITE "${OUT}" "// Generated from ${DIR} by cmake/EmbedRuleDocs.cmake; do not edit.\n#include \"report/RuleDocs.h\"\nnamespace paramlint {\nnamespace {\n${body}} // namespace\nconst EmbeddedRuleDoc kRuleDocs[] = {\n${table}    {nullptr, nullptr}};\n} // namespace paramlint\n")

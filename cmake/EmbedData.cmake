# paramlint_embed(<out-var> <file> <symbol>): compiles a data file into the
# engine as `extern const char <symbol>[]`, so tables stay data (reviewable,
# user-extendable in format) without a run-time file lookup.
function(paramlint_embed out_var file symbol)
  set(out "${CMAKE_CURRENT_BINARY_DIR}/embedded/${symbol}.cpp")
  add_custom_command(
    OUTPUT "${out}"
    COMMAND ${CMAKE_COMMAND} -DIN=${file} -DOUT=${out} -DSYMBOL=${symbol}
            -P "${CMAKE_SOURCE_DIR}/cmake/EmbedOne.cmake"
    DEPENDS "${file}" "${CMAKE_SOURCE_DIR}/cmake/EmbedOne.cmake"
    COMMENT "Embedding ${file}")
  set(${out_var} "${out}" PARENT_SCOPE)
endfunction()

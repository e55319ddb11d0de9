# Writes OUT, a C file holding the bytes of IN as `const char NAME[]` (NUL-terminated) and
# `const size_t NAME_len` (without the NUL). A .json file is parsed first, so a document
# that is not JSON fails the build instead of being served. Run by the build, never by hand:
#   cmake -DIN=docs/openapi.json -DOUT=build/generated/openapi_embedded.c -DNAME=openapi_json
#         -P cmake/embed_file.cmake
foreach(var IN ITEMS IN OUT NAME)
  if(NOT DEFINED ${var})
    message(FATAL_ERROR "embed_file: -D${var}=... is required")
  endif()
endforeach()
if(IN MATCHES "\\.json$")
  file(READ ${IN} text)
  string(JSON ignored ERROR_VARIABLE json_error TYPE "${text}")
  if(json_error)
    message(FATAL_ERROR "embed_file: ${IN} is not valid JSON: ${json_error}")
  endif()
endif()
file(SIZE ${IN} size)
file(READ ${IN} hex HEX)
string(REGEX REPLACE "([0-9a-f][0-9a-f])" "0x\\1," bytes "${hex}")
file(RELATIVE_PATH rel ${CMAKE_CURRENT_LIST_DIR}/.. ${IN})
set(body "/* Generated from ${rel} by cmake/embed_file.cmake. Do not edit. */\n")
string(APPEND body "#include <stddef.h>\n\n")
string(APPEND body "extern const char ${NAME}[];\nextern const size_t ${NAME}_len;\n\n")
string(APPEND body "const char ${NAME}[] = {${bytes}0x00};\n")
string(APPEND body "const size_t ${NAME}_len = ${size};\n")
file(WRITE ${OUT}.tmp "${body}")
# Only touch the output when it changed, so an unchanged file rebuilds nothing.
file(COPY_FILE ${OUT}.tmp ${OUT} ONLY_IF_DIFFERENT)

# Writes OUT, a C file holding the browser app as a table of struct web_asset (src/web/asset.h):
# index.html and favicon.svg from SRC (web/), app.js and app.css from BUNDLE (esbuild's output
# in the build tree). Each file is also stored gzip-compressed when that is smaller, and
# index.html is rewritten to ask for every asset as /assets/NAME?v=VERSION (VERSION from the
# file's SHA-256), so browsers may cache assets for good. Run by the build, never by hand.
set(names index.html app.js app.css favicon.svg)
set(paths ${SRC}/index.html ${BUNDLE}/app.js ${BUNDLE}/app.css ${SRC}/favicon.svg)

set(STAGE ${BUNDLE}/embed)
file(MAKE_DIRECTORY ${STAGE})

# Versions first: index.html names them.
foreach(name path IN ZIP_LISTS names paths)
  if(NOT EXISTS ${path})
    message(FATAL_ERROR "embed_web: ${path} is missing (the esbuild step did not run?)")
  endif()
  file(SHA256 ${path} sum)
  string(SUBSTRING ${sum} 0 12 version_${name})
endforeach()

file(READ ${SRC}/index.html html)
foreach(name app.js app.css favicon.svg)
  if(NOT html MATCHES "\"/assets/${name}\"")
    message(FATAL_ERROR "embed_web: web/index.html must refer to \"/assets/${name}\"")
  endif()
  string(REPLACE "\"/assets/${name}\"" "\"/assets/${name}?v=${version_${name}}\"" html "${html}")
endforeach()
file(WRITE ${STAGE}/index.html.tmp "${html}")
file(COPY_FILE ${STAGE}/index.html.tmp ${STAGE}/index.html ONLY_IF_DIFFERENT)
list(POP_FRONT paths)
list(PREPEND paths ${STAGE}/index.html)
file(SHA256 ${STAGE}/index.html sum)
string(SUBSTRING ${sum} 0 12 version_index.html)

# Turns file F into a C array named VAR in `body` and its length into LEN_VAR.
macro(embed_bytes f var len_var)
  file(READ ${f} hex HEX)
  string(LENGTH "${hex}" hexlen)
  math(EXPR ${len_var} "${hexlen} / 2")
  string(REGEX REPLACE "([0-9a-f][0-9a-f])" "0x\\1," bytes "${hex}")
  string(APPEND body "static const unsigned char ${var}[] = {${bytes}0x00};\n")
endmacro()

set(body "/* Generated from web/ by cmake/embed_web.cmake. Do not edit. */\n")
string(APPEND body "#include \"web/asset.h\"\n\n")
set(entries "")
set(i 0)
foreach(name path IN ZIP_LISTS names paths)
  if(name MATCHES "\\.html$")
    set(type "text/html; charset=utf-8")
  elseif(name MATCHES "\\.js$")
    set(type "text/javascript; charset=utf-8")
  elseif(name MATCHES "\\.css$")
    set(type "text/css; charset=utf-8")
  else()
    set(type "image/svg+xml")
  endif()
  embed_bytes(${path} data_${i} len)
  # Raw gzip of the one file; kept only when it saves bytes.
  file(ARCHIVE_CREATE OUTPUT ${STAGE}/${name}.gz PATHS ${path} FORMAT raw COMPRESSION GZip
       COMPRESSION_LEVEL 9)
  file(SIZE ${STAGE}/${name}.gz gzlen)
  if(gzlen LESS len)
    embed_bytes(${STAGE}/${name}.gz gzip_${i} gzlen)
    set(gz "gzip_${i}, ${gzlen}")
  else()
    set(gz "NULL, 0")
  endif()
  string(APPEND entries
         "    { \"${name}\", \"${type}\", data_${i}, ${len}, ${gz}, \"${version_${name}}\" },\n")
  math(EXPR i "${i} + 1")
endforeach()
string(APPEND body "\nconst struct web_asset web_assets[] = {\n${entries}};\n")
string(APPEND body "const size_t web_assets_count = ${i};\n")
file(WRITE ${OUT}.tmp "${body}")
# Only touch the output when it changed, so an unchanged app rebuilds nothing.
file(COPY_FILE ${OUT}.tmp ${OUT} ONLY_IF_DIFFERENT)

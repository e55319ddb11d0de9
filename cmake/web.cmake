# The browser app (web/): esbuild, installed from the npm lock file by scripts/setup, bundles
# web/src/main.js and the style sheets into ${CMAKE_BINARY_DIR}/web, and cmake/embed_web.cmake
# turns them (with index.html and the icon) into a C file that the core library links, so the
# server is one file. Sets BH_WEB_C, the generated source to add to bluehelm_core.
set(BH_ESBUILD ${CMAKE_SOURCE_DIR}/node_modules/.bin/esbuild)
if(NOT EXISTS ${BH_ESBUILD})
  message(FATAL_ERROR
    "${BH_ESBUILD} is missing: the browser app (web/) is bundled by esbuild from npm. "
    "Run scripts/setup (it installs Node.js and runs `npm ci`), then configure again.")
endif()

set(BH_WEB_OUT ${CMAKE_BINARY_DIR}/web)
set(BH_WEB_JS ${BH_WEB_OUT}/js)
set(BH_WEB_C ${CMAKE_BINARY_DIR}/generated/web_embedded.c)
file(GLOB_RECURSE BH_WEB_SOURCES CONFIGURE_DEPENDS ${CMAKE_SOURCE_DIR}/web/src/*.js)

# ES modules split per page: app.js is the shell (with the shared chunks it imports), and a page
# that needs a large library (the incident map needs Leaflet and the world's outlines) is a
# chunk of its own, fetched by import() when the page opens, so the first load stays small.
# Chunk names carry esbuild's content hash; the folder is emptied first so that chunks of an
# earlier build are not embedded. ES2019 syntax, so that every browser of the last years runs
# it; no source map (the app is served to people on slow links, not debugged in production), no
# comments. The style sheets' images are Leaflet's layer switcher and default marker, which the
# app does not use (its markers are circles, its layer switches are check boxes): they become
# empty url()s instead of files to serve.
add_custom_command(
  OUTPUT ${BH_WEB_JS}/app.js
  COMMAND ${CMAKE_COMMAND} -E rm -rf ${BH_WEB_JS}
  COMMAND ${BH_ESBUILD} app=${CMAKE_SOURCE_DIR}/web/src/main.js --bundle --splitting
          --format=esm --minify --target=es2019 --chunk-names=[name]-[hash] --legal-comments=none
          --charset=utf8 --log-level=warning --outdir=${BH_WEB_JS}
  DEPENDS ${BH_WEB_SOURCES} ${CMAKE_SOURCE_DIR}/package-lock.json
  COMMENT "Bundling the browser app (esbuild)"
  VERBATIM)
foreach(sheet app incidents)
  add_custom_command(
    OUTPUT ${BH_WEB_OUT}/${sheet}.css
    COMMAND ${BH_ESBUILD} ${CMAKE_SOURCE_DIR}/web/${sheet}.css --bundle --minify
            --loader:.png=empty --legal-comments=none --charset=utf8 --log-level=warning
            --outfile=${BH_WEB_OUT}/${sheet}.css
    DEPENDS ${CMAKE_SOURCE_DIR}/web/${sheet}.css ${CMAKE_SOURCE_DIR}/package-lock.json
    COMMENT "Minifying the browser app's style sheet ${sheet}.css (esbuild)"
    VERBATIM)
endforeach()
add_custom_command(
  OUTPUT ${BH_WEB_C}
  COMMAND ${CMAKE_COMMAND} -DOUT=${BH_WEB_C} -DSRC=${CMAKE_SOURCE_DIR}/web -DBUNDLE=${BH_WEB_OUT}
          -P ${CMAKE_SOURCE_DIR}/cmake/embed_web.cmake
  DEPENDS ${BH_WEB_JS}/app.js ${BH_WEB_OUT}/app.css ${BH_WEB_OUT}/incidents.css
          ${CMAKE_SOURCE_DIR}/web/index.html ${CMAKE_SOURCE_DIR}/web/favicon.svg
          ${CMAKE_SOURCE_DIR}/cmake/embed_web.cmake
  COMMENT "Embedding the browser app"
  VERBATIM)

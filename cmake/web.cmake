# The browser app (web/): esbuild, installed from the npm lock file by scripts/setup, bundles
# web/src/main.js and web/app.css into ${CMAKE_BINARY_DIR}/web, and cmake/embed_web.cmake
# turns them (with index.html and the icon) into a C file that the core library links, so the
# server is one file. Sets BH_WEB_C, the generated source to add to bluehelm_core.
set(BH_ESBUILD ${CMAKE_SOURCE_DIR}/node_modules/.bin/esbuild)
if(NOT EXISTS ${BH_ESBUILD})
  message(FATAL_ERROR
    "${BH_ESBUILD} is missing: the browser app (web/) is bundled by esbuild from npm. "
    "Run scripts/setup (it installs Node.js and runs `npm ci`), then configure again.")
endif()

set(BH_WEB_OUT ${CMAKE_BINARY_DIR}/web)
set(BH_WEB_C ${CMAKE_BINARY_DIR}/generated/web_embedded.c)
file(GLOB_RECURSE BH_WEB_SOURCES CONFIGURE_DEPENDS ${CMAKE_SOURCE_DIR}/web/src/*.js)

# One minified script, ES2019 so that every browser of the last years runs it, no source map
# (the app is served to people on slow links, not debugged in production), no comments.
add_custom_command(
  OUTPUT ${BH_WEB_OUT}/app.js
  COMMAND ${BH_ESBUILD} ${CMAKE_SOURCE_DIR}/web/src/main.js --bundle --minify --format=iife
          --target=es2019 --legal-comments=none --charset=utf8
          --log-level=warning --outfile=${BH_WEB_OUT}/app.js
  DEPENDS ${BH_WEB_SOURCES} ${CMAKE_SOURCE_DIR}/package-lock.json
  COMMENT "Bundling the browser app (esbuild)"
  VERBATIM)
add_custom_command(
  OUTPUT ${BH_WEB_OUT}/app.css
  COMMAND ${BH_ESBUILD} ${CMAKE_SOURCE_DIR}/web/app.css --bundle --minify --legal-comments=none
          --charset=utf8 --log-level=warning --outfile=${BH_WEB_OUT}/app.css
  DEPENDS ${CMAKE_SOURCE_DIR}/web/app.css ${CMAKE_SOURCE_DIR}/package-lock.json
  COMMENT "Minifying the browser app's style sheet (esbuild)"
  VERBATIM)
add_custom_command(
  OUTPUT ${BH_WEB_C}
  COMMAND ${CMAKE_COMMAND} -DOUT=${BH_WEB_C} -DSRC=${CMAKE_SOURCE_DIR}/web -DBUNDLE=${BH_WEB_OUT}
          -P ${CMAKE_SOURCE_DIR}/cmake/embed_web.cmake
  DEPENDS ${BH_WEB_OUT}/app.js ${BH_WEB_OUT}/app.css ${CMAKE_SOURCE_DIR}/web/index.html
          ${CMAKE_SOURCE_DIR}/web/favicon.svg ${CMAKE_SOURCE_DIR}/cmake/embed_web.cmake
  COMMENT "Embedding the browser app"
  VERBATIM)

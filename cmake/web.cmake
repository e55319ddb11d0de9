# The browser app (web/): esbuild, installed from the npm lock file by scripts/setup, bundles
# web/src/main.js and the style sheets into ${CMAKE_BINARY_DIR}/web, scripts/subset-fonts cuts
# the Arabic and Chinese fonts from Debian's Noto packages into ${CMAKE_BINARY_DIR}/web/fonts,
# and cmake/embed_web.cmake turns them (with index.html and the icon) into a C file that the
# core library links, so the server is one file. Sets BH_WEB_C, the generated source to add to
# bluehelm_core.
set(BH_ESBUILD ${CMAKE_SOURCE_DIR}/node_modules/.bin/esbuild)
if(NOT EXISTS ${BH_ESBUILD})
  message(FATAL_ERROR
    "${BH_ESBUILD} is missing: the browser app (web/) is bundled by esbuild from npm. "
    "Run scripts/setup (it installs Node.js and runs `npm ci`), then configure again.")
endif()

# The fonts come from Debian packages and are cut by fontTools, which Debian packages for its own
# python3 (/usr/bin/python3; a python3 from pyenv or a virtualenv first on PATH does not see it).
set(BH_FONT_PYTHON /usr/bin/python3 CACHE FILEPATH
    "Python 3 with fontTools and brotli (Debian: python3-fonttools, python3-brotli)")
set(BH_FONT_ARABIC /usr/share/fonts/truetype/noto/NotoSansArabic-Regular.ttf
                   /usr/share/fonts/truetype/noto/NotoSansArabic-Bold.ttf)
set(BH_FONT_CJK /usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc)
# The text of the fonts' licence (SIL OFL 1.1), served beside them.
set(BH_FONT_LICENCE /usr/share/doc/fonts-noto-cjk/copyright)
set(missing "")
foreach(f IN LISTS BH_FONT_ARABIC BH_FONT_CJK BH_FONT_LICENCE)
  if(NOT EXISTS ${f})
    list(APPEND missing ${f})
  endif()
endforeach()
execute_process(COMMAND ${BH_FONT_PYTHON} -c "import fontTools.subset, brotli"
                RESULT_VARIABLE font_python_rc OUTPUT_QUIET ERROR_QUIET)
if(NOT font_python_rc EQUAL 0)
  list(APPEND missing "fontTools and brotli for ${BH_FONT_PYTHON}")
endif()
if(missing)
  list(JOIN missing ", " missing)
  message(FATAL_ERROR
    "Missing: ${missing}. The browser app bundles Arabic and Chinese fonts cut from Debian's "
    "fonts-noto-core and fonts-noto-cjk with python3-fonttools and python3-brotli. "
    "Run scripts/setup (it installs them), then configure again.")
endif()

set(BH_WEB_OUT ${CMAKE_BINARY_DIR}/web)
set(BH_WEB_JS ${BH_WEB_OUT}/js)
set(BH_WEB_C ${CMAKE_BINARY_DIR}/generated/web_embedded.c)
file(GLOB_RECURSE BH_WEB_SOURCES CONFIGURE_DEPENDS ${CMAKE_SOURCE_DIR}/web/src/*.js
     ${CMAKE_SOURCE_DIR}/web/src/*.json)

# ES modules split per page: app.js is the shell (with the shared chunks it imports), and a page
# that needs a large library (the incident map needs Leaflet and the world's outlines) is a
# chunk of its own, fetched by import() when the page opens, so the first load stays small.
# Chunk names carry esbuild's content hash; the folder is emptied first so that chunks of an
# earlier build are not embedded. ES2019 syntax, so that every browser of the last years runs
# it; no source map (the app is served to people on slow links, not debugged in production), no
# comments. The user guide (docs/guide.md) is bundled as text into the help page's chunk. The
# style sheets' images are Leaflet's layer switcher and default marker, which the
# app does not use (its markers are circles, its layer switches are check boxes): they become
# empty url()s instead of files to serve.
add_custom_command(
  OUTPUT ${BH_WEB_JS}/app.js
  COMMAND ${CMAKE_COMMAND} -E rm -rf ${BH_WEB_JS}
  COMMAND ${BH_ESBUILD} app=${CMAKE_SOURCE_DIR}/web/src/main.js --bundle --splitting
          --format=esm --minify --target=es2019 --chunk-names=[name]-[hash] --legal-comments=none
          --charset=utf8 --log-level=warning --loader:.md=text --outdir=${BH_WEB_JS}
  DEPENDS ${BH_WEB_SOURCES} ${CMAKE_SOURCE_DIR}/package-lock.json ${CMAKE_SOURCE_DIR}/docs/guide.md
  COMMENT "Bundling the browser app (esbuild)"
  VERBATIM)
# The fonts: WOFF2 subsets and their licence (scripts/subset-fonts says which characters). The
# Chinese subset holds the characters of the Chinese catalogs (the app's web/src/i18n/**/zh.json
# and the server's po/zh.po), so the catalogs are inputs; the globs re-run at build time, so a
# catalog added later becomes one too.
set(BH_WEB_FONTS ${BH_WEB_OUT}/fonts)
set(BH_FONT_FILES noto-sans-arabic-regular.woff2 noto-sans-arabic-bold.woff2
                  noto-sans-sc-regular.woff2 noto-sans-arabic-names.woff2
                  noto-sans-sc-names.woff2 fonts-LICENSE.txt)
list(TRANSFORM BH_FONT_FILES PREPEND ${BH_WEB_FONTS}/ OUTPUT_VARIABLE BH_FONT_OUTPUTS)
file(GLOB_RECURSE BH_ZH_CATALOGS CONFIGURE_DEPENDS ${CMAKE_SOURCE_DIR}/web/src/i18n/zh.json)
file(GLOB BH_ZH_PO CONFIGURE_DEPENDS ${CMAKE_SOURCE_DIR}/po/zh.po)
list(APPEND BH_ZH_CATALOGS ${BH_ZH_PO})
list(TRANSFORM BH_ZH_CATALOGS PREPEND --zh-catalog= OUTPUT_VARIABLE zh_catalog_args)
add_custom_command(
  OUTPUT ${BH_FONT_OUTPUTS}
  COMMAND ${BH_FONT_PYTHON} ${CMAKE_SOURCE_DIR}/scripts/subset-fonts --out ${BH_WEB_FONTS}
          --arabic ${BH_FONT_ARABIC} --cjk ${BH_FONT_CJK} ${zh_catalog_args}
          --names ${CMAKE_SOURCE_DIR}/web/src/i18n.js --licence ${BH_FONT_LICENCE}
  DEPENDS ${CMAKE_SOURCE_DIR}/scripts/subset-fonts ${BH_ZH_CATALOGS}
          ${CMAKE_SOURCE_DIR}/web/src/i18n.js ${BH_FONT_ARABIC} ${BH_FONT_CJK}
  COMMENT "Cutting the browser app's Arabic and Chinese fonts (fontTools)"
  VERBATIM)
# The style sheets name the fonts as /assets/NAME: a URL for the browser, not a file for esbuild.
foreach(sheet app incidents)
  add_custom_command(
    OUTPUT ${BH_WEB_OUT}/${sheet}.css
    COMMAND ${BH_ESBUILD} ${CMAKE_SOURCE_DIR}/web/${sheet}.css --bundle --minify
            --loader:.png=empty --external:/assets/* --legal-comments=none --charset=utf8
            --log-level=warning --outfile=${BH_WEB_OUT}/${sheet}.css
    DEPENDS ${CMAKE_SOURCE_DIR}/web/${sheet}.css ${CMAKE_SOURCE_DIR}/package-lock.json
    COMMENT "Minifying the browser app's style sheet ${sheet}.css (esbuild)"
    VERBATIM)
endforeach()
add_custom_command(
  OUTPUT ${BH_WEB_C}
  COMMAND ${CMAKE_COMMAND} -DOUT=${BH_WEB_C} -DSRC=${CMAKE_SOURCE_DIR}/web -DBUNDLE=${BH_WEB_OUT}
          -P ${CMAKE_SOURCE_DIR}/cmake/embed_web.cmake
  DEPENDS ${BH_WEB_JS}/app.js ${BH_WEB_OUT}/app.css ${BH_WEB_OUT}/incidents.css
          ${BH_FONT_OUTPUTS} ${CMAKE_SOURCE_DIR}/web/index.html ${CMAKE_SOURCE_DIR}/web/favicon.svg
          ${CMAKE_SOURCE_DIR}/cmake/embed_web.cmake
  COMMENT "Embedding the browser app"
  VERBATIM)

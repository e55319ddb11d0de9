# The server's and the CLI's words in the six UN languages (src/base/i18n.h). po/<lang>.po are
# the translators' files; each is compiled by msgfmt into a .mo catalog and embedded in the
# binary by cmake/embed_catalogs.cmake, so the one file speaks every language with no locale
# installed. msgfmt --check refuses a catalog whose printf formats disagree with the English
# (the build fails, naming the file and line); --use-fuzzy keeps the entries marked "fuzzy",
# which is how po/ marks machine-assisted translations awaiting a person's review
# (docs/i18n.md). Sets BH_CATALOGS_C, the generated source to add to bluehelm_core.
#
# `cmake --build build --target po-update` re-extracts the marked strings (xgettext) into
# po/bluehelm.pot and merges them into every po/<lang>.po (msgmerge), for translators.
find_program(BH_MSGFMT msgfmt)
find_program(BH_XGETTEXT xgettext)
find_program(BH_MSGMERGE msgmerge)
if(NOT BH_MSGFMT)
  message(FATAL_ERROR
    "msgfmt is missing: the server's translations (po/) are compiled by GNU gettext's msgfmt. "
    "Run scripts/setup (it installs Debian's gettext package), then configure again.")
endif()

set(BH_LANGUAGES fr ar zh ru es) # English is the msgids themselves; order of enum lang after it
set(BH_CATALOGS_C ${CMAKE_BINARY_DIR}/generated/i18n_catalogs_embedded.c)
set(BH_MO_FILES "")
foreach(lang IN LISTS BH_LANGUAGES)
  set(po ${CMAKE_SOURCE_DIR}/po/${lang}.po)
  set(mo ${CMAKE_BINARY_DIR}/po/${lang}.mo)
  add_custom_command(
    OUTPUT ${mo}
    COMMAND ${CMAKE_COMMAND} -E make_directory ${CMAKE_BINARY_DIR}/po
    COMMAND ${BH_MSGFMT} --check --use-fuzzy -o ${mo} ${po}
    DEPENDS ${po}
    COMMENT "Compiling the ${lang} catalog (msgfmt)"
    VERBATIM)
  list(APPEND BH_MO_FILES ${mo})
endforeach()
add_custom_command(
  OUTPUT ${BH_CATALOGS_C}
  COMMAND ${CMAKE_COMMAND} -DOUT=${BH_CATALOGS_C} "-DLANGS=${BH_LANGUAGES}"
          -DDIR=${CMAKE_BINARY_DIR}/po -P ${CMAKE_SOURCE_DIR}/cmake/embed_catalogs.cmake
  DEPENDS ${BH_MO_FILES} ${CMAKE_SOURCE_DIR}/cmake/embed_catalogs.cmake
  COMMENT "Embedding the server's catalogs"
  VERBATIM)

# The strings xgettext collects (po/xgettext.args, shared with tests/i18n/check_po.sh): _()
# and N_(), and the format of the two functions that translate their own (bh_fail's message,
# http_reply_problem's detail).
if(BH_XGETTEXT AND BH_MSGMERGE)
  add_custom_target(po-update
    COMMAND ${CMAKE_COMMAND} -DSRC=${CMAKE_SOURCE_DIR} -DXGETTEXT=${BH_XGETTEXT}
            -DMSGMERGE=${BH_MSGMERGE} "-DLANGS=${BH_LANGUAGES}"
            -P ${CMAKE_SOURCE_DIR}/cmake/po_update.cmake
    COMMENT "Extracting the marked strings into po/bluehelm.pot and merging every po/<lang>.po"
    VERBATIM)
endif()

# `cmake --build build --target po-update`: extracts every marked string of src/ into
# po/bluehelm.pot (xgettext, sorted by file so that a diff shows what moved) and merges it into
# each po/<lang>.po (msgmerge keeps translations and keeps removed ones only as obsolete "#~"
# entries, which msgattrib --no-obsolete then drops). No fuzzy matching: a new string is left
# untranslated rather than given the translation of a similar one, because every translation
# here is already marked fuzzy (machine-assisted), so a wrong guess could not be told apart. Then
# scripts/check-i18n.mjs (run by make test) says what is left to translate.
file(GLOB_RECURSE sources RELATIVE ${SRC} ${SRC}/src/*.c ${SRC}/src/*.h)
list(SORT sources)
file(STRINGS ${SRC}/po/xgettext.args options)
execute_process(
  COMMAND ${XGETTEXT} ${options} -o po/bluehelm.pot ${sources}
  WORKING_DIRECTORY ${SRC}
  RESULT_VARIABLE rc)
if(NOT rc EQUAL 0)
  message(FATAL_ERROR "po-update: xgettext failed")
endif()
foreach(lang IN LISTS LANGS)
  set(po ${SRC}/po/${lang}.po)
  if(EXISTS ${po})
    execute_process(COMMAND ${MSGMERGE} --quiet --update --backup=none --no-wrap --no-fuzzy-matching ${po}
                            ${SRC}/po/bluehelm.pot RESULT_VARIABLE rc)
    if(rc EQUAL 0)
      execute_process(COMMAND msgattrib --no-obsolete --no-wrap -o ${po} ${po} RESULT_VARIABLE rc)
    endif()
  else()
    execute_process(COMMAND msginit --no-translator --no-wrap --locale=${lang}
                            --input=${SRC}/po/bluehelm.pot --output-file=${po} RESULT_VARIABLE rc)
  endif()
  if(NOT rc EQUAL 0)
    message(FATAL_ERROR "po-update: merging ${po} failed")
  endif()
endforeach()

# Where the wasm build finds the Debian *source* packages it compiles (tools/setup.sh
# --deps-only unpacks them into build/deps/; no network at build time, nothing vendored in git):
# Dear ImGui and SDL2 (the page), zlib and libspng (the core). Runs the fetch once if missing.
if(DEFINED DAE_DEBIAN_SOURCES_DONE)
  return()
endif()
set(DAE_DEBIAN_SOURCES_DONE ON)

set(DAE_DEPS_DIR "${CMAKE_SOURCE_DIR}/build/deps" CACHE PATH
    "Unpacked Debian sources (filled by tools/setup.sh --deps-only)")
set(DAE_IMGUI_DIR ${DAE_DEPS_DIR}/imgui-1.90.1)
set(DAE_SDL2_DIR ${DAE_DEPS_DIR}/SDL2-2.26.5)
set(DAE_ZLIB_DIR ${DAE_DEPS_DIR}/zlib-1.2.13)
set(DAE_SPNG_DIR ${DAE_DEPS_DIR}/libspng-0.7.3)

set(_dae_missing OFF)
foreach(_d ${DAE_IMGUI_DIR} ${DAE_SDL2_DIR} ${DAE_ZLIB_DIR} ${DAE_SPNG_DIR})
  if(NOT EXISTS ${_d}/.complete)
    set(_dae_missing ON)
  endif()
endforeach()
if(_dae_missing)
  message(STATUS "wasm deps: fetching the Debian sources (tools/setup.sh --deps-only)")
  execute_process(
    COMMAND ${CMAKE_COMMAND} -E env DAE_DEPS_DIR=${DAE_DEPS_DIR}
            bash ${CMAKE_SOURCE_DIR}/tools/setup.sh --deps-only
    RESULT_VARIABLE _dae_setup_rc)
  foreach(_d ${DAE_IMGUI_DIR} ${DAE_SDL2_DIR} ${DAE_ZLIB_DIR} ${DAE_SPNG_DIR})
    if(NOT _dae_setup_rc EQUAL 0 OR NOT EXISTS ${_d}/.complete)
      message(FATAL_ERROR "Debian sources are missing in ${DAE_DEPS_DIR} (${_d}). "
                          "Run tools/setup.sh (as root on Debian 12) and configure again.")
    endif()
  endforeach()
endif()

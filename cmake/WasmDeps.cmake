# Third-party libraries of the browser app, compiled from the Debian source packages that
# tools/setup.sh unpacks into build/deps/ (cmake/DebianSources.cmake):
#   dae_sdl2  — SDL 2.26.5 as a plain static library (include/SDL_config.h selects
#               SDL_config_emscripten.h under __EMSCRIPTEN__, so no configure step is needed);
#   dae_imgui — Dear ImGui 1.90.1 + the SDL2 and OpenGL3 (WebGL2 / GLES 3.0) backends.
# Both propagate what users need (include directories, IMGUI_IMPL_OPENGL_ES3, link flags), and
# both come twice: with pthreads (dae_sdl2, dae_imgui) and without (…_st), like the core.

if(TARGET dae_sdl2)
  return()
endif()

include(${CMAKE_SOURCE_DIR}/cmake/DebianSources.cmake)

# ---- SDL2 ---------------------------------------------------------------------------------
set(_s ${DAE_SDL2_DIR}/src)
file(GLOB DAE_SDL2_SOURCES
  ${_s}/*.c
  ${_s}/atomic/*.c
  ${_s}/audio/*.c ${_s}/audio/disk/*.c ${_s}/audio/dummy/*.c ${_s}/audio/emscripten/*.c
  ${_s}/cpuinfo/*.c
  ${_s}/dynapi/*.c
  ${_s}/events/*.c
  ${_s}/file/*.c
  ${_s}/filesystem/emscripten/*.c
  ${_s}/haptic/*.c ${_s}/haptic/dummy/*.c
  ${_s}/hidapi/SDL_hidapi.c
  ${_s}/joystick/*.c ${_s}/joystick/emscripten/*.c ${_s}/joystick/virtual/*.c
  ${_s}/libm/*.c
  ${_s}/loadso/dlopen/*.c
  ${_s}/locale/*.c ${_s}/locale/emscripten/*.c
  ${_s}/misc/*.c ${_s}/misc/emscripten/*.c
  ${_s}/power/*.c ${_s}/power/emscripten/*.c
  ${_s}/render/*.c ${_s}/render/opengles2/*.c ${_s}/render/software/*.c
  ${_s}/sensor/*.c ${_s}/sensor/dummy/*.c
  ${_s}/stdlib/*.c
  ${_s}/thread/*.c
  ${_s}/timer/*.c ${_s}/timer/unix/*.c
  ${_s}/video/*.c ${_s}/video/yuv2rgb/*.c ${_s}/video/emscripten/*.c)
# SDL's emscripten audio/event code calls JS library functions that emcc 3.1.6 does not
# pull in by itself. `$` is mangled by CMake/Ninja on the command line, so pass the
# setting through an emcc response file.
set(_dae_sdl2_rsp ${CMAKE_BINARY_DIR}/dae_sdl2_link.rsp)
file(WRITE ${_dae_sdl2_rsp}
     "-sDEFAULT_LIBRARY_FUNCS_TO_INCLUDE=[\"$autoResumeAudioContext\",\"$dynCall\"]\n")

# SDL's threads: pthreads in the threaded build, the generic (no-op) ones without.
file(GLOB DAE_SDL2_THREADS_PTHREAD ${_s}/thread/pthread/*.c)
file(GLOB DAE_SDL2_THREADS_GENERIC ${_s}/thread/generic/*.c)

function(dae_add_ui_libs suffix threads)
  if(threads)
    set(_threads ${DAE_SDL2_THREADS_PTHREAD})
  else()
    set(_threads ${DAE_SDL2_THREADS_GENERIC})
  endif()
  add_library(dae_sdl2${suffix} STATIC ${DAE_SDL2_SOURCES} ${_threads})
  target_include_directories(dae_sdl2${suffix} SYSTEM PUBLIC ${DAE_SDL2_DIR}/include)
  target_include_directories(dae_sdl2${suffix} PRIVATE ${DAE_SDL2_DIR}/src ${DAE_SDL2_DIR}/src/video/khronos)
  # Third-party code: quiet, and -O2 is plenty (it only moves events and swaps buffers).
  target_compile_options(dae_sdl2${suffix} PRIVATE -w -O2)
  target_link_options(dae_sdl2${suffix} INTERFACE "@${_dae_sdl2_rsp}")

  add_library(dae_imgui${suffix} STATIC
    ${DAE_IMGUI_DIR}/imgui.cpp
    ${DAE_IMGUI_DIR}/imgui_demo.cpp
    ${DAE_IMGUI_DIR}/imgui_draw.cpp
    ${DAE_IMGUI_DIR}/imgui_tables.cpp
    ${DAE_IMGUI_DIR}/imgui_widgets.cpp
    ${DAE_IMGUI_DIR}/misc/cpp/imgui_stdlib.cpp
    ${DAE_IMGUI_DIR}/backends/imgui_impl_sdl2.cpp
    ${DAE_IMGUI_DIR}/backends/imgui_impl_opengl3.cpp)
  target_include_directories(dae_imgui${suffix} SYSTEM PUBLIC ${DAE_IMGUI_DIR} ${DAE_IMGUI_DIR}/backends
                             ${DAE_IMGUI_DIR}/misc/cpp)
  # IMGUI_ENABLE_TEST_ENGINE: ImGui reports every widget's rectangle to hooks defined in web/widgets/ui.cpp
  # (window.dae.layout().items: the e2e tests check that nothing is cut off or overlaps).
  target_compile_definitions(dae_imgui${suffix} PUBLIC IMGUI_IMPL_OPENGL_ES3 IMGUI_DISABLE_OBSOLETE_FUNCTIONS
                             IMGUI_ENABLE_TEST_ENGINE)
  # -Os: the page's download (issue 30); widgets are not the training kernels.
  target_compile_options(dae_imgui${suffix} PRIVATE -w -Os)
  target_link_libraries(dae_imgui${suffix} PUBLIC dae_sdl2${suffix})
  if(threads)
    dae_wasm_threads(dae_sdl2${suffix})
    dae_wasm_threads(dae_imgui${suffix})
  endif()
endfunction()

dae_add_ui_libs("" ON)
if(DAE_WASM_FALLBACK)
  dae_add_ui_libs(_st OFF)
endif()

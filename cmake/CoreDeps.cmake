# Libraries of the core, on both targets: nlohmann-json (header-only), zlib and libspng.
#   native: Debian's nlohmann-json3-dev, zlib1g-dev and libspng-dev;
#   wasm, and the asan/fuzz presets (DAE_DEPS_FROM_SOURCE, so the sanitizers and the fuzzer's
#   coverage see inside them):
#           zlib and libspng compiled from their Debian source packages (cmake/DebianSources.cmake),
#           nlohmann's headers from the Debian package through a private include folder that holds
#           only them (the emscripten sysroot must never see the rest of /usr/include).
# Each becomes one target: dae_json, dae_zlib, dae_spng.

find_path(NLOHMANN_JSON_INCLUDE_DIR nlohmann/json.hpp PATHS /usr/include NO_CMAKE_FIND_ROOT_PATH REQUIRED)
add_library(dae_json INTERFACE)

option(DAE_DEPS_FROM_SOURCE "Compile zlib and libspng from their Debian source packages" ${EMSCRIPTEN})
if(EMSCRIPTEN)
  set(_inc ${CMAKE_BINARY_DIR}/nlohmann-include)
  if(NOT EXISTS ${_inc}/nlohmann/json.hpp)
    file(MAKE_DIRECTORY ${_inc})
    file(CREATE_LINK ${NLOHMANN_JSON_INCLUDE_DIR}/nlohmann ${_inc}/nlohmann SYMBOLIC)
  endif()
  target_include_directories(dae_json SYSTEM INTERFACE ${_inc})
endif()

# dae_add_source_deps(<suffix> <threads>): dae_zlib<suffix> and dae_spng<suffix> from source.
function(dae_add_source_deps suffix threads)
  set(_z ${DAE_ZLIB_DIR})
  add_library(dae_zlib${suffix} STATIC ${_z}/adler32.c ${_z}/compress.c ${_z}/crc32.c ${_z}/deflate.c
              ${_z}/infback.c ${_z}/inffast.c ${_z}/inflate.c ${_z}/inftrees.c ${_z}/trees.c ${_z}/uncompr.c
              ${_z}/zutil.c)
  target_include_directories(dae_zlib${suffix} SYSTEM PUBLIC ${_z})
  target_compile_options(dae_zlib${suffix} PRIVATE -w -O2)
  add_library(dae_spng${suffix} STATIC ${DAE_SPNG_DIR}/spng/spng.c)
  target_include_directories(dae_spng${suffix} SYSTEM PUBLIC ${DAE_SPNG_DIR}/spng)
  # SPNG_DISABLE_OPT: the portable filter code (its x86 SIMD paths would go through
  # emscripten's SSE emulation headers for nothing).
  target_compile_definitions(dae_spng${suffix} PUBLIC SPNG_STATIC PRIVATE SPNG_DISABLE_OPT=1)
  target_compile_options(dae_spng${suffix} PRIVATE -w -O2)
  target_link_libraries(dae_spng${suffix} PUBLIC dae_zlib${suffix})
  if(EMSCRIPTEN AND threads)
    dae_wasm_threads(dae_zlib${suffix})
    dae_wasm_threads(dae_spng${suffix})
  endif()
endfunction()

if(DAE_DEPS_FROM_SOURCE)
  include(${CMAKE_SOURCE_DIR}/cmake/DebianSources.cmake)
  dae_add_source_deps("" ON)
  if(EMSCRIPTEN AND DAE_WASM_FALLBACK)
    dae_add_source_deps(_st OFF)
  endif()
else()
  find_package(ZLIB REQUIRED)
  add_library(dae_zlib INTERFACE)
  target_link_libraries(dae_zlib INTERFACE ZLIB::ZLIB)
  find_path(SPNG_INCLUDE_DIR spng.h REQUIRED)
  find_library(SPNG_LIBRARY spng REQUIRED)
  add_library(dae_spng INTERFACE)
  target_include_directories(dae_spng SYSTEM INTERFACE ${SPNG_INCLUDE_DIR})
  target_link_libraries(dae_spng INTERFACE ${SPNG_LIBRARY} dae_zlib)
endif()

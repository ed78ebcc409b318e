# Shared by bench/run.sh and bench/quality.sh (sourced, from the repository root).
# Sets PY, DAE and WASM_DAE; defines die() (prefixed with the script's name), build_dae,
# build_dae_avx2 (sets DAE to the AVX2-only build) and build_wasm_dae.

PY=/usr/bin/python3
DAE=build/native/dae
WASM_DAE=build/wasm/dae.js

die() { echo "$(basename "$0"): $*" >&2; exit 1; }

# Builds build/native/dae and the MNIST pack it trains on (unless --no-build set BUILD=0),
# then checks the binary is there.
build_dae() {
  if [ "${BUILD:-1}" = 1 ]; then
    [ -f build/native/build.ninja ] || cmake --preset native >/dev/null || die "cmake --preset native failed"
    cmake --build --preset native --target dae >/dev/null || die "building dae failed (cmake --build --preset native --target dae)"
    if [ ! -f build/native/data/mnist.daepack ]; then
      cmake --build --preset native --target dae_data >/dev/null || die "packing the MNIST data failed (target dae_data)"
    fi
  fi
  [ -x "$DAE" ] || die "$DAE not built (cmake --preset native && cmake --build --preset native)"
}

# The same, compiled for x86-64-v3 (AVX2 + FMA, no AVX-512) into build/native-avx2.
build_dae_avx2() {
  DAE=build/native-avx2/dae
  if [ "${BUILD:-1}" = 1 ]; then
    if [ ! -f build/native-avx2/build.ninja ]; then
      cmake -S . -B build/native-avx2 -G Ninja -DCMAKE_BUILD_TYPE=Release -DDAE_NATIVE_ARCH=OFF \
        -DCMAKE_CXX_FLAGS=-march=x86-64-v3 -DCMAKE_C_FLAGS=-march=x86-64-v3 >/dev/null || die "configuring build/native-avx2 failed"
    fi
    cmake --build build/native-avx2 --target dae dae_data >/dev/null || die "building build/native-avx2/dae failed"
  fi
  [ -x "$DAE" ] || die "$DAE not built"
}

# Builds the wasm CLI (node build/wasm/dae.js) when the wasm preset can be configured; returns
# non-zero (and prints why) when it cannot.
build_wasm_dae() {
  if [ "${BUILD:-1}" = 1 ]; then
    if [ ! -f build/wasm/build.ninja ]; then
      cmake --preset wasm >/dev/null 2>&1 || { echo "$(basename "$0"): cmake --preset wasm failed (run tools/setup.sh)" >&2; return 1; }
    fi
    cmake --build --preset wasm --target dae >/dev/null || { echo "$(basename "$0"): building $WASM_DAE failed" >&2; return 1; }
  fi
  [ -f "$WASM_DAE" ]
}

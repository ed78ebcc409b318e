# Shared by bench/run.sh and bench/quality.sh (sourced, from the repository root).
# Sets PY and DAE; defines die() (prefixed with the script's name) and build_dae.

PY=/usr/bin/python3
DAE=build/native/dae

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

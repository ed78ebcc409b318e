#!/usr/bin/env bash
# Prepares a Debian 12 machine for both builds (native CLI/tests and the wasm browser app).
# Idempotent and quick when everything is already there:
#   1. apt packages (only the missing ones are installed; needs root);
#   2. npm packages (node_modules, when missing or older than package-lock.json);
#   3. Debian *source* packages of Dear ImGui 1.90.1 (from trixie: it has an input-event queue and
#      better keyboard navigation), SDL2 2.26.5, zlib 1.2.13 and libspng 0.7.3 (bookworm),
#      unpacked into build/deps/ (the wasm build compiles them; natively the core links Debian's
#      zlib1g-dev and libspng-dev; nothing under /etc/apt is touched).
#
# Usage: tools/setup.sh [--no-apt] [--no-npm] [--deps-only]
#   --no-apt     do not install apt packages, only report the missing ones
#                (the default when not root)
#   --no-npm     skip the npm step
#   --deps-only  only fetch/unpack the Debian sources for the wasm build (used by CMake)
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
DEPS_DIR="${DAE_DEPS_DIR:-$ROOT/build/deps}"

IMGUI_VERSION="1.90.1"
IMGUI_DEB="imgui=1.90.1+ds-1"
IMGUI_ORIG="imgui_1.90.1+ds.orig.tar.xz"
SDL2_VERSION="2.26.5"
SDL2_DEB="libsdl2=2.26.5+dfsg-1"
SDL2_ORIG="libsdl2_2.26.5+dfsg.orig.tar.gz"
ZLIB_VERSION="1.2.13"
ZLIB_DEB="zlib=1:1.2.13.dfsg-1"
ZLIB_ORIG="zlib_1.2.13.dfsg.orig.tar.bz2"
ZLIB_TOP="zlib-1.2.13.dfsg"
SPNG_VERSION="0.7.3"
SPNG_DEB="libspng=0.7.3-3"
SPNG_ORIG="libspng_0.7.3.orig.tar.gz"

APT_PACKAGES=(cmake ninja-build g++ pkg-config libeigen3-dev libstb-dev libgtest-dev googletest emscripten
              nlohmann-json3-dev zlib1g-dev libspng-dev fonts-dejavu-core fonttools
              chromium libsdl2-dev python3 ca-certificates xz-utils bzip2)

do_apt=1; do_npm=1; do_deps=1
[ "$(id -u)" -eq 0 ] || do_apt=0
for arg in "$@"; do
  case "$arg" in
    --no-apt) do_apt=0 ;;
    --no-npm) do_npm=0 ;;
    --deps-only) do_apt=0; do_npm=0; apt_check=0 ;;
    -h|--help) sed -n '2,/^set -e/p' "$0" | grep '^#' | sed 's/^# \{0,1\}//'; exit 0 ;;
    *) echo "setup: unknown option $arg" >&2; exit 2 ;;
  esac
done
apt_check=${apt_check:-1}

say() { echo "setup: $*"; }
die() { echo "setup: error: $*" >&2; exit 1; }

# ---- 1. apt packages ------------------------------------------------------------------------
if [ "$apt_check" = 1 ]; then
  missing=()
  for p in "${APT_PACKAGES[@]}"; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
  done
  # node: whatever provides /usr/bin/node is fine (Debian's nodejs or another build of it);
  # npm ships with some node builds and is a separate Debian package otherwise.
  command -v node >/dev/null 2>&1 || missing+=(nodejs)
  command -v npm >/dev/null 2>&1 || missing+=(npm)
  if [ ${#missing[@]} -eq 0 ]; then
    say "apt packages: all present"
  elif [ "$do_apt" = 1 ]; then
    say "apt packages: installing ${missing[*]}"
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -qq || die "apt-get update failed"
    apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null \
      || die "apt-get install ${missing[*]} failed"
  else
    say "apt packages missing (not installing; run as root without --no-apt): ${missing[*]}"
  fi
fi

# ---- 2. npm packages --------------------------------------------------------------------------
if [ "$do_npm" = 1 ] && [ -f "$ROOT/package.json" ]; then
  if ! command -v npm >/dev/null 2>&1; then
    say "npm not found, skipping node_modules"
  else
    stamp="$ROOT/node_modules/.package-lock.json"   # written by npm on every install
    if [ ! -d "$ROOT/node_modules" ] || [ ! -f "$stamp" ] \
       || [ "$ROOT/package.json" -nt "$stamp" ] \
       || { [ -f "$ROOT/package-lock.json" ] && [ "$ROOT/package-lock.json" -nt "$stamp" ]; }; then
      if [ -f "$ROOT/package-lock.json" ]; then
        say "npm ci"
        (cd "$ROOT" && npm ci --no-audit --no-fund --loglevel=error) || die "npm ci failed"
      else
        say "npm install"
        (cd "$ROOT" && npm install --no-audit --no-fund --loglevel=error) || die "npm install failed"
      fi
    else
      say "node_modules: up to date"
    fi
  fi
fi

# ---- 3. Debian sources for the wasm build (private apt state) -------------------------------
if [ "$do_deps" = 1 ]; then
  imgui_dir="$DEPS_DIR/imgui-$IMGUI_VERSION"
  sdl2_dir="$DEPS_DIR/SDL2-$SDL2_VERSION"
  zlib_dir="$DEPS_DIR/zlib-$ZLIB_VERSION"
  spng_dir="$DEPS_DIR/libspng-$SPNG_VERSION"
  all_dirs=("$imgui_dir" "$sdl2_dir" "$zlib_dir" "$spng_dir")
  complete=1
  for d in "${all_dirs[@]}"; do [ -f "$d/.complete" ] || complete=0; done
  if [ "$complete" = 1 ]; then
    say "Debian sources (ImGui $IMGUI_VERSION, SDL2 $SDL2_VERSION, zlib $ZLIB_VERSION, libspng $SPNG_VERSION): present in ${DEPS_DIR#$ROOT/}"
  else
    say "fetching Debian sources $IMGUI_DEB $SDL2_DEB $ZLIB_DEB $SPNG_DEB into ${DEPS_DIR#$ROOT/}"
    keyring=/usr/share/keyrings/debian-archive-keyring.gpg
    [ -f "$keyring" ] || die "$keyring missing (apt-get install debian-archive-keyring)"
    apt_dir="$DEPS_DIR/apt"
    dl_dir="$DEPS_DIR/downloads"
    mkdir -p "$apt_dir/lists/partial" "$apt_dir/cache/archives/partial" "$dl_dir"
    { echo "deb-src [signed-by=$keyring] http://deb.debian.org/debian bookworm main"
      echo "deb-src [signed-by=$keyring] http://deb.debian.org/debian trixie main"; } > "$apt_dir/sources.list"
    apt_opts=(-o "Dir::Etc::SourceList=$apt_dir/sources.list" -o "Dir::Etc::SourceParts=/dev/null"
              -o "Dir::State::Lists=$apt_dir/lists" -o "APT::Sandbox::User=root"
              -o "Dir::Cache=$apt_dir/cache")
    need=()
    [ -f "$dl_dir/$IMGUI_ORIG" ] || need+=("$IMGUI_DEB")
    [ -f "$dl_dir/$SDL2_ORIG" ] || need+=("$SDL2_DEB")
    [ -f "$dl_dir/$ZLIB_ORIG" ] || need+=("$ZLIB_DEB")
    [ -f "$dl_dir/$SPNG_ORIG" ] || need+=("$SPNG_DEB")
    if [ ${#need[@]} -gt 0 ]; then
      apt-get "${apt_opts[@]}" -qq update || die "apt-get update (private deb-src list) failed"
      (cd "$dl_dir" && apt-get "${apt_opts[@]}" -qq source --download-only "${need[@]}") \
        || die "apt-get source ${need[*]} failed"
    fi
    for f in "$IMGUI_ORIG" "$SDL2_ORIG" "$ZLIB_ORIG" "$SPNG_ORIG"; do
      [ -f "$dl_dir/$f" ] || die "expected $dl_dir/$f after apt-get source"
    done
    # The upstream tarballs are all the builds need (Debian's patches only add build files and
    # touch install layouts), so no dpkg-source is needed.
    rm -rf "${all_dirs[@]}" "$DEPS_DIR/$ZLIB_TOP"
    tar -xJf "$dl_dir/$IMGUI_ORIG" -C "$DEPS_DIR" || die "unpacking $IMGUI_ORIG failed"
    tar -xzf "$dl_dir/$SDL2_ORIG" -C "$DEPS_DIR" || die "unpacking $SDL2_ORIG failed"
    tar -xjf "$dl_dir/$ZLIB_ORIG" -C "$DEPS_DIR" || die "unpacking $ZLIB_ORIG failed"
    mv "$DEPS_DIR/$ZLIB_TOP" "$zlib_dir"
    tar -xzf "$dl_dir/$SPNG_ORIG" -C "$DEPS_DIR" || die "unpacking $SPNG_ORIG failed"
    [ -f "$imgui_dir/imgui.cpp" ] && [ -f "$imgui_dir/backends/imgui_impl_sdl2.cpp" ] \
      || die "unexpected layout of $IMGUI_ORIG"
    [ -f "$sdl2_dir/include/SDL_config_emscripten.h" ] || die "unexpected layout of $SDL2_ORIG"
    [ -f "$zlib_dir/inflate.c" ] && [ -f "$zlib_dir/zconf.h" ] || die "unexpected layout of $ZLIB_ORIG"
    [ -f "$spng_dir/spng/spng.c" ] || die "unexpected layout of $SPNG_ORIG"
    for d in "${all_dirs[@]}"; do touch "$d/.complete"; done
    say "Debian sources unpacked: ImGui $IMGUI_VERSION, SDL2 $SDL2_VERSION, zlib $ZLIB_VERSION, libspng $SPNG_VERSION"
  fi
fi
say "done"

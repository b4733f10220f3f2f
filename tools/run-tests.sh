#!/bin/bash
# SPDX-License-Identifier: LGPL-2.1-or-later
#
# Configures a build directory with warnings as errors (-DND_WERROR=ON),
# builds everything and runs the whole test suite (ctest --output-on-failure).
#
#   tools/run-tests.sh [--cc gcc|clang|PATH] [--sanitize] [--build-dir DIR]
#                      [-j N] [-- CTEST-ARGS…]
#
#   --cc C          compiler (default: $CC, else gcc)
#   --sanitize      AddressSanitizer + UndefinedBehaviorSanitizer build
#                   (-DND_SANITIZE=ON); also ND_SANITIZE=1 in the environment
#   --build-dir D   build directory (default: build-tests-<cc>[-asan] in the
#                   source tree; each choice gets its own)
#   -j N            parallel build and test jobs (default: nproc)
#   -- ARGS         passed on to ctest, e.g. -- -R golden_ -V
#
# Exit status: ctest's (0 when every test passed or was skipped).
set -euo pipefail

src=$(cd "$(dirname "$0")/.." && pwd)
cc=${CC:-gcc}
sanitize=false
case ${ND_SANITIZE:-} in 1 | ON | on | yes | true) sanitize=true ;; esac
build=
jobs=$(nproc 2>/dev/null || echo 2)
ctest_args=()

usage() { sed -n '4,17s/^# \{0,1\}//p' "$0"; }
while [ $# -gt 0 ]; do
    case $1 in
    --cc) cc=${2:?--cc needs a compiler}; shift 2 ;;
    --cc=*) cc=${1#--cc=}; shift ;;
    --sanitize) sanitize=true; shift ;;
    --build-dir) build=${2:?--build-dir needs a directory}; shift 2 ;;
    --build-dir=*) build=${1#--build-dir=}; shift ;;
    -j) jobs=${2:?-j needs a number}; shift 2 ;;
    -j*) jobs=${1#-j}; shift ;;
    -h | --help) usage; exit 0 ;;
    --) shift; ctest_args=("$@"); break ;;
    *) echo "run-tests.sh: unknown argument '$1'" >&2; usage >&2; exit 2 ;;
    esac
done

if ! command -v "$cc" >/dev/null; then
    echo "run-tests.sh: compiler '$cc' not found (tools/install-deps.sh installs gcc and clang)" >&2
    exit 1
fi
label=$(basename -- "$cc")
$sanitize && label+=-asan
: "${build:=$src/build-tests-$label}"

cmake_args=(-S "$src" -B "$build" -DND_WERROR=ON -DCMAKE_C_COMPILER="$cc")
if $sanitize; then
    cmake_args+=(-DND_SANITIZE=ON)
    # Stop at the first report, with a stack; leak checking on. The
    # umockdev tests preload libumockdev-preload ahead of the ASan runtime,
    # which ASan refuses unless told not to check the link order.
    export ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=1:halt_on_error=1:verify_asan_link_order=0}
    export UBSAN_OPTIONS=${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}
else
    cmake_args+=(-DND_SANITIZE=OFF)
fi

echo "run-tests.sh: $label build in $build"
cmake "${cmake_args[@]}"
cmake --build "$build" -j "$jobs"
cd "$build"
exec ctest --output-on-failure --timeout 600 -j "$jobs" "${ctest_args[@]+"${ctest_args[@]}"}"

#!/bin/bash
# SPDX-License-Identifier: LGPL-2.1-or-later
#
# tests/fuzz/run.sh TARGET SECONDS — build the libFuzzer target TARGET
# (e.g. fuzz_create) with clang, ASan and UBSan, and fuzz it for SECONDS.
# CI calls it with 60; longer runs by hand.
#
# Seeds: tests/fuzz/<TARGET without "fuzz_">/ (fuzz_create: create/), and
# the dictionary tests/fuzz/<same>.dict when there. The run works on a
# copy of the seeds, so the source tree is never written; what it adds is
# kept in the work directory named at the end. A crash, leak or timeout
# exits 1 with the reproducer's path (rerun: BUILD/tests/fuzz/TARGET FILE).
#
# Env: ND_FUZZ_BUILD_DIR (default /tmp/nodedev-fuzz-build), ND_FUZZ_JOBS
# (parallel fuzzing processes, default 1), CC (default clang).
set -euo pipefail

if [ $# -ne 2 ] || ! [[ $2 =~ ^[0-9]+$ ]] || [ "$2" -lt 1 ]; then
    echo "usage: $0 TARGET SECONDS" >&2
    exit 2
fi
target=$1 seconds=$2
here=$(cd "$(dirname "$0")" && pwd)
src=$(cd "$here/../.." && pwd)
name=${target#fuzz_}
seeds=$here/$name
[ -d "$seeds" ] || { echo "no seed corpus $seeds for $target" >&2; exit 2; }
build=${ND_FUZZ_BUILD_DIR:-/tmp/nodedev-fuzz-build}
jobs=${ND_FUZZ_JOBS:-1}

echo "== building $target in $build"
CC=${CC:-clang} cmake -S "$src" -B "$build" -DND_FUZZ=ON -DND_WERROR=ON \
    -DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null
cmake --build "$build" --target "$target" -j "$(nproc 2>/dev/null || echo 2)" >/dev/null
bin=$build/tests/fuzz/$target

work=$(mktemp -d "/tmp/nodedev-$target.XXXXXX")
mkdir "$work/corpus" "$work/artifacts"
cp "$seeds"/* "$work/corpus/"
args=(-max_total_time="$seconds" -timeout=10 -rss_limit_mb=2048
      -print_final_stats=1 -artifact_prefix="$work/artifacts/")
[ -f "$here/$name.dict" ] && args+=(-dict="$here/$name.dict")
if [ "$jobs" -gt 1 ]; then
    args+=(-fork="$jobs")
fi

echo "== fuzzing $target for $seconds s (work dir $work)"
rc=0
ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=1} \
UBSAN_OPTIONS=${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1} \
    "$bin" "${args[@]}" "$work/corpus" >"$work/log" 2>&1 || rc=$?

execs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$work/log" | tail -n 1)
tail -n 25 "$work/log"
echo "== $target: ${execs:-?} executions in $seconds s, corpus $(ls "$work/corpus" | wc -l) inputs"
if [ "$rc" -ne 0 ] || [ -n "$(ls "$work/artifacts")" ]; then
    echo "== $target FAILED (exit $rc); reproducers:"
    ls -1 "$work/artifacts"/* 2>/dev/null | sed 's/^/   /'
    echo "   rerun: $bin FILE ; full log: $work/log"
    exit 1
fi
echo "== $target passed; new corpus and log kept in $work"

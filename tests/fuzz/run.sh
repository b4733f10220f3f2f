#!/bin/bash
# SPDX-License-Identifier: LGPL-2.1-or-later
#
# tests/fuzz/run.sh TARGET... SECONDS — build the libFuzzer targets (e.g.
# fuzz_create; "all" for every tests/fuzz/fuzz_*.c) with clang, ASan and
# UBSan, and fuzz each for SECONDS. CI calls it with all 60; longer runs
# by hand. Several targets run ND_FUZZ_PARALLEL at a time (default 2), each
# one process; a summary follows.
#
# Seeds: tests/fuzz/<TARGET without "fuzz_">/ (fuzz_create: create/), and
# the dictionary tests/fuzz/<same>.dict when there. A run works on a copy
# of the seeds, so the source tree is never written; what it adds is kept
# in the work directory named at the end. A crash, leak or timeout fails
# the target with the reproducer's path (rerun: BUILD/tests/fuzz/TARGET
# FILE); the script then exits 1.
#
# Env: ND_FUZZ_BUILD_DIR (default /tmp/nodedev-fuzz-build), ND_FUZZ_JOBS
# (libFuzzer -fork processes per target, default 1), ND_FUZZ_PARALLEL
# (targets at a time, default 2), ND_FUZZ_TIMEOUT (seconds one input may
# take, default 10), CC (default clang).
set -euo pipefail

usage() { echo "usage: $0 TARGET... SECONDS   (TARGET: fuzz_NAME or all)" >&2; exit 2; }
[ $# -ge 2 ] || usage
seconds=${*: -1}
[[ $seconds =~ ^[0-9]+$ ]] && [ "$seconds" -ge 1 ] || usage
here=$(cd "$(dirname "$0")" && pwd)
src=$(cd "$here/../.." && pwd)
targets=()
for t in "${@:1:$#-1}"; do
    if [ "$t" = all ]; then
        for f in "$here"/fuzz_*.c; do
            f=${f##*/}
            targets+=("${f%.c}")
        done
    else
        targets+=("$t")
    fi
done
for t in "${targets[@]}"; do
    [ -d "$here/${t#fuzz_}" ] || { echo "no seed corpus $here/${t#fuzz_} for $t" >&2; exit 2; }
done
build=${ND_FUZZ_BUILD_DIR:-/tmp/nodedev-fuzz-build}
jobs=${ND_FUZZ_JOBS:-1}
parallel=${ND_FUZZ_PARALLEL:-2}
timeout=${ND_FUZZ_TIMEOUT:-10}

echo "== building ${targets[*]} in $build"
CC=${CC:-clang} cmake -S "$src" -B "$build" -DND_FUZZ=ON -DND_WERROR=ON \
    -DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null
cmake --build "$build" -j "$(nproc 2>/dev/null || echo 2)" \
    $(printf -- '--target %s ' "${targets[@]}") >/dev/null

results=$(mktemp -d "/tmp/nodedev-fuzz-results.XXXXXX")

# One target: fuzz it, print its tail and a verdict, record "TARGET
# EXECS passed|FAILED WORKDIR" in $results/TARGET.
run_one() {
    local target=$1 name=${1#fuzz_}
    local bin=$build/tests/fuzz/$target
    local work
    work=$(mktemp -d "/tmp/nodedev-$target.XXXXXX")
    mkdir "$work/corpus" "$work/artifacts"
    cp "$here/$name"/* "$work/corpus/"
    local args=(-max_total_time="$seconds" -timeout="$timeout" -rss_limit_mb=2048
                -print_final_stats=1 -artifact_prefix="$work/artifacts/")
    [ -f "$here/$name.dict" ] && args+=(-dict="$here/$name.dict")
    [ "$jobs" -gt 1 ] && args+=(-fork="$jobs")

    echo "== fuzzing $target for $seconds s (work dir $work)"
    local rc=0
    ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=1} \
    UBSAN_OPTIONS=${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1} \
        "$bin" "${args[@]}" "$work/corpus" >"$work/log" 2>&1 || rc=$?

    local execs verdict=passed
    execs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$work/log" | tail -n 1)
    # slow-unit-* files are inputs that took long (the first one pays for
    # loading the id databases; a loaded machine stretches it): no failure
    local failures slow
    # libFuzzer names what it found crash-, leak-, oom-, timeout- (a failure)
    # or slow-unit- (not one); nothing else in the directory is a verdict
    failures=$(ls "$work/artifacts" | grep -E '^(crash|leak|oom|timeout)-' || true)
    slow=$(ls "$work/artifacts" | grep -c '^slow-unit-' || true)
    if [ "$rc" -ne 0 ] || [ -n "$failures" ]; then
        verdict=FAILED
    fi
    {
        echo "---- $target"
        tail -n 25 "$work/log"
        echo "== $target: ${execs:-?} executions in $seconds s, corpus $(ls "$work/corpus" | wc -l) inputs"
        if [ $verdict = FAILED ]; then
            echo "== $target FAILED (exit $rc); reproducers:"
            ls -1 "$work/artifacts"/* 2>/dev/null | sed 's/^/   /'
            echo "   rerun: $bin FILE ; full log: $work/log"
        elif [ "$slow" -gt 0 ]; then
            echo "== $target passed ($slow slow inputs, not failures, in $work/artifacts)"
        else
            echo "== $target passed; new corpus and log kept in $work"
        fi
    } >"$results/$target.out"
    echo "$target ${execs:-?} $verdict $work" >"$results/$target"
}

running=0
for t in "${targets[@]}"; do
    if [ "$running" -ge "$parallel" ]; then
        wait -n || true
        running=$((running - 1))
    fi
    run_one "$t" &
    running=$((running + 1))
done
wait

failed=0
for t in "${targets[@]}"; do
    cat "$results/$t.out" 2>/dev/null || echo "== $t: no result"
done
if [ ${#targets[@]} -gt 1 ]; then
    echo "== summary ($seconds s each, $parallel at a time)"
fi
for t in "${targets[@]}"; do
    if [ -f "$results/$t" ]; then
        read -r _ execs verdict _ <"$results/$t"
    else
        execs=? verdict=FAILED
    fi
    [ ${#targets[@]} -gt 1 ] && printf '   %-22s %12s executions  %s\n' "$t" "$execs" "$verdict"
    [ "$verdict" = passed ] || failed=$((failed + 1))
done
rm -rf -- "$results"
[ "$failed" -eq 0 ] || { echo "== $failed of ${#targets[@]} fuzz targets FAILED"; exit 1; }

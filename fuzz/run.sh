#!/usr/bin/env bash
# Builds the libFuzzer harnesses of fuzz/Package.swift and runs each for SECONDS seconds
# (default 60) on a copy of its seed corpus in fuzz/corpus/<harness>/. Exits 1 if any
# harness crashes (the input is saved under fuzz/artifacts/, and its path printed), and 2 if
# this Swift toolchain cannot build fuzzers (no libFuzzer or AddressSanitizer runtime).
#   fuzz/run.sh            # about a minute per harness
#   fuzz/run.sh 10         # a quick look
#   FUZZ_HARNESSES="FuzzWire FuzzCSV" fuzz/run.sh 30
# docs/operations.md ("Fuzzing") describes the harnesses and how to turn a crash into a test.
set -euo pipefail
cd "$(dirname "$0")"
seconds="${1:-60}"
[[ "$seconds" =~ ^[0-9]+$ ]] || { echo "usage: fuzz/run.sh [SECONDS]" >&2; exit 2; }
harnesses=(${FUZZ_HARNESSES:-FuzzWire FuzzControl FuzzCSV FuzzSweepConfig FuzzRecipe})
flags=(-c release -Xswiftc -sanitize=fuzzer,address -Xswiftc -enable-testing)

# A toolchain without the libFuzzer runtime must fail loudly, not skip the fuzzing.
probe="$(mktemp -d)"
trap 'rm -rf "$probe"' EXIT
cat > "$probe/probe.swift" <<'SWIFT'
@_cdecl("LLVMFuzzerTestOneInput")
public func probe(_ data: UnsafePointer<UInt8>?, _ size: Int) -> CInt { 0 }
SWIFT
if ! swiftc -sanitize=fuzzer,address -parse-as-library "$probe/probe.swift" -o "$probe/probe" > "$probe/log" 2>&1 \
    || ! "$probe/probe" -runs=1 > /dev/null 2>&1; then
    echo "fuzz/run.sh: error: $(command -v swiftc || echo swiftc) cannot build a libFuzzer harness" \
         "(swiftc -sanitize=fuzzer,address failed); a Swift toolchain for Linux ships the runtime as" \
         "lib/clang/*/lib/linux/libclang_rt.fuzzer-$(uname -m).a. The compiler said:" >&2
    grep -v "Cannot export local symbol" "$probe/log" | tail -n 20 >&2
    exit 2
fi

echo "fuzz: building ${harnesses[*]} (release, -sanitize=fuzzer,address)"
start=$SECONDS
# ld.gold warns once per ASan symbol it cannot export; everything else is shown.
if ! swift build "${flags[@]}" > "$probe/build" 2>&1; then
    grep -v "Cannot export local symbol" "$probe/build" | tail -n 60 >&2
    echo "fuzz/run.sh: error: the harnesses do not build" >&2
    exit 1
fi
grep -v "Cannot export local symbol" "$probe/build" | grep -E "warning:|error:" | grep -v "unhandled; explicitly declare" || true
bin="$(swift build "${flags[@]}" --show-bin-path)"
echo "fuzz: built in $((SECONDS - start)) s"

mkdir -p artifacts
# Swift's own crash backtracer would catch the crash first (and under ASan it hangs);
# libFuzzer's handler must see it, to save the input.
export SWIFT_BACKTRACE=enable=no
failed=0
passed=0
for h in "${harnesses[@]}"; do
    seeds="corpus/$(echo "$h" | sed -E 's/^Fuzz//; s/([a-z])([A-Z])/\1-\2/g' | tr 'A-Z' 'a-z')"
    [[ -d "$seeds" ]] || { echo "fuzz/run.sh: error: no seed corpus $seeds for $h" >&2; exit 2; }
    work="$probe/$h"
    mkdir -p "$work"
    log="artifacts/$h.log"
    # New inputs go to the first directory (a scratch copy); the seeds are only read.
    # Leak detection is off: the Swift runtime keeps its metadata caches for good.
    if "$bin/$h" "$work" "$seeds" -max_total_time="$seconds" -timeout=10 -rss_limit_mb=2048 -max_len=16384 \
        -detect_leaks=0 -print_final_stats=1 -artifact_prefix="artifacts/$h-" > "$log" 2>&1; then
        passed=$((passed + 1))
        status=ok
    else
        failed=$((failed + 1))
        status=CRASH
        echo "---- $h crashed; its log is fuzz/$log, the input:" >&2
        grep -E "^(artifact_prefix|Test unit written|Base64)" "$log" >&2 || true
        grep -v "^#" "$log" | tail -n 40 >&2
    fi
    execs="$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" | tail -n 1)"
    cov="$(grep -oE 'cov: [0-9]+ ft: [0-9]+ corp: [0-9]+' "$log" | tail -n 1 || true)"
    printf 'fuzz: %-16s %-5s %s executions in %s s, %s\n' "$h" "$status" "${execs:-?}" "$seconds" "${cov:-no coverage line}"
done
echo "fuzz: $passed passed, $failed failed"
[[ $failed -eq 0 ]]

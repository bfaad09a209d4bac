#!/usr/bin/env bash
# A/B head load: two `rung head` builds, interleaved (A, B, A, B, ...), against one load
# generator, in one session, so machine load affects both alike.
#
#   bench/head-load/ab.sh A_BIN_DIR B_BIN_DIR [ROUNDS] [WORKERS] [SECONDS]   (defaults 3 1000 20)
#
# A_BIN_DIR and B_BIN_DIR each hold a release `rung` (e.g. another worktree's .build/release);
# nothing is built here. The load generator is B_BIN_DIR/rung-loadgen unless LOADGEN_BIN is
# set (its worker protocol and its submit request are the same in both). Every round is one
# bench/head-load/run.sh (its environment, e.g. SCHEDULER or EPOCH_MS, passes through).
# Prints one row per round (reports/s, decision latency p50/p99, head CPU in all and per
# epoch result the store holds, load average before the round) and each round's reports/s
# as a ratio of A's best; the table also goes to bench/results/head-load-ab-*.md.
# A_HEAD_ARGS and B_HEAD_ARGS add head options per side (e.g. --metrics ADDR); the two
# sides may then be the same build (bench/head-load/observability-ab.sh does that).
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
root="$(cd "$here/../.." && pwd)"
a_dir="$(cd "${1:?A_BIN_DIR}" && pwd)"; b_dir="$(cd "${2:?B_BIN_DIR}" && pwd)"
rounds="${3:-3}"; workers="${4:-1000}"; seconds="${5:-20}"
loadgen="${LOADGEN_BIN:-$b_dir/rung-loadgen}"
for f in "$a_dir/rung" "$b_dir/rung" "$loadgen"; do
    [ -x "$f" ] || { echo "ab.sh: $f is missing (build it with swift build -c release)" >&2; exit 2; }
done
logs="$(mktemp -d /tmp/rung-head-ab.XXXXXX)"
for round in $(seq 1 "$rounds"); do
    for side in A B; do
        dir="$a_dir"; [ "$side" = B ] && dir="$b_dir"
        log="$logs/$round-$side.log"
        cut -d' ' -f1-3 /proc/loadavg > "$log.load"
        echo "== round $round, $side ($dir/rung), load average $(cat "$log.load")" >&2
        args="${A_HEAD_ARGS:-}"; [ "$side" = B ] && args="${B_HEAD_ARGS:-}"
        HEAD_ARGS="$args" RUNG_BIN_DIR="$dir" LOADGEN_BIN="$loadgen" RESULT_TAG="$side$round" \
            "$here/run.sh" "$workers" "$seconds" 1 > "$log" 2> "$log.err" || {
            echo "ab.sh: round $round $side failed; see $log.err" >&2; tail -5 "$log.err" >&2; exit 1; }
    done
done
mkdir -p "$root/bench/results"
table="$root/bench/results/head-load-ab-$(date -u +%Y%m%dT%H%M%S).md"
python3 - "$logs" "$rounds" "$a_dir" "$b_dir" "$loadgen" <<'PY' | tee "$table"
import json, re, sys
logs, rounds, a_dir, b_dir, loadgen = sys.argv[1], int(sys.argv[2]), *sys.argv[3:]
rows = []
for r in range(1, rounds + 1):
    for side in "AB":
        text = open(f"{logs}/{r}-{side}.log").read()
        result, _ = json.JSONDecoder().raw_decode(text[text.index("{"):])
        cpu = re.search(r"head cpu: user ([\d.]+) s, system ([\d.]+) s", text)
        head_cpu = float(cpu.group(1)) + float(cpu.group(2)) if cpu else None
        stored = re.search(r"'epoch_results': (\d+)", text)
        per_result = head_cpu / int(stored.group(1)) * 1e6 if cpu and stored else None
        load = open(f"{logs}/{r}-{side}.log.load").read().split()
        lat = result["decision_latency_ms"]
        rows.append((r, side, result["reports_per_second"], lat["p50"], lat["p99"], head_cpu,
                     per_result, result["welcomed"], load[0]))
best_a = max(x[2] for x in rows if x[1] == "A")
print(f"A = {a_dir}/rung, B = {b_dir}/rung, load generator {loadgen}\n")
print("| round | head | reports/s | vs A's best | decision p50 / p99 (ms) | head CPU (s, whole life) | head CPU per stored epoch result (µs) | welcomed | load avg (1 min) before |")
print("|---|---|---|---|---|---|---|---|---|")
fmt = lambda v: "–" if v is None else (f"{v:.1f}" if v < 100 else f"{v:.0f}")
for r, side, rps, p50, p99, cpu, per, welcomed, load in rows:
    print(f"| {r} | {side} | {rps:,.0f} | {rps / best_a:.3f} | {fmt(p50)} / {fmt(p99)} | "
          f"{'–' if cpu is None else f'{cpu:.1f}'} | {'–' if per is None else f'{per:.1f}'} | {welcomed} | {load} |")
for side in "AB":
    v = sorted(x[2] for x in rows if x[1] == side)
    u = sorted(x[6] for x in rows if x[1] == side and x[6] is not None)
    print(f"\n{side}: best {v[-1]:,.0f}, median {v[len(v) // 2]:,.0f} reports/s"
          + (f"; head CPU per epoch result median {u[len(u) // 2]:.1f} µs" if u else ""), end="")
b_best = max(x[2] for x in rows if x[1] == "B")
print(f"\n\nB's best / A's best = {b_best / best_a:.3f}")
PY
echo "logs: $logs; table: $table" >&2

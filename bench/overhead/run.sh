#!/usr/bin/env bash
# Bookkeeping overhead, in the shape Ray Tune publishes for its own (release test
# "bookkeeping overhead": 10,000 trials that each sleep 1 s, 16 CPUs, 625 s ideal; Ray
# reports 715 s, 14 % over the ideal): trials of a `command` family that sleep 1 s and
# report one metric, on 16 slots of already-running ("warm") workers.
#
#   bench/overhead/run.sh [TRIALS] [SLOTS] [WORKERS]     (defaults 2000 16 1)
#   RUNG_BIN_DIR=.build/release bench/overhead/run.sh    (default: swift build -c release)
#
# It starts `rung head` on a fresh SQLite store and WORKERS `rung worker --slots
# SLOTS/WORKERS`, waits until the head lists every worker, then times
# `rung sweep submit --wait` of a sweep of TRIALS one-epoch trials (random search, FIFO).
# Prints one JSON document: wall seconds from submit to the end (as the client saw it) and
# the sweep's span as the head recorded it (without the client's polling), the ideal
# (TRIALS × 1 s / SLOTS), the overhead over the ideal, the head's CPU seconds (user +
# system, from /proc), the store's size, the time from submit to the first epoch
# result (from the store's timestamps), and where the overhead goes per trial: ms beyond
# its 1 s between its assignment and its `done` (head clock), and ms its slot stood idle
# between trials.
set -euo pipefail
root="$(cd "$(dirname "$0")/../.." && pwd)"
trials="${1:-2000}" slots="${2:-16}" workers="${3:-1}"
(( slots % workers == 0 )) || { echo "SLOTS ($slots) must be a multiple of WORKERS ($workers)" >&2; exit 64; }
if [ -z "${RUNG_BIN_DIR:-}" ]; then (cd "$root" && swift build -c release --product rung >/dev/null); fi
bin="$(cd "${RUNG_BIN_DIR:-$root/.build/release}" && pwd)"
work="$(mktemp -d "${TMPDIR:-/tmp}/rung-overhead.XXXXXX")"
pids=()
cleanup() {
    for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done
    wait 2>/dev/null || true
    rm -rf "$work"
}
trap cleanup EXIT INT TERM

port=$(( 20000 + RANDOM % 20000 ))
endpoint="tcp://127.0.0.1:$port"
export OMP_WAIT_POLICY=passive

# A tiny prepared data set: command trials are handed a data directory like any other.
python3 - "$work/data.csv" <<'PY'
import random, sys
random.seed(1)
with open(sys.argv[1], "w") as f:
    f.write("row_id,x,outcome\n")
    for i in range(200):
        x = random.random()
        f.write(f"{i},{x:.4f},{'YES' if x + random.random() > 1 else 'NO'}\n")
PY
cat > "$work/recipe.yaml" <<'YAML'
name: overhead
target: {name: outcome_binary, from: outcome, negative: ["NO"]}
id_columns: [row_id]
split: {initial_fraction: 1.0, train: 0.6, validation: 0.2, future_batches: 0}
YAML
"$bin/rung" data prepare --source "$work/data.csv" --recipe "$work/recipe.yaml" --out "$work/prepared" >"$work/prepare.log" 2>&1 \
    || { cat "$work/prepare.log" >&2; exit 65; }
cat > "$work/sweep.yaml" <<YAML
name: overhead
seed: 1
data: {prepared: $work/prepared}
metric: {name: score, mode: max}
searcher: {type: random}
scheduler: {type: fifo, max_epochs: 1}
families:
  sleeper:
    trials: $trials
    command: [sh, -c, 'sleep 1; echo "{\"epoch\": 1, \"score\": 0.5}"']
    space:
      x: {type: uniform, low: 0, high: 1}
YAML

cd "$work"
"$bin/rung" head --listen "$endpoint" --db "sqlite:$work/rung.db" --artifacts "$work/artifacts" >"$work/head.log" 2>&1 &
head_pid=$!; pids+=("$head_pid")
for w in $(seq 1 "$workers"); do
    "$bin/rung" worker --head "$endpoint" --slots $(( slots / workers )) --name "w$w" --cache "$work/cache-$w" \
        >"$work/worker-$w.log" 2>&1 &
    pids+=("$!")
done
deadline=$(( $(date +%s) + 60 ))
until [ "$("$bin/rung" workers --head "$endpoint" 2>/dev/null | grep -c '^w[0-9]')" -ge "$workers" ]; do
    [ "$(date +%s)" -lt "$deadline" ] || { echo "workers did not join within 60 s" >&2; cat "$work"/*.log >&2; exit 69; }
    sleep 0.2
done
cpu_before=$(awk '{print $14 + $15}' "/proc/$head_pid/stat")
start=$(date +%s.%N)
"$bin/rung" sweep submit "$work/sweep.yaml" --head "$endpoint" --wait >"$work/submit.out" 2>"$work/submit.err" \
    || { echo "the sweep did not finish cleanly:" >&2; cat "$work/submit.err" "$work/head.log" >&2; exit 70; }
end=$(date +%s.%N)
cpu_after=$(awk '{print $14 + $15}' "/proc/$head_pid/stat")
ticks=$(getconf CLK_TCK)
kill -INT "$head_pid"; wait "$head_pid" 2>/dev/null || true
python3 - "$work/rung.db" "$start" "$end" "$trials" "$slots" "$(( cpu_after - cpu_before ))" "$ticks" <<'PY'
import json, os, sqlite3, sys, glob
db, start, end, trials, slots, cpu, ticks = sys.argv[1], float(sys.argv[2]), float(sys.argv[3]), int(sys.argv[4]), int(sys.argv[5]), int(sys.argv[6]), int(sys.argv[7])
con = sqlite3.connect(f"file:{db}?mode=ro", uri=True)
first = con.execute("select min(recorded_at) from epoch_results").fetchone()[0]
statuses = dict(con.execute("select status, count(*) from trials group by status").fetchall())
# Where the time beyond each trial's own second goes (head clock): from its assignment to its
# `done` being handled (worker start-up of the command, the transit both ways, the commit of
# the pass that assigned it), and the rest of the slots' time (between a `done` and the next
# assignment of that slot: the head's pass and its commit).
spans = [f - s for s, f in con.execute("select started_at, finished_at from trials where started_at is not null and finished_at is not null")]
in_trial_ms = 1000 * (sum(spans) / len(spans) - 1.0) if spans else None
between_ms = 1000 * (float(sys.argv[3]) - float(sys.argv[2])) * int(sys.argv[5]) / len(spans) - 1000 - in_trial_ms if spans else None
size = sum(os.path.getsize(p) for p in glob.glob(db + "*"))
wall = end - start
ideal = trials * 1.0 / slots
# The sweep's own span as the head recorded it (submission received → sweep finished), which
# leaves out the client's start-up and the polling of `rung sweep submit --wait` (every 5 s
# when its output is not a terminal, so up to 5 s of the wall above).
sweep_created, sweep_finished = con.execute("select created_at, finished_at from sweeps order by id desc limit 1").fetchone()
sweep_span = (sweep_finished - sweep_created) if sweep_created and sweep_finished else None
print(json.dumps({"trials": trials, "slots": slots, "wall_seconds": round(wall, 2), "ideal_seconds": ideal,
                  "overhead_percent": round(100 * (wall - ideal) / ideal, 2),
                  "sweep_seconds_head_clock": round(sweep_span, 2) if sweep_span else None,
                  "sweep_overhead_percent": round(100 * (sweep_span - ideal) / ideal, 2) if sweep_span else None,
                  "head_cpu_seconds": round(cpu / ticks, 2), "store_bytes": size,
                  "first_result_seconds": round(first - start, 3) if first else None,
                  "per_trial_ms_beyond_1s_assigned_to_done": round(in_trial_ms, 1) if spans else None,
                  "per_trial_ms_slot_idle_between_trials": round(between_ms, 1) if spans else None,
                  "statuses": statuses}))
PY
echo "machine: $(nproc) cores, $(lscpu | sed -n 's/^Model name: *//p'), load $(cut -d' ' -f1-3 /proc/loadavg)"

#!/usr/bin/env bash
# Head load benchmark: one `rung head` on loopback against simulated workers
# (rung-loadgen: DEALER sockets that "train instantly" and wait only at milestones).
#
#   bench/head-load/run.sh [WORKERS] [SECONDS] [THREADS]      (defaults 1000 20 1)
#
# Release build. Results go to bench/results/head-load-*.json (and stdout).
# Set RUNG_BIN_DIR to use other binaries (e.g. .build/debug) and HEAD_WRAPPER to run the
# head under a tool (e.g. "valgrind --tool=callgrind --callgrind-out-file=/tmp/head.cg").
# LOADGEN_BIN=path runs that rung-loadgen instead of $RUNG_BIN_DIR/rung-loadgen: one load
# generator against two heads (A/B; bench/head-load/ab.sh does that). RESULT_TAG=name adds
# the name to the result file's. HEAD_ARGS adds options to the head (e.g. --metrics ADDR).
set -euo pipefail
root="$(cd "$(dirname "$0")/../.." && pwd)"
workers="${1:-1000}"; seconds="${2:-20}"; threads="${3:-1}"
bin="${RUNG_BIN_DIR:-$root/.build/release}"
loadgen="${LOADGEN_BIN:-$bin/rung-loadgen}"
if [ -z "${RUNG_BIN_DIR:-}" ]; then
    (cd "$root" && swift build -c release --product rung >/dev/null && swift build -c release --product rung-loadgen >/dev/null)
fi
work="$(mktemp -d /tmp/rung-head-load.XXXXXX)"
trap 'kill "$head_pid" 2>/dev/null || true; wait "$head_pid" 2>/dev/null || true; rm -rf "$work" "$db_dir"' EXIT
port="${RUNG_LOAD_PORT:-17770}"
# DB_DIR=/dev/shm puts the store on tmpfs (fsync is free there): shows what durability costs.
db_dir="$(mktemp -d "${DB_DIR:-$work}/rung-db.XXXXXX")"
db="$db_dir/rung.db"

# A tiny synthetic prepared dataset: the simulated workers never read it, the head only
# needs a data version.
python3 - "$work/rows.csv" <<'PY'
import random, sys
r = random.Random(1)
with open(sys.argv[1], "w") as f:
    f.write("id,x,colour,outcome\n")
    for i in range(200):
        x = r.random()
        f.write(f"{i},{x:.6f},{r.choice(['red','green','blue'])},{'yes' if x > 0.5 else 'no'}\n")
PY
cat > "$work/recipe.yaml" <<'YAML'
name: synthetic
id_columns: [id]
target: {name: y, from: outcome, negative: ["no"]}
split: {initial_fraction: 1.0, train: 0.6, validation: 0.2, future_batches: 0}
YAML
"$bin/rung" data prepare --source "$work/rows.csv" --recipe "$work/recipe.yaml" --out "$work/data" >/dev/null

# 100,000 trials, ASHA (stop mode) with milestones at epochs 10, 30 and 90 of 100: each
# assignment is answered by a burst of up to 10–60 reports and one milestone wait.
# EPOCH_MS=E: each simulated worker reports one epoch every E ms (open loop) instead of at once.
# SCHEDULER=fifo: no milestones, every assignment is answered by 100 reports and `done`.
cat > "$work/sweep.yaml" <<YAML
name: head-load
seed: 1
data: {prepared: $work/data}
metric: {name: val_auc, mode: max}
searcher: {type: random}
scheduler: {type: ${SCHEDULER:-asha}, max_epochs: 100, grace_period: 10, reduction_factor: 3}
families:
  xgboost:
    trials: 100000
    space:
      max_depth: {type: int, low: 2, high: 10}
      learning_rate: {type: loguniform, low: 0.01, high: 0.3}
YAML

${HEAD_WRAPPER:-} "$bin/rung" head --listen "tcp://127.0.0.1:$port" --db "sqlite:$db" \
    --artifacts "$work/artifacts" --heartbeat-ms 1000 --lost-after-ms 10000 ${HEAD_ARGS:-} 2> "$work/head.log" &
head_pid=$!
sleep "${HEAD_START_SECONDS:-1}"
mkdir -p "$root/bench/results"
out="$root/bench/results/head-load-$workers${RESULT_TAG:+-$RESULT_TAG}-$(date -u +%Y%m%dT%H%M%S).json"
timer=(); [ -x /usr/bin/time ] && timer=(/usr/bin/time -f "loadgen cpu: user %U s, system %S s, wall %e s")
"${timer[@]}" "$loadgen" --head "tcp://127.0.0.1:$port" --workers "$workers" --threads "$threads" \
    --seconds "$seconds" --submit "$work/sweep.yaml" --epoch-ms "${EPOCH_MS:-0}" | tee "$out"
if [ -z "${HEAD_WRAPPER:-}" ]; then
    # CPU seconds the head used (user, system) over its whole life.
    awk -v t="$(getconf CLK_TCK)" '{printf "head cpu: user %.1f s, system %.1f s\n", $14/t, $15/t}' "/proc/$head_pid/stat"
fi
kill -INT "$head_pid"; wait "$head_pid" || true
# What the head itself recorded: epoch results and trials in the store.
python3 - "$db" <<'PY' | tee -a "$out"
import sqlite3, sys
db = sqlite3.connect(sys.argv[1])
tables = [r[0] for r in db.execute("select name from sqlite_master where type='table'")]
counts = {t: db.execute(f"select count(*) from {t}").fetchone()[0] for t in tables if not t.startswith("sqlite_")}
print({"store_rows": counts})
PY
echo "head dropped frames: $(grep -c "dropped a frame" "$work/head.log" || true)"

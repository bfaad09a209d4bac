#!/usr/bin/env bash
# The head under load with the MLflow export and /metrics on (B) against the same build
# with them off (A), interleaved by ab.sh, and the export's catch-up after a 120-trial sweep.
#
#   bench/head-load/observability-ab.sh BIN_DIR [ROUNDS] [WORKERS] [SECONDS]   (defaults 3 1000 20)
#   (ROUNDS 0 measures only the catch-up)
#
# BIN_DIR holds a release `rung` and `rung-loadgen`. Needs a Python with mlflow
# (RUNG_BENCH_VENV, bench/common/venv.sh) and Debian's `prometheus`: an `mlflow server`
# (SQLite, served artifacts) and a Prometheus scraping B's head every second run on this
# machine during the A/B, as they would beside a head. Then `rung run` of a 120-trial sweep
# with --mlflow prints how long the export took to catch up after the sweep ended.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
root="$(cd "$here/../.." && pwd)"
bin="$(cd "${1:?BIN_DIR}" && pwd)"; rounds="${2:-3}"; workers="${3:-1000}"; seconds="${4:-20}"
venv="${RUNG_BENCH_VENV:-$root/bench/.venv}"
[ -x "$venv/bin/mlflow" ] || { echo "observability-ab.sh: no mlflow in $venv (set RUNG_BENCH_VENV)" >&2; exit 2; }
command -v prometheus >/dev/null || { echo "observability-ab.sh: prometheus is not installed (scripts/install-deps --test)" >&2; exit 2; }
work="$(mktemp -d /tmp/rung-obs-ab.XXXXXX)"
free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'; }
mlflow_port="$(free_port)"; metrics_port="$(free_port)"; prom_port="$(free_port)"
"$venv/bin/mlflow" server --backend-store-uri "sqlite:///$work/mlflow.db" --artifacts-destination "$work/artifacts" \
    --host 127.0.0.1 --port "$mlflow_port" --workers 1 > "$work/mlflow.log" 2>&1 &
mlflow_pid=$!
cat > "$work/prometheus.yml" <<YAML
global: {scrape_interval: 1s}
scrape_configs:
  - job_name: rung-head
    static_configs: [{targets: ["127.0.0.1:$metrics_port"]}]
YAML
prometheus --config.file "$work/prometheus.yml" --storage.tsdb.path "$work/tsdb" \
    --web.listen-address "127.0.0.1:$prom_port" > "$work/prometheus.log" 2>&1 &
prom_pid=$!
trap 'kill $prom_pid 2>/dev/null; pkill -P $mlflow_pid 2>/dev/null; kill $mlflow_pid 2>/dev/null; wait 2>/dev/null; rm -rf "$work"' EXIT
for _ in $(seq 1 600); do curl -sf "http://127.0.0.1:$mlflow_port/health" >/dev/null && break; sleep 0.5; done
curl -sf "http://127.0.0.1:$mlflow_port/health" >/dev/null || { echo "mlflow server did not start; see $work/mlflow.log" >&2; exit 1; }

if [ "$rounds" -gt 0 ]; then
echo "== head load: A = export and /metrics off, B = --mlflow http://127.0.0.1:$mlflow_port --metrics 127.0.0.1:$metrics_port" >&2
A_HEAD_ARGS="" B_HEAD_ARGS="--mlflow http://127.0.0.1:$mlflow_port --metrics 127.0.0.1:$metrics_port" \
    "$here/ab.sh" "$bin" "$bin" "$rounds" "$workers" "$seconds"
fi

echo "== catch-up after a 120-trial sweep (rung run --mlflow)" >&2
mkdir -p "$work/run"
python3 - "$work/run" <<'PY'
import random, sys
d = sys.argv[1]
rng = random.Random(7)
with open(f"{d}/rows.csv", "w") as f:
    f.write("id,a,b,colour,outcome\n")
    for i in range(2000):
        a, b = rng.random(), rng.random()
        f.write(f"{i},{a:.4f},{b:.4f},{rng.choice(['red','blue','green'])},{'yes' if a + b + rng.gauss(0, .3) > 1 else 'no'}\n")
open(f"{d}/recipe.yaml", "w").write('name: synthetic\nid_columns: [id]\ntarget: {name: y, from: outcome, negative: ["no"]}\n'
                                    'split: {initial_fraction: 1.0, train: 0.6, validation: 0.2, future_batches: 0}\n')
open(f"{d}/sweep.yaml", "w").write(f"""name: export-120
data: {{prepared: {d}/data}}
metric: {{name: val_auc, mode: max}}
scheduler: {{type: asha, max_epochs: 9, grace_period: 1, reduction_factor: 3}}
families:
  xgboost:
    trials: 120
    space: {{max_depth: {{type: int, low: 2, high: 8}}, learning_rate: {{type: loguniform, low: 0.01, high: 0.3}}}}
""")
PY
(cd "$work/run" && "$bin/rung" data prepare --source rows.csv --recipe recipe.yaml --out data >/dev/null)
(cd "$work/run" && "$bin/rung" run sweep.yaml --workers 2 --mlflow "http://127.0.0.1:$mlflow_port" \
    --db "sqlite:$work/run/rung.db" --artifacts "$work/run/artifacts" > "$work/run/out.txt" 2> "$work/run/err.txt") || true
grep -h "fully exported" "$work/run/out.txt" "$work/run/err.txt" || { echo "no export line; see:" >&2; tail -20 "$work/run/err.txt" >&2; }
python3 - "$work/run/rung.db" <<'PY'
import sqlite3, sys
db = sqlite3.connect(sys.argv[1])
(start, end), = db.execute("SELECT min(started_at), max(finished_at) FROM trials WHERE sweep_id = 1")
(ended,), = db.execute("SELECT finished_at FROM sweeps WHERE id = 1")
print(f"sweep 1: trials ran {end - start:.1f} s (first start to last end); the sweep ended {ended - start:.1f} s after the first trial started")
PY
"$bin/rung" sweep show 1 --db "sqlite:$work/run/rung.db" | grep "mlflow export" || true

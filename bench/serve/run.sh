#!/usr/bin/env bash
# bench/serve: `rung serve` against FastAPI + uvicorn + pandas + Python xgboost serving the
# same registered model (docs/benchmarks.md, "Serving").
#
#   bench/serve/run.sh [OUT_DIR]
#
# Needs a release build (`swift build -c release --product rung --product rung-httpload`),
# $RUNG_DATASETS with diabetes/diabetic_data.csv, and the bench venv (bench/common/venv.sh;
# fastapi and uvicorn are installed into it if missing). Steps: train and register one
# xgboost model (100 trees, depth 6) with `rung run`; start both servers on loopback; check
# that they answer the same probabilities for 100 raw rows; then, for single rows and
# 100-row batches, requests/s at saturation (16 connections, 10 s) and latency at a fixed
# 1,000 requests/s (16 connections, 10 s, measured from each request's scheduled time);
# the RSS of both servers after the runs. uvicorn runs with 1 and with 2 workers (the
# machine has 2 cores); the better is quoted.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(cd "$here/../.." && pwd)"
out="${1:-$(mktemp -d /tmp/rung-bench-serve.XXXXXX)}"
mkdir -p "$out"
rung="${RUNG_BIN:-$root/.build/release/rung}"
load="${LOAD_BIN:-$root/.build/release/rung-httpload}"
py="$("$root/bench/common/venv.sh")"
"$py" -c "import fastapi, uvicorn" 2>/dev/null || "$py" -m pip install -q fastapi uvicorn
export OMP_WAIT_POLICY=passive
seconds="${SECONDS_PER_RUN:-10}"

cd "$out"
if ! "$rung" registry ls --db "sqlite:$out/rung.db" --artifacts "$out/artifacts" --json 2>/dev/null | grep -q '"production"'; then
  "$rung" run "$here/serve-model.yaml" --workers 1 --db "sqlite:$out/rung.db" --artifacts "$out/artifacts" --json > train.json
fi
model_dir="$out/artifacts/registry/xgboost/v1"
"$py" "$here/make_bodies.py" "${RUNG_DATASETS%%:*}/diabetes/diabetic_data.csv" "$out"

rss() { awk '/VmRSS/ {print $2}' "/proc/$1/status"; }
tree_rss() { local total=0; for p in $1 $(pgrep -P "$1" || true); do total=$((total + $(rss "$p"))); done; echo "$total"; }
wait_up() { for _ in $(seq 1 300); do curl -sf "$1/healthz" >/dev/null && return 0; sleep 0.1; done; echo "server $1 did not start" >&2; exit 1; }

"$rung" serve --model xgboost@production --listen 127.0.0.1:18080 --db "sqlite:$out/rung.db" --artifacts "$out/artifacts" \
  --prediction-log "$out/predictions.jsonl" > serve.log 2>&1 &
rung_pid=$!
trap 'kill $rung_pid ${uv_pid:-} 2>/dev/null || true' EXIT
wait_up http://127.0.0.1:18080

results="$out/results.jsonl"
: > "$results"
measure() { # name url
  local name=$1 url=$2
  for body in single batch100; do
    echo "{\"server\": \"$name\", \"body\": \"$body\", \"mode\": \"saturation\", \"result\": $("$load" --url "$url/predict" --body "$out/$body.json" --connections 16 --seconds "$seconds")}" >> "$results"
    [[ $name == rung ]] && curl -sf "$url/metrics" > "$out/metrics-before.txt"
    echo "{\"server\": \"$name\", \"body\": \"$body\", \"mode\": \"rate1000\", \"result\": $("$load" --url "$url/predict" --body "$out/$body.json" --connections 16 --seconds "$seconds" --rate 1000)}" >> "$results"
    if [[ $name == rung ]]; then # the server's own histogram of the same run (docs/serving.md, "Latency")
      curl -sf "$url/metrics" > "$out/metrics-after.txt"
      echo "{\"server\": \"rung\", \"body\": \"$body\", \"mode\": \"rate1000-server-side\", \"result\": $("$py" "$here/server_side.py" "$out/metrics-before.txt" "$out/metrics-after.txt")}" >> "$results"
    fi
  done
}

curl -sf -X POST -H 'Content-Type: application/json' --data-binary @batch100.json http://127.0.0.1:18080/predict > rung-batch.json
measure rung http://127.0.0.1:18080
echo "{\"server\": \"rung\", \"rss_kib\": $(rss $rung_pid)}" >> "$results"

# RUNG_ONLY=1: rung serve alone (a re-measurement after a change to rung; no new ratio).
[[ ${RUNG_ONLY:-0} == 1 ]] && workers_list="" || workers_list="1 2"
for workers in $workers_list; do
  MODEL_DIR="$model_dir" OMP_NUM_THREADS=1 "$(dirname "$py")/uvicorn" --app-dir "$here" fastapi_app:app --host 127.0.0.1 \
    --port 18081 --workers "$workers" --log-level warning > "$out/uvicorn-$workers.log" 2>&1 &
  uv_pid=$!
  wait_up http://127.0.0.1:18081
  if [[ $workers == 1 ]]; then
    curl -sf -X POST -H 'Content-Type: application/json' --data-binary @batch100.json http://127.0.0.1:18081/predict > fastapi-batch.json
    "$py" - <<'PY' >> "$results"
import json
a = [r["probability"] for r in json.load(open("rung-batch.json"))]
b = [r["probability"] for r in json.load(open("fastapi-batch.json"))]
assert len(a) == len(b) == 100, (len(a), len(b))
print(json.dumps({"agreement_rows": len(a), "max_abs_diff": max(abs(x - y) for x, y in zip(a, b))}))
PY
  fi
  measure "fastapi-w$workers" http://127.0.0.1:18081
  echo "{\"server\": \"fastapi-w$workers\", \"rss_kib\": $(tree_rss "$uv_pid")}" >> "$results"
  kill "$uv_pid" 2>/dev/null || true; wait "$uv_pid" 2>/dev/null || true
  sleep 1
done
"$py" "$here/summarize.py" "$results"
echo "results: $results"

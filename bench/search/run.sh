#!/usr/bin/env bash
# Search benchmark: rung ask-tell vs hyperopt TPE vs Optuna TPE.
# Usage: bench/search/run.sh [--evals N] [--seeds K] [--jobs J] [--batches 1,8] [--functions a,b] [--speed 100,1000,3000]
# Environment: RUNG_BENCH_VENV=path of a venv with numpy, hyperopt, optuna (else bench/.venv is created).
# Writes docs/benchmarks-search.md and bench/results/search.json. Runs under nice.
set -euo pipefail
root="$(cd "$(dirname "$0")/../.." && pwd)"
cd "$root"
venv="${RUNG_BENCH_VENV:-$root/bench/.venv}"
if [ ! -x "$venv/bin/python" ]; then
    python3 -m venv "$venv"
    "$venv/bin/pip" install --quiet numpy scipy "hyperopt>=0.2.7" optuna
fi
nice swift build -c release --product rung
bin="$(swift build -c release --show-bin-path)/rung"
mkdir -p bench/results
cmd="bench/search/run.sh $*"
exec nice "$venv/bin/python" bench/search/bench.py --rung "$bin" --json bench/results/search.json \
    --markdown docs/benchmarks-search.md --command "$cmd" "$@"

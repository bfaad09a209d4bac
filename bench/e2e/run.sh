#!/usr/bin/env bash
# End-to-end benchmark: the health-predict study (Config/health-predict.yaml: xgboost,
# random_forest, logistic_regression; TPE; ASHA max 20 epochs, grace 2, η 3; 40 trials per
# family) with `rung run --workers 2` against the same study in Ray Tune 2.x
# (ASHAScheduler + HyperOptSearch, 2 concurrent trials), on the same prepared splits.
#
#   bench/e2e/run.sh [rung|ray|all]        (default all)
#
# Environment: RUNG_DATASETS (where diabetes/diabetic_data.csv is; default ../shared/data),
# RUNG_BENCH_VENV (Python venv for Ray Tune; default bench/.venv, created if missing),
# RUNG_BIN_DIR (prebuilt rung; default: swift build -c release).
# Results: bench/results/e2e-*.json and stdout. docs/benchmarks-cluster.md has the record.
set -euo pipefail
root="$(cd "$(dirname "$0")/../.." && pwd)"
what="${1:-all}"
export RUNG_DATASETS="${RUNG_DATASETS:-$(cd "$root/.." && pwd)/shared/data}"
export OMP_WAIT_POLICY=passive
bin="$(cd "${RUNG_BIN_DIR:-$root/.build/release}" 2>/dev/null && pwd || echo "$root/.build/release")"
venv="${RUNG_BENCH_VENV:-$root/bench/.venv}"
results="$root/bench/results"
work="$results/e2e-work"
mkdir -p "$results" "$work"
stamp="$(date -u +%Y%m%dT%H%M%S)"

if [ -z "${RUNG_BIN_DIR:-}" ]; then (cd "$root" && swift build -c release --product rung >/dev/null); fi

# The prepared splits both tools train on.
if [ ! -f "$work/prepared/manifest.json" ]; then
    "$bin/rung" data prepare --source uci-diabetes-130 --recipe "$root/Config/datasets/diabetes.yaml" \
        --out "$work/prepared"
fi

now() { date +%s.%N; }

if [ "$what" = rung ] || [ "$what" = all ]; then
    # One sweep per family (as Ray Tune runs them, one after another), then all three in one sweep.
    python3 - "$root/Config/health-predict.yaml" "$work" <<'PY'
import re, sys
text = open(sys.argv[1]).read()
head, fams = text.split("families:\n", 1)
fams, tail = fams.split("register:", 1)
blocks = re.split(r"(?m)^(?=  [a-z_]+:\n)", fams)
blocks = [b for b in blocks if b.strip()]
head = re.sub(r"(?m)^  recipe: .*$", "", head)
for b in blocks:
    name = b.strip().split(":")[0]
    open(f"{sys.argv[2]}/{name}.yaml", "w").write(head.replace("name: health-predict", f"name: health-predict-{name}") + "families:\n" + b + "register:" + tail)
open(f"{sys.argv[2]}/all.yaml", "w").write(head + "families:\n" + "".join(blocks) + "register:" + tail)
PY
    rm -f "$work/rung.db"*; rm -rf "$work/artifacts"
    out="$results/e2e-rung-$stamp.json"
    : > "$out"
    sweep=0
    for study in xgboost random_forest logistic_regression all; do
        sweep=$((sweep + 1))
        start=$(now)
        (cd "$work" && "$bin/rung" run "$work/$study.yaml" --workers 2 --data "$work/prepared" \
            --db "sqlite:$work/rung.db" --artifacts "$work/artifacts" > "$work/rung-$study.txt" 2> "$work/rung-$study.log")
        wall=$(echo "$(now) - $start" | bc)
        python3 "$root/bench/e2e/rung_study_stats.py" "$work/rung.db" "$sweep" "$wall" 2 \
            | sed "s/^/{\"study\": \"$study\", \"result\": /; s/\$/}/" | tee -a "$out"
    done
fi

if [ "$what" = ray ] || [ "$what" = all ]; then
    if [ ! -x "$venv/bin/python" ]; then
        python3 -m venv "$venv"
        "$venv/bin/pip" install -q "ray[tune]" pandas scikit-learn xgboost hyperopt
    fi
    "$venv/bin/python" -c "import ray.tune, hyperopt, sklearn, xgboost" 2>/dev/null \
        || "$venv/bin/pip" install -q "ray[tune]" pandas scikit-learn xgboost hyperopt
    "$venv/bin/python" "$root/bench/e2e/ray_tune_study.py" "$work/prepared" --storage "$work/ray" \
        | tee "$results/e2e-ray-$stamp.json"
fi
echo "machine: $(nproc) cores, $(lscpu | sed -n 's/^Model name: *//p'), load $(cut -d' ' -f1-3 /proc/loadavg)"

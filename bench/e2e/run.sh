#!/usr/bin/env bash
# End-to-end benchmark: the health-predict study (Config/health-predict.yaml: xgboost,
# random_forest, logistic_regression; TPE; ASHA max 20 epochs, grace 2, η 3; 40 trials per
# family) with `rung run --workers 2` against the same study in Ray Tune 2.x
# (ASHAScheduler + HyperOptSearch, 2 concurrent trials), on the same prepared splits.
#
#   bench/e2e/run.sh [rung|ray|all] [--trials N]      (default all, 40 trials per family)
#
# `all` runs rung, then Ray Tune, back to back in one run on the same prepared splits, and
# ends with a summary (bench/e2e/summary.py): the wall-time ratio Ray Tune / rung, each
# family's best validation AUC for both, and each tool's share of slot time in training.
# `--trials N` gives both tools N trials per family (same ASHA settings) for a quick check
# that the script works; the benchmark itself is the default 40.
#
# Environment: RUNG_DATASETS (where diabetes/diabetic_data.csv is; default ../shared/data),
# RUNG_BENCH_VENV (Python venv for Ray Tune; default bench/.venv, created if missing),
# RUNG_BIN_DIR (prebuilt rung; default: swift build -c release).
# Results: bench/results/e2e-*.json and stdout. docs/benchmarks-cluster.md has the record.
set -euo pipefail
root="$(cd "$(dirname "$0")/../.." && pwd)"
what=all
trials=40
while [ $# -gt 0 ]; do
    case "$1" in
        rung|ray|all) what="$1"; shift ;;
        --trials) trials="${2:?--trials needs a number}"; shift 2 ;;
        *) echo "bench/e2e/run.sh: unknown argument '$1' (rung|ray|all, --trials N)" >&2; exit 64 ;;
    esac
done
case "$trials" in ''|*[!0-9]*|0) echo "bench/e2e/run.sh: --trials must be a positive integer, not '$trials'" >&2; exit 64 ;; esac
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
    python3 - "$root/Config/health-predict.yaml" "$work" "$trials" <<'PY'
import re, sys
text = open(sys.argv[1]).read()
text = re.sub(r"(?m)^(    trials:) 40$", r"\1 " + sys.argv[3], text)
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
    rung_out="$results/e2e-rung-$stamp.json"
    out="$rung_out"
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
    ray_out="$results/e2e-ray-$stamp.json"
    "$venv/bin/python" "$root/bench/e2e/ray_tune_study.py" "$work/prepared" --storage "$work/ray" \
        --trials "$trials" | tee "$ray_out"
fi
if [ "$what" = all ]; then
    python3 "$root/bench/e2e/summary.py" "$rung_out" "$ray_out"
fi
echo "machine: $(nproc) cores, $(lscpu | sed -n 's/^Model name: *//p'), load $(cut -d' ' -f1-3 /proc/loadavg)"

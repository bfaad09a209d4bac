#!/usr/bin/env bash
# Benchmark: `rung train` against Python xgboost (bench/train/train_xgboost.py), per family.
#
#   bench/train/run.sh [--epochs N] [--data DIR] [--families "xgboost random_forest ..."]
#                      [--python-only] [--keep-output DIR]
#
# For each family, with the fixed params below (override with BENCH_PARAMS_<FAMILY>, e.g.
# BENCH_PARAMS_XGBOOST='{"max_depth":4}'), on the SAME prepared directory:
#   (a) $RUNG_BIN train --family F --params JSON --data DIR --epochs N --json $RUNG_TRAIN_ARGS
#   (b) python bench/train/train_xgboost.py --family F --params JSON --data DIR --epochs N
#       --seed ${BENCH_SEED:-0} --threads 1
# and prints a markdown table: seconds per epoch (median over epochs), final validation AUC,
# whole-process wall time, CPU time and peak RSS (/usr/bin/time -f "%e %M %U %S") side by side.
#
# The prepared directory is --data DIR if given, else a temporary one made by
# `rung data prepare --source CSV --recipe Config/datasets/diabetes.yaml --out TMP`
# (with --python-only: by bench/data-prepare/prepare_pandas.py). The Python side re-fits the
# encoding with scikit-learn on DIR/train.csv (cleaned rows), so it does not depend on rung's
# preprocessor.json schema. If DIR has no train.csv/validation.csv, the Python side falls back
# to a pandas-prepared directory of the same CSV and the report says so.
#
# ASSUMPTIONS about `rung train --json` stdout are in bench/common/parse_train_output.py
# (one JSON object with an "epochs" array of {epoch, seconds|elapsed, val_auc}, or JSON
# lines); the rung side's seed is rung's default unless RUNG_TRAIN_ARGS adds one.
# RUNG_BIN, RUNG_DATASETS, RUNG_BENCH_VENV and RUNG_BENCH_RECIPE work as in
# bench/data-prepare/run.sh.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/../common/lib.sh"

epochs=10
data=""
families="xgboost random_forest logistic_regression"
python_only=0
keep=""
while [[ $# -gt 0 ]]; do
  case "$1" in
    --epochs) epochs="${2:?--epochs needs a number}"; shift 2 ;;
    --data) data="${2:?--data needs a directory}"; shift 2 ;;
    --families) families="${2:?--families needs a list}"; shift 2 ;;
    --python-only) python_only=1; shift ;;
    --keep-output) keep="${2:?--keep-output needs a directory}"; shift 2 ;;
    -h|--help) sed -n '2,/^set -euo/p' "$0" | grep '^#' | sed 's/^# \{0,1\}//'; exit 0 ;;
    *) BENCH_EXIT=64 bench_die "unknown argument '$1' (try --help)" ;;
  esac
done
[[ "$epochs" =~ ^[1-9][0-9]*$ ]] || BENCH_EXIT=64 bench_die "--epochs must be a positive integer, not '$epochs'"
[[ -x /usr/bin/time ]] || bench_die "/usr/bin/time is missing (apt-get install time)"

# Fixed, default-ish params per family (XGBoost parameter names).
default_xgboost='{"max_depth":6,"learning_rate":0.1,"subsample":0.8}'
default_random_forest='{"max_depth":8,"subsample":0.8,"colsample_bynode":0.8}'
default_logistic_regression='{"lambda":0.001,"alpha":0.0}'
params_for() {
  case "$1" in
    xgboost)             echo "${BENCH_PARAMS_XGBOOST:-$default_xgboost}" ;;
    random_forest)       echo "${BENCH_PARAMS_RANDOM_FOREST:-$default_random_forest}" ;;
    logistic_regression) echo "${BENCH_PARAMS_LOGISTIC_REGRESSION:-$default_logistic_regression}" ;;
    *) BENCH_EXIT=64 bench_die "unknown family '$1' (xgboost, random_forest, logistic_regression)" ;;
  esac
}

cd "$ROOT"
recipe="${RUNG_BENCH_RECIPE:-Config/datasets/diabetes.yaml}"
py="$(bench_python)"
rung=""
[[ $python_only -eq 0 ]] && rung="$(bench_rung)"

tmp="$(mktemp -d "${TMPDIR:-/tmp}/rung-bench-train.XXXXXX")"
trap 'rm -rf "$tmp"' EXIT INT TERM

note=""
if [[ -z "$data" ]]; then
  csv="$(bench_dataset)"
  data="$tmp/prepared"
  if [[ $python_only -eq 0 ]]; then
    [[ -f "$recipe" ]] || BENCH_EXIT=65 bench_die "recipe $recipe is missing (run from the package root or set RUNG_BENCH_RECIPE)"
    "$rung" data prepare --source "$csv" --recipe "$recipe" --out "$data" >"$tmp/prepare.log" 2>&1 \
      || { cat "$tmp/prepare.log" >&2; bench_die "rung data prepare failed (output above)"; }
  else
    "$py" bench/data-prepare/prepare_pandas.py --source "$csv" --out "$data" --quiet >"$tmp/prepare.log" 2>&1 \
      || { cat "$tmp/prepare.log" >&2; bench_die "prepare_pandas.py failed (output above)"; }
  fi
fi
[[ -d "$data" ]] || BENCH_EXIT=65 bench_die "prepared directory $data does not exist"
py_data="$data"
if [[ ! -f "$data/train.csv" || ! ( -f "$data/validation.csv" || -f "$data/val.csv" ) ]]; then
  csv="$(bench_dataset)"
  py_data="$tmp/pandas-prepared"
  "$py" bench/data-prepare/prepare_pandas.py --source "$csv" --out "$py_data" --quiet >"$tmp/prepare-pandas.log" 2>&1 \
    || { cat "$tmp/prepare-pandas.log" >&2; bench_die "prepare_pandas.py failed (output above)"; }
  note="Note: $data has no train.csv/validation.csv (files: $(ls "$data" | tr '\n' ' ')); the Python side used a pandas-prepared directory of the same CSV instead."
fi

# run_side SIDE FAMILY PARAMS -> writes $tmp/SIDE-FAMILY.{stdout,stderr,time,json}
run_side() {
  local side="$1" family="$2" params="$3" status=0
  local base="$tmp/$side-$family"
  case "$side" in
    rung)
      # shellcheck disable=SC2086
      /usr/bin/time -f "%e %M %U %S" -o "$base.time" "$rung" train --family "$family" --params "$params" \
        --data "$data" --epochs "$epochs" --json ${RUNG_TRAIN_ARGS:-} >"$base.stdout" 2>"$base.stderr" || status=$? ;;
    python)
      /usr/bin/time -f "%e %M %U %S" -o "$base.time" "$py" bench/train/train_xgboost.py --family "$family" \
        --params "$params" --data "$py_data" --epochs "$epochs" --seed "${BENCH_SEED:-0}" --threads 1 \
        >"$base.stdout" 2>"$base.stderr" || status=$? ;;
  esac
  if [[ $status -ne 0 ]]; then
    echo "$(basename "$0"): $side train --family $family failed with exit status $status; its stderr:" >&2
    tail -n 20 "$base.stderr" >&2
    return 1
  fi
  "$py" bench/common/parse_train_output.py "$base.stdout" >"$base.json" || return 1
  tail -n 1 "$base.time" >"$base.wall"
}

sides=(python)
[[ $python_only -eq 0 ]] && sides=(rung python)
failed=0
for family in $families; do
  params="$(params_for "$family")"
  echo "$params" >"$tmp/params-$family"
  for side in "${sides[@]}"; do
    run_side "$side" "$family" "$params" || { failed=1; echo "failed" >"$tmp/$side-$family.failed"; }
  done
done

versions="$("$py" -c 'import sys, xgboost, sklearn; print(f"python {sys.version.split()[0]}, xgboost {xgboost.__version__} (pip), scikit-learn {sklearn.__version__}")')"
if [[ $python_only -eq 0 ]]; then
  libxgb="$(dpkg-query -W -f '${Version}' libxgboost-dev 2>/dev/null || echo '?')"
  versions="rung $("$rung" --version 2>/dev/null || echo '?') with libxgboost $libxgb; $versions"
fi

echo "## rung train vs Python xgboost (diabetes, one trial per family, nthread 1)"
echo
bench_machine
echo "- versions: $versions"
echo "- epochs: $epochs (xgboost, logistic_regression: 10 rounds each; random_forest: 10 trees each); python seed ${BENCH_SEED:-0}, base_score 0.5 (random_forest: the training positive rate), as rung"
echo "- commands: \`rung train --family F --params P --data DIR --epochs $epochs --json${RUNG_TRAIN_ARGS:+ $RUNG_TRAIN_ARGS}\`; \`python bench/train/train_xgboost.py --family F --params P --data DIR --epochs $epochs --seed ${BENCH_SEED:-0} --threads 1\`"
echo
"$py" - "$tmp" "$python_only" $families <<'PY'
import json, os, sys
tmp, python_only, families = sys.argv[1], sys.argv[2] == "1", sys.argv[3:]
def load(side, family):
    base = os.path.join(tmp, f"{side}-{family}")
    if python_only and side == "rung":
        return None, "_not run_"
    if os.path.exists(base + ".failed") or not os.path.exists(base + ".json"):
        return None, "**failed**"
    result = json.load(open(base + ".json"))
    wall, rss, user, system = open(base + ".wall").read().split()
    result["wall"], result["rss_mb"], result["cpu"] = float(wall), float(rss) / 1024, float(user) + float(system)
    if result["median_epoch_seconds"] is None:  # no per-epoch times: whole process / epochs
        result["median_epoch_seconds"] = result["wall"] / len(result["epochs"])
        result["approx"] = True
    return result, None
def sec(r, miss):
    if r is None:
        return miss
    text = f"{r['median_epoch_seconds']:.4f}" + ("*" if r.get("approx") else "")
    if r.get("median_epoch_cpu_seconds") is not None:
        text += f" (CPU {r['median_epoch_cpu_seconds']:.4f})"
    return text
def auc(r, miss): return miss if r is None or r["final_val_auc"] is None else f"{r['final_val_auc']:.4f}"
def proc(r, miss): return miss if r is None else f"{r['wall']:.2f} s / {r['cpu']:.2f} s / {r['rss_mb']:.0f} MB"
print("| family | params | rung s/epoch | python s/epoch | speedup | rung val AUC | python val AUC | rung wall / CPU / peak RSS | python wall / CPU / peak RSS |")
print("|---|---|---:|---:|---:|---:|---:|---:|---:|")
approx = False
for family in families:
    params = open(os.path.join(tmp, f"params-{family}")).read().strip()
    r, rm = load("rung", family)
    p, pm = load("python", family)
    speed = "–"
    if r and p and r["median_epoch_seconds"] > 0:
        speed = f"{p['median_epoch_seconds'] / r['median_epoch_seconds']:.2f}×"
    approx |= bool((r or {}).get("approx") or (p or {}).get("approx"))
    print(f"| {family} | `{params}` | {sec(r, rm)} | {sec(p, pm)} | {speed} | {auc(r, rm)} | {auc(p, pm)} | {proc(r, rm)} | {proc(p, pm)} |")
print()
print("s/epoch is the median over epochs of each epoch's training + validation-scoring wall time "
      "(in parentheses its CPU time, when reported); speedup = python / rung wall. Wall, CPU (user + system) and peak RSS are of the whole process "
      "(data loading included).")
if approx:
    print("* no per-epoch times in the output: whole-process wall time / epochs.")
PY
[[ -n "$note" ]] && { echo; echo "$note"; }
if [[ -n "$keep" ]]; then
  mkdir -p "$keep" && cp "$tmp"/*-*.stdout "$tmp"/*-*.json "$keep"/ 2>/dev/null || true
fi
exit "$failed"

#!/usr/bin/env bash
# Benchmark: `rung data prepare` against the same recipe in pandas + scikit-learn.
#
#   bench/data-prepare/run.sh [--runs N] [--python-only] [--keep-output DIR] [--options]
#
# Times whole processes with /usr/bin/time -f "%e %M %U %S" (wall seconds, peak RSS KiB, user and
# system CPU seconds), N runs each
# (default 5) after one untimed warm-up each, alternating rung and pandas so that background
# load hits both alike, and prints a markdown report: machine, date, versions, median (min–max)
# wall time, CPU time (user + system) and peak RSS, and the speedup (pandas median / rung median).
#
#   (a) $RUNG_BIN data prepare --source CSV --recipe Config/datasets/diabetes.yaml --out TMP
#       RUNG_BIN defaults to .build/release/rung (built once with
#       `swift build -c release --product rung` when missing and RUNG_BIN is unset).
#   (b) python bench/data-prepare/prepare_pandas.py --source CSV --out TMP
#
# The CSV is diabetes/diabetic_data.csv under RUNG_DATASETS (colon-separated; default
# ../shared/data relative to the package root); RUNG_BENCH_RECIPE overrides the recipe path
# (relative to the package root or absolute). The venv comes from bench/common/venv.sh
# (RUNG_BENCH_VENV). Outputs go to a temporary directory that is removed on exit; the
# warm-up outputs are compared (row counts of train/validation/test.csv) before timing.
# --python-only skips rung (for when it is not built yet); --keep-output DIR keeps the
# warm-up outputs in DIR/rung and DIR/pandas. --options uses the recipe's dialect and split
# options on both sides: bench/data-prepare/diabetes-options.yaml (csv.trim, split.order:
# stratified) and prepare_pandas.py --options (skipinitialspace=True, train_test_split(stratify=…)).
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/../common/lib.sh"

runs=5
options=0
python_only=0
keep=""
while [[ $# -gt 0 ]]; do
  case "$1" in
    --runs) runs="${2:?--runs needs a number}"; shift 2 ;;
    --python-only) python_only=1; shift ;;
    --keep-output) keep="${2:?--keep-output needs a directory}"; shift 2 ;;
    --options) options=1; shift ;;
    -h|--help) sed -n '2,/^set -euo/p' "$0" | grep '^#' | sed 's/^# \{0,1\}//'; exit 0 ;;
    *) BENCH_EXIT=64 bench_die "unknown argument '$1' (try --help)" ;;
  esac
done
[[ "$runs" =~ ^[1-9][0-9]*$ ]] || BENCH_EXIT=64 bench_die "--runs must be a positive integer, not '$runs'"
[[ -x /usr/bin/time ]] || bench_die "/usr/bin/time is missing (apt-get install time)"

cd "$ROOT"
py="$(bench_python)"
csv="$(bench_dataset)"
default_recipe=Config/datasets/diabetes.yaml
pandas_options=()
if [[ $options -eq 1 ]]; then default_recipe=bench/data-prepare/diabetes-options.yaml; pandas_options=(--options); fi
recipe="${RUNG_BENCH_RECIPE:-$default_recipe}"
rung=""
if [[ $python_only -eq 0 ]]; then
  rung="$(bench_rung)"
  [[ -f "$recipe" ]] || BENCH_EXIT=65 bench_die "recipe $recipe is missing (run from the package root or set RUNG_BENCH_RECIPE)"
fi

tmp="$(mktemp -d "${TMPDIR:-/tmp}/rung-bench-prepare.XXXXXX")"
trap 'rm -rf "$tmp"' EXIT INT TERM

# run_side NAME OUT -> runs one side once into OUT under /usr/bin/time, appends "wall rss".
run_side() {
  local name="$1" out="$2" status=0
  rm -rf "$out"
  case "$name" in
    rung)   /usr/bin/time -f "%e %M %U %S" -o "$tmp/time.one" \
              "$rung" data prepare --source "$csv" --recipe "$recipe" --out "$out" \
              >"$tmp/$name.stdout" 2>"$tmp/$name.stderr" || status=$? ;;
    pandas) /usr/bin/time -f "%e %M %U %S" -o "$tmp/time.one" \
              "$py" bench/data-prepare/prepare_pandas.py --source "$csv" --out "$out" --quiet ${pandas_options[@]+"${pandas_options[@]}"} \
              >"$tmp/$name.stdout" 2>"$tmp/$name.stderr" || status=$? ;;
  esac
  if [[ $status -ne 0 ]]; then
    echo "$(basename "$0"): $name failed with exit status $status; its stderr:" >&2
    tail -n 20 "$tmp/$name.stderr" >&2
    exit 70
  fi
  tail -n 1 "$tmp/time.one" >>"$tmp/$name.times"
  if [[ "$name" == pandas ]]; then  # in-process seconds (imports excluded), from its manifest
    "$py" -c 'import json, sys; print(json.load(open(sys.argv[1]))["seconds"]["total"])' \
      "$out/manifest.json" >>"$tmp/pandas.inproc"
  fi
}

# rows FILE -> data rows of a CSV (lines minus the header), or "-" when absent.
rows() { if [[ -f "$1" ]]; then echo $(( $(wc -l <"$1") - 1 )); else echo "-"; fi; }

sides=(pandas)
[[ $python_only -eq 0 ]] && sides=(rung pandas)

# Warm-up (untimed for the table): also checks both sides agree on split sizes.
for side in "${sides[@]}"; do
  run_side "$side" "$tmp/warm-$side"
  : >"$tmp/$side.times"
done
: >"$tmp/pandas.inproc"
sanity="| split |$(printf ' %s |' "${sides[@]}")
|---|$(printf -- '---:|%.0s' "${sides[@]}")"
for split in train validation test; do
  line="| $split.csv |"
  for side in "${sides[@]}"; do line+=" $(rows "$tmp/warm-$side/$split.csv") |"; done
  sanity+=$'\n'"$line"
done
pandas_summary="$(cat "$tmp/pandas.stdout")"
rung_summary=""
[[ $python_only -eq 0 ]] && rung_summary="$(cat "$tmp/rung.stdout")"
if [[ -n "$keep" ]]; then
  mkdir -p "$keep"
  for side in "${sides[@]}"; do rm -rf "${keep:?}/$side"; cp -r "$tmp/warm-$side" "$keep/$side"; done
fi
for side in "${sides[@]}"; do rm -rf "$tmp/warm-$side"; done

for ((i = 1; i <= runs; i++)); do
  for side in "${sides[@]}"; do
    run_side "$side" "$tmp/out-$side"
    rm -rf "$tmp/out-$side"
  done
done

pandas_stats="$("$py" bench/common/stats.py "$tmp/pandas.times")"
rung_stats=""
[[ $python_only -eq 0 ]] && rung_stats="$("$py" bench/common/stats.py "$tmp/rung.times")"

versions="$("$py" -c 'import sys, pandas, sklearn, numpy; print(f"python {sys.version.split()[0]}, pandas {pandas.__version__}, scikit-learn {sklearn.__version__}, numpy {numpy.__version__}")')"
if [[ $python_only -eq 0 ]]; then
  versions="rung $("$rung" --version 2>/dev/null || echo '?') ($rung), $(swift --version 2>/dev/null | head -n 1 || echo 'swift ?'); $versions"
fi

echo "## rung data prepare vs pandas + scikit-learn (diabetes recipe$([[ $options -eq 1 ]] && echo ", with csv.trim and split.order: stratified"))"
echo
bench_machine
echo "- versions: $versions"
echo "- dataset: diabetes/diabetic_data.csv (sha256 $(sha256sum "$csv" | cut -c1-16)…), $runs timed runs per side after one warm-up, alternating"
echo "- commands: \`rung data prepare --source CSV --recipe $recipe --out TMP\`; \`python bench/data-prepare/prepare_pandas.py --source CSV --out TMP${pandas_options[@]+ ${pandas_options[*]}}\`"
echo
"$py" - "$pandas_stats" "$rung_stats" "$rung" <<'PY'
import json, sys
pandas = json.loads(sys.argv[1])
rung = json.loads(sys.argv[2]) if sys.argv[2] else None
def cell(s, key, fmt):
    d = s[key]
    return f"{fmt.format(d['median'])} ({fmt.format(d['min'])}–{fmt.format(d['max'])})"
label = "rung data prepare" + (" (**debug build**)" if "/debug/" in sys.argv[3] else "")
print("| side | wall s, median (min–max) | CPU s (user+sys), median (min–max) | peak RSS MB, median (min–max) |")
print("|---|---:|---:|---:|")
if rung:
    print(f"| {label} | {cell(rung, 'wall', '{:.2f}')} | {cell(rung, 'cpu', '{:.2f}')} | {cell(rung, 'rss_mb', '{:.0f}')} |")
else:
    print("| rung data prepare | _not run (--python-only)_ | _not run_ | _not run_ |")
print(f"| pandas + scikit-learn | {cell(pandas, 'wall', '{:.2f}')} | {cell(pandas, 'cpu', '{:.2f}')} | {cell(pandas, 'rss_mb', '{:.0f}')} |")
if rung:
    speed = pandas["wall"]["median"] / rung["wall"]["median"]
    cpu = pandas["cpu"]["median"] / max(rung["cpu"]["median"], 1e-9)
    mem = pandas["rss_mb"]["median"] / rung["rss_mb"]["median"]
    print()
    print(f"Speedup (pandas median wall / rung median wall): **{speed:.2f}×**; CPU time ratio: {cpu:.2f}×; "
          f"peak RSS ratio (pandas / rung): {mem:.2f}×.")
PY
inproc="$("$py" -c 'import statistics, sys; v = [float(x) for x in open(sys.argv[1])]; print(f"{statistics.median(v):.2f} s ({min(v):.2f}–{max(v):.2f})")' "$tmp/pandas.inproc")"
echo
echo "pandas in-process time (read to manifest, interpreter start and imports excluded), median (min–max): $inproc."
echo
echo "Split sizes written by each side (warm-up run; data rows per CSV):"
echo
echo "$sanity"
echo
echo "pandas summary: $(echo "$pandas_summary" | tr '\n' ' ')"
[[ -n "$rung_summary" ]] && echo "rung summary: $(echo "$rung_summary" | head -n 5 | tr '\n' ' ')"
exit 0

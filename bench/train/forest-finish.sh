#!/usr/bin/env bash
# Benchmark: what finishing a random forest costs (scoring the test split, merging the
# chunks into one model, writing it), per rung build, on the same prepared splits.
#
#   bench/train/forest-finish.sh PREPARED_DIR [REPS] [EPOCHS]     (default 3 reps, 20 epochs)
#
# For every build in RUNG_BINS (space-separated LABEL=PATH-TO-rung; default
# "this=.build/release/rung"), REPS times, alternating between the builds:
#   rung train --family random_forest --params P --data DIR --epochs EPOCHS --json
# once without and once with --save DIR; the finish cost is the difference of the two wall
# times (the same trees are trained: same seed). P is a deep forest as the health-predict
# sweep draws them (BENCH_PARAMS overrides): 20 epochs × 10 trees of depth 16.
# Prints a markdown table: median wall without/with --save and the median difference,
# plus the saved model's size and whether every build wrote the same bytes.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/../common/lib.sh"
data="${1:?usage: bench/train/forest-finish.sh PREPARED_DIR [REPS] [EPOCHS]}"
reps="${2:-3}"
epochs="${3:-20}"
params="${BENCH_PARAMS:-{\"max_depth\":16,\"min_child_weight\":2,\"subsample\":0.8,\"colsample_bynode\":0.5,\"trees_per_epoch\":10\}}"
bins="${RUNG_BINS:-this=$ROOT/.build/release/rung}"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
export OMP_WAIT_POLICY=passive

now() { date +%s.%N; }
for ((r = 1; r <= reps; r++)); do
  for entry in $bins; do
    label="${entry%%=*}"; bin="${entry#*=}"
    [[ -x "$bin" ]] || bench_die "no rung binary at $bin (for $label)"
    t0=$(now)
    "$bin" train --family random_forest --params "$params" --data "$data" --epochs "$epochs" --json > /dev/null
    t1=$(now)
    rm -rf "$work/$label"
    "$bin" train --family random_forest --params "$params" --data "$data" --epochs "$epochs" --json --save "$work/$label" > /dev/null
    t2=$(now)
    echo "$label $(echo "$t1 - $t0" | bc) $(echo "$t2 - $t1" | bc)" >> "$work/times"
  done
done
python3 - "$work" $bins <<'PY'
import hashlib, os, statistics, sys
work, entries = sys.argv[1], [e.split("=", 1)[0] for e in sys.argv[2:]]
rows = [line.split() for line in open(os.path.join(work, "times"))]
print("| build | train only s (median) | train + finish s (median) | finish s (median of differences) | model.json MB |")
print("|---|---|---|---|---|")
digests = set()
for label in entries:
    mine = [(float(a), float(b)) for l, a, b in rows if l == label]
    model = os.path.join(work, label, "model.json")
    size = os.path.getsize(model) / 1e6
    digests.add(hashlib.sha256(open(model, "rb").read()).hexdigest())
    print(f"| {label} | {statistics.median(a for a, _ in mine):.2f} | {statistics.median(b for _, b in mine):.2f} "
          f"| {statistics.median(b - a for a, b in mine):.2f} | {size:.1f} |")
print()
print("saved models: " + ("identical bytes in every build" if len(digests) == 1 else f"{len(digests)} different byte strings"))
PY
echo "machine: $(nproc) cores, load $(cut -d' ' -f1-3 /proc/loadavg)"

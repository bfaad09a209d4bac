#!/usr/bin/env bash
# Same sweep, two builds: runs `rung run CONFIG --workers 1` with A's and then B's `rung`,
# each in its own fresh directory (a copy of Config/, its own store and artifacts), times
# both, and compares the two stores and leaderboards trial by trial
# (bench/equivalence/compare_stores.py). With one worker and the config's seed the sweep is
# deterministic, so any difference is a change of behaviour.
#
#   bench/equivalence/run.sh A_BIN_DIR B_BIN_DIR [CONFIG] [TRIALS_PER_FAMILY]
#
# CONFIG defaults to Config/health-predict.yaml (a path under Config/). TRIALS_PER_FAMILY
# (optional) rewrites every family's `trials:` in the copies, for a shorter check.
# Needs RUNG_DATASETS (or the dataset in rung's cache). Nothing is built here.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
root="$(cd "$here/../.." && pwd)"
a_dir="$(cd "${1:?A_BIN_DIR}" && pwd)"; b_dir="$(cd "${2:?B_BIN_DIR}" && pwd)"
config="${3:-Config/health-predict.yaml}"; trials="${4:-}"
config="${config#"$root/"}"
case "$config" in Config/*) ;; *) echo "equivalence: CONFIG must be under Config/" >&2; exit 2 ;; esac
work="$(mktemp -d /tmp/rung-equivalence.XXXXXX)"
timer=(); [ -x /usr/bin/time ] && timer=(/usr/bin/time -f "wall %e s, user %U s, system %S s, max RSS %M KB")
for side in A B; do
    dir="$a_dir"; [ "$side" = B ] && dir="$b_dir"
    mkdir -p "$work/$side/store"
    cp -r "$root/Config" "$work/$side/Config"
    if [ -n "$trials" ]; then
        sed -i -E "s/^( +trials: )[0-9]+/\1$trials/" "$work/$side/$config"
    fi
    echo "== $side: $dir/rung run $config --workers 1 (load average $(cut -d' ' -f1-3 /proc/loadavg))" >&2
    (cd "$work/$side" && "${timer[@]}" "$dir/rung" run "$config" --workers 1 \
        --db "sqlite:$work/$side/store/rung.db" --artifacts "$work/$side/artifacts" \
        > "$work/$side/run.out" 2> "$work/$side/run.err") || {
        echo "equivalence: $side's run failed; see $work/$side/run.err" >&2; tail -5 "$work/$side/run.err" >&2; exit 1; }
    grep '^wall ' "$work/$side/run.err" | sed "s/^/$side: /"
    "$dir/rung" leaderboard --json --top 100000 --db "sqlite:$work/$side/store/rung.db" \
        > "$work/$side/leaderboard.json"
    "$dir/rung" leaderboard --csv --top 100000 --db "sqlite:$work/$side/store/rung.db" \
        > "$work/$side/leaderboard.csv"
done
echo "work: $work" >&2
python3 "$here/compare_stores.py" "$work/A/store/rung.db" "$work/B/store/rung.db" \
    "$work/A/leaderboard.json" "$work/B/leaderboard.json"

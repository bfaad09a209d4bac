#!/usr/bin/env bash
# The XGBoost library rung links: Debian's libxgboost (1.7.4 on Debian 12) against the
# libxgboost.so inside PyPI's xgboost wheel (3.x), with the SAME rung binary and data:
# the wheel's library is put first on LD_LIBRARY_PATH under Debian's soname.
#
#   bench/train/xgboost-lib.sh PREPARED_DIR [EPOCHS] [ROUNDS]    (defaults 10, 2)
#
# RUNG_BIN (default .build/release/rung) and RUNG_BENCH_VENV (the venv holding the
# xgboost wheel; default bench/.venv). For each family and library, ROUNDS alternating
# runs of `rung train --json`; prints per run the median seconds per epoch (train +
# validation scoring) and the last epoch's validation AUC.
set -euo pipefail
root="$(cd "$(dirname "$0")/../.." && pwd)"
data="${1:?usage: bench/train/xgboost-lib.sh PREPARED_DIR [EPOCHS] [ROUNDS]}"
epochs="${2:-10}" rounds="${3:-2}"
rung="${RUNG_BIN:-$root/.build/release/rung}"
venv="${RUNG_BENCH_VENV:-$root/bench/.venv}"
site="$(ls -d "$venv"/lib/python3*/site-packages | head -n1)"
[ -f "$site/xgboost/lib/libxgboost.so" ] || { echo "no xgboost wheel in $venv" >&2; exit 69; }
wheel="$(mktemp -d "${TMPDIR:-/tmp}/rung-xgb-wheel.XXXXXX")"
trap 'rm -rf "$wheel"' EXIT
ln -s "$site/xgboost/lib/libxgboost.so" "$wheel/libxgboost.so.0"
for lib in "$site"/xgboost.libs/*; do [ -e "$lib" ] && ln -s "$lib" "$wheel/"; done
export OMP_WAIT_POLICY=passive
wheel_version="$("$venv/bin/python" -c 'import xgboost; print(xgboost.__version__)')"
params() {
    case "$1" in
        xgboost) echo '{"max_depth":6,"learning_rate":0.1,"subsample":0.8,"colsample_bytree":0.8}' ;;
        random_forest) echo '{"max_depth":8,"subsample":0.8,"colsample_bynode":0.8}' ;;
        logistic_regression) echo '{"lambda":0.001,"alpha":0.0}' ;;
    esac
}
summarise() {
    python3 -c '
import json, statistics, sys
d = json.load(sys.stdin)
e = d["epochs"]
sec = [x["train_seconds"] + x["evaluation_seconds"] for x in e]
auc = e[-1]["metrics"]["val_auc"]
print("%.4f s/epoch  val_auc %.4f" % (statistics.median(sec), auc))'
}
echo "rung $("$rung" --version 2>/dev/null || echo '?'), data $data, $epochs epochs, load $(cut -d' ' -f1-3 /proc/loadavg)"
for family in xgboost random_forest logistic_regression; do
    for round in $(seq 1 "$rounds"); do
        for lib in debian wheel; do
            if [ "$lib" = wheel ]; then path="$wheel"; label="wheel $wheel_version"; else path=""; label="debian"; fi
            out="$(LD_LIBRARY_PATH="$path" "$rung" train --family "$family" --params "$(params "$family")" \
                --data "$data" --epochs "$epochs" --json)"
            printf '%-20s %-14s %s\n' "$family" "$label" "$(summarise <<<"$out")"
        done
    done
done

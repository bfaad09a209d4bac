#!/usr/bin/env bash
# Creates (if missing) the Python venv the benchmarks use and prints its python path.
#
#   bench/common/venv.sh            -> prints e.g. /path/to/bench/.venv/bin/python
#   PY=$(bench/common/venv.sh)      -> use "$PY" in scripts
#
# Location: ${RUNG_BENCH_VENV:-<repo>/bench/.venv} (git-ignored). Idempotent and quiet: when
# the venv already has every package at or above the minimum version it does nothing; else it
# installs what is missing or too old with pip (output goes to <venv>/install.log and is shown
# only on failure). xgboost is installed as the CPU-only `xgboost-cpu` wheel when absent; an
# existing full `xgboost` install is accepted as it is.
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(cd "$here/../.." && pwd)"
venv="${RUNG_BENCH_VENV:-$root/bench/.venv}"
python_bin="${PYTHON:-python3}"

# import name | distribution(s) to check, first found wins | pip requirement | minimum
requirements=(
  "numpy|numpy|numpy>=1.24|1.24"
  "scipy|scipy|scipy>=1.10|1.10"
  "pandas|pandas|pandas>=2.0|2.0"
  "sklearn|scikit-learn|scikit-learn>=1.3|1.3"
  "xgboost|xgboost,xgboost-cpu|xgboost-cpu>=2.1|2.1"
  "psutil|psutil|psutil>=5.9|5.9"
)

if [[ ! -x "$venv/bin/python" ]]; then
  if ! "$python_bin" -m venv "$venv" >/dev/null 2>&1; then
    echo "venv.sh: cannot create a venv at $venv with $python_bin (is python3-venv installed?)" >&2
    exit 69
  fi
fi
py="$venv/bin/python"

# Prints the pip requirements that are missing or below their minimum version.
missing="$("$py" - "${requirements[@]}" <<'PY'
import sys
from importlib import metadata

def vtuple(text):
    out = []
    for part in text.split("."):
        digits = "".join(ch for ch in part if ch.isdigit())
        if not digits:
            break
        out.append(int(digits))
    return tuple(out)

for spec in sys.argv[1:]:
    module, dists, requirement, minimum = spec.split("|")
    version = None
    for dist in dists.split(","):
        try:
            version = metadata.version(dist)
            break
        except metadata.PackageNotFoundError:
            continue
    if version is None or vtuple(version) < vtuple(minimum):
        print(requirement)
PY
)"

if [[ -n "$missing" ]]; then
  log="$venv/install.log"
  # shellcheck disable=SC2086
  if ! "$py" -m pip install --disable-pip-version-check -q $missing >"$log" 2>&1; then
    echo "venv.sh: pip install failed for: $(echo $missing); see $log" >&2
    tail -n 20 "$log" >&2
    exit 69
  fi
  if ! "$py" -c "import numpy, scipy, pandas, sklearn, xgboost, psutil" >>"$log" 2>&1; then
    echo "venv.sh: packages installed but do not import; see $log" >&2
    exit 69
  fi
fi

echo "$py"

# Shared helpers for the bench/*/run.sh scripts; source it, do not run it.
#   ROOT          the package root (where Package.swift is)
#   bench_python  prints the venv python (creating the venv when missing)
#   bench_rung    prints the release rung binary, building it once when missing
#   bench_dataset prints the diabetes CSV path
#   bench_machine prints markdown lines describing the machine and date

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"

bench_die() {
  echo "$(basename "$0"): $*" >&2
  exit "${BENCH_EXIT:-69}"
}

bench_python() {
  "$ROOT/bench/common/venv.sh" || bench_die "cannot set up the Python venv (see above)"
}

# The release binary at ${RUNG_BIN:-.build/release/rung}. When it is missing and RUNG_BIN is
# not set, builds it once with `swift build -c release --product rung` (niced).
bench_rung() {
  local bin="${RUNG_BIN:-$ROOT/.build/release/rung}"
  if [[ ! -x "$bin" && -z "${RUNG_BIN:-}" ]]; then
    echo "$(basename "$0"): $bin is missing; building it with swift build -c release --product rung" >&2
    if ! (cd "$ROOT" && nice swift build -c release --product rung >&2); then
      bench_die "swift build -c release --product rung failed; fix the build, set RUNG_BIN, or pass --python-only"
    fi
  fi
  [[ -x "$bin" ]] || bench_die "no rung binary at $bin; set RUNG_BIN or build with swift build -c release --product rung (or pass --python-only)"
  echo "$bin"
}

bench_dataset() {
  local dir csv
  local IFS=:
  for dir in ${RUNG_DATASETS:-$ROOT/../shared/data}; do
    csv="$dir/diabetes/diabetic_data.csv"
    if [[ -f "$csv" ]]; then
      echo "$(cd "$(dirname "$csv")" && pwd)/diabetic_data.csv"
      return 0
    fi
  done
  BENCH_EXIT=65 bench_die "diabetes/diabetic_data.csv not found under RUNG_DATASETS=${RUNG_DATASETS:-$ROOT/../shared/data}"
}

bench_machine() {
  local cpu
  cpu="$(grep -m1 'model name' /proc/cpuinfo 2>/dev/null | sed 's/.*: //')"
  echo "- machine: $(nproc) CPUs (nproc), ${cpu:-unknown CPU}, $(awk '/MemTotal/ {printf "%.1f GiB RAM", $2/1048576}' /proc/meminfo), $(uname -sr)"
  echo "- date: $(date -u '+%Y-%m-%d %H:%M UTC')"
  echo "- load average at start: $(cut -d' ' -f1-3 /proc/loadavg)"
}

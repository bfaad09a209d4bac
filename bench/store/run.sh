#!/usr/bin/env bash
# The time a sweep spends in store writes: SQLite (synchronous=FULL, WAL) versus
# PostgreSQL (throwaway local clusters, one with fsync on as in production and one with
# fsync off) on the same replayed write pattern (Sources/rung-storebench).
#
#   bench/store/run.sh [TRIALS] [EPOCHS] [SLOTS]      (defaults 200 20 8)
#   CONFIG=release bench/store/run.sh                  (default debug)
set -euo pipefail
cd "$(dirname "$0")/../.."
trials="${1:-200}" epochs="${2:-20}" slots="${3:-8}" config="${CONFIG:-debug}"

swift build -c "$config" --product rung-storebench >/dev/null
binary="$(swift build -c "$config" --show-bin-path)/rung-storebench"

work=$(mktemp -d /tmp/rung-storebench-XXXXXX)
chmod 755 "$work"   # the postgres user must reach the clusters inside
cleanup() {
    for d in "$work"/pg-*; do [ -d "$d" ] && scripts/pg-test-server stop "$d" 2>/dev/null; done
    rm -rf "$work"
}
trap cleanup EXIT
url_on=$(PG_FSYNC=on scripts/pg-test-server start "$work/pg-fsync-on" 2>/dev/null)
url_off=$(scripts/pg-test-server start "$work/pg-fsync-off" 2>/dev/null)

echo "machine: $(nproc) cores, $(. /etc/os-release; echo "$PRETTY_NAME"), build $config"
echo "pattern: $trials trials x $epochs epochs, $slots running at once, one transaction per head loop pass"
for store in "sqlite:$work/rung.db" "$url_on" "$url_off"; do
    label=sqlite-full; [ "$store" = "$url_on" ] && label=postgresql-fsync-on; [ "$store" = "$url_off" ] && label=postgresql-fsync-off
    printf '%s ' "$label"
    "$binary" --store "$store" --trials "$trials" --epochs "$epochs" --slots "$slots"
done

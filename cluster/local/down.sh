#!/usr/bin/env bash
# Removes every namespace, veth pair and the bridge that up.sh created under this prefix.
# Idempotent: running it when nothing exists is fine. Processes still running inside a
# namespace are killed first (only processes in these namespaces).
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
. "$here/common.sh"
need_root
for ns in $(ip netns list | awk '{print $1}' | grep "^${PREFIX}\(head\|w[0-9]\+\)$" || true); do
    pids=$(ip netns pids "$ns" 2>/dev/null || true)
    [ -n "$pids" ] && kill -9 $pids 2>/dev/null || true
    ip netns del "$ns"
done
# Deleting a namespace deletes its veth end and with it the peer; remove any leftovers.
for link in $(ip -o link show master "$BRIDGE" 2>/dev/null | awk -F': ' '{print $2}' | cut -d@ -f1); do
    ip link del "$link" 2>/dev/null || true
done
if ip link show "$BRIDGE" >/dev/null 2>&1; then ip link del "$BRIDGE"; fi

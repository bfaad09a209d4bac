#!/usr/bin/env bash
# Creates a head and N worker "hosts" as network namespaces on one machine, joined by a
# bridge in the root namespace:  up.sh N   (N ≥ 0 workers; re-running adds missing hosts).
# Hosts: ${PREFIX}head at ${SUBNET}.1, ${PREFIX}w1 at ${SUBNET}.11, ${PREFIX}w2 at .12, …
# The bridge itself gets ${SUBNET}.254, so tools on this machine (a CLI client, a test) can
# reach the hosts; the namespaces have no default route, so nothing leaves the /24.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
. "$here/common.sh"
need_root
n="${1:-3}"
[[ "$n" =~ ^[0-9]+$ ]] && [ "$n" -le 200 ] || die "usage: up.sh N  (N workers, 0…200)"

if ! ip link show "$BRIDGE" >/dev/null 2>&1; then
    ip link add "$BRIDGE" type bridge
fi
ip addr replace "${SUBNET}.254/24" dev "$BRIDGE"
ip link set "$BRIDGE" up

add_host() {
    local host="$1" ns addr hostside nsside
    ns=$(host_ns "$host")
    addr=$(host_ip "$host")
    hostside=$(veth_name "$host" a)
    nsside=$(veth_name "$host" b)
    if ! ip netns list | grep -qx "$ns\( (id: [0-9]*)\)\?"; then
        ip netns add "$ns"
    fi
    ip -n "$ns" link set lo up
    if ! ip link show "$hostside" >/dev/null 2>&1; then
        ip link add "$hostside" type veth peer name "$nsside"
        ip link set "$nsside" netns "$ns"
        ip link set "$hostside" master "$BRIDGE"
    fi
    ip link set "$hostside" up
    ip -n "$ns" link set "$nsside" name eth0 2>/dev/null || true
    ip -n "$ns" addr replace "$addr/24" dev eth0
    ip -n "$ns" link set eth0 up
    echo "$ns $addr"
}

add_host head
for i in $(seq 1 "$n"); do add_host "w$i"; done

#!/usr/bin/env bash
# Injects network faults into a host of the namespace cluster (see up.sh), with iptables
# inside that host's namespace (this machine's kernel has no netem; loss uses iptables'
# statistic match):
#   fault.sh loss HOST PERCENT     drop PERCENT % of the packets HOST sends and receives
#   fault.sh partition HOST        drop everything HOST sends and receives
#   fault.sh heal HOST             remove every fault from HOST
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
. "$here/common.sh"
need_root
command -v iptables >/dev/null || die "iptables is not installed (apt-get install iptables)"
[ $# -ge 2 ] || die "usage: fault.sh loss HOST PERCENT | partition HOST | heal HOST"
what="$1" host="$2"
ns=$(host_ns "$host")
ip netns list | grep -q "^$ns\b" || die "no host $host (namespace $ns)"
in_ns() { ip netns exec "$ns" "$@"; }
case "$what" in
    loss)
        [ $# -eq 3 ] && [[ "$3" =~ ^[0-9]+(\.[0-9]+)?$ ]] || die "usage: fault.sh loss HOST PERCENT"
        p=$(awk -v p="$3" 'BEGIN { printf "%.4f", p / 100 }')
        for chain in INPUT OUTPUT; do
            in_ns iptables -A "$chain" -m statistic --mode random --probability "$p" -j DROP
        done
        ;;
    partition)
        in_ns iptables -A INPUT ! -i lo -j DROP
        in_ns iptables -A OUTPUT ! -o lo -j DROP
        ;;
    heal)
        in_ns iptables -F INPUT
        in_ns iptables -F OUTPUT
        ;;
    *) die "unknown fault $what (loss, partition, heal)" ;;
esac

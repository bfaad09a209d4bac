#!/usr/bin/env bash
# Runs a command on one host of the namespace cluster:  exec.sh HOST CMD [ARGS…]
# HOST is head, w1, w2, … (or a full namespace name). Example:
#   cluster/local/exec.sh w1 rung worker --head tcp://10.77.0.1:7770
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
. "$here/common.sh"
need_root
[ $# -ge 2 ] || die "usage: exec.sh HOST CMD [ARGS…]  (HOST: head, w1, w2, …)"
host="$1"; shift
case "$host" in "$PREFIX"*) ns="$host" ;; *) ns=$(host_ns "$host") ;; esac
ip netns list | awk '{print $1}' | grep -qx "$ns" || die "no host $ns: run up.sh first"
exec ip netns exec "$ns" "$@"

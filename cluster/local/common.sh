# Shared settings for the network-namespace cluster scripts (sourced, not run).
#
# RUNG_NETNS_PREFIX  name prefix of every namespace, veth and bridge (default rung-);
#                    tests use a unique prefix per run so clusters never clash.
# RUNG_NETNS_SUBNET  the first three octets of the private /24 (default 10.77.0);
#                    the head is .1, workers .11, .12, …, the bridge .254.
PREFIX="${RUNG_NETNS_PREFIX:-rung-}"
SUBNET="${RUNG_NETNS_SUBNET:-10.77.0}"
BRIDGE="${PREFIX}br"

die() { echo "$(basename "$0"): $*" >&2; exit 1; }

need_root() {
    [ "$(id -u)" = 0 ] || die "must run as root (network namespaces need CAP_NET_ADMIN)"
    command -v ip >/dev/null || die "the ip command (iproute2) is not installed"
}

# host_ns NAME → the namespace name of host NAME (head, w1, w2, …).
host_ns() { echo "${PREFIX}$1"; }

# host_ip NAME → the address of host NAME.
host_ip() {
    case "$1" in
        head) echo "${SUBNET}.1" ;;
        w[0-9]*) echo "${SUBNET}.$((10 + ${1#w}))" ;;
        *) die "unknown host $1 (use head, w1, w2, …)" ;;
    esac
}

# Interface names are limited to 15 characters: veth ends are named by a short hash.
veth_name() {
    local h
    h=$(printf '%s' "${PREFIX}$1" | md5sum | cut -c1-8)
    echo "rv${h}$2"
}

#!/bin/bash
# rung-keys-sync (on the head, every 30 s from rung-keys-sync.timer): lets this cluster's
# workers in. Each worker publishes its CURVE public key at boot as
#   $RUNG_KEYS_S3/authorized/<worker role id>:<instance id>.pub
# (IAM lets the worker role write only the object named after its own aws:userid). This
# script mirrors that prefix, copies each key to $RUNG_KEYS/authorized/<instance id>.pub,
# where the running head picks it up by itself, removes the i-*.pub of keys no longer
# published, and unpublishes the keys of instances that have left the workers' autoscaling
# group. Keys authorized by hand under other names (alice.pub) are left alone.
#
# Settings (from /etc/rung/rung.env and /etc/rung/aws.env): RUNG_KEYS, RUNG_KEYS_S3,
# RUNG_WORKER_ROLE_ID, RUNG_WORKER_ASG, AWS_REGION. RUNG_KEYS_MIRROR (default
# $STATE_DIRECTORY or /var/lib/rung/keys-mirror) is the local copy of the S3 prefix;
# RUNG_KEYS_GRACE_MINUTES (default 5) how old a gone worker's key must be to be unpublished.
set -euo pipefail
# The AWS CLI reads AWS_DEFAULT_REGION (version 1 ignores AWS_REGION).
export AWS_DEFAULT_REGION=${AWS_DEFAULT_REGION:-${AWS_REGION:-}}

keys=${RUNG_KEYS:?RUNG_KEYS is not set}
source_uri=${RUNG_KEYS_S3:?RUNG_KEYS_S3 is not set}/authorized/
role_id=${RUNG_WORKER_ROLE_ID:?RUNG_WORKER_ROLE_ID is not set}
asg=${RUNG_WORKER_ASG:-}
mirror=${RUNG_KEYS_MIRROR:-${STATE_DIRECTORY:-/var/lib/rung/keys-mirror}}
authorized=$keys/authorized
rung=${RUNG_BIN:-/usr/local/bin/rung}
grace=${RUNG_KEYS_GRACE_MINUTES:-5}
stamp=$mirror/.last-run   # not mirrored: objects newer than it are new since the last run

mkdir -p "$mirror" "$authorized"
[ -e "$stamp" ] || touch -d @0 "$stamp"
touch "$stamp.next"

# 1. The published keys. Each file gets its object's modification time; --exact-timestamps
#    because a replaced key has the same size. A failure stops here, before any revocation.
aws s3 sync --delete --exact-timestamps --only-show-errors --exclude '.*' "$source_uri" "$mirror/"

# instance_id FILE: the instance id of a well-formed worker key file, else nothing.
instance_id() {
    local name owner id
    name=$(basename "$1" .pub)
    owner=${name%%:*}
    id=${name#*:}
    if [ "$owner" != "$name" ] && [ "$owner" = "$role_id" ] && [[ $id =~ ^i-[0-9a-f]{8,32}$ ]]; then
        echo "$id"
    fi
}

# 2. Unpublish the keys of workers that are gone (scaled in, reclaimed, terminated): only
#    if the autoscaling group could be listed, and only keys published > $grace minutes ago.
if [ -n "$asg" ] && live=$(aws ec2 describe-instances \
        --filters "Name=tag:aws:autoscaling:groupName,Values=$asg" \
                  "Name=instance-state-name,Values=pending,running,stopping,stopped" \
        --query 'Reservations[].Instances[].InstanceId' --output text); then
    for file in "$mirror"/*.pub; do
        [ -e "$file" ] || continue
        id=$(instance_id "$file")
        if [ -n "$id" ] && ! grep -qw -- "$id" <<<"$live" && [ -n "$(find "$file" -mmin "+$grace")" ]; then
            echo "worker $id has left $asg: unpublishing its key"
            aws s3 rm --only-show-errors "$source_uri$(basename "$file")"
            rm -f -- "$file"
        fi
    done
fi

# 3. Authorize every published key of the worker role under its instance id.
declare -A wanted=()
for file in "$mirror"/*.pub; do
    [ -e "$file" ] || continue
    id=$(instance_id "$file")
    if [ -z "$id" ]; then
        # Only the head's role or an administrator can have written it; said once.
        [ "$file" -nt "$stamp" ] && echo "ignoring $source_uri$(basename "$file"): not <$role_id>:<instance id>.pub" >&2
        continue
    fi
    wanted[$id]=1
    if ! cmp -s <(grep -v '^#' "$file") <(grep -v '^#' "$authorized/$id.pub" 2>/dev/null); then
        "$rung" keys authorize "$keys" "$file" --name "$id" --force \
            || echo "could not authorize $source_uri$(basename "$file") (see above)" >&2
    fi
done

# 4. Revoke the instance keys (i-*.pub) that are no longer published.
for file in "$authorized"/i-*.pub; do
    [ -e "$file" ] || continue
    id=$(basename "$file" .pub)
    if [ -z "${wanted[$id]:-}" ]; then
        rm -f -- "$file"
        echo "revoked $id (its key is no longer published)"
    fi
done
mv -f -- "$stamp.next" "$stamp"

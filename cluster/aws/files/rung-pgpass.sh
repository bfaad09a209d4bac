#!/bin/bash
# rung-pgpass (on the head, at boot and every 5 minutes from rung-pgpass.timer): writes the
# store's password from the RDS-managed secret in Secrets Manager into $PGPASSFILE (mode
# 0600, owned by rung), which libpq reads at every connection. RDS rotates the secret (every
# 7 days by default); the file follows within 5 minutes, and rung's reconnects meanwhile
# keep retrying. Settings: RUNG_DB_SECRET_ARN (/etc/rung/aws.env), PGPASSFILE, AWS_REGION
# (/etc/rung/rung.env). Nothing is printed that contains the password.
set -euo pipefail
# The AWS CLI reads AWS_DEFAULT_REGION (version 1 ignores AWS_REGION).
export AWS_DEFAULT_REGION=${AWS_DEFAULT_REGION:-${AWS_REGION:-}}

secret=${RUNG_DB_SECRET_ARN:?RUNG_DB_SECRET_ARN is not set}
file=${PGPASSFILE:?PGPASSFILE is not set}
owner=${RUNG_PGPASS_OWNER:-rung}

umask 077
tmp=$(mktemp "$file.XXXXXX")
trap 'rm -f -- "$tmp"' EXIT
# One line "*:*:*:USER:PASSWORD", with ':' and '\' escaped as libpq requires.
aws secretsmanager get-secret-value --secret-id "$secret" --query SecretString --output text \
    | python3 -c '
import json, sys
s = json.load(sys.stdin)
esc = lambda v: v.replace("\\", "\\\\").replace(":", "\\:")
print("*:*:*:%s:%s" % (esc(s["username"]), esc(s["password"])))' > "$tmp"
if cmp -s "$tmp" "$file"; then
    exit 0
fi
chown "$owner:$owner" "$tmp"
chmod 0600 "$tmp"
mv -f -- "$tmp" "$file"
echo "wrote $file from $secret"

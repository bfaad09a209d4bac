#!/usr/bin/env bash
# S3 throughput: one large random file uploaded and downloaded through a local moto server
# (signature checking on) by rung's S3BlobStore (the rung-s3bench driver) and by
# `aws s3 cp`, alternately, on the same file in the same run. Prints MB/s (10^6 bytes/s).
#
#   bench/s3/run.sh [SIZE_MIB] [ROUNDS]          (defaults 256 2)
#
# Env: RUNG_S3BENCH_BIN   the driver (default: build .build/<CONFIG>/rung-s3bench)
#      CONFIG             debug (default) or release, for the build above
#      RUNG_MOTO_SERVER   moto_server (default: .venv/bin/moto_server, else PATH; moto >= 5.2.5)
#      AWS                the AWS CLI (default: aws on PATH)
set -euo pipefail
source "$(dirname "$0")/../common/lib.sh"
size_mib="${1:-256}"; rounds="${2:-2}"
config="${CONFIG:-debug}"
aws_cli="${AWS:-$(command -v aws || true)}"
[[ -n "$aws_cli" ]] || bench_die "the AWS CLI (aws) is not installed"
moto="${RUNG_MOTO_SERVER:-}"
if [[ -z "$moto" ]]; then
  if [[ -x "$ROOT/.venv/bin/moto_server" ]]; then moto="$ROOT/.venv/bin/moto_server"; else moto="$(command -v moto_server || true)"; fi
fi
[[ -n "$moto" ]] || bench_die "moto_server not found; run scripts/install-deps --test or set RUNG_MOTO_SERVER"
bench_bin="${RUNG_S3BENCH_BIN:-$ROOT/.build/$config/rung-s3bench}"
if [[ -z "${RUNG_S3BENCH_BIN:-}" ]]; then
  (cd "$ROOT" && nice swift build -c "$config" --product rung-s3bench >&2) || bench_die "cannot build rung-s3bench"
fi

work="$(mktemp -d /tmp/rung-s3-bench.XXXXXX)"
moto_pid=""
cleanup() {
  if [[ -n "$moto_pid" ]]; then kill "$moto_pid" 2>/dev/null || true; wait "$moto_pid" 2>/dev/null || true; fi
  rm -rf "$work"
}
trap cleanup EXIT
port="$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')"
endpoint="http://127.0.0.1:$port"
"$moto" -H 127.0.0.1 -p "$port" >"$work/moto.log" 2>&1 &
moto_pid=$!
for _ in $(seq 100); do curl -sf "$endpoint/moto-api/data.json" >/dev/null && break; sleep 0.1; done

# An IAM user with an allow-all policy, then signature checking on.
export AWS_ACCESS_KEY_ID=setup AWS_SECRET_ACCESS_KEY=setup AWS_DEFAULT_REGION=us-east-1 AWS_REGION=us-east-1
export AWS_EC2_METADATA_DISABLED=true
"$aws_cli" --endpoint-url "$endpoint" iam create-user --user-name bench >/dev/null
"$aws_cli" --endpoint-url "$endpoint" iam put-user-policy --user-name bench --policy-name all \
  --policy-document '{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"*","Resource":"*"}]}'
"$aws_cli" --endpoint-url "$endpoint" iam create-access-key --user-name bench --output text \
  --query 'AccessKey.[AccessKeyId,SecretAccessKey]' >"$work/key"
read -r AWS_ACCESS_KEY_ID AWS_SECRET_ACCESS_KEY <"$work/key"
export AWS_ACCESS_KEY_ID AWS_SECRET_ACCESS_KEY
curl -sf -X POST -H "Content-Type: text/plain" --data 0 "$endpoint/moto-api/reset-auth" >/dev/null
"$aws_cli" --endpoint-url "$endpoint" s3 mb s3://rung-bench >/dev/null

file="$work/payload.bin"
head -c "$((size_mib << 20))" /dev/urandom >"$file"
bytes="$(stat -c %s "$file")"

mbps() { python3 -c "import sys; print(f'{$bytes / float(sys.argv[1]) / 1e6:.1f}')" "$1"; }
now() { date +%s.%N; }

echo "# S3 throughput through moto on loopback: $size_mib MiB, $rounds rounds, rung-s3bench ($config build) vs aws s3 cp"
bench_machine
echo "- moto: $("$(dirname "$moto")/python" -c 'import moto; print(moto.__version__)' 2>/dev/null || echo unknown), $("$aws_cli" --version 2>&1)"
echo
echo "| round | tool | upload MB/s | download MB/s |"
echo "|---|---|---|---|"
for round in $(seq "$rounds"); do
  out="$(RUNG_S3_ENDPOINT="$endpoint" "$bench_bin" "$file" "s3://rung-bench/rung" "payload-$round.bin")"
  up="$(echo "$out" | awk '/upload/ {print $(NF-1)}')"
  down="$(echo "$out" | awk '/download/ {print $(NF-1)}')"
  echo "| $round | rung | $up | $down |"
  start="$(now)"
  "$aws_cli" --endpoint-url "$endpoint" s3 cp --only-show-errors "$file" "s3://rung-bench/aws/payload-$round.bin"
  mid="$(now)"
  "$aws_cli" --endpoint-url "$endpoint" s3 cp --only-show-errors "s3://rung-bench/aws/payload-$round.bin" "$work/aws-download.bin"
  end="$(now)"
  cmp -s "$file" "$work/aws-download.bin" || bench_die "aws s3 cp downloaded different bytes"
  rm -f "$work/aws-download.bin"
  echo "| $round | aws s3 cp | $(mbps "$(echo "$mid - $start" | bc)") | $(mbps "$(echo "$end - $mid" | bc)") |"
  # Free moto's memory before the next round.
  "$aws_cli" --endpoint-url "$endpoint" s3 rm --only-show-errors "s3://rung-bench/rung/payload-$round.bin"
  "$aws_cli" --endpoint-url "$endpoint" s3 rm --only-show-errors "s3://rung-bench/aws/payload-$round.bin"
done

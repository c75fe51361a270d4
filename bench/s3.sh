#!/usr/bin/env bash
# Measures S3 with the same Go load generator against trustgate, Moto's
# server and, when MINIO names a MinIO server binary built from its public
# source (never committed), MinIO: 4 KiB PutObject and GetObject at 32
# concurrent requests, then one large object streamed in and out.
# Usage: [MINIO=/path/to/minio] [STREAM_MIB=1024] bench/s3.sh [seconds per run, default 10]
set -euo pipefail
cd "$(dirname "$0")/.."
secs=${1:-10}
stream_mib=${STREAM_MIB:-1024}
work=$(mktemp -d)
pids=()
cleanup() { for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done; rm -rf "$work"; }
trap cleanup EXIT

go build -o "$work/trustgate" ./cmd/trustgate
go build -o "$work/loadgen" ./cmd/loadgen

"$work/trustgate" serve --listen 127.0.0.1:4690 --data "$work/data" >/dev/null 2>&1 &
pids+=($!); tg=$!
moto=""
if python3 -c 'import moto' 2>/dev/null; then
	python3 -m moto.server -H 127.0.0.1 -p 4692 >/dev/null 2>&1 &
	pids+=($!); moto=$!
fi
minio=""
if [ -n "${MINIO:-}" ]; then
	MINIO_ROOT_USER=benchadmin MINIO_ROOT_PASSWORD=benchsecret "$MINIO" server "$work/minio" --address 127.0.0.1:4693 --quiet >/dev/null 2>&1 &
	pids+=($!); minio=$!
fi
for port in 4690 ${moto:+4692} ${minio:+4693}; do
	for _ in $(seq 100); do curl -s -o /dev/null "http://127.0.0.1:$port/" && break; sleep 0.1; done
done

root_key=$(python3 -c "import json;print(json.load(open('$work/data/root-credentials.json'))['AccessKeyId'])")
root_secret=$(python3 -c "import json;print(json.load(open('$work/data/root-credentials.json'))['SecretAccessKey'])")
unset AWS_CA_BUNDLE AWS_PROFILE
mb() { AWS_ACCESS_KEY_ID=$2 AWS_SECRET_ACCESS_KEY=$3 AWS_DEFAULT_REGION=us-east-1 command aws --endpoint-url "$1" s3 mb s3://bench >/dev/null; }
mb http://127.0.0.1:4690 "$root_key" "$root_secret"
[ -n "$moto" ] && mb http://127.0.0.1:4692 AKIAEXAMPLE secret
[ -n "$minio" ] && mb http://127.0.0.1:4693 benchadmin benchsecret

targets=("trustgate|http://127.0.0.1:4690|$root_key|$root_secret|$tg")
[ -n "$moto" ] && targets+=("Moto $(python3 -c 'import moto;print(moto.__version__)')|http://127.0.0.1:4692|AKIAEXAMPLE|secret|$moto")
[ -n "$minio" ] && targets+=("MinIO|http://127.0.0.1:4693|benchadmin|benchsecret|$minio")

echo "| target | operation | concurrency | requests/s | p50 | p99 | server CPU per call | failures |"
echo "| --- | --- | --- | --- | --- | --- | --- | --- |"
for op in PutObject GetObject; do
	for t in "${targets[@]}"; do
		IFS='|' read -r label endpoint key secret pid <<<"$t"
		"$work/loadgen" -d "${secs}s" -label "$label" -endpoint "$endpoint" -key "$key" -secret "$secret" -op "$op" -size 4096 -pid "$pid"
	done
done
echo
echo "| target | object | PutObject | GetObject | server peak memory |"
echo "| --- | --- | --- | --- | --- |"
for t in "${targets[@]}"; do
	IFS='|' read -r label endpoint key secret pid <<<"$t"
	"$work/loadgen" -label "$label" -endpoint "$endpoint" -key "$key" -secret "$secret" -op Stream -size $((stream_mib << 20)) -pid "$pid"
done
exit 0

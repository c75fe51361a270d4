#!/usr/bin/env bash
# Measures GetCallerIdentity and AssumeRole over loopback with the same Go
# load generator against trustgate, a bare handler and Moto's server.
# Usage: bench/sts.sh [seconds per run, default 10]
set -euo pipefail
cd "$(dirname "$0")/.."
secs=${1:-10}
work=$(mktemp -d)
pids=()
cleanup() { for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done; rm -rf "$work"; }
trap cleanup EXIT

go build -o "$work/trustgate" ./cmd/trustgate
go build -o "$work/loadgen" ./cmd/loadgen

"$work/trustgate" serve --listen 127.0.0.1:4690 --data "$work/data" >/dev/null 2>&1 &
pids+=($!); tg=$!
"$work/loadgen" -bare 127.0.0.1:4691 2>/dev/null &
pids+=($!); bare=$!
moto=""
if python3 -c 'import moto' 2>/dev/null; then
	python3 -m moto.server -H 127.0.0.1 -p 4692 >/dev/null 2>&1 &
	pids+=($!); moto=$!
fi
for port in 4690 4691 ${moto:+4692}; do
	for _ in $(seq 100); do curl -s -o /dev/null "http://127.0.0.1:$port/" && break; sleep 0.1; done
done

root_key=$(python3 -c "import json;print(json.load(open('$work/data/root-credentials.json'))['AccessKeyId'])")
root_secret=$(python3 -c "import json;print(json.load(open('$work/data/root-credentials.json'))['SecretAccessKey'])")
account=$(python3 -c "import json;print(json.load(open('$work/data/root-credentials.json'))['AccountId'])")
export AWS_ACCESS_KEY_ID=$root_key AWS_SECRET_ACCESS_KEY=$root_secret AWS_DEFAULT_REGION=us-east-1
unset AWS_CA_BUNDLE AWS_PROFILE
aws() { command aws --endpoint-url http://127.0.0.1:4690 "$@"; }
aws iam create-user --user-name bench >/dev/null
aws iam put-user-policy --user-name bench --policy-name assume --policy-document \
	"{\"Version\":\"2012-10-17\",\"Statement\":[{\"Effect\":\"Allow\",\"Action\":\"sts:AssumeRole\",\"Resource\":\"*\"}]}"
keys=$(aws iam create-access-key --user-name bench --output text --query 'AccessKey.[AccessKeyId,SecretAccessKey]')
user_key=$(echo "$keys" | cut -f1); user_secret=$(echo "$keys" | cut -f2)
aws iam create-role --role-name BenchRole --assume-role-policy-document \
	"{\"Version\":\"2012-10-17\",\"Statement\":[{\"Effect\":\"Allow\",\"Principal\":{\"AWS\":\"arn:aws:iam::$account:root\"},\"Action\":\"sts:AssumeRole\"}]}" >/dev/null
role="arn:aws:iam::$account:role/BenchRole"

echo "| target | operation | concurrency | requests/s | p50 | p99 | server CPU per call | failures |"
echo "| --- | --- | --- | --- | --- | --- | --- | --- |"
lg() { "$work/loadgen" -d "${secs}s" "$@"; }
lg -label trustgate -endpoint http://127.0.0.1:4690 -key "$root_key" -secret "$root_secret" -pid "$tg"
lg -label "bare handler" -endpoint http://127.0.0.1:4691 -key x -secret y -pid "$bare"
[ -n "$moto" ] && lg -label "Moto $(python3 -c 'import moto;print(moto.__version__)')" -endpoint http://127.0.0.1:4692 -key AKIAEXAMPLE -secret y -pid "$moto"
lg -label trustgate -endpoint http://127.0.0.1:4690 -key "$user_key" -secret "$user_secret" -op AssumeRole -role "$role" -pid "$tg"
[ -n "$moto" ] && lg -label "Moto" -endpoint http://127.0.0.1:4692 -key AKIAEXAMPLE -secret y -op AssumeRole -role "arn:aws:iam::123456789012:role/BenchRole" -pid "$moto"
exit 0

#!/bin/sh
# Checks `tweetpay emulator serve` with Stripe's official Node SDK, stripe
# 14.25.0 (the v14 line pins API version 2023-10-16): every object's keys
# against the SDK's type declarations, every error against its error class,
# codes, raw body and headers (docs/reliability.md, "Other languages' SDKs").
# Needs node and npm; not part of `go test` or CI. Exits 1 on a mismatch.
# Usage: testdata/interop/node/run.sh
set -eu
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../../.." && pwd)
work=$(mktemp -d)
pid=""
cleanup() {
	[ -n "$pid" ] && kill "$pid" 2>/dev/null
	rm -rf "$work"
}
trap cleanup EXIT
cp "$here/run.js" "$here/lib.js" "$work/"
(cd "$work" && npm init -y >/dev/null && npm install --no-audit --no-fund stripe@14.25.0 >/dev/null)
(cd "$root" && go build -o "$work/tweetpay" ./cmd/tweetpay)
"$work/tweetpay" emulator serve --addr 127.0.0.1:0 --state-dir "$work/state" >"$work/serve.out" 2>"$work/serve.err" &
pid=$!
for _ in $(seq 100); do [ -s "$work/serve.out" ] && break; sleep 0.1; done
url=$(head -n 1 "$work/serve.out")
[ -n "$url" ] || { cat "$work/serve.err" >&2; exit 1; }
PORT=${url##*:} node "$work/run.js"

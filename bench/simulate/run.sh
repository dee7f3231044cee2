#!/usr/bin/env bash
# One `simulate tweet` purchase as a whole process against one curl POST to
# stripe-mock, measured side by side. Target: median at most 1.2x curl's.
# Usage: bench/simulate/run.sh [runs]
set -euo pipefail
cd "$(dirname "$0")/../.."
out=$(mktemp -d)
trap 'kill $mock_pid 2>/dev/null || true; rm -rf "$out"' EXIT
CGO_ENABLED=0 go build -trimpath -ldflags "-s -w" -o "$out/tweetpay" ./cmd/tweetpay
go build -o "$out/stripe-mock" github.com/stripe/stripe-mock
"$out/stripe-mock" -http-addr 127.0.0.1:12181 -https-addr 127.0.0.1:12182 >/dev/null 2>&1 &
mock_pid=$!
for _ in $(seq 100); do curl -sf -o /dev/null -u sk_test_123: http://127.0.0.1:12181/v1/charges && break; sleep 0.1; done
go run ./bench/simulate -tweetpay "$out/tweetpay" -stripe-mock http://127.0.0.1:12181 -n "${1:-200}"

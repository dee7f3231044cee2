#!/usr/bin/env bash
# The stream target measured as it is stated: `tweetpay simulate stream` of
# TWEETS purchase tweets on the embedded, durable emulator against
# stripe-mock's ceiling on the same machine, side by side. Each round runs
# one stream (fresh state files), then wrk against stripe-mock (the
# create-and-confirm POST of bench/emulator/run.sh), and prints both and
# their ratio: the host's speed changes from hour to hour, the ratio of two
# runs a few seconds apart much less.
# Usage: bench/stream/side_by_side.sh [ROUNDS] [TWEETS]
#   (env: BUYERS=1000 CONCURRENCY=128 DURATION=10s CONNECTIONS=32 MOCK_PORT=12411)
set -euo pipefail
rounds=${1:-3}
n=${2:-100000}
buyers=${BUYERS:-1000}
conc=${CONCURRENCY:-128}
duration=${DURATION:-10s}
conns=${CONNECTIONS:-32}
mock_port=${MOCK_PORT:-12411}
command -v wrk >/dev/null || { echo "wrk is required (apt-get install -y wrk)" >&2; exit 1; }
root=$(cd "$(dirname "$0")/../.." && pwd)
work=$(mktemp -d)
mock_pid=""
cleanup() {
	[ -n "$mock_pid" ] && kill "$mock_pid" 2>/dev/null
	rm -rf "$work"
}
trap cleanup EXIT
(cd "$root" && CGO_ENABLED=0 go build -trimpath -ldflags "-s -w" -o "$work/tweetpay" ./cmd/tweetpay &&
	go build -o "$work/gen" ./bench/stream/gen &&
	go build -o "$work/stripe-mock" github.com/stripe/stripe-mock)
"$work/stripe-mock" -http-addr "127.0.0.1:$mock_port" -https-addr "127.0.0.1:$((mock_port + 1))" >"$work/mock.log" 2>&1 &
mock_pid=$!
for _ in $(seq 100); do (exec 3<>"/dev/tcp/127.0.0.1/$mock_port") 2>/dev/null && break; sleep 0.1; done
cd "$work"
./gen -n "$n" -buyers "$buyers" -mix purchase -config tweetpay.yaml > tweets.jsonl
echo "$n purchase tweets from $buyers buyers, concurrency $conc; stripe-mock: $conns connections for $duration"
for r in $(seq "$rounds"); do
	rm -rf .tweetpay
	/usr/bin/time -f "TIME %U %S %M" ./tweetpay simulate stream --concurrency "$conc" tweets.jsonl > /dev/null 2> run.err || true
	rate=$(grep -oE '\([0-9]+ tweets/s\)' run.err | grep -oE '[0-9]+' || echo 0)
	mock=$(CUSTOMER=cus_123 PAYMENT_METHOD=pm_card_visa wrk -t2 -c"$conns" -d"$duration" -s "$root/bench/emulator/create_confirm.lua" \
		"http://127.0.0.1:$mock_port" | awk '/Requests\/sec/ {print $2}')
	awk -v r="$r" -v rate="$rate" -v mock="$mock" -v n="$n" '/^TIME/ {
		printf "round %s  stream %6d tweets/s (CPU %3.0f µs a tweet, peak RSS %.1f MiB)  stripe-mock %7.0f req/s  ratio %.2f\n",
			r, rate, ($2+$3)*1e6/n, $4/1024, mock, (mock > 0 ? rate/mock : 0) }' run.err
done

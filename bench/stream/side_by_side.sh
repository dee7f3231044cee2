#!/usr/bin/env bash
# The stream target measured as it is stated: `tweetpay simulate stream` of
# TWEETS purchase tweets on the embedded, durable emulator against
# stripe-mock on the same machine, side by side. Each round runs
#   1. the stream on the embedded emulator (fresh state files);
#   2. the same stream with stripe-mock as its backend (`--backend stripe
#      --api-base`; one create-and-confirm request a tweet, as on the
#      emulator), unless MOCK_STREAM=0;
#   3. wrk against stripe-mock alone (the create-and-confirm POST of
#      bench/emulator/run.sh): stripe-mock's ceiling, its client being a C
#      program that leaves it most of the machine;
# and prints the three and the ratios of the first to the others: the host's
# speed changes from hour to hour, the ratio of runs a few seconds apart
# much less.
# Usage: bench/stream/side_by_side.sh [ROUNDS] [TWEETS]
#   (env: BUYERS=1000 CONCURRENCY=128 DURATION=10s CONNECTIONS=32 MOCK_PORT=12411 MOCK_STREAM=1)
set -euo pipefail
rounds=${1:-3}
n=${2:-100000}
buyers=${BUYERS:-1000}
conc=${CONCURRENCY:-128}
duration=${DURATION:-10s}
conns=${CONNECTIONS:-32}
mock_port=${MOCK_PORT:-12411}
mock_stream=${MOCK_STREAM:-1}
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
# stream DIR [FLAGS...]: one stream in DIR's fresh state; prints
# "tweets/s user-s system-s peak-KB".
stream() {
	local dir=$1
	shift
	rm -rf "$dir" && mkdir -p "$dir"
	TWEETPAY_STATE_DIR=$dir /usr/bin/time -f "TIME %U %S %M" ./tweetpay "$@" simulate stream --concurrency "$conc" tweets.jsonl > /dev/null 2> run.err || true
	echo "$(grep -oE '\([0-9]+ tweets/s\)' run.err | grep -oE '[0-9]+' || echo 0) $(awk '/^TIME/ {print $2, $3, $4}' run.err)"
}
for r in $(seq "$rounds"); do
	emu=$(stream "$work/state-emulator")
	onmock="0 0 0 0"
	if [ "$mock_stream" != 0 ]; then
		onmock=$(TWEETPAY_API_KEY=sk_test_123 stream "$work/state-mock" --backend stripe --api-base "http://127.0.0.1:$mock_port")
	fi
	mock=$(CUSTOMER=cus_123 PAYMENT_METHOD=pm_card_visa wrk -t2 -c"$conns" -d"$duration" -s "$root/bench/emulator/create_confirm.lua" \
		"http://127.0.0.1:$mock_port" | awk '/Requests\/sec/ {print $2}')
	echo "$emu $onmock $mock" | awk -v r="$r" -v n="$n" '{
		printf "round %s  stream %6d tweets/s (CPU %3.0f µs a tweet, peak RSS %.1f MiB)", r, $1, ($2+$3)*1e6/n, $4/1024
		if ($5 > 0) printf "  on stripe-mock %5d tweets/s (ratio %.2f)", $5, $1/$5
		printf "  stripe-mock under wrk %7.0f req/s (ratio %.2f)\n", $9, ($9 > 0 ? $1/$9 : 0) }'
done

#!/usr/bin/env bash
# The stream target measured as it is stated: `tweetpay simulate stream` of
# TWEETS purchase tweets on the embedded, durable emulator against
# stripe-mock on the same machine, side by side. Each round runs
#   1. the stream on the embedded emulator (fresh state files);
#   2. the same stream against `tweetpay emulator serve` over loopback
#      (`--api-base`; a fresh server and state), unless SERVE_STREAM=0;
#   3. the same stream with stripe-mock as its backend (`--backend stripe
#      --api-base`; one create-and-confirm request a tweet, as on the
#      emulator), unless MOCK_STREAM=0;
#   4. wrk against stripe-mock alone (the create-and-confirm POST of
#      bench/emulator/run.sh): stripe-mock's ceiling, its client being a C
#      program that leaves it most of the machine;
# and prints each with its latency percentiles (the streams' summaries) and
# the ratio of the first to the others: the host's speed changes from hour
# to hour, the ratio of runs a few seconds apart much less. The CPU and
# memory given are the tweetpay process's: with a server (2-4), the server's
# own are not in them.
# Usage: bench/stream/side_by_side.sh [ROUNDS] [TWEETS]
#   (env: BUYERS=1000 CONCURRENCY=128 DURATION=10s CONNECTIONS=32 MOCK_PORT=12411
#    SERVE_PORT=12311 MOCK_STREAM=1 SERVE_STREAM=1)
set -euo pipefail
rounds=${1:-3}
n=${2:-100000}
buyers=${BUYERS:-1000}
conc=${CONCURRENCY:-128}
duration=${DURATION:-10s}
conns=${CONNECTIONS:-32}
mock_port=${MOCK_PORT:-12411}
serve_port=${SERVE_PORT:-12311}
mock_stream=${MOCK_STREAM:-1}
serve_stream=${SERVE_STREAM:-1}
command -v wrk >/dev/null || { echo "wrk is required (apt-get install -y wrk)" >&2; exit 1; }
root=$(cd "$(dirname "$0")/../.." && pwd)
work=$(mktemp -d)
mock_pid=""
serve_pid=""
cleanup() {
	[ -n "$mock_pid" ] && kill "$mock_pid" 2>/dev/null
	[ -n "$serve_pid" ] && kill "$serve_pid" 2>/dev/null
	rm -rf "$work"
}
trap cleanup EXIT
(cd "$root" && CGO_ENABLED=0 go build -trimpath -ldflags "-s -w" -o "$work/tweetpay" ./cmd/tweetpay &&
	go build -o "$work/gen" ./bench/stream/gen &&
	go build -o "$work/stripe-mock" github.com/stripe/stripe-mock)
wait_port() { for _ in $(seq 100); do (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null && return; sleep 0.1; done; }
"$work/stripe-mock" -http-addr "127.0.0.1:$mock_port" -https-addr "127.0.0.1:$((mock_port + 1))" >"$work/mock.log" 2>&1 &
mock_pid=$!
wait_port "$mock_port"
cd "$work"
./gen -n "$n" -buyers "$buyers" -mix purchase -config tweetpay.yaml > tweets.jsonl
echo "$n purchase tweets from $buyers buyers, concurrency $conc; stripe-mock under wrk: $conns connections for $duration"

# stream NAME DIR [FLAGS...]: one stream in DIR's fresh state; prints its
# line of the round and leaves its rate in $rate.
stream() {
	local name=$1 dir=$2
	shift 2
	rm -rf "$dir" && mkdir -p "$dir"
	TWEETPAY_STATE_DIR=$dir /usr/bin/time -f "TIME %U %S %M" ./tweetpay "$@" simulate stream --concurrency "$conc" tweets.jsonl > /dev/null 2> run.err || true
	rate=$(grep -oE '\([0-9]+ tweets/s\)' run.err | grep -oE '[0-9]+' || echo 0)
	awk -v name="$name" -v n="$n" -v rate="$rate" -v base="${base:-0}" '
		/^TIME/ { cpu = ($2 + $3) * 1e6 / n; rss = $4 / 1024 }
		/^  latency/ { sub(/^  latency /, ""); lat = $0 }
		END {
			printf "  %-22s %6d tweets/s  tweetpay: %3.0f µs of CPU a tweet, peak RSS %5.1f MiB", name, rate, cpu, rss
			if (base > 0 && rate > 0) printf "  ratio %.2f", base / rate
			printf "\n  %-22s latency %s\n", "", lat }' run.err
}
for r in $(seq "$rounds"); do
	echo "round $r"
	base=0
	stream "embedded emulator" "$work/state-emulator"
	base=$rate
	if [ "$serve_stream" != 0 ]; then
		rm -rf "$work/state-server"
		TWEETPAY_STATE_DIR="$work/state-server" ./tweetpay emulator serve --addr "127.0.0.1:$serve_port" > serve.out 2> serve.err &
		serve_pid=$!
		wait_port "$serve_port"
		TWEETPAY_API_KEY=sk_test_123 stream "emulator serve" "$work/state-client" --api-base "http://127.0.0.1:$serve_port"
		kill "$serve_pid" && wait "$serve_pid" 2>/dev/null || true
		serve_pid=""
	fi
	if [ "$mock_stream" != 0 ]; then
		TWEETPAY_API_KEY=sk_test_123 stream "stripe-mock" "$work/state-mock" --backend stripe --api-base "http://127.0.0.1:$mock_port"
	fi
	CUSTOMER=cus_123 PAYMENT_METHOD=pm_card_visa wrk -t2 -c"$conns" -d"$duration" --latency -s "$root/bench/emulator/create_confirm.lua" \
		"http://127.0.0.1:$mock_port" > wrk.out
	awk -v base="$base" '
		/Requests\/sec/ { rps = $2 }
		$1 == "50%" { p50 = $2 } $1 == "90%" { p90 = $2 } $1 == "99%" { p99 = $2 }
		END {
			printf "  %-22s %6.0f req/s", "stripe-mock under wrk", rps
			if (rps > 0) printf "  ratio %.2f", base / rps
			printf "\n  %-22s latency p50 %s, p90 %s, p99 %s (a request)\n", "", p50, p90, p99 }' wrk.out
done

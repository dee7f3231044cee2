#!/usr/bin/env bash
# Compare `tweetpay emulator serve` with stripe-mock on the same POST over
# loopback: create-and-confirm a PaymentIntent (form body, idempotency key)
# for an existing customer, durable. tweetpay is built as it is released.
# Usage: bench/emulator/run.sh   (env: DURATION=10s CONNECTIONS=32 THREADS=2 ROUNDS=1)
# With ROUNDS=N the two servers are measured N times each, alternately.
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
cd "$root"
duration=${DURATION:-10s}
conns=${CONNECTIONS:-32}
threads=${THREADS:-2}
rounds=${ROUNDS:-1}
emu_port=${EMU_PORT:-12311}
mock_port=${MOCK_PORT:-12411}
command -v wrk >/dev/null || { echo "wrk is required (apt-get install -y wrk)" >&2; exit 1; }
command -v curl >/dev/null || { echo "curl is required" >&2; exit 1; }

tmp=$(mktemp -d)
pids=()
cleanup() {
  for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done
  rm -rf "$tmp"
}
trap cleanup EXIT

CGO_ENABLED=0 go build -trimpath -ldflags "-s -w" -o "$tmp/tweetpay" ./cmd/tweetpay
go build -o "$tmp/stripe-mock" github.com/stripe/stripe-mock

TWEETPAY_STATE_DIR="$tmp/state" "$tmp/tweetpay" emulator serve --addr "127.0.0.1:$emu_port" >"$tmp/emu.out" 2>"$tmp/emu.err" &
pids+=($!)
for _ in $(seq 100); do grep -q http "$tmp/emu.out" 2>/dev/null && break; sleep 0.1; done
emu="http://127.0.0.1:$emu_port"
json_id() { sed -E 's/^\{"id":"([^"]+)".*/\1/'; }
cus=$(curl -sf -u sk_test_123: "$emu/v1/customers" -d email=bench@example.com | json_id)
pm=$(curl -sf -u sk_test_123: "$emu/v1/payment_methods/pm_card_visa/attach" -d customer="$cus" | json_id)

"$tmp/stripe-mock" -http-addr "127.0.0.1:$mock_port" -https-addr "127.0.0.1:$((mock_port + 1))" >"$tmp/mock.log" 2>&1 &
pids+=($!)
for _ in $(seq 100); do (exec 3<>"/dev/tcp/127.0.0.1/$mock_port") 2>/dev/null && break; sleep 0.1; done

run() { # name url customer pm
  local out
  out=$(CUSTOMER=$3 PAYMENT_METHOD=$4 wrk -t"$threads" -c"$conns" -d"$duration" --latency -s bench/emulator/create_confirm.lua "$2")
  echo "== $1" >&2
  echo "$out" >&2
  printf '%-12s %10s req/s  p50 %8s  p99 %8s  (%s)\n' "$1" "$(awk '/Requests\/sec/ {print $2}' <<<"$out")" \
    "$(awk '$1 == "50%" {print $2}' <<<"$out")" "$(awk '$1 == "99%" {print $2}' <<<"$out")" "$(grep -o 'non2xx=[0-9]*' <<<"$out")"
}
echo "create-and-confirm PaymentIntent, $conns connections, $threads wrk threads, $duration each"
for _ in $(seq "$rounds"); do
  run emulator "$emu" "$cus" "$pm"
  run stripe-mock "http://127.0.0.1:$mock_port" cus_123 pm_card_visa
done

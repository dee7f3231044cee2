#!/usr/bin/env bash
# Compare the tweetpay emulator with stripe-mock on the same POST over
# loopback: create-and-confirm a PaymentIntent (form body, idempotency key).
# Usage: bench/emulator/run.sh   (env: DURATION=10s CONNECTIONS=32 THREADS=2)
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
cd "$root"
duration=${DURATION:-10s}
conns=${CONNECTIONS:-32}
threads=${THREADS:-2}
emu_port=${EMU_PORT:-12311}
mock_port=${MOCK_PORT:-12411}
command -v wrk >/dev/null || { echo "wrk is required (apt-get install -y wrk)" >&2; exit 1; }

tmp=$(mktemp -d)
pids=()
cleanup() {
  for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done
  rm -rf "$tmp"
}
trap cleanup EXIT

go build -o "$tmp/emulator-bench" ./bench/emulator
go build -o "$tmp/stripe-mock" github.com/stripe/stripe-mock

"$tmp/emulator-bench" -addr "127.0.0.1:$emu_port" -dir "$tmp/state" >"$tmp/emu.out" 2>"$tmp/emu.err" &
pids+=($!)
for _ in $(seq 100); do grep -q customer= "$tmp/emu.out" 2>/dev/null && break; sleep 0.1; done
read -r cus pm < <(sed -E 's/customer=([^ ]+) payment_method=([^ ]+)/\1 \2/' "$tmp/emu.out")

"$tmp/stripe-mock" -http-addr "127.0.0.1:$mock_port" -https-addr "127.0.0.1:$((mock_port + 1))" >"$tmp/mock.log" 2>&1 &
pids+=($!)
for _ in $(seq 100); do (exec 3<>"/dev/tcp/127.0.0.1/$mock_port") 2>/dev/null && break; sleep 0.1; done

run() { # name url customer pm
  local out
  out=$(CUSTOMER=$3 PAYMENT_METHOD=$4 wrk -t"$threads" -c"$conns" -d"$duration" -s bench/emulator/create_confirm.lua "$2")
  echo "== $1" >&2
  echo "$out" >&2
  printf '%-12s %10s req/s  (%s)\n' "$1" "$(awk '/Requests\/sec/ {print $2}' <<<"$out")" "$(grep -o 'non2xx=[0-9]*' <<<"$out")"
}
echo "create-and-confirm PaymentIntent, $conns connections, $threads wrk threads, $duration each"
run emulator "http://127.0.0.1:$emu_port" "$cus" "$pm"
run stripe-mock "http://127.0.0.1:$mock_port" cus_123 pm_card_visa

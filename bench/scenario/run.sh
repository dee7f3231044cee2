#!/usr/bin/env bash
# A long scenario file through `tweetpay simulate run`: STEPS purchase steps
# from 20 buyers, each with an expectation, on the embedded emulator's fresh
# state, timed ROUNDS times. Pass BASELINE=BINARY to time another build
# alternately with this one.
# Usage: bench/scenario/run.sh [STEPS] [ROUNDS]
set -euo pipefail
steps=${1:-1000}
rounds=${2:-3}
root=$(cd "$(dirname "$0")/../.." && pwd)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
(cd "$root" && CGO_ENABLED=0 go build -trimpath -ldflags "-s -w" -o "$work/tweetpay" ./cmd/tweetpay)
cd "$work"
{
	printf 'name: many purchases\nstart: 2026-01-01T00:00:00Z\noffers:\n  - hashtag: BuyMug\n    name: Mug\n    price: "5.00"\nbuyers:\n'
	for b in $(seq 0 19); do printf '  - handle: "@b%d"\n    card: visa\n' "$b"; done
	printf 'steps:\n'
	for i in $(seq 1 "$steps"); do
		printf '  - tweet: "one #BuyMug"\n    from: "@b%d"\n    id: "%d"\n    expect: {outcome: purchased}\n' $((i % 20)) "$i"
	done
} > many.yaml
printf 'offers: []\n' > tweetpay.yaml
bins="this=$work/tweetpay"
[ -n "${BASELINE:-}" ] && bins="baseline=$BASELINE $bins"
echo "$steps steps in one scenario"
for r in $(seq "$rounds"); do
	for spec in $bins; do
		label=${spec%%=*}
		bin=${spec#*=}
		/usr/bin/time -f "%e %U %S" "$bin" simulate run many.yaml > /dev/null 2> time.txt
		awk -v r="$r" -v l="$label" -v n="$steps" 'END { printf "round %s  %-9s %6.2f s (%.2f ms a step; CPU %.2f s)\n", r, l, $1, $1*1000/n, $2+$3 }' time.txt
	done
done

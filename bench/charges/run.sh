#!/usr/bin/env bash
# Charges benchmark: seeds an emulator state with N charges (default 100,000)
# through stripe-go in-process, then times with hyperfine, as whole processes:
#   - `tweetpay --version` (the start-up floor),
#   - `tweetpay charges list` (the first page; target <= 3x --version),
#   - `tweetpay charges list --all -o csv` (every charge; target <= 2 s),
# and reports the peak RSS of each (/usr/bin/time -v) and the peak Go heap of
# the --all run (GODEBUG=gctrace=1), which shows whether memory stays flat:
# RSS also counts the pages of the emulator's memory-mapped state file.
#
# Needs hyperfine and GNU time (apt-get install hyperfine time).
# Usage: bench/charges/run.sh            (N=100000, a fresh state in a temp dir)
#        N=20000 STATE=/path/keep bench/charges/run.sh   (reuse a seeded state)
set -euo pipefail
cd "$(dirname "$0")/../.."
N=${N:-100000}
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT
state=${STATE:-$out/state}

CGO_ENABLED=0 go build -trimpath -ldflags "-s -w" -o "$out/tweetpay" ./cmd/tweetpay
go build -trimpath -o "$out/seed" ./bench/charges/seed
if [ ! -e "$state/emulator.db" ]; then
	echo "seeding $N charges into $state"
	"$out/seed" -state "$state" -n "$N"
fi

work=$out/work
mkdir -p "$work"
printf 'merchant:\n  handle: "@bluemugco"\n' >"$work/tweetpay.yaml"
cd "$work"
export TWEETPAY_STATE_DIR=$state TWEETPAY_BACKEND=emulator
tp=$out/tweetpay

rows=$("$tp" charges list --all -o csv | wc -l)
echo "charges list --all -o csv: $((rows - 1)) rows"

hyperfine -N --warmup 5 --runs "${RUNS:-50}" --export-markdown "$out/first.md" \
	-n "tweetpay --version" "$tp --version" \
	-n "tweetpay charges list" "$tp charges list"
hyperfine -N --warmup 1 --runs "${ALL_RUNS:-5}" --export-markdown "$out/all.md" \
	-n "tweetpay charges list --all -o csv" "$tp charges list --all -o csv"

echo
cat "$out/first.md" "$out/all.md"
echo
for args in "--version" "charges list" "charges list --all -o csv"; do
	# shellcheck disable=SC2086
	rss=$(/usr/bin/time -v "$tp" $args 2>&1 >/dev/null | awk -F': ' '/Maximum resident/ {print $2}')
	echo "peak RSS, tweetpay $args: $((rss / 1024)) MiB"
done
heap=$(GODEBUG=gctrace=1 "$tp" charges list --all -o csv 2>&1 >/dev/null |
	awk '/^gc / { split($11, a, "->"); if (a[1]+0 > max) max = a[1]+0 } END { print max+0 }')
echo "peak Go heap (at GC start), charges list --all -o csv: ${heap} MB"

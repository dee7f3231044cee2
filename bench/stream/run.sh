#!/bin/sh
# Throughput and peak memory of `tweetpay simulate stream` on the embedded,
# durable emulator. Usage: bench/stream/run.sh [TWEETS] [BUYERS] [CONCURRENCY] [MIX]
#   bench/stream/run.sh 100000 1000 128 purchase
# Prints tweets/s (from the command's own summary), the peak RSS measured by
# /usr/bin/time -v, the CPU time a tweet and the host's steal time.
set -eu
n=${1:-100000}
buyers=${2:-1000}
conc=${3:-128}
mix=${4:-purchase}
root=$(cd "$(dirname "$0")/../.." && pwd)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
(cd "$root" && CGO_ENABLED=0 go build -trimpath -ldflags "-s -w" -o "$work/tweetpay" ./cmd/tweetpay &&
	go build -o "$work/gen" ./bench/stream/gen)
cd "$work"
./gen -n "$n" -buyers "$buyers" -mix "$mix" -config tweetpay.yaml > tweets.jsonl
echo "input: $n $mix tweets, $buyers buyers, $(wc -c < tweets.jsonl) bytes; concurrency $conc"
# The machine's CPU time stolen by the hypervisor during the run (Linux
# /proc/stat): on a shared virtual machine the slowest runs are the ones with
# the most steal, so it is printed beside the figures.
cpu_times() { awk '/^cpu /{print $9, $2+$3+$4+$5+$6+$7+$8+$9}' /proc/stat 2>/dev/null; }
before=$(cpu_times)
/usr/bin/time -v ./tweetpay simulate stream --concurrency "$conc" tweets.jsonl > /dev/null 2> run.err || true
after=$(cpu_times)
grep -E 'lines, .* tweets in|Maximum resident set size|Elapsed \(wall' run.err
awk -v n="$n" -F': ' '/User time/{u=$2} /System time/{s=$2} END{printf "CPU: %.0f µs a tweet (user and system)\n", (u+s)*1e6/n}' run.err
if [ -n "$before" ] && [ -n "$after" ]; then
	echo "$before $after" | awk '{if ($4>$2) printf "host steal during the run: %.0f%%\n", ($3-$1)*100/($4-$2)}'
fi
echo "re-run (every tweet a duplicate):"
/usr/bin/time -v ./tweetpay simulate stream --concurrency "$conc" tweets.jsonl > /dev/null 2> rerun.err || true
grep -E 'lines, .* tweets in|duplicates|Maximum resident set size' rerun.err
echo "first list by buyer (indexes the stream's charges), then another:"
/usr/bin/time -f "%e s, peak RSS %M KB" ./tweetpay charges list --buyer @buyer7 --limit 1 > /dev/null
/usr/bin/time -f "%e s, peak RSS %M KB" ./tweetpay charges list --buyer @buyer8 --limit 1 > /dev/null

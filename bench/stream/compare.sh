#!/bin/sh
# Side-by-side runs of `tweetpay simulate stream` by several builds or
# settings, interleaved so that the host's changing speed falls on all of
# them alike. Usage:
#   bench/stream/compare.sh ROUNDS TWEETS LABEL=BINARY[:ENV...] ...
#   bench/stream/compare.sh 4 100000 before=/tmp/tweetpay-old after=/tmp/tweetpay-new
#   bench/stream/compare.sh 2 100000 now=./tweetpay gogc300=./tweetpay:GOGC=300
# Each run starts from empty state files; it prints tweets/s (the command's
# summary), CPU time a tweet, peak RSS and the host's steal time. Binaries
# are used as given: build them as released (see run.sh). CONCURRENCY (128)
# and BUYERS (1000) set the stream's.
set -eu
rounds=$1
n=$2
shift 2
root=$(cd "$(dirname "$0")/../.." && pwd)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
(cd "$root" && go build -o "$work/gen" ./bench/stream/gen)
abs() { case $1 in /*) echo "$1" ;; *) echo "$PWD/$1" ;; esac; }
specs=""
for s in "$@"; do
	label=${s%%=*}
	rest=${s#*=}
	bin=${rest%%:*}
	envs=""
	[ "$bin" != "$rest" ] && envs=$(echo "${rest#*:}" | tr ':' ' ')
	specs="$specs $label=$(abs "$bin")${envs:+:$(echo "$envs" | tr ' ' ':')}"
done
cd "$work"
./gen -n "$n" -buyers "${BUYERS:-1000}" -mix purchase -config tweetpay.yaml > tweets.jsonl
cpu_times() { awk '/^cpu /{print $9, $2+$3+$4+$5+$6+$7+$8+$9}' /proc/stat 2>/dev/null; }
for r in $(seq "$rounds"); do
	for s in $specs; do
		label=${s%%=*}
		rest=${s#*=}
		bin=${rest%%:*}
		envs=""
		[ "$bin" != "$rest" ] && envs=$(echo "${rest#*:}" | tr ':' ' ')
		rm -rf .tweetpay
		before=$(cpu_times)
		# shellcheck disable=SC2086 # envs is a list of NAME=VALUE words
		env $envs /usr/bin/time -f "TIME %U %S %M" "$bin" simulate stream --concurrency "${CONCURRENCY:-128}" tweets.jsonl > /dev/null 2> run.err || true
		after=$(cpu_times)
		steal=$(echo "$before $after" | awk '{if ($4>$2) printf "%.0f%%", ($3-$1)*100/($4-$2); else print "?"}')
		rate=$(grep -oE '\([0-9]+ tweets/s\)' run.err | tr -d '()' || echo "failed")
		awk -v l="$label" -v n="$n" -v rate="$rate" -v st="$steal" \
			'/^TIME/{printf "round %s  %-12s %-16s CPU %.0f µs a tweet  peak RSS %.1f MiB  steal %s\n", r, l, rate, ($2+$3)*1e6/n, $4/1024, st}' r="$r" run.err
	done
done

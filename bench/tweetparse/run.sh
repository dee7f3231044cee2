#!/usr/bin/env bash
# Tweet parsing throughput: tweetpay's pkg/tweet against the reference
# implementation, npm twitter-text@3.1.0 on node, over the same seeded corpus.
# Also checks that both find the same entities on every tweet.
#
# Usage: bench/tweetparse/run.sh [N_TWEETS] [SEED]
# Needs go, node and npm (the package is installed into a temporary directory).
set -euo pipefail

n="${1:-10000}"
seed="${2:-1}"
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(cd "$here/../.." && pwd)"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT

echo "installing twitter-text@3.1.0 into a temporary directory..." >&2
npm install --silent --no-audit --no-fund --prefix "$work/npm" twitter-text@3.1.0 >&2

cd "$root"
go run ./bench/tweetparse/gen -n "$n" -seed "$seed" -o "$work/corpus.jsonl"
go build -o "$work/goparse" ./bench/tweetparse/goparse

export NODE_PATH="$work/npm/node_modules"

# Parity: the same entities (kind, value, UTF-16 indices) for every tweet.
"$work/goparse" -in "$work/corpus.jsonl" -dump >"$work/go.jsonl"
node "$here/bench.js" "$work/corpus.jsonl" --dump >"$work/js.jsonl"
node -e '
const fs = require("fs");
const g = fs.readFileSync(process.argv[1], "utf8").trim().split("\n").map(JSON.parse);
const j = fs.readFileSync(process.argv[2], "utf8").trim().split("\n").map(JSON.parse);
let ent = 0, len = 0;
for (let i = 0; i < j.length; i++) {
  if (JSON.stringify(g[i].entities) !== JSON.stringify(j[i].entities)) ent++;
  else if (g[i].weightedLength !== j[i].weightedLength) len++;
}
console.log(`parity: ${j.length} tweets, ${ent} with different entities, ${len} with a different weighted length (emoji sequences)`);
if (ent > 0) process.exit(1);
' "$work/go.jsonl" "$work/js.jsonl"

go_line="$("$work/goparse" -in "$work/corpus.jsonl" -rounds 5)"
js_line="$(node "$here/bench.js" "$work/corpus.jsonl" --rounds 5)"
echo "$go_line"
echo "$js_line"
go_rate="$(sed -E 's/.*: ([0-9]+) tweets\/s.*/\1/' <<<"$go_line")"
js_rate="$(sed -E 's/.*: ([0-9]+) tweets\/s.*/\1/' <<<"$js_line")"
awk -v g="$go_rate" -v j="$js_rate" 'BEGIN { printf "ratio: %.1fx (go / node)\n", g / j }'

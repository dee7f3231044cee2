#!/usr/bin/env bash
# Start-up benchmark: `tweetpay --version` and `tweetpay --help` against a Go
# hello world, side by side with hyperfine. Target: each within 2x of hello.
# Needs hyperfine (apt-get install hyperfine). Usage: bench/startup/run.sh
set -euo pipefail
cd "$(dirname "$0")/../.."
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT
CGO_ENABLED=0 go build -trimpath -ldflags "-s -w" -o "$out/tweetpay" ./cmd/tweetpay
CGO_ENABLED=0 go build -trimpath -ldflags "-s -w" -o "$out/hello" ./bench/startup/hello
CGO_ENABLED=0 go build -trimpath -ldflags "-s -w" -o "$out/floor" ./bench/startup/floor
hyperfine -N --warmup 20 --runs "${RUNS:-300}" --export-markdown "$out/startup.md" \
	-n hello "$out/hello" \
	-n "floor (hello + tweetpay's libraries)" "$out/floor" \
	-n "tweetpay --version" "$out/tweetpay --version" \
	-n "tweetpay --help" "$out/tweetpay --help"
cat "$out/startup.md"

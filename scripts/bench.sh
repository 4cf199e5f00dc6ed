#!/usr/bin/env bash
# Measures Wire (WireBench: RPC over mTLS and the binary coder) and, in the same sitting, the peer systems of
# ../shared/bench/peers (Hummingbird 2, nginx, grpc-swift 2) and the raw loopback ceiling (../shared/bench/limit).
# Prints one JSON line per measurement on stdout; progress on stderr. Release builds only.
#   scripts/bench.sh [SECONDS]        (default 5 s per measurement)
# shared/ is read-only, so the peers are built in a writable copy ($PEERS_COPY, default /tmp/purrpurr-peers;
# the first build takes ~6–15 min on 2 cores and is reused afterwards).
set -euo pipefail
cd "$(dirname "$0")/.."
seconds=${1:-5}
shared=${SHARED_DIR:-../shared}
copy=${PEERS_COPY:-/tmp/purrpurr-peers}

echo "[bench] building WireBench (release)" >&2
swift build -c release --product WireBench >&2
echo "[bench] WireBench" >&2
.build/release/WireBench --duration "$seconds"

echo "[bench] raw loopback ceiling" >&2
gcc -O2 -o /tmp/purrpurr-echo-limit "$shared/bench/limit/echo_limit.c" -lpthread
for c in 1 64; do /tmp/purrpurr-echo-limit "$c" 64 "$seconds"; echo; done

if [ ! -x "$copy/run-peers.sh" ]; then
    mkdir -p "$copy" && cp -r "$shared/bench/peers/." "$copy/" && chmod -R u+w "$copy"
fi
echo "[bench] peers (in $copy)" >&2
"$copy/run-peers.sh" "$seconds"

#!/usr/bin/env bash
# A/B of the Wire hop in one sitting: this checkout's WireBench against another checkout's (e.g. the commit before
# a change), unary 64 B echo over mTLS at c=1 and c=64 (server in a child process), alternating A, B per round,
# and the raw loopback ceiling (../shared/bench/limit/echo_limit.c) at c=1 and c=64 in each round. Prints one
# JSON line per measurement, then per side the medians and the issue-20 figures: calls/s at c=64 as a share of
# the ceiling, p50 at c=1 over the raw round trip (1e6 / ceiling c=1 rate), and CPU per call on each side
# (robust on a busy machine, where the rates mostly show how much CPU the benchmark got). The other checkout's
# WireBench must report `client_cpu_us_per_req` (copy this Benchmarks/WireBench/RPCBenchmark.swift into it).
#   scripts/bench-wire-ab.sh OTHER_CHECKOUT [SECONDS] [ROUNDS]     (defaults 5 and 3; release builds)
set -euo pipefail
cd "$(dirname "$0")/.."
other=$(cd "${1:?usage: scripts/bench-wire-ab.sh OTHER_CHECKOUT [SECONDS] [ROUNDS]}" && pwd)
seconds=${2:-5}
rounds=${3:-3}
shared=${SHARED_DIR:-../shared}
work=$(mktemp -d /tmp/purrpurr-wire-ab.XXXXXX)
trap 'rm -rf "$work"' EXIT INT TERM

for checkout in "$PWD" "$other"; do (cd "$checkout" && swift build -c release --product WireBench >&2); done
after_bin="$(swift build -c release --show-bin-path)/WireBench"
before_bin="$(cd "$other" && swift build -c release --show-bin-path)/WireBench"
gcc -O2 -o "$work/echo_limit" "$shared/bench/limit/echo_limit.c" -lpthread

wire() {  # SIDE BINARY CONCURRENCY
    "$2" --rpc-only --concurrency "$3" --payloads 64 --duration "$seconds" --warmup 1 2>/dev/null |
        python3 -c 'import json,sys; l=json.loads(sys.stdin.readline()); l["side"]=sys.argv[1]; print(json.dumps(l))' "$1"
}
limit() {  # CONCURRENCY
    "$work/echo_limit" "$1" 64 "$seconds" |
        python3 -c 'import json,sys; l=json.loads(sys.stdin.read()); l["side"]="ceiling"; l["concurrency"]=int(sys.argv[1]); print(json.dumps(l))' "$1"
}
for round in $(seq "$rounds"); do
    for c in 1 64; do
        wire after "$after_bin" "$c" | tee -a "$work/lines"
        wire before "$before_bin" "$c" | tee -a "$work/lines"
        limit "$c" | tee -a "$work/lines"
    done
done
python3 - "$work/lines" <<'PY'
import json, sys, statistics
lines = [json.loads(l) for l in open(sys.argv[1])]
def med(side, c, key):
    return statistics.median(l[key] for l in lines if l["side"] == side and l["concurrency"] == c)
ceiling = {c: med("ceiling", c, "calls_per_s") for c in (1, 64)}
raw_rtt_us = 1e6 / ceiling[1]
for side in ("after", "before"):
    c64, p50 = med(side, 64, "calls_per_s"), med(side, 1, "p50_us")
    print(json.dumps({"side": side, "c64_calls_per_s": c64, "c64_share_of_ceiling": round(c64 / ceiling[64], 4),
                      "c1_p50_us": p50, "raw_round_trip_us": round(raw_rtt_us, 1),
                      "c1_p50_over_raw": round(p50 / raw_rtt_us, 2), "ceiling_c64": ceiling[64], "ceiling_c1": ceiling[1],
                      "c64_server_cpu_us_per_call": med(side, 64, "server_cpu_us_per_req"),
                      "c64_client_cpu_us_per_call": med(side, 64, "client_cpu_us_per_req")}))
PY

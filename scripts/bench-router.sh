#!/usr/bin/env bash
# Measures the Router with wrk (-t1 -c64) on loopback, then the peers (Hummingbird 2 /json, nginx) in the same
# sitting: (a) GET /healthz, (b) GET /v1/whoami with a valid secret key (auth + rate limit, no Wire call),
# (c) GET /v1/auth/jwks with a publishable key (auth + rate limit + one Wire call to identity-service).
# Starts the mesh (scripts/lib/mesh.sh: `purrpurr up` with release builds) and stops
# everything by PID afterwards.
#   scripts/bench-router.sh [SECONDS]    (default 5)
set -euo pipefail
cd "$(dirname "$0")/.."
seconds=${1:-5}
source scripts/lib/deps.sh
source scripts/lib/postgres.sh
source scripts/lib/mesh.sh
ensure_packages "${PURRPURR_TEST_PACKAGES[@]}" wrk
work=$(mktemp -d /tmp/purrpurr-bench.XXXXXX)
trap 'mesh_stop; rm -rf "$work"' EXIT INT TERM
export MESH_LOG_LEVEL=warning MESH_RATE_LIMIT=1000000 MESH_RATE_BURST=100000
mesh_start "$work" release
router_pid=$MESH_ROUTER_PID
port=${MESH_ROUTER_URL##*:}
keys=$(curl -fs -X POST "$MESH_ROUTER_URL/v1/admin/projects" -H "X-Admin-Token: $MESH_ADMIN_TOKEN" \
      -H 'Content-Type: application/json' -d '{"name":"bench"}')
key=$(python3 -c 'import json,sys; print([k["key"] for k in json.loads(sys.argv[1])["keys"] if k["kind"]=="secret"][0])' "$keys")
pk=$(python3 -c 'import json,sys; print([k["key"] for k in json.loads(sys.argv[1])["keys"] if k["kind"]=="publishable"][0])' "$keys")

measure() {  # NAME URL [wrk args]: one JSON line with req/s, latency and the router's peak RSS
    local name=$1 url=$2; shift 2
    local out rss
    out=$(wrk -t1 -c64 -d"${seconds}s" --latency "$@" "$url")
    rss=$(awk '/VmHWM/ {print $2}' "/proc/$router_pid/status")
    python3 - "$name" "$url" "$rss" <<PY
import re, sys, json
text = """$out"""
def us(v):
    n, unit = float(re.match(r'([\d.]+)', v).group(1)), re.sub(r'[\d.]', '', v)
    return n * {'us': 1, 'ms': 1000, 's': 1e6}[unit]
rate = float(re.search(r'Requests/sec:\s+([\d.]+)', text).group(1))
lat = dict(re.findall(r'\s+(50|99)%\s+(\S+)', text))
non2xx = re.search(r'Non-2xx or 3xx responses: (\d+)', text)
print(json.dumps({"system": "router", "route": sys.argv[1], "url": sys.argv[2], "tool": "wrk", "threads": 1,
    "connections": 64, "duration_s": $seconds, "req_per_s": rate, "p50_us": us(lat['50']), "p99_us": us(lat['99']),
    "non_2xx": int(non2xx.group(1)) if non2xx else 0, "router_peak_rss_kb": int(sys.argv[3])}))
PY
}
# Let the fresh mesh settle: flush initdb's and the builds' dirty pages now (on this VM their writeback, 30 s
# later, stalls every process for tens of milliseconds), then warm each route unmeasured for 3 s, so a figure is
# the steady state rather than the start-up.
sync
sleep 5
wrk -t1 -c64 -d3s "http://127.0.0.1:$port/healthz" >/dev/null
wrk -t1 -c64 -d3s -H "X-API-Key: $key" "http://127.0.0.1:$port/v1/whoami" >/dev/null
wrk -t1 -c64 -d3s -H "X-API-Key: $pk" "http://127.0.0.1:$port/v1/auth/jwks" >/dev/null
measure healthz "http://127.0.0.1:$port/healthz"
measure whoami "http://127.0.0.1:$port/v1/whoami" -H "X-API-Key: $key"
measure jwks "http://127.0.0.1:$port/v1/auth/jwks" -H "X-API-Key: $pk"
copy=${PEERS_COPY:-/tmp/purrpurr-peers}
if [ ! -x "$copy/run-peers.sh" ]; then
    mkdir -p "$copy" && cp -r "${SHARED_DIR:-../shared}/bench/peers/." "$copy/" && chmod -R u+w "$copy"
fi
GRPC_CONCURRENCY=64 "$copy/run-peers.sh" "$seconds" | grep -E '"system":"(hummingbird-2|nginx)"'

#!/usr/bin/env bash
# Measures the Router with wrk (-t1 -c64) on loopback, then the peers (Hummingbird 2 /json, nginx) in the same
# sitting: (a) GET /healthz, (b) GET /v1/whoami with a valid secret key (auth + rate limit, no Wire call).
# Starts a throwaway PostgreSQL and a release router, creates a project, and stops both by PID afterwards.
#   scripts/bench-router.sh [SECONDS]    (default 5)
set -euo pipefail
cd "$(dirname "$0")/.."
seconds=${1:-5}
source scripts/lib/deps.sh
source scripts/lib/postgres.sh
ensure_packages "${PURRPURR_TEST_PACKAGES[@]}" wrk
work=$(mktemp -d /tmp/purrpurr-bench.XXXXXX); chmod 0755 "$work"
router_pid=
cleanup() { [ -n "$router_pid" ] && kill -TERM "$router_pid" 2>/dev/null && wait "$router_pid" 2>/dev/null; pg_throwaway_stop || true; rm -rf "$work"; }
trap cleanup EXIT INT TERM
pg_throwaway_start "$work/pg"

swift build -c release --product router >&2
port=$(pg_free_port)
admin=$(head -c 32 /dev/urandom | od -An -tx1 | tr -d ' \n')
DATABASE_URL=$PURRPURR_TEST_DATABASE_URL PURRPURR_ADMIN_TOKEN=$admin API_KEY_PEPPER=$admin$admin \
    PURRPURR_HTTP_PORT=$port RATE_LIMIT_PER_SECOND=1000000 RATE_LIMIT_BURST=100000 LOG_LEVEL=warning \
    .build/release/router 2>"$work/router.log" &
router_pid=$!
for _ in $(seq 100); do curl -fs "http://127.0.0.1:$port/healthz" >/dev/null && break; sleep 0.1; done
key=$(curl -fs -X POST "http://127.0.0.1:$port/v1/admin/projects" -H "X-Admin-Token: $admin" \
      -H 'Content-Type: application/json' -d '{"name":"bench"}' | python3 -c 'import json,sys; print([k["key"] for k in json.load(sys.stdin)["keys"] if k["kind"]=="secret"][0])')

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
measure healthz "http://127.0.0.1:$port/healthz"
measure whoami "http://127.0.0.1:$port/v1/whoami" -H "X-API-Key: $key"
copy=${PEERS_COPY:-/tmp/purrpurr-peers}
if [ ! -x "$copy/run-peers.sh" ]; then
    mkdir -p "$copy" && cp -r "${SHARED_DIR:-../shared}/bench/peers/." "$copy/" && chmod -R u+w "$copy"
fi
GRPC_CONCURRENCY=64 "$copy/run-peers.sh" "$seconds" | grep -E '"system":"(hummingbird-2|nginx)"'

#!/usr/bin/env bash
# Email throughput through the whole mesh (release builds): messages accepted per second at the Router
# (POST /v1/comms/email, wrk -t1 -c32 with a JSON body) and delivered per second by CommsService to the mail catcher
# of `purrpurr up` (every message written to disk). Starts and stops everything itself (scripts/lib/mesh.sh).
#   scripts/bench-comms.sh [SECONDS]    (default 5)
set -euo pipefail
cd "$(dirname "$0")/.."
seconds=${1:-5}
source scripts/lib/deps.sh
source scripts/lib/postgres.sh
source scripts/lib/mesh.sh
ensure_packages "${PURRPURR_TEST_PACKAGES[@]}" wrk
work=$(mktemp -d /tmp/purrpurr-bench-comms.XXXXXX)
trap 'mesh_stop; rm -rf "$work"' EXIT INT TERM
export MESH_LOG_LEVEL=warning MESH_RATE_LIMIT=1000000 MESH_RATE_BURST=100000 MESH_COMMS_RATE=10000
export COMMS_WORKERS=${COMMS_WORKERS:-8}
mesh_start "$work" release

key=$(curl -fs -X POST "$MESH_ROUTER_URL/v1/admin/projects" -H "X-Admin-Token: $MESH_ADMIN_TOKEN" \
      -H 'Content-Type: application/json' -d '{"name":"bench","plan":"partner"}' \
      | python3 -c 'import json,sys; print([k["key"] for k in json.load(sys.stdin)["keys"] if k["kind"]=="secret"][0])')
cat > "$work/send.lua" <<'LUA'
wrk.method = "POST"
wrk.headers["Content-Type"] = "application/json"
wrk.body = '{"to":"bench@example.test","subject":"Benchmark","text":"Hello from the benchmark.","html":"<p>Hello from the benchmark.</p>"}'
LUA
start=$(date +%s.%N)
out=$(wrk -t1 -c32 -d"${seconds}s" --latency -s "$work/send.lua" -H "X-API-Key: $key" "$MESH_ROUTER_URL/v1/comms/email")
accepted=$(curl -fs "$MESH_ROUTER_URL/metrics" | awk '/^router_http_requests_total/ && /status="202"/ {s += $2} END {print s+0}')
# Wait until the sink holds every accepted message (or 120 s pass), then time the deliveries.
for _ in $(seq 1200); do
    [ "$(find "$MESH_MAIL_DIR" -name '*.eml' | wc -l)" -ge "$accepted" ] && break
    sleep 0.1
done
python3 - "$MESH_MAIL_DIR" "$accepted" "$start" "$seconds" <<PY
import json, os, re, sys
text = """$out"""
mail, accepted, start, seconds = sys.argv[1], int(sys.argv[2]), float(sys.argv[3]), int(sys.argv[4])
times = sorted(os.path.getmtime(os.path.join(mail, f)) for f in os.listdir(mail) if f.endswith(".eml"))
def us(v):
    n, unit = float(re.match(r'([\d.]+)', v).group(1)), re.sub(r'[\d.]', '', v)
    return n * {'us': 1, 'ms': 1000, 's': 1e6}[unit]
lat = dict(re.findall(r'\s+(50|99)%\s+(\S+)', text))
rate = float(re.search(r'Requests/sec:\s+([\d.]+)', text).group(1))
span = (times[-1] - start) if times else 0
print(json.dumps({"system": "purrpurr", "what": "POST /v1/comms/email accepted (202, committed)", "tool": "wrk",
    "connections": 32, "duration_s": seconds, "req_per_s": rate, "accepted": accepted,
    "p50_us": us(lat['50']), "p99_us": us(lat['99'])}))
print(json.dumps({"system": "purrpurr", "what": "delivered to the mail catcher", "delivered": len(times),
    "delivered_per_s": round(len(times) / span, 1) if span else 0,
    "seconds_from_first_accept_to_last_delivery": round(span, 1)}))
PY

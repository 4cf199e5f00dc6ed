#!/usr/bin/env bash
# The credit guard's cost (release builds), through `purrpurr up`'s mesh (scripts/lib/mesh.sh):
#  1. billing.Reserve + billing.Capture pairs per second straight over Wire (Benchmarks/BillingBench, the Router's
#     certificate) at concurrency 64: one project (every pair serialized on its row locks) and 64 projects, with the
#     zero-overdraft check after each run (balance = credit − captured, nothing held, no 402 while credit remained).
#  2. POST /v1/comms/email accepted per second at the Router (wrk -t1 -c32), in the same sitting, for a project on
#     Starter (guard on: a reservation per email, captured by Comms) and one with metering off (PATCH metering:false),
#     alternated twice.
#   scripts/bench-billing.sh [SECONDS]    (default 5)
set -euo pipefail
cd "$(dirname "$0")/.."
seconds=${1:-5}
source scripts/lib/deps.sh
source scripts/lib/postgres.sh
source scripts/lib/mesh.sh
source scripts/lib/billing-mesh.sh
ensure_packages "${PURRPURR_TEST_PACKAGES[@]}" wrk
work=$(mktemp -d /tmp/purrpurr-bench-billing.XXXXXX)
trap 'mesh_stop; rm -rf "$work"' EXIT INT TERM
export MESH_LOG_LEVEL=warning MESH_RATE_LIMIT=1000000 MESH_RATE_BURST=100000 MESH_COMMS_RATE=10000
export COMMS_WORKERS=${COMMS_WORKERS:-8}
billing_mesh_start "$work"
"$bench" "127.0.0.1:$port" "$certs/ca.pem" "$certs/router.crt" "$certs/router.key" "$seconds" 64 1
"$bench" "127.0.0.1:$port" "$certs/ca.pem" "$certs/router.crt" "$certs/router.key" "$seconds" 64 64

project() {   # name plan → secret key
    curl -fs -X POST "$MESH_ROUTER_URL/v1/admin/projects" -H "X-Admin-Token: $MESH_ADMIN_TOKEN" \
        -H 'Content-Type: application/json' -d "{\"name\":\"$1\",\"plan\":\"$2\"}" \
        | python3 -c 'import json,sys; d=json.load(sys.stdin); print(d["project"]["id"], [k["key"] for k in d["keys"] if k["kind"]=="secret"][0])'
}
read -r guarded_id guarded_key < <(project guarded starter)
read -r free_id free_key < <(project unmetered starter)
curl -fs -X PATCH "$MESH_ROUTER_URL/v1/admin/projects/$free_id" -H "X-Admin-Token: $MESH_ADMIN_TOKEN" \
    -H 'Content-Type: application/json' -d '{"metering":false}' >/dev/null
cat > "$work/send.lua" <<'LUA'
wrk.method = "POST"
wrk.headers["Content-Type"] = "application/json"
wrk.body = '{"to":"bench@example.test","subject":"Benchmark","text":"Hello from the benchmark."}'
LUA
rate() {   # key → accepted/s
    wrk -t1 -c32 -d"${seconds}s" -s "$work/send.lua" -H "X-API-Key: $1" "$MESH_ROUTER_URL/v1/comms/email" \
        | awk '/Requests\/sec/ {print $2}'
}
results=()
for round in 1 2; do
    results+=("guarded $(rate "$guarded_key")")
    results+=("unmetered $(rate "$free_key")")
done
wallet=$(curl -fs "$MESH_ROUTER_URL/v1/billing/usage" -H "X-API-Key: $guarded_key")
python3 - "$wallet" "${results[@]}" <<'PY'
import json, sys
usage = json.loads(sys.argv[1])
rows = [r.split() for r in sys.argv[2:]]
guarded = [float(v) for k, v in rows if k == "guarded"]
free = [float(v) for k, v in rows if k == "unmetered"]
g, f = sum(guarded) / len(guarded), sum(free) / len(free)
print(json.dumps({"system": "purrpurr", "what": "POST /v1/comms/email accepted/s, credit guard on vs metering off",
    "tool": "wrk -t1 -c32", "guarded_req_per_s": guarded, "unmetered_req_per_s": free,
    "guard_cost_percent": round((f - g) / f * 100, 1) if f else None,
    "guarded_email_used": [m["used"] for m in usage["data"] if m["meter"] == "email"][0]}))
PY

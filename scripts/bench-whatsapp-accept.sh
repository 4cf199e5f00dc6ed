#!/usr/bin/env bash
# WhatsApp accepts at the Router (release builds, `purrpurr up`'s mesh with its development gateway, scripts/lib/mesh.sh):
# POST /v1/comms/whatsapp/messages accepted per second with the credit guard on (a Partner project: a reservation per
# text, group-committed into SmartSend's queue by Comms), against POST /v1/comms/email for the same project in the
# same sitting, alternated twice (wrk -t1 -c32). The texts name no instance (SmartSend's choice over 10 instances);
# a third figure names one. Prints one JSON line; figures go to docs/benchmarks.md.
#   scripts/bench-whatsapp-accept.sh [SECONDS]    (default 5)
set -euo pipefail
cd "$(dirname "$0")/.."
seconds=${1:-5}
source scripts/lib/deps.sh
source scripts/lib/postgres.sh
source scripts/lib/mesh.sh
ensure_packages "${PURRPURR_TEST_PACKAGES[@]}" wrk
work=$(mktemp -d /tmp/purrpurr-bench-whatsapp-accept.XXXXXX)
trap 'mesh_stop; rm -rf "$work"' EXIT INT TERM
export MESH_LOG_LEVEL=warning MESH_RATE_LIMIT=1000000 MESH_RATE_BURST=100000 MESH_COMMS_RATE=10000
mesh_start "$work" release

read -r key < <(curl -fs -X POST "$MESH_ROUTER_URL/v1/admin/projects" -H "X-Admin-Token: $MESH_ADMIN_TOKEN" \
    -H 'Content-Type: application/json' -d '{"name":"whatsapp bench","plan":"partner"}' \
    | python3 -c 'import json,sys; d=json.load(sys.stdin); print([k["key"] for k in d["keys"] if k["kind"]=="secret"][0])')
instance=""
for n in $(seq 1 10); do
    instance=$(curl -fs -X POST "$MESH_ROUTER_URL/v1/comms/whatsapp/instances" -H "X-API-Key: $key" \
        -H 'Content-Type: application/json' -d "{\"name\":\"bench $n\"}" | python3 -c 'import json,sys; print(json.load(sys.stdin)["id"])')
done
body() {   # path json → a wrk script
    printf 'wrk.method = "POST"\nwrk.headers["Content-Type"] = "application/json"\nwrk.body = %s\n' "'$2'" > "$work/$1.lua"
}
body whatsapp '{"to":"+51987654321","text":"Hola desde el benchmark."}'
body named "{\"to\":\"+51987654321\",\"text\":\"Hola desde el benchmark.\",\"instance_id\":\"$instance\"}"
body email '{"to":"bench@example.test","subject":"Benchmark","text":"Hello from the benchmark."}'
rate() {   # script path → accepted/s (non-2xx counted apart)
    wrk -t1 -c32 -d"${seconds}s" -s "$work/$1.lua" -H "X-API-Key: $key" "$MESH_ROUTER_URL$2" \
        | awk '/Requests\/sec/ {rps=$2} /Non-2xx/ {bad=$NF} END {print rps, (bad == "" ? 0 : bad)}'
}
results=()
for round in 1 2; do
    results+=("whatsapp $(rate whatsapp /v1/comms/whatsapp/messages)")
    results+=("email $(rate email /v1/comms/email)")
done
results+=("named $(rate named /v1/comms/whatsapp/messages)")
usage=$(curl -fs "$MESH_ROUTER_URL/v1/billing/usage" -H "X-API-Key: $key")
python3 - "$usage" "${results[@]}" <<'PY'
import json, sys
usage = json.loads(sys.argv[1])
rows = [r.split() for r in sys.argv[2:]]
pick = lambda kind: [float(v) for k, v, bad in rows if k == kind]
non2xx = sum(int(bad) for _, _, bad in rows)
print(json.dumps({"system": "purrpurr", "what": "POST /v1/comms/whatsapp/messages vs POST /v1/comms/email accepted/s, credit guard on",
    "tool": "wrk -t1 -c32", "whatsapp_req_per_s": pick("whatsapp"), "email_req_per_s": pick("email"),
    "whatsapp_named_instance_req_per_s": pick("named"), "non_2xx": non2xx,
    "used": {m["meter"]: m["used"] for m in usage["data"]}}))
PY

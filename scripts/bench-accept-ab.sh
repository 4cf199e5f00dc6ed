#!/usr/bin/env bash
# POST /v1/comms/email through the whole mesh (release builds, credit guard on: the project is on Partner) against
# the Hummingbird 2 + PostgresNIO peer `hb-pg-email` (../shared/bench/peers-db, built in a writable copy) running
# comms-service's SQL against the same PostgreSQL, database and schema, for the same project, in one sitting:
# wrk -t1 -c32 (and -c1 for the latency at concurrency 1), mesh then peer, ROUNDS times, the same JSON body.
# Prints one JSON line per run, the batch sizes the mesh's group commit made under load (messages per
# transaction, read from PostgreSQL: rows committed together share their xmin), and the medians and ratios.
#   scripts/bench-accept-ab.sh [SECONDS] [ROUNDS]         (defaults 5 and 3)
# PEER_DIR: the peer's checkout (default /tmp/purrpurr-peers-db; built with `swift build -c release` if missing).
set -euo pipefail
cd "$(dirname "$0")/.."
seconds=${1:-5}
rounds=${2:-3}
peer_dir=${PEER_DIR:-/tmp/purrpurr-peers-db}
source scripts/lib/deps.sh
source scripts/lib/postgres.sh
source scripts/lib/mesh.sh
ensure_packages "${PURRPURR_TEST_PACKAGES[@]}" wrk
if [ ! -x "$peer_dir/.build/release/hb-pg-email" ]; then
    [ -d "$peer_dir" ] || cp -r ../shared/bench/peers-db "$peer_dir"
    (cd "$peer_dir" && swift build -c release >&2)
fi
work=$(mktemp -d /tmp/purrpurr-bench-accept.XXXXXX)
peer_pid=
cleanup() {
    [ -z "$peer_pid" ] || { kill -TERM "$peer_pid" 2>/dev/null || true; wait "$peer_pid" 2>/dev/null || true; }
    mesh_stop; rm -rf "$work"
}
trap cleanup EXIT INT TERM
export MESH_LOG_LEVEL=warning MESH_RATE_LIMIT=1000000 MESH_RATE_BURST=100000 MESH_COMMS_RATE=10000
mesh_start "$work" release

created=$(curl -fs -X POST "$MESH_ROUTER_URL/v1/admin/projects" -H "X-Admin-Token: $MESH_ADMIN_TOKEN" \
      -H 'Content-Type: application/json' -d '{"name":"bench","plan":"partner"}')
key=$(python3 -c 'import json,sys; print([k["key"] for k in json.loads(sys.argv[1])["keys"] if k["kind"]=="secret"][0])' "$created")
project=$(python3 -c 'import json,sys; d=json.loads(sys.argv[1]); print(d.get("id") or d["project"]["id"])' "$created")
pg_port=$(sed -n 4p "$work/purrpurr/postgres/data/postmaster.pid")
comms_db="postgres://postgres@127.0.0.1:$pg_port/purrpurr_comms"
sql() { psql -qtA "$comms_db" -c "$1"; }
peer_port=$(pg_free_port)
PEER_API_KEYS="peer-key=$project" "$peer_dir/.build/release/hb-pg-email" "$peer_port" "$comms_db" \
    >"$work/peer.log" 2>&1 &
peer_pid=$!
for _ in $(seq 100); do curl -s -o /dev/null "http://127.0.0.1:$peer_port/" && break; sleep 0.1; done

cat > "$work/send.lua" <<'LUA'
wrk.method = "POST"
wrk.headers["Content-Type"] = "application/json"
wrk.body = '{"to":"bench@example.test","subject":"Benchmark","text":"Hello from the benchmark.","html":"<p>Hello from the benchmark.</p>"}'
LUA
mesh_url="$MESH_ROUTER_URL/v1/comms/email"
peer_url="http://127.0.0.1:$peer_port/v1/comms/email"
# Warm both (connections, caches), then let the delivery of the warm-up settle.
wrk -t1 -c8 -d2s -s "$work/send.lua" -H "X-API-Key: $key" "$mesh_url" >/dev/null
wrk -t1 -c8 -d2s -s "$work/send.lua" -H "X-API-Key: peer-key" "$peer_url" >/dev/null
sleep 2

run() {  # SYSTEM CONNECTIONS URL KEY
    local since out
    since=$(sql "SELECT clock_timestamp()")
    out=$(wrk -t1 -c"$2" -d"${seconds}s" --latency -s "$work/send.lua" -H "X-API-Key: $4" "$3")
    batches=$(sql "SELECT string_agg(n || 'x' || c, ' ' ORDER BY n) FROM (SELECT n, count(*) c FROM (SELECT count(*) n
                   FROM comms.messages WHERE created_at >= '$since' GROUP BY xmin::text) b GROUP BY n) h")
    python3 - "$1" "$2" "$batches" <<PY
import json, re, sys
text = """$out"""
def us(v):
    n, unit = float(re.match(r'([\d.]+)', v).group(1)), re.sub(r'[\d.]', '', v)
    return n * {'us': 1, 'ms': 1000, 's': 1e6}[unit]
lat = dict(re.findall(r'\s+(50|99)%\s+(\S+)', text))
non2xx = re.search(r'Non-2xx or 3xx responses:\s+(\d+)', text)
print(json.dumps({"system": sys.argv[1], "connections": int(sys.argv[2]),
    "req_per_s": float(re.search(r'Requests/sec:\s+([\d.]+)', text).group(1)),
    "p50_us": us(lat['50']), "p99_us": us(lat['99']), "non_2xx": int(non2xx.group(1)) if non2xx else 0,
    "batches": sys.argv[3]}))
PY
    sleep 1
}
{
    for _ in $(seq "$rounds"); do
        run purrpurr 32 "$mesh_url" "$key"
        run hb-pg-email 32 "$peer_url" peer-key
    done
    for _ in $(seq "$rounds"); do
        run purrpurr 1 "$mesh_url" "$key"
        run hb-pg-email 1 "$peer_url" peer-key
    done
} | tee "$work/runs.jsonl"
python3 - "$work/runs.jsonl" <<'PY'
import json, statistics, sys
runs = [json.loads(line) for line in open(sys.argv[1])]
def median(system, c, field):
    return statistics.median(r[field] for r in runs if r["system"] == system and r["connections"] == c)
for c in (32, 1):
    mesh, peer = median("purrpurr", c, "req_per_s"), median("hb-pg-email", c, "req_per_s")
    print(json.dumps({"connections": c, "purrpurr_req_per_s": mesh, "peer_req_per_s": peer,
        "ratio": round(mesh / peer, 2), "purrpurr_p50_us": median("purrpurr", c, "p50_us"),
        "peer_p50_us": median("hb-pg-email", c, "p50_us")}))
PY

#!/usr/bin/env bash
# A/B: this checkout's Router against another checkout's (e.g. the commit before a change), both meshes up at once
# (`purrpurr up`, release builds, each on its own PostgreSQL), measured in alternation in one sitting, so that
# whatever else the machine does weighs on both alike: wrk -t1 -c64 per route, A then B, ROUNDS times, and the
# peers' Hummingbird 2 `/json` after. Routes: (b) GET /v1/whoami (secret key), (c) GET /v1/auth/jwks
# (publishable key, one Wire call). One JSON line per measurement; the median per side and route last. Each line
# also has the CPU the router and identity-service processes used per request (utime + stime from /proc over the
# wrk run), comparable with the peers' `server_cpu_us_per_req` and steadier than req/s on a busy machine.
#   scripts/bench-router-ab.sh OTHER_CHECKOUT [SECONDS] [ROUNDS]     (defaults 5 and 3)
set -euo pipefail
cd "$(dirname "$0")/.."
other=$(cd "${1:?usage: scripts/bench-router-ab.sh OTHER_CHECKOUT [SECONDS] [ROUNDS]}" && pwd)
seconds=${2:-5}
rounds=${3:-3}
source scripts/lib/deps.sh
source scripts/lib/postgres.sh
ensure_packages "${PURRPURR_TEST_PACKAGES[@]}" wrk
work=$(mktemp -d /tmp/purrpurr-ab.XXXXXX)
chmod 0755 "$work"
cleanup() {  # each `purrpurr up` by its PID (recorded in a file: start() runs in a subshell), which stops its children
    local pid
    for pid in $(cat "$work/pids" 2>/dev/null); do kill -TERM "$pid" 2>/dev/null || true; done
    for pid in $(cat "$work/pids" 2>/dev/null); do
        for _ in $(seq 200); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
    done
    rm -rf "$work"
}
trap cleanup EXIT INT TERM

start() {  # SIDE CHECKOUT: builds and starts its mesh; prints "PORT SECRET_KEY PUBLISHABLE_KEY"
    local side=$1 checkout=$2 bin port state token keys
    (cd "$checkout" && swift build -c release >&2)
    bin=$(cd "$checkout" && swift build -c release --show-bin-path)
    port=$(pg_free_port)
    mkdir -p "$work/$side"
    (cd "$checkout" && exec env LOG_LEVEL=warning PURRPURR_HTTP_PORT="$port" RATE_LIMIT_PER_SECOND=1000000 \
        RATE_LIMIT_BURST=100000 "$bin/purrpurr" up --no-build --dir "$work/$side/purrpurr" \
        >"$work/$side/up.out" 2>"$work/$side/up.log") &
    echo $! >>"$work/pids"
    for _ in $(seq 1200); do
        grep -q "Ctrl-C stops everything" "$work/$side/up.out" 2>/dev/null && break
        sleep 0.1
    done
    grep -q "Ctrl-C stops everything" "$work/$side/up.out" || { tail -20 "$work/$side/up.log" >&2; exit 1; }
    state="$work/$side/purrpurr/state.json"
    token=$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["adminToken"])' "$state")
    keys=$(curl -fs -X POST "http://127.0.0.1:$port/v1/admin/projects" -H "X-Admin-Token: $token" \
          -H 'Content-Type: application/json' -d '{"name":"ab"}')
    python3 -c 'import json,sys; k={x["kind"]:x["key"] for x in json.loads(sys.argv[2])["keys"]}; print(sys.argv[1], k["secret"], k["publishable"])' \
        "$port" "$keys"
}
read -r a_port a_key a_pk < <(start after "$PWD")
read -r b_port b_key b_pk < <(start before "$other")
sync; sleep 5

mesh_cpu() {  # SIDE: CPU seconds used so far by that mesh's router and identity-service (the route's two hops)
    local up
    if [ "$1" = after ]; then up=$(sed -n 1p "$work/pids"); else up=$(sed -n 2p "$work/pids"); fi
    python3 - "$up" <<'PY'
import os, sys
children = {}
for pid in filter(str.isdigit, os.listdir("/proc")):
    try:
        stat = open(f"/proc/{pid}/stat").read()
    except OSError:
        continue
    comm, rest = stat[stat.index("(") + 1:stat.rindex(")")], stat[stat.rindex(")") + 2:].split()
    children.setdefault(rest[1], []).append((pid, comm, int(rest[11]) + int(rest[12])))
total, todo = 0, [sys.argv[1]]
while todo:
    for pid, comm, ticks in children.get(todo.pop(), []):
        todo.append(pid)
        if comm in ("router", "identity-servic"):
            total += ticks
print(total / os.sysconf("SC_CLK_TCK"))
PY
}
measure() {  # SIDE ROUTE URL KEY
    local out cpu_before cpu_after
    cpu_before=$(mesh_cpu "$1")
    out=$(wrk -t1 -c64 -d"${seconds}s" --latency -H "X-API-Key: $4" "$3")
    cpu_after=$(mesh_cpu "$1")
    python3 - "$1" "$2" "$cpu_before" "$cpu_after" <<PY
import re, sys, json
text = """$out"""
rate = float(re.search(r'Requests/sec:\s+([\d.]+)', text).group(1))
requests = int(re.search(r'(\d+) requests in', text).group(1))
non2xx = re.search(r'Non-2xx or 3xx responses: (\d+)', text)
cpu = float(sys.argv[4]) - float(sys.argv[3])
print(json.dumps({"side": sys.argv[1], "route": sys.argv[2], "req_per_s": rate, "non_2xx": int(non2xx.group(1)) if non2xx else 0,
                  "router_identity_cpu_us_per_req": round(cpu * 1e6 / max(requests, 1), 1)}))
PY
}
for side in after before; do  # warm both, unmeasured
    if [ "$side" = after ]; then p=$a_port k=$a_key pk=$a_pk; else p=$b_port k=$b_key pk=$b_pk; fi
    wrk -t1 -c64 -d3s -H "X-API-Key: $k" "http://127.0.0.1:$p/v1/whoami" >/dev/null
    wrk -t1 -c64 -d3s -H "X-API-Key: $pk" "http://127.0.0.1:$p/v1/auth/jwks" >/dev/null
done
for round in $(seq "$rounds"); do
    measure after whoami "http://127.0.0.1:$a_port/v1/whoami" "$a_key" | tee -a "$work/lines"
    measure before whoami "http://127.0.0.1:$b_port/v1/whoami" "$b_key" | tee -a "$work/lines"
    measure after jwks "http://127.0.0.1:$a_port/v1/auth/jwks" "$a_pk" | tee -a "$work/lines"
    measure before jwks "http://127.0.0.1:$b_port/v1/auth/jwks" "$b_pk" | tee -a "$work/lines"
done
python3 - "$work/lines" <<'PY'
import json, sys, statistics
lines = [json.loads(l) for l in open(sys.argv[1])]
for route in ("whoami", "jwks"):
    a = statistics.median(l["req_per_s"] for l in lines if l["side"] == "after" and l["route"] == route)
    b = statistics.median(l["req_per_s"] for l in lines if l["side"] == "before" and l["route"] == route)
    ca = statistics.median(l["router_identity_cpu_us_per_req"] for l in lines if l["side"] == "after" and l["route"] == route)
    cb = statistics.median(l["router_identity_cpu_us_per_req"] for l in lines if l["side"] == "before" and l["route"] == route)
    print(json.dumps({"route": route, "median_after": a, "median_before": b, "after_over_before": round(a / b, 3),
                      "cpu_us_per_req_after": ca, "cpu_us_per_req_before": cb}))
PY
copy=${PEERS_COPY:-/tmp/purrpurr-peers}
if [ ! -x "$copy/run-peers.sh" ]; then
    mkdir -p "$copy" && cp -r "${SHARED_DIR:-../shared}/bench/peers/." "$copy/" && chmod -R u+w "$copy"
fi
GRPC_CONCURRENCY=64 "$copy/run-peers.sh" "$seconds" | grep -E '"system":"hummingbird-2"' || true

#!/usr/bin/env bash
# Identity through the whole mesh (release builds), wrk -t1 -c32 on loopback:
#   (a) POST /v1/auth/token?grant_type=refresh_token — each connection spends its token and sends the successor next;
#   (b) GET /v1/auth/user with a bearer token — the Router verifies the JWT locally, then one Wire call;
#   (c) GET /v1/auth/jwks — a keyed route with one Wire call and no database work in the Router;
# then the password grant's latency (scrypt N=2^15 by design) and in-process JWT sign/verify (CryptoBench).
#   scripts/bench-identity.sh [SECONDS]    (default 5)
set -euo pipefail
cd "$(dirname "$0")/.."
seconds=${1:-5}
connections=32
source scripts/lib/deps.sh
source scripts/lib/postgres.sh
source scripts/lib/mesh.sh
ensure_packages "${PURRPURR_TEST_PACKAGES[@]}" wrk
work=$(mktemp -d /tmp/purrpurr-bench-identity.XXXXXX)
trap 'mesh_stop; rm -rf "$work"' EXIT INT TERM
export MESH_LOG_LEVEL=warning MESH_RATE_LIMIT=1000000 MESH_RATE_BURST=100000
export IDENTITY_PASSWORD_PER_ADDRESS_PER_HOUR=0 IDENTITY_PASSWORD_FAILURES_PER_EMAIL=0
mesh_start "$work" release
swift build -c release --product CryptoBench >&2

keys=$(curl -fs -X POST "$MESH_ROUTER_URL/v1/admin/projects" -H "X-Admin-Token: $MESH_ADMIN_TOKEN" \
      -H 'Content-Type: application/json' -d '{"name":"bench"}')
pk=$(python3 -c 'import json,sys; print([k["key"] for k in json.loads(sys.argv[1])["keys"] if k["kind"]=="publishable"][0])' "$keys")
curl -fs -X POST "$MESH_ROUTER_URL/v1/auth/signup" -H "X-API-Key: $pk" -H 'Content-Type: application/json' \
     -d '{"email":"bench@example.test","password":"correct horse battery"}' >/dev/null
# One session per connection and a few spare (each password grant spends a scrypt), timed for the password grant.
python3 - "$MESH_ROUTER_URL" "$pk" "$((connections + 8))" "$work" <<'PY'
import json, sys, time, urllib.request
url, key, n, work = sys.argv[1], sys.argv[2], int(sys.argv[3]), sys.argv[4]
tokens, times, access = [], [], None
for _ in range(n):
    request = urllib.request.Request(url + "/v1/auth/token?grant_type=password", method="POST",
        data=json.dumps({"email": "bench@example.test", "password": "correct horse battery"}).encode(),
        headers={"X-API-Key": key, "Content-Type": "application/json"})
    start = time.monotonic()
    body = json.load(urllib.request.urlopen(request))
    times.append((time.monotonic() - start) * 1000)
    tokens.append(body["refresh_token"]); access = body["access_token"]
times.sort()
open(work + "/tokens.lua", "w").write("tokens = {" + ",".join('"%s"' % t for t in tokens) + "}\n")
open(work + "/access", "w").write(access)
print(json.dumps({"system": "purrpurr", "what": "POST /v1/auth/token?grant_type=password (sequential)",
    "requests": n, "p50_ms": round(times[len(times) // 2], 1), "max_ms": round(times[-1], 1)}))
PY
cat "$work/tokens.lua" - > "$work/refresh.lua" <<'LUA'
wrk.method = "POST"
wrk.headers["Content-Type"] = "application/json"
request = function()
    -- wrk calls request() once at start-up too; spare tokens cover it, and an empty pool sends a dud (a 401).
    local token = table.remove(tokens) or "none"
    return wrk.format(nil, nil, nil, '{"refresh_token":"' .. token .. '"}')
end
response = function(status, headers, body)
    local token = string.match(body, '"refresh_token":"([^"]+)"')
    if token then table.insert(tokens, token) else failed = (failed or 0) + 1 end
end
LUA
measure() {  # NAME URL [wrk args]
    local name=$1 url=$2; shift 2
    local out
    out=$(wrk -t1 -c$connections -d"${seconds}s" --latency "$@" "$url")
    python3 - "$name" <<PY
import re, sys, json
text = """$out"""
def us(v):
    n, unit = float(re.match(r'([\d.]+)', v).group(1)), re.sub(r'[\d.]', '', v)
    return n * {'us': 1, 'ms': 1000, 's': 1e6}[unit]
rate = float(re.search(r'Requests/sec:\s+([\d.]+)', text).group(1))
lat = dict(re.findall(r'\s+(50|99)%\s+(\S+)', text))
non2xx = re.search(r'Non-2xx or 3xx responses: (\d+)', text)
print(json.dumps({"system": "purrpurr", "what": sys.argv[1], "tool": "wrk", "connections": $connections,
    "duration_s": $seconds, "req_per_s": rate, "p50_us": us(lat['50']), "p99_us": us(lat['99']),
    "non_2xx": int(non2xx.group(1)) if non2xx else 0}))
PY
}
measure "POST /v1/auth/token?grant_type=refresh_token" "$MESH_ROUTER_URL/v1/auth/token?grant_type=refresh_token" \
    -H "X-API-Key: $pk" -s "$work/refresh.lua"
measure "GET /v1/auth/user (bearer)" "$MESH_ROUTER_URL/v1/auth/user" -H "X-API-Key: $pk" \
    -H "Authorization: Bearer $(cat "$work/access")"
measure "GET /v1/auth/jwks" "$MESH_ROUTER_URL/v1/auth/jwks" -H "X-API-Key: $pk"
"$(swift build -c release --show-bin-path)/CryptoBench" 3

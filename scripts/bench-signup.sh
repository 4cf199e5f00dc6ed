#!/usr/bin/env bash
# Onboarding through the whole mesh (release builds): POST /v1/signup — owner (scrypt N=2^15 in Identity), project
# and keys, vault tenant, subscription — from C concurrent clients, N signups in all; signups/s, p50 and p99. Then
# one scrypt derivation at the password parameters (CryptoBench, one core) against the signup's p50: the share of
# a signup's time that is the password derivation, which dominates by design.
#   scripts/bench-signup.sh [SIGNUPS] [CLIENTS]    (default 200 4)
set -euo pipefail
cd "$(dirname "$0")/.."
signups=${1:-200}
clients=${2:-4}
source scripts/lib/deps.sh
source scripts/lib/postgres.sh
source scripts/lib/mesh.sh
ensure_packages "${PURRPURR_TEST_PACKAGES[@]}"
work=$(mktemp -d /tmp/purrpurr-bench-signup.XXXXXX)
trap 'mesh_stop; rm -rf "$work"' EXIT INT TERM
export MESH_LOG_LEVEL=warning MESH_RATE_LIMIT=1000000 MESH_RATE_BURST=100000
export SIGNUP_PER_ADDRESS_PER_HOUR=1000000 IDENTITY_SIGNUP_PER_ADDRESS_PER_HOUR=0 IDENTITY_SIGNUP_PER_EMAIL_PER_HOUR=0
export IDENTITY_PASSWORD_PER_ADDRESS_PER_HOUR=0 IDENTITY_PASSWORD_FAILURES_PER_EMAIL=0 IDENTITY_SCRYPT_QUEUE=1024
mesh_start "$work" release
swift build -c release --product CryptoBench >&2
scrypt_ms=$(.build/release/CryptoBench | python3 -c 'import json,sys
for line in sys.stdin:
    o = json.loads(line)
    if o.get("operation", "").startswith("scrypt"): print(o["ms_per_op"])')

python3 - "$MESH_ROUTER_URL" "$signups" "$clients" "$scrypt_ms" <<'PY'
import json, sys, time, urllib.request, concurrent.futures, uuid
url, total, clients, scrypt_ms = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), float(sys.argv[4])
run = uuid.uuid4().hex[:8]
def post(path, body):
    request = urllib.request.Request(url + path, method="POST", data=json.dumps(body).encode(),
                                     headers={"Content-Type": "application/json"})
    start = time.monotonic()
    with urllib.request.urlopen(request) as answer:
        status = answer.status
        answer.read()
    return status, (time.monotonic() - start) * 1000
def signup(i):
    return post("/v1/signup", {"email": f"owner{i}-{run}@bench.test", "password": "correct horse battery",
                                "business_name": f"Bench {i}"})
def measure(name, work, n):
    start = time.monotonic()
    with concurrent.futures.ThreadPoolExecutor(clients) as pool:
        results = list(pool.map(work, range(n)))
    elapsed = time.monotonic() - start
    times = sorted(ms for _, ms in results)
    failures = sum(1 for status, _ in results if status >= 300)
    line = {"system": "purrpurr", "what": name, "clients": clients, "requests": n, "per_s": round(n / elapsed, 1),
            "p50_ms": round(times[len(times) // 2], 1), "p99_ms": round(times[int(len(times) * 0.99) - 1], 1),
            "failures": failures}
    print(json.dumps(line))
    return line
line = measure("POST /v1/signup", signup, total)
print(json.dumps({"what": "scrypt N=2^15 r=8 p=1 (one core)", "ms": scrypt_ms,
                  "share_of_signup_p50": round(scrypt_ms / line["p50_ms"], 2)}))
PY

#!/usr/bin/env bash
# Issue 20's figures in one sitting (release builds, one after the other, each under the shared bench lock):
#  1. POST /v1/comms/email through the whole mesh vs the hb-pg-email peer (scripts/bench-accept-ab.sh),
#  2. WhatsApp accepts at the Router, guard on, vs email (scripts/bench-whatsapp-accept.sh),
#  3. the Router's one-hop route GET /v1/auth/jwks vs Hummingbird 2 /json (scripts/bench-router-ab.sh),
#  4. Wire at c=64 as a share of the raw loopback ceiling and its c=1 p50 over the raw round trip
#     (scripts/bench-wire-ab.sh),
# then one summary line per target. OTHER_CHECKOUT is the "before" side of the two A/B scripts (e.g. the commit
# before a change, exported with `git archive`); this checkout is "after".
#   scripts/bench-speed.sh OTHER_CHECKOUT [SECONDS] [ROUNDS]     (defaults 5 and 3; logs in $BENCH_SPEED_LOGS or a temp dir)
set -euo pipefail
cd "$(dirname "$0")/.."
other=${1:?usage: scripts/bench-speed.sh OTHER_CHECKOUT [SECONDS] [ROUNDS]}
seconds=${2:-5}
rounds=${3:-3}
logs=${BENCH_SPEED_LOGS:-$(mktemp -d /tmp/purrpurr-bench-speed.XXXXXX)}
mkdir -p "$logs"
step() {   # name command… → its log in $logs/name.log
    local name=$1
    shift
    echo "bench-speed: $name (load $(cut -d' ' -f1 /proc/loadavg), $(date -u +%H:%M:%S) UTC)" >&2
    flock /tmp/purrpurr-bench.lock "$@" >"$logs/$name.log" 2>&1
}
step accept scripts/bench-accept-ab.sh "$seconds" "$rounds"
step whatsapp scripts/bench-whatsapp-accept.sh
step router scripts/bench-router-ab.sh "$other" "$seconds" "$rounds"
step wire scripts/bench-wire-ab.sh "$other" "$seconds" "$rounds"
python3 - "$logs" <<'PY'
import json, sys
logs = sys.argv[1]
def lines(name):
    out = []
    for raw in open(f"{logs}/{name}.log", errors="replace"):
        raw = raw.strip()
        if raw.startswith("{"):
            try: out.append(json.loads(raw))
            except ValueError: pass
    return out
for d in lines("accept"):
    if "ratio" in d:
        print(f"email accepts vs hb-pg-email, c={d['connections']}: {d['purrpurr_req_per_s']:.0f} vs {d['peer_req_per_s']:.0f}/s = {d['ratio']}x (goal >= 2x at c=32)")
peer = max((d["peer_req_per_s"] for d in lines("accept") if d.get("connections") == 32 and "peer_req_per_s" in d), default=None)
for d in lines("whatsapp"):
    if "whatsapp_req_per_s" in d:
        best = max(d["whatsapp_req_per_s"], default=0)
        vs = f" = {best / peer:.2f}x the peer's best email run" if peer else ""
        print(f"WhatsApp accepts (guard on): {d['whatsapp_req_per_s']}/s{vs} (goal >= 2x); email in the same sitting {d['email_req_per_s']}/s")
router = lines("router")
jwks = next((d for d in router if d.get("route") == "jwks" and "median_after" in d), None)
hb = next((d for d in router if d.get("system") == "hummingbird-2"), None)
if jwks and hb:
    print(f"GET /v1/auth/jwks vs Hummingbird 2 /json: {jwks['median_after']:.0f} vs {hb['req_per_s']:.0f}/s = "
          f"{jwks['median_after'] / hb['req_per_s']:.2f}x (goal >= 1.0x); CPU/request {jwks['cpu_us_per_req_after']} vs {hb.get('server_cpu_us_per_req')} us")
for d in lines("wire"):
    if d.get("side") == "after" and "c64_share_of_ceiling" in d:
        print(f"Wire c=64: {d['c64_calls_per_s']:.0f} calls/s = {100 * d['c64_share_of_ceiling']:.1f} % of the raw ceiling (goal >= 10 %); "
              f"c=1 p50 {d['c1_p50_us']} us = {d['c1_p50_over_raw']}x the raw round trip (goal <= 2x)")
print(f"logs: {logs}")
PY

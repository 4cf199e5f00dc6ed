#!/usr/bin/env bash
# The vault through the whole mesh (release builds), wrk -t1 -c32 on loopback with a secret key:
#   (a) GET one document by id, (b) a list with an indexed equality filter and limit=20, (c) a single-document POST;
# and, in the same sitting, the ceiling: pgbench running the very SQL VaultService ran for (a) and (b) (captured
# from PostgreSQL's own statement log while the Router served one of each, then replayed with the same parameters,
# extended protocol, one statement at a time like the service) against the same PostgreSQL at the same concurrency.
#   scripts/bench-vault.sh [SECONDS]    (default 5)
set -euo pipefail
cd "$(dirname "$0")/.."
seconds=${1:-5}
connections=32
source scripts/lib/deps.sh
source scripts/lib/postgres.sh
source scripts/lib/mesh.sh
ensure_packages "${PURRPURR_TEST_PACKAGES[@]}" wrk
work=$(mktemp -d /tmp/purrpurr-bench-vault.XXXXXX)
trap 'mesh_stop; rm -rf "$work"' EXIT INT TERM
export MESH_LOG_LEVEL=warning MESH_RATE_LIMIT=1000000 MESH_RATE_BURST=100000
mesh_start "$work" release

pg_data="$work/purrpurr/postgres/data"
pg_port=$(sed -n 4p "$pg_data/postmaster.pid")
pg_log="$work/purrpurr/postgres/server.log"
psql_vault() { "$(pg_bin_dir)/psql" -X -q -At -h 127.0.0.1 -p "$pg_port" -U postgres -d purrpurr_vault "$@"; }
key=$(curl -fs -X POST "$MESH_ROUTER_URL/v1/admin/projects" -H "X-Admin-Token: $MESH_ADMIN_TOKEN" \
      -H 'Content-Type: application/json' -d '{"name":"bench"}' \
      | python3 -c 'import json,sys; print([k["key"] for k in json.load(sys.stdin)["keys"] if k["kind"]=="secret"][0])')
api() { curl -fs "$@" -H "X-API-Key: $key" -H 'Content-Type: application/json'; }
api -X POST "$MESH_ROUTER_URL/v1/vault/collections" -d '{"name":"orders","indexes":[{"fields":["status"]}]}' >/dev/null
# 10,000 documents, ten statuses (an equality filter matches 1,000 of them).
for batch in $(seq 0 19); do
    python3 - "$batch" > "$work/batch.json" <<'PY'
import json, sys
b = int(sys.argv[1])
print(json.dumps([{"id": "o%d" % n, "data": {"status": "s%d" % (n % 10), "total": n, "customer": {"city": "Lima"}}}
                  for n in range(b * 500, b * 500 + 500)]))
PY
    api -X POST "$MESH_ROUTER_URL/v1/vault/collections/orders/documents" --data-binary @"$work/batch.json" >/dev/null
done
psql_vault -c "ANALYZE" >/dev/null
one="$MESH_ROUTER_URL/v1/vault/collections/orders/documents/o4242"
list="$MESH_ROUTER_URL/v1/vault/collections/orders/documents?status=eq.s3&limit=20"

# The SQL of one (a) and one (b), from PostgreSQL's log (vault database only), between markers.
psql_vault -c "ALTER SYSTEM SET log_min_duration_statement = 0" -c "ALTER SYSTEM SET log_line_prefix = '%m [%p] %d '" \
           -c "SELECT pg_reload_conf()" >/dev/null
sleep 1
for name in a b; do
    psql_vault -c "SELECT 'bench-marker-$name-start'" >/dev/null
    if [ $name = a ]; then api "$one" >/dev/null; else api "$list" >/dev/null; fi
    psql_vault -c "SELECT 'bench-marker-$name-end'" >/dev/null
done
psql_vault -c "ALTER SYSTEM RESET log_min_duration_statement" -c "ALTER SYSTEM RESET log_line_prefix" \
           -c "SELECT pg_reload_conf()" >/dev/null
python3 - "$pg_log" "$work" <<'PY'
import re, sys
log, work = open(sys.argv[1], encoding="utf-8", errors="replace").read(), sys.argv[2]
entries = re.split(r'\n(?=\d{4}-\d\d-\d\d \d\d:\d\d:\d\d\.\d+ \w+ \[\d+\] )', log)
for name in "ab":
    start = next(i for i, e in enumerate(entries) if "'bench-marker-%s-start'" % name in e)
    end = next(i for i, e in enumerate(entries) if "'bench-marker-%s-end'" % name in e)
    statements, defines = [], []
    for i in range(start + 1, end):
        m = re.match(r'.*? \[(\d+)\] purrpurr_vault LOG:  duration: [\d.]+ ms  execute <unnamed>: (.*)', entries[i], re.S)
        if not m:
            continue
        pid, sql = m.group(1), m.group(2).strip()
        # Lines of other sessions may come between a statement and its DETAIL: take the next one of this session.
        following = next((e for e in entries[i + 1:end + 1] if re.match(r'.*? \[%s\] ' % pid, e)), "")
        detail = following if re.search(r'DETAIL:  parameters:', following, re.I) else ""
        values = dict(re.findall(r"\$(\d+) = (NULL|'(?:[^']|'')*')", detail))
        def replace(match):
            n = match.group(1)
            value = values[n]
            if value == "NULL":
                return "NULL"
            var = "p%d_%s" % (len(statements), n)
            defines.append("%s=%s" % (var, value[1:-1].replace("''", "'")))
            return ":" + var
        # pgbench reads ":name" as a variable even inside a literal (to_char's 'HH24:MI:SS'): such colons become
        # chr(58), a constant PostgreSQL folds when it plans, so the plan is the service's.
        sql = re.sub(r"'(?:[^']|'')*'", lambda l: re.sub(r':(?=[A-Za-z_])', "' || chr(58) || '", l.group(0)), sql)
        statements.append(re.sub(r'\$(\d+)', replace, sql) + ";")
    assert len(statements) >= 2, "no statements captured for (%s)" % name
    open("%s/%s.sql" % (work, name), "w").write("\n".join(statements) + "\n")
    open("%s/%s.defines" % (work, name), "w").write("\n".join(defines) + "\n")
    print("(%s): %d statements captured" % (name, len(statements)), file=sys.stderr)
PY

cat > "$work/post.lua" <<'LUA'
wrk.method = "POST"
wrk.headers["Content-Type"] = "application/json"
wrk.body = '{"data":{"status":"s1","total":42,"customer":{"city":"Cusco"},"note":"from the benchmark"}}'
LUA
report() {  # NAME TEXT TOOL
    python3 - "$1" "$3" <<PY
import re, sys, json
text = """$2"""
name, tool = sys.argv[1], sys.argv[2]
if tool == "wrk":
    def us(v):
        n, unit = float(re.match(r'([\d.]+)', v).group(1)), re.sub(r'[\d.]', '', v)
        return n * {'us': 1, 'ms': 1000, 's': 1e6}[unit]
    rate = float(re.search(r'Requests/sec:\s+([\d.]+)', text).group(1))
    lat = dict(re.findall(r'\s+(50|99)%\s+(\S+)', text))
    non2xx = re.search(r'Non-2xx or 3xx responses: (\d+)', text)
    out = {"system": "purrpurr", "what": name, "tool": "wrk", "connections": $connections, "duration_s": $seconds,
           "req_per_s": rate, "p50_us": us(lat['50']), "p99_us": us(lat['99']), "non_2xx": int(non2xx.group(1)) if non2xx else 0}
else:
    found = re.search(r'tps = ([\d.]+)', text)
    if not found:
        sys.exit("pgbench failed:\n" + text)
    tps = float(found.group(1))
    lat = re.search(r'latency average = ([\d.]+) ms', text)
    failed = re.search(r'number of failed transactions: (\d+)', text)
    out = {"system": "postgresql", "what": name, "tool": "pgbench -M extended", "clients": $connections,
           "duration_s": $seconds, "tps": tps, "latency_avg_us": round(float(lat.group(1)) * 1000) if lat else None,
           "failed": int(failed.group(1)) if failed else 0}
print(json.dumps(out))
PY
}
pgbench_run() {  # NAME
    local args=() line
    while IFS= read -r line; do [ -n "$line" ] && args+=(-D "$line"); done < "$work/$1.defines"
    PGHOST=127.0.0.1 PGPORT=$pg_port PGUSER=postgres pgbench -n -M extended -c $connections -j 2 -T "$seconds" \
        "${args[@]}" -f "$work/$1.sql" purrpurr_vault 2>&1
}
report "(a) GET /v1/vault/collections/orders/documents/{id}" \
    "$(wrk -t1 -c$connections -d"${seconds}s" --latency -H "X-API-Key: $key" "$one")" wrk
report "(a) the same SQL (tenant, rules, document)" "$(pgbench_run a)" pgbench
report "(b) GET …/documents?status=eq.s3&limit=20 (indexed)" \
    "$(wrk -t1 -c$connections -d"${seconds}s" --latency -H "X-API-Key: $key" "$list")" wrk
report "(b) the same SQL (tenant, rules, page)" "$(pgbench_run b)" pgbench
report "(c) POST /v1/vault/collections/orders/documents (one document)" \
    "$(wrk -t1 -c$connections -d"${seconds}s" --latency -s "$work/post.lua" -H "X-API-Key: $key" \
       "$MESH_ROUTER_URL/v1/vault/collections/orders/documents")" wrk
echo "the captured SQL:" >&2
cat "$work/a.sql" "$work/b.sql" >&2

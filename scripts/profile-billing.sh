#!/usr/bin/env bash
# Where a billing.Reserve + billing.Capture pair goes (release builds), through `purrpurr up`'s mesh: BillingBench at
# concurrency 64 over PROJECTS projects with `perf record -e cpu-clock -g -a` for 2 s mid-run, then the batch sizes
# from Billing's database (one `created_at` per reservation batch, one `settled_at` per capture batch: each is its
# batch transaction's billing_now()) and the commit count. Run it under the bench lock, like a benchmark.
#   scripts/profile-billing.sh [SECONDS=5] [PROJECTS=1] [PERF_OUT=/tmp/perf-billing.data]
#   perf report -i PERF_OUT --sort comm -g none        (then --comm postgres --no-children --sort sym)
set -euo pipefail
cd "$(dirname "$0")/.."
seconds=${1:-5}; projects=${2:-1}; out=${3:-/tmp/perf-billing.data}
source scripts/lib/deps.sh
source scripts/lib/postgres.sh
source scripts/lib/mesh.sh
source scripts/lib/billing-mesh.sh
export MESH_LOG_LEVEL=warning MESH_RATE_LIMIT=1000000 MESH_RATE_BURST=100000 MESH_COMMS_RATE=10000
work=$(mktemp -d /tmp/purrpurr-profile-billing.XXXXXX)
trap 'mesh_stop; rm -rf "$work"' EXIT INT TERM
billing_mesh_start "$work"
uptime
(sleep 1.5; perf record -e cpu-clock -g -a -F 499 -o "$out" -- sleep 2 >/dev/null 2>&1) &
perf_pid=$!
"$bench" "127.0.0.1:$port" "$certs/ca.pem" "$certs/router.crt" "$certs/router.key" "$seconds" 64 "$projects"
wait "$perf_pid"
pgport=$(sed -n 4p "$(find "$work/purrpurr" -name postmaster.pid | head -1)")
psql -h 127.0.0.1 -p "$pgport" -U postgres -At purrpurr_billing -c "
SELECT 'reservation batches', count(DISTINCT created_at), 'mean calls', round(count(*)::numeric / greatest(count(DISTINCT created_at), 1), 1)
FROM billing.reservations WHERE project_id LIKE 'prj_bench%';
SELECT 'capture batches', count(DISTINCT settled_at), 'mean calls', round(count(*)::numeric / greatest(count(DISTINCT settled_at), 1), 1)
FROM billing.reservations WHERE project_id LIKE 'prj_bench%' AND status = 'captured';
SELECT 'commits', xact_commit FROM pg_stat_database WHERE datname = current_database();"

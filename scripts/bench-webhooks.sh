#!/usr/bin/env bash
# Outbound webhook deliveries (release build): deliveries per second from CommsService's webhook outbox to local
# receivers that answer 200 at once (Wire's HTTP server), with 1 and with 20 endpoints (a 20,000-delivery backlog
# written first, then the workers started); the time from an `email.sent` event's commit (each its own transaction)
# to the receiver at 1,000 and 2,000 events a second to one endpoint, p50/p99; and from `email.sent` through the
# whole email path (accept, SMTP outbox over a scripted transport) at 200 sends a second. Default webhook settings;
# WEBHOOK_* in the environment override them, PURRPURR_BENCH_WEBHOOKS_TOTAL the backlog size. The harness is the Comms test
# harness (`Tests/CommsServiceTests/Webhooks/WebhookBenchmark.swift`), built with -O and -enable-testing; it
# asserts nothing about time. Prints the BENCH lines; figures go to docs/benchmarks.md.
#   scripts/bench-webhooks.sh            (SWIFT_SCRATCH=DIR builds there, away from the plain release build)
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/lib/postgres.sh
work=$(mktemp -d /tmp/purrpurr-bench-webhooks.XXXXXX)
chmod 0755 "$work"   # initdb runs as postgres when we are root
trap 'pg_throwaway_stop; rm -rf "$work"' EXIT INT TERM
# A database of its own unless PURRPURR_TEST_DATABASE_URL names one.
[ -n "${PURRPURR_TEST_DATABASE_URL:-}" ] || pg_throwaway_start "$work/pg"
echo "[bench-webhooks] building (release, -enable-testing)" >&2
scratch=(${SWIFT_SCRATCH:+--scratch-path "$SWIFT_SCRATCH"})
swift build -c release --build-tests -Xswiftc -enable-testing "${scratch[@]}" >&2
PURRPURR_BENCH_WEBHOOKS=1 swift test -c release -Xswiftc -enable-testing "${scratch[@]}" --skip-build --no-parallel \
    --filter WebhookBenchmark 2>&1 | grep '^BENCH'

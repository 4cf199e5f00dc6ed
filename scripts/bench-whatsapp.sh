#!/usr/bin/env bash
# SmartSend's scheduler (release build): 1,000 open instances with 10 texts queued on each and jitter 0, sent by
# one CommsService worker to the development gateway (a separate `purrpurr whatsapp-gateway` process that records
# every call); prints texts per second and the most texts any instance sent in 60 s (the limit is 10). The harness
# is the Comms test harness (`Tests/CommsServiceTests/WhatsApp/SmartSendBenchmark.swift`), built with -O and
# -enable-testing; it asserts nothing about time. Figures go to docs/benchmarks.md.
#   scripts/bench-whatsapp.sh            (BENCH_INSTANCES=N for another count; SWIFT_SCRATCH=DIR builds there)
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/lib/postgres.sh
work=$(mktemp -d /tmp/purrpurr-bench-whatsapp.XXXXXX); chmod 0755 "$work"   # the throwaway PostgreSQL runs as its own user
trap 'pg_throwaway_stop; rm -rf "$work"' EXIT INT TERM
[ -n "${PURRPURR_TEST_DATABASE_URL:-}" ] || pg_throwaway_start "$work/pg"
echo "[bench-whatsapp] building (release, -enable-testing)" >&2
scratch=(${SWIFT_SCRATCH:+--scratch-path "$SWIFT_SCRATCH"})
swift build -c release --build-tests -Xswiftc -enable-testing "${scratch[@]}" >&2
PURRPURR_BENCH_WHATSAPP=1 swift test -c release -Xswiftc -enable-testing "${scratch[@]}" --skip-build --no-parallel \
    --filter SmartSendBenchmark 2>&1 | grep '^BENCH'

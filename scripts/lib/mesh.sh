# shellcheck shell=bash
# The whole mesh for benchmarks, through `purrpurr up` (the same launcher as the README's run command). Source it
# (after deps.sh and postgres.sh), then:
#   mesh_start DIR [debug|release]  — builds, runs `purrpurr up --dir DIR/purrpurr` on a free port in the background
#                                     (its own PostgreSQL, dev certificates, the mail catcher, the services and the
#                                     Router), waits for its banner and exports MESH_ROUTER_URL, MESH_ADMIN_TOKEN,
#                                     MESH_WEBHOOK_SECRET_EMAIL, MESH_MAIL_DIR (one .eml per message) and
#                                     MESH_ROUTER_PID. MESH_LOG_LEVEL, MESH_RATE_LIMIT, MESH_RATE_BURST and
#                                     MESH_COMMS_RATE tune it; any other variable of docs/configuration.md set in
#                                     the environment reaches the services (e.g. COMMS_WORKERS). MESH_BIN_PATH
#                                     runs the binaries of that folder instead of building.
#   mesh_stop                       — SIGTERM to `purrpurr up`, which stops every child by PID, then PostgreSQL.
# Output goes to DIR/up.out (the banner) and DIR/up.log; each process logs to DIR/purrpurr/logs/<name>.log.

MESH_UP_PID=

mesh_start() {
    local dir=$1 config=${2:-debug} bin port state i
    mkdir -p "$dir"; chmod 0755 "$dir"
    if [ -n "${MESH_BIN_PATH:-}" ]; then   # binaries built elsewhere (e.g. --scratch-path): used as they are
        bin=$MESH_BIN_PATH
    else
        swift build -c "$config" --product purrpurr >&2
        bin=$(swift build -c "$config" --show-bin-path)
    fi
    port=$(pg_free_port)
    env LOG_LEVEL="${MESH_LOG_LEVEL:-info}" PURRPURR_HTTP_PORT="$port" \
        RATE_LIMIT_PER_SECOND="${MESH_RATE_LIMIT:-100}" RATE_LIMIT_BURST="${MESH_RATE_BURST:-200}" \
        COMMS_PROJECT_RATE_PER_SECOND="${MESH_COMMS_RATE:-10}" COMMS_POLL_INTERVAL_MS=200 \
        "$bin/purrpurr" up --dir "$dir/purrpurr" >"$dir/up.out" 2>"$dir/up.log" &
    MESH_UP_PID=$!
    for i in $(seq 6000); do   # up to 10 minutes: the first release build of the services happens here
        grep -q "Ctrl-C stops everything" "$dir/up.out" 2>/dev/null && break
        if ! kill -0 "$MESH_UP_PID" 2>/dev/null; then
            echo "mesh: purrpurr up did not start:" >&2; tail -20 "$dir/up.log" >&2; MESH_UP_PID=; return 1
        fi
        sleep 0.1
    done
    grep -q "Ctrl-C stops everything" "$dir/up.out" || { echo "mesh: no banner from purrpurr up" >&2; return 1; }
    state="$dir/purrpurr/state.json"
    export MESH_ROUTER_URL="http://127.0.0.1:$port"
    export MESH_ADMIN_TOKEN; MESH_ADMIN_TOKEN=$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["adminToken"])' "$state")
    export MESH_WEBHOOK_SECRET_EMAIL
    MESH_WEBHOOK_SECRET_EMAIL=$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["webhookSecrets"]["email"])' "$state")
    export MESH_MAIL_DIR="$dir/purrpurr/mail"
    export MESH_ROUTER_PID; MESH_ROUTER_PID=$(head -n 1 "$dir/purrpurr/run/router.pid")
    echo "mesh: router on $MESH_ROUTER_URL (pid $MESH_ROUTER_PID), mail in $MESH_MAIL_DIR, logs in $dir/purrpurr/logs" >&2
}

mesh_stop() {
    [ -n "$MESH_UP_PID" ] || return 0
    kill -TERM "$MESH_UP_PID" 2>/dev/null || true
    wait "$MESH_UP_PID" 2>/dev/null || true   # a non-zero status must not stop the clean-up under `set -e`
    MESH_UP_PID=
}

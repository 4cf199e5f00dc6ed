# shellcheck shell=bash
# The whole mesh on one machine, for local runs and benchmarks. Source it (after deps.sh and postgres.sh), then:
#   mesh_start DIR [debug|release]  — a throwaway PostgreSQL (one database per service), dev certificates
#                                     (`purrpurr certs`), an SMTP sink (aiosmtpd, every message kept under
#                                     DIR/mail), then identity-service, comms-service and the router; exports
#                                     MESH_ROUTER_URL, MESH_ADMIN_TOKEN, MESH_WEBHOOK_SECRET_EMAIL, MESH_MAIL_DIR.
#   mesh_stop                       — stops everything it started, by PID (router first, PostgreSQL last).
# Logs go to DIR/<service>.log. It never touches a process it did not start.

MESH_PIDS=()

mesh_wait_tcp() {  # PORT NAME: waits up to 30 s for 127.0.0.1:PORT to accept
    local port=$1 name=$2 i
    for i in $(seq 300); do
        (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null && return 0
        sleep 0.1
    done
    echo "mesh: $name did not start listening on port $port" >&2
    tail -5 "$MESH_DIR/$name.log" >&2 2>/dev/null || true
    return 1
}

mesh_start() {
    local dir=$1 config=${2:-debug} bin product smtp_port identity_port comms_port http_port certs key db
    mkdir -p "$dir"; chmod 0755 "$dir"; MESH_DIR=$dir
    for product in router identity-service comms-service purrpurr; do swift build -c "$config" --product "$product" >&2; done
    bin=$(swift build -c "$config" --show-bin-path)
    pg_throwaway_start "$dir/pg"
    for db in router identity comms; do
        "$PURRPURR_TEST_PGBIN/psql" -q "$PURRPURR_TEST_DATABASE_URL" -c "CREATE DATABASE purrpurr_$db" >/dev/null
    done
    certs="$dir/certs"
    "$bin/purrpurr" certs --out "$certs" >&2
    key() { head -c 32 /dev/urandom | base64; }
    export MESH_MAIL_DIR="$dir/mail"; mkdir -p "$MESH_MAIL_DIR"
    smtp_port=$(pg_free_port); identity_port=$(pg_free_port); comms_port=$(pg_free_port); http_port=$(pg_free_port)
    /usr/bin/python3 Tests/Fixtures/smtp/smtp_server.py --port "$smtp_port" --maildir "$MESH_MAIL_DIR" \
        >"$dir/smtp.log" 2>&1 &
    MESH_PIDS+=($!)
    mesh_wait_tcp "$smtp_port" smtp
    local base=${PURRPURR_TEST_DATABASE_URL%/*}
    env LOG_LEVEL=${MESH_LOG_LEVEL:-info} DATABASE_URL="$base/purrpurr_comms" WIRE_PORT="$comms_port" \
        MESH_CA_PATH="$certs/ca.pem" MESH_CERT_PATH="$certs/comms.crt" MESH_KEY_PATH="$certs/comms.key" \
        SMTP_URL="smtp://127.0.0.1:$smtp_port?tls=none" COMMS_MASTER_KEY="$(key)" \
        COMMS_DEFAULT_FROM="Purrpurr <no-reply@purrpurr.local>" COMMS_PROJECT_RATE_PER_SECOND=${MESH_COMMS_RATE:-10} \
        COMMS_POLL_INTERVAL_MS=200 \
        "$bin/comms-service" >"$dir/comms.log" 2>&1 &
    MESH_PIDS+=($!)
    env LOG_LEVEL=${MESH_LOG_LEVEL:-info} DATABASE_URL="$base/purrpurr_identity" WIRE_PORT="$identity_port" \
        MESH_CA_PATH="$certs/ca.pem" MESH_CERT_PATH="$certs/identity.crt" MESH_KEY_PATH="$certs/identity.key" \
        IDENTITY_MASTER_KEY="$(key)" COMMS_WIRE_ENDPOINTS="127.0.0.1:$comms_port" \
        "$bin/identity-service" >"$dir/identity.log" 2>&1 &
    MESH_PIDS+=($!)
    mesh_wait_tcp "$comms_port" comms
    mesh_wait_tcp "$identity_port" identity
    export MESH_ADMIN_TOKEN; MESH_ADMIN_TOKEN=$(head -c 32 /dev/urandom | od -An -tx1 | tr -d ' \n')
    export MESH_WEBHOOK_SECRET_EMAIL; MESH_WEBHOOK_SECRET_EMAIL="whsec_$(key)"
    env LOG_LEVEL=${MESH_LOG_LEVEL:-info} DATABASE_URL="$base/purrpurr_router" PURRPURR_HTTP_PORT="$http_port" \
        PURRPURR_ADMIN_TOKEN="$MESH_ADMIN_TOKEN" API_KEY_PEPPER="$MESH_ADMIN_TOKEN$MESH_ADMIN_TOKEN" \
        MESH_CA_PATH="$certs/ca.pem" MESH_CERT_PATH="$certs/router.crt" MESH_KEY_PATH="$certs/router.key" \
        IDENTITY_WIRE_ENDPOINTS="127.0.0.1:$identity_port" COMMS_WIRE_ENDPOINTS="127.0.0.1:$comms_port" \
        WEBHOOK_SECRET_EMAIL="$MESH_WEBHOOK_SECRET_EMAIL" \
        RATE_LIMIT_PER_SECOND=${MESH_RATE_LIMIT:-100} RATE_LIMIT_BURST=${MESH_RATE_BURST:-200} \
        "$bin/router" >"$dir/router.log" 2>&1 &
    MESH_PIDS+=($!)
    mesh_wait_tcp "$http_port" router
    export MESH_ROUTER_URL="http://127.0.0.1:$http_port"
    echo "mesh: router on $MESH_ROUTER_URL, mail in $MESH_MAIL_DIR, logs in $dir" >&2
}

mesh_stop() {
    local i pid
    for ((i = ${#MESH_PIDS[@]} - 1; i >= 0; i--)); do
        pid=${MESH_PIDS[$i]}
        kill -TERM "$pid" 2>/dev/null || true
        wait "$pid" 2>/dev/null || true   # a non-zero status must not stop the clean-up under `set -e`
    done
    MESH_PIDS=()
    pg_throwaway_stop || true
}

# shellcheck shell=bash
# Throwaway PostgreSQL for tests and local runs. Source this file, then:
#   pg_throwaway_start DIR   — initdb into DIR/data (as the `postgres` user when run as root), start the
#                              server on a free 127.0.0.1 port, export PURRPURR_TEST_DATABASE_URL and friends.
#   pg_throwaway_stop        — stop the server by the PID in its postmaster.pid (SIGINT, fast shutdown).
# It never touches a PostgreSQL it did not start.

pg_bin_dir() {
    local d
    for d in /usr/lib/postgresql/*/bin; do [ -x "$d/initdb" ] && { echo "$d"; return; }; done
    command -v initdb >/dev/null 2>&1 && { dirname "$(command -v initdb)"; return; }
    return 1
}

pg_free_port() {
    python3 - <<'PY'
import socket
s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1]); s.close()
PY
}

# Runs a command as the OS user that owns the cluster.
pg_as_owner() {
    if [ "$(id -u)" = 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi
}

pg_throwaway_start() {
    local root=$1 bin port owner
    bin=$(pg_bin_dir) || { echo "postgres: initdb not found (apt-get install postgresql)" >&2; return 1; }
    port=$(pg_free_port)
    mkdir -p "$root"
    owner=$(id -un)
    if [ "$(id -u)" = 0 ]; then owner=postgres; chown postgres "$root"; chmod 0755 "$root"; fi
    pg_as_owner "$bin/initdb" -D "$root/data" -U postgres -A trust -E UTF8 --locale=C.UTF-8 >"$root/initdb.log" 2>&1 \
        || { cat "$root/initdb.log" >&2; return 1; }
    pg_as_owner "$bin/pg_ctl" -D "$root/data" -l "$root/server.log" -w -t 60 \
        -o "-p $port -c listen_addresses=127.0.0.1 -k $root -c max_connections=200 -c fsync=off" start >/dev/null \
        || { cat "$root/server.log" >&2; return 1; }
    export PURRPURR_TEST_DATABASE_URL="postgres://postgres@127.0.0.1:$port/postgres"
    export PURRPURR_TEST_PGDATA="$root/data"
    export PURRPURR_TEST_PGBIN="$bin"
    export PURRPURR_TEST_PGOWNER="$owner"
    PG_THROWAWAY_DATA="$root/data"
    echo "postgres: started on 127.0.0.1:$port (data $root/data)" >&2
}

pg_throwaway_stop() {
    local data=${PG_THROWAWAY_DATA:-} pid i
    [ -n "$data" ] && [ -f "$data/postmaster.pid" ] || return 0
    pid=$(head -n 1 "$data/postmaster.pid")
    [ -n "$pid" ] || return 0
    kill -INT "$pid" 2>/dev/null || return 0
    for i in $(seq 1 100); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
    kill -0 "$pid" 2>/dev/null && kill -KILL "$pid" 2>/dev/null
    echo "postgres: stopped (pid $pid)" >&2
    PG_THROWAWAY_DATA=
}

#!/bin/sh
# Runs once, when the postgres container initialises an empty data volume (as POSTGRES_USER).
# One database per service, as in production, named in compose.yaml's PURRPURR_DATABASES (so a new service is
# one word there, beside its own service entry); each service creates its own schema and tables at start.
set -eu
for database in ${PURRPURR_DATABASES:?compose.yaml names the databases in PURRPURR_DATABASES}; do
    case "$database" in
        *[!a-z0-9_]*) echo "initdb: not a plain database name: $database" >&2; exit 1 ;;
    esac
    psql -v ON_ERROR_STOP=1 --username "$POSTGRES_USER" --dbname postgres -c "CREATE DATABASE $database"
done

#!/usr/bin/env bash
# Runs Schemathesis (property-based API tests, pip-installed for this user if missing) against a running Router's
# own OpenAPI document, with every check (scripts/schemathesis.toml enables them all), seeded so that a run is repeatable.
# Usage: scripts/schemathesis.sh ROUTER_URL SECRET_KEY ADMIN_TOKEN [EXAMPLES]
#   e.g. scripts/schemathesis.sh http://127.0.0.1:8080 psk_… "$PURRPURR_ADMIN_TOKEN" 5
# Exits non-zero on any failure (a server error, a response the document does not describe, a request valid by
# the document that the Router refuses or one it forbids that the Router accepts). scripts/schemathesis.toml
# lists the few refusals that depend on state or on rules JSON Schema cannot state.
set -euo pipefail
url=${1:?usage: scripts/schemathesis.sh ROUTER_URL SECRET_KEY ADMIN_TOKEN [EXAMPLES]}
key=${2:?secret key}
admin=${3:?admin token}
examples=${4:-5}
if ! python3 -c 'import schemathesis' 2>/dev/null; then
    python3 -m pip install --quiet --user 'schemathesis>=4,<5' >&2
fi
exec python3 -m schemathesis.cli --config-file "$(dirname "$0")/schemathesis.toml" run "$url/v1/openapi.json" \
    -H "X-API-Key: $key" -H "X-Admin-Token: $admin" \
    --max-examples "$examples" --seed 20261207 --workers 1 --no-color

#!/usr/bin/env bash
# Validates an OpenAPI 3.1 document file with openapi-spec-validator (pip-installed for this user if missing).
# Usage: scripts/validate-openapi.sh FILE
# Produce FILE with the router binary: `swift run router --print-openapi > FILE`
# (or, from the tests: `ROUTER_OPENAPI_OUT=FILE swift test --filter OpenAPITests`).
set -euo pipefail
file=${1:?usage: scripts/validate-openapi.sh FILE}
[ -s "$file" ] || { echo "validate-openapi: $file is missing or empty" >&2; exit 1; }
if ! python3 -c 'import openapi_spec_validator' 2>/dev/null; then
    python3 -m pip install --quiet --user openapi-spec-validator >&2
fi
python3 - "$file" <<'PY'
import json, sys
from openapi_spec_validator import validate
from openapi_spec_validator.readers import read_from_filename
spec, _ = read_from_filename(sys.argv[1])
if spec.get("openapi", "").split(".")[:2] != ["3", "1"]:
    sys.exit("validate-openapi: not an OpenAPI 3.1 document")
validate(spec)
print(f"validate-openapi: {sys.argv[1]} is a valid OpenAPI {spec['openapi']} document "
      f"({sum(len(v) for v in spec['paths'].values())} operations)")
PY

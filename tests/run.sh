#!/usr/bin/env bash
# Runs every test of lapak: the Rust unit and integration tests (they start the real
# app on temporary databases against fake upstreams on 127.0.0.1).
set -euo pipefail
cd "$(dirname "$0")/.."

if ! command -v cargo >/dev/null 2>&1; then
    echo "cargo is required (https://rustup.rs)" >&2
    exit 1
fi

cargo test --locked --all-targets

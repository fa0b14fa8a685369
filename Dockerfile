# lapak: one binary, one SQLite file. Build:  docker build -t lapak .
# Run:    docker run -p 8000:8000 -v lapak-data:/var/lib/lapak/data lapak
# Admin:  docker run -it -v lapak-data:/var/lib/lapak/data lapak create-admin --email you@example.com

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

FROM debian:bookworm-slim
RUN apt-get update \
    && apt-get install -y --no-install-recommends ca-certificates tini \
    && rm -rf /var/lib/apt/lists/* \
    && useradd --system --uid 10001 --user-group --home-dir /var/lib/lapak lapak \
    && mkdir -p /var/lib/lapak/data \
    && chown -R lapak:lapak /var/lib/lapak
COPY --from=build /src/target/release/lapak /usr/local/bin/lapak
COPY config.toml /etc/lapak/config.toml
ENV LAPAK_CONFIG=/etc/lapak/config.toml \
    LAPAK_DATABASE__PATH=/var/lib/lapak/data/lapak.db \
    LAPAK_SERVER__HOST=0.0.0.0 \
    LAPAK_SERVER__PORT=8000
WORKDIR /var/lib/lapak
USER lapak
VOLUME ["/var/lib/lapak/data"]
EXPOSE 8000
ENTRYPOINT ["/usr/bin/tini", "--", "/usr/local/bin/lapak"]
CMD ["serve"]

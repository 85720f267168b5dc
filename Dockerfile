# syntax=docker/dockerfile:1
# downtally: one self-contained binary (templates, static assets, catalog and migrations compiled in).
# Build: docker build -t downtally .   Run with PostgreSQL and Redis: docker compose up

FROM rust:1-bookworm AS builder
WORKDIR /src
COPY . .
# Cache mounts keep the cargo registry and build artifacts between builds (BuildKit).
RUN --mount=type=cache,target=/usr/local/cargo/registry \
    --mount=type=cache,target=/src/target \
    cargo build --release --locked --bin downtally \
    && install -m 0755 target/release/downtally /usr/local/bin/downtally

FROM debian:bookworm-slim
# ca-certificates for TLS to managed databases; wget for the container health check on /readyz.
RUN apt-get update \
    && apt-get install -y --no-install-recommends ca-certificates wget \
    && rm -rf /var/lib/apt/lists/*
RUN useradd --system --uid 10001 --user-group --home-dir /app --shell /usr/sbin/nologin downtally \
    && mkdir -p /app/data \
    && chown -R downtally:downtally /app
COPY --from=builder /usr/local/bin/downtally /usr/local/bin/downtally
WORKDIR /app
USER downtally
# Without DATABASE_URL the default is the SQLite file sqlite://data/downtally.db, i.e. /app/data.
VOLUME ["/app/data"]
ENV DOWNTALLY_BIND=0.0.0.0:8080
EXPOSE 8080
HEALTHCHECK --interval=10s --timeout=3s --start-period=20s --retries=3 \
    CMD ["wget", "-q", "-O", "/dev/null", "http://127.0.0.1:8080/readyz"]
CMD ["downtally", "serve", "--bind", "0.0.0.0:8080"]

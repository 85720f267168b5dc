-- Services from the catalog. Rows are never deleted (reports refer to them); `listed` says whether the
-- running catalog still has the service.
CREATE TABLE services (
    slug        TEXT PRIMARY KEY NOT NULL,
    name        TEXT NOT NULL,
    countries   TEXT NOT NULL,          -- ISO 3166-1 alpha-2 codes, comma-separated, main country first
    category    TEXT NOT NULL,
    website     TEXT NOT NULL,
    status_page TEXT,
    listed      BOOLEAN NOT NULL DEFAULT TRUE,
    synced_at   BIGINT NOT NULL
);

-- Every accepted report: the source of truth from which counters are rebuilt.
CREATE TABLE reports (
    id          BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    service     TEXT NOT NULL REFERENCES services (slug),
    problem     TEXT NOT NULL,
    region      TEXT,
    lat         DOUBLE PRECISION,       -- rounded to 2 decimals
    lon         DOUBLE PRECISION,
    comment     TEXT,
    reporter    TEXT NOT NULL,          -- keyed hash with a daily salt; never a raw address
    counted     BOOLEAN NOT NULL,       -- false for a repeat within the de-duplication window
    created_at  BIGINT NOT NULL         -- UTC epoch seconds
);
CREATE INDEX reports_by_service_time ON reports (service, created_at);
CREATE INDEX reports_by_time ON reports (created_at);

-- Daily salts for reporter keys; deleted after two days so old keys can no longer be linked.
CREATE TABLE reporter_salts (
    day  BIGINT PRIMARY KEY NOT NULL,   -- UTC day number (epoch seconds / 86400)
    salt BYTEA NOT NULL
);

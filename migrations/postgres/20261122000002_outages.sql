-- Outages the monitor declared, per service (region IS NULL) or per (service, region).
CREATE TABLE outages (
    id               BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    service          TEXT NOT NULL REFERENCES services (slug),
    region           TEXT,
    started_at       BIGINT NOT NULL,     -- start of the bucket in which it was declared
    ended_at         BIGINT,              -- NULL while ongoing
    peak_at          BIGINT NOT NULL,
    peak_count       DOUBLE PRECISION NOT NULL,
    baseline_at_peak DOUBLE PRECISION NOT NULL,
    top_problems     TEXT NOT NULL DEFAULT '',  -- "login:120,card:14", most reported first
    regions          TEXT NOT NULL DEFAULT '',  -- "IT-25:40,IT-21:9", most reported first
    updated_at       BIGINT NOT NULL
);
CREATE INDEX outages_by_service ON outages (service, started_at);
CREATE INDEX outages_by_start ON outages (started_at);

-- The current status of each service as the monitor last saw it; every app node reads it.
CREATE TABLE service_status (
    service    TEXT PRIMARY KEY NOT NULL REFERENCES services (slug),
    status     TEXT NOT NULL,             -- normal | elevated | outage
    since      BIGINT NOT NULL,           -- when this status began
    outage_id  BIGINT,
    updated_at BIGINT NOT NULL
);

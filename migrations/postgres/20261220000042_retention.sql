-- Retention (issue 14 §3): reports older than the retention period (`--retention-days`) are folded
-- into hourly counts per series, then deleted (see src/retention.rs, src/store/retention.rs). The
-- hourly counts keep what the counters, charts, the series API and normals read beyond the
-- retention period; they hold no reporter or network key.
--
-- series: the counter series' tag (`counts::Dim::tag`): 'all', 'p.<problem>', 'r.<region>', 'n'
-- (networks: a network's first counted report of each 15-minute block), 'w' (works again).
-- n: counted reports (for 'n', networks) in that hour.
CREATE TABLE report_hours (
    service TEXT NOT NULL REFERENCES services (slug),
    hour    BIGINT NOT NULL,              -- start of the UTC hour, epoch seconds
    series  TEXT NOT NULL,
    n       BIGINT NOT NULL,
    PRIMARY KEY (service, hour, series)
);
CREATE INDEX report_hours_by_hour ON report_hours (hour);

-- How far reports have been folded: every hour before `folded_until` is in report_hours, and its
-- reports are deleted (or about to be). One row.
CREATE TABLE report_folds (
    id           INTEGER PRIMARY KEY CHECK (id = 1),
    folded_until BIGINT NOT NULL
);
INSERT INTO report_folds (id, folded_until) VALUES (1, 0);

-- `reports` becomes partitioned by time (a partition per UTC day, `reports_YYYYMMDD`, created ahead
-- by the app; `reports_default` catches a row no day partition covers), so that retention drops
-- whole days instead of deleting rows. PostgreSQL cannot partition a table in place: the rows are
-- copied into a new partitioned table that takes the name, in this one transaction, and the old
-- table is dropped. Why this one migration may drop and rename (ARCHITECTURE.md, "Upgrades"):
-- nothing any version reads or writes goes away. The name `reports` keeps every column, in the same
-- order, with the same types, defaults and rows; ids go on from the same sequence value (a plain
-- sequence default: identity columns on partitioned tables need PostgreSQL 17); the previous
-- version's INSERT … RETURNING id, its UPDATE … WHERE id = and every SELECT work unchanged. What
-- changes is the primary key, (id, created_at), as a partitioned table's must include the partition
-- key; no table references reports.id (comment_flags.comment_id is a plain column). During the copy
-- the old table is locked: nodes of the previous version wait, and go on when it commits.
LOCK TABLE reports IN ACCESS EXCLUSIVE MODE;
ALTER TABLE reports RENAME TO reports_unpartitioned;
ALTER INDEX reports_by_service_time RENAME TO reports_unpartitioned_by_service_time;
ALTER INDEX reports_by_time RENAME TO reports_unpartitioned_by_time;
ALTER INDEX reports_with_comment RENAME TO reports_unpartitioned_with_comment;
ALTER INDEX reports_comment_hidden RENAME TO reports_unpartitioned_comment_hidden;

CREATE SEQUENCE report_ids AS BIGINT;
SELECT setval('report_ids', nextval(pg_get_serial_sequence('reports_unpartitioned', 'id')), false);

CREATE TABLE reports (
    id                BIGINT NOT NULL DEFAULT nextval('report_ids'),
    service           TEXT NOT NULL REFERENCES services (slug),
    problem           TEXT NOT NULL,
    region            TEXT,
    lat               DOUBLE PRECISION,
    lon               DOUBLE PRECISION,
    comment           TEXT,
    reporter          TEXT NOT NULL,
    counted           BOOLEAN NOT NULL,
    created_at        BIGINT NOT NULL,
    network           TEXT,
    uncounted         TEXT,
    comment_hidden_at BIGINT,
    PRIMARY KEY (id, created_at)
) PARTITION BY RANGE (created_at);
ALTER SEQUENCE report_ids OWNED BY reports.id;
CREATE TABLE reports_default PARTITION OF reports DEFAULT;

-- Day partitions for the rows of the last 62 days and the next three days (older rows go to the
-- default partition: retention folds and deletes them row by row).
DO $$
DECLARE
    today BIGINT := floor(extract(epoch FROM now()) / 86400);
    d BIGINT;
BEGIN
    FOR d IN
        SELECT DISTINCT created_at / 86400 FROM reports_unpartitioned
        WHERE created_at >= (today - 62) * 86400 AND created_at < (today + 3) * 86400
        UNION SELECT g FROM generate_series(today, today + 2) AS g
    LOOP
        EXECUTE format(
            'CREATE TABLE %I PARTITION OF reports FOR VALUES FROM (%s) TO (%s)',
            'reports_' || to_char(to_timestamp(d * 86400) AT TIME ZONE 'UTC', 'YYYYMMDD'),
            d * 86400, (d + 1) * 86400);
    END LOOP;
END $$;

INSERT INTO reports (id, service, problem, region, lat, lon, comment, reporter, counted, created_at,
                     network, uncounted, comment_hidden_at)
SELECT id, service, problem, region, lat, lon, comment, reporter, counted, created_at,
       network, uncounted, comment_hidden_at
FROM reports_unpartitioned;
DROP TABLE reports_unpartitioned;

CREATE INDEX reports_by_service_time ON reports (service, created_at);
CREATE INDEX reports_by_time ON reports (created_at);
CREATE INDEX reports_with_comment ON reports (service, created_at) WHERE comment IS NOT NULL;
CREATE INDEX reports_comment_hidden ON reports (comment_hidden_at) WHERE comment_hidden_at IS NOT NULL;

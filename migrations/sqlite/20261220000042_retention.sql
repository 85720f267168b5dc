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
) WITHOUT ROWID;
CREATE INDEX report_hours_by_hour ON report_hours (hour);

-- How far reports have been folded: every hour before `folded_until` is in report_hours, and its
-- reports are deleted (or about to be, in small batches). One row.
CREATE TABLE report_folds (
    id           INTEGER PRIMARY KEY CHECK (id = 1),
    folded_until BIGINT NOT NULL
);
INSERT INTO report_folds (id, folded_until) VALUES (1, 0);

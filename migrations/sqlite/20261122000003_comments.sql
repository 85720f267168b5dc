-- Public comments on a service page. `reporter` is the same keyed hash as on reports (never shown):
-- it limits how often one visitor may comment.
CREATE TABLE comments (
    id          INTEGER PRIMARY KEY AUTOINCREMENT,
    service     TEXT NOT NULL REFERENCES services (slug),
    name        TEXT,
    body        TEXT NOT NULL,
    reporter    TEXT NOT NULL,
    created_at  BIGINT NOT NULL
);
CREATE INDEX comments_by_service_time ON comments (service, created_at);
-- Comments left with a report are shown with the others; most reports have none.
CREATE INDEX reports_with_comment ON reports (service, created_at) WHERE comment IS NOT NULL;

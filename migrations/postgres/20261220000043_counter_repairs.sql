-- Counter repairs (issue 14 §4): a node that could not record a count (the counter store down, a
-- failed or late write) marks the counters stale here; the leader rebuilds them from `reports` once
-- the store answers, then clears the marks its rebuild covered (compare-and-clear: stale while
-- marked > cleared, so a mark made during a rebuild survives it). See src/store/repairs.rs.
CREATE TABLE counter_repairs (
    name      TEXT PRIMARY KEY,
    marked    BIGINT NOT NULL,      -- generation of the latest mark
    cleared   BIGINT NOT NULL,      -- the generation the latest finished rebuild covered
    missed_at BIGINT NOT NULL       -- epoch seconds: the latest report whose count may be missing
);

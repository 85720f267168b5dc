-- Leases (issue 14, §2): a named lock one app node holds at a time, renewed by its holder; a crashed
-- holder's lease simply expires. The monitor's leadership is the row 'monitor' (see src/lease.rs and
-- src/store/lease.rs). expires_at is epoch milliseconds on the database's clock, never an app's.
CREATE TABLE leases (
    name       TEXT PRIMARY KEY,
    holder     TEXT NOT NULL,
    expires_at BIGINT NOT NULL
);

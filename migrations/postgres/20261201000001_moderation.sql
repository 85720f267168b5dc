-- Moderation (issue 9 §4).
--
-- The network each comment came from: the same keyed hash of its /24 or /48 under the day's salt as
-- reports.network (never an address), so that one network's comments can be capped whatever its
-- User-Agents. NULL for comments stored before networks were kept.
ALTER TABLE comments ADD COLUMN network TEXT;
CREATE INDEX comments_by_network_time ON comments (service, network, created_at);
-- When an admin hid a comment (NULL: shown). Comments left with a report are hidden on the report.
ALTER TABLE comments ADD COLUMN hidden_at BIGINT;
ALTER TABLE reports ADD COLUMN comment_hidden_at BIGINT;

-- Readers' flags: one per comment and network (a network flags a comment once, however many
-- browsers it has). `source` says where the comment lives: 'c' (comments.id) or 'r' (reports.id).
CREATE TABLE comment_flags (
    source      TEXT NOT NULL,
    comment_id  BIGINT NOT NULL,
    service     TEXT NOT NULL REFERENCES services (slug),
    network     TEXT NOT NULL,
    created_at  BIGINT NOT NULL,
    PRIMARY KEY (source, comment_id, network)
);
CREATE INDEX comment_flags_by_time ON comment_flags (created_at);

-- Official statements an admin attached to an outage: the service's own words, a link to them, and
-- when they were said.
CREATE TABLE outage_statements (
    id          BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    outage_id   BIGINT NOT NULL REFERENCES outages (id),
    body        TEXT NOT NULL,
    link        TEXT,
    stated_at   BIGINT NOT NULL,
    created_at  BIGINT NOT NULL,
    label       TEXT NOT NULL           -- the admin token's label
);
CREATE INDEX outage_statements_by_outage ON outage_statements (outage_id, stated_at);

-- What admins did: which token's label, what, to what, when.
CREATE TABLE admin_actions (
    id          BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    label       TEXT NOT NULL,
    action      TEXT NOT NULL,          -- login | hide_comment | restore_comment | add_statement
    target      TEXT NOT NULL,          -- a comment ('c12', 'r7'), an outage id, or ''
    detail      TEXT NOT NULL DEFAULT '',
    created_at  BIGINT NOT NULL
);
CREATE INDEX admin_actions_by_time ON admin_actions (created_at);

-- Failed admin logins per network (salted key), to refuse guessing; rows older than a day are deleted.
CREATE TABLE admin_login_failures (
    network     TEXT NOT NULL,
    created_at  BIGINT NOT NULL
);
CREATE INDEX admin_login_failures_by_network ON admin_login_failures (network, created_at);

-- What an admin hid, for the list of hidden comments.
CREATE INDEX comments_hidden ON comments (hidden_at) WHERE hidden_at IS NOT NULL;
CREATE INDEX reports_comment_hidden ON reports (comment_hidden_at) WHERE comment_hidden_at IS NOT NULL;

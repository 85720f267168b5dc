-- Comments past the retention period (issue 14 §3, src/retention.rs). A comment left with a report
-- is published (the report counted) on the pages; when retention deletes its report, the comment
-- moves into `comments` in the same transaction, without the report's keys (reporter '', network
-- NULL), with its problem and its hidden state, and readers' flags on it follow it ('r' → 'c').
--
-- problem:   the problem kind reported with it (NULL for comments posted with the comment form).
-- report_id: the report it was left with; old ids (`r7`) of a moved comment still name it.
ALTER TABLE comments ADD COLUMN problem TEXT;
ALTER TABLE comments ADD COLUMN report_id BIGINT;
CREATE UNIQUE INDEX comments_by_report ON comments (report_id);

-- Keys are forgotten after the retention period: a comment's reporter and network keys (reporter
-- '' and network NULL: no real key is empty, so '' matches no visitor), and a flag's network key,
-- replaced by '-' and random hex (unique per row, as the primary key needs; real keys are hex, so
-- never begin with '-'). These indexes hold only the rows still keyed: the job finds the old ones
-- without reading the rest.
CREATE INDEX comments_keyed ON comments (created_at) WHERE reporter <> '';
CREATE INDEX comment_flags_keyed ON comment_flags (created_at) WHERE network NOT LIKE '-%';

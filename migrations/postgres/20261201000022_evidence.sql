-- Issue 12 §6, every verdict shows its evidence: what decided an outage (when it was declared) and
-- a service's current status. One JSON document each (`detect::VerdictEvidence`, read back into that
-- type): it is written and read whole, never queried by field, and it may gain fields without a
-- migration. NULL for verdicts reached before evidence was kept.
ALTER TABLE outages ADD COLUMN evidence TEXT;
ALTER TABLE service_status ADD COLUMN evidence TEXT;

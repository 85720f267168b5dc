-- Incident groups (issue 12, part 4): troubled services in one country whose reports rose at once
-- with the same problem, named as probably sharing a cause (see src/detect/groups.rs).
CREATE TABLE incident_groups (
    id          BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    country     TEXT NOT NULL,            -- ISO 3166-1 alpha-2
    problem     TEXT NOT NULL,            -- the problem kind its members share
    anchor      TEXT NOT NULL,            -- the member the others are compared with
    started_at  BIGINT NOT NULL,          -- the start of the incident it formed around
    ended_at    BIGINT,                   -- NULL while it lasts
    updated_at  BIGINT NOT NULL
);
CREATE INDEX incident_groups_by_end ON incident_groups (ended_at);

-- Who was in a group: a service, with its outage (NULL while only elevated).
CREATE TABLE incident_group_members (
    group_id    BIGINT NOT NULL REFERENCES incident_groups (id),
    service     TEXT NOT NULL REFERENCES services (slug),
    outage_id   BIGINT REFERENCES outages (id),
    started_at  BIGINT NOT NULL,          -- its incident's start
    joined_at   BIGINT NOT NULL,
    left_at     BIGINT,                   -- NULL while a member
    PRIMARY KEY (group_id, service)
);
CREATE INDEX incident_group_members_by_outage ON incident_group_members (outage_id);

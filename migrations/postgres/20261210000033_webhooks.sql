-- Webhooks (issue 13, part 4): subscriptions to a service's or a country's outage events, and the
-- durable queue of their deliveries (see src/webhooks/ and src/store/webhooks.rs).
--
-- What a leak of these tables exposes: each subscriber's URL (a Slack webhook URL is a credential
-- to post in that channel) and its signing secret (with it, anyone can forge deliveries that pass
-- the subscriber's signature check, or unsubscribe it) are both needed to deliver and sign, so
-- they are kept; with --webhooks-key they are sealed (ChaCha20-Poly1305, bound to the row's id,
-- see src/webhooks/seal.rs) and the leak exposes only hosts, formats, what each follows, and the
-- deliveries' bodies (public outage data). Without the key they are in clear. Neither is ever
-- logged or echoed by the API (answers name the host at most).
CREATE TABLE webhook_subscriptions (
    id                TEXT PRIMARY KEY,         -- "sub_" + 24 hex digits
    url               TEXT NOT NULL,            -- a secret: sealed under the key, never logged or answered
    url_digest        TEXT NOT NULL,            -- HMAC of the URL, for the cap per URL
    host              TEXT NOT NULL,            -- the URL's host, for the cap per host and for logs
    secret            TEXT NOT NULL,            -- the HMAC-SHA256 key, shown once at creation; sealed
    format            TEXT NOT NULL,            -- json | slack
    service           TEXT REFERENCES services (slug),
    country           TEXT,                     -- ISO 3166-1 alpha-2; exactly one of service, country
    events            INTEGER NOT NULL,         -- bit set: 1 started, 2 updated, 4 resolved
    state             TEXT NOT NULL,            -- pending (unconfirmed) | active | disabled
    confirm_token     TEXT,                     -- the challenge (json) or SHA-256 of the code (slack)
    confirm_attempts  INTEGER NOT NULL DEFAULT 0,
    disabled_reason   TEXT,
    created_at        BIGINT NOT NULL,
    updated_at        BIGINT NOT NULL
);
CREATE INDEX webhook_subscriptions_by_service ON webhook_subscriptions (service, state);
CREATE INDEX webhook_subscriptions_by_country ON webhook_subscriptions (country, state);
CREATE INDEX webhook_subscriptions_by_host ON webhook_subscriptions (host);
CREATE INDEX webhook_subscriptions_by_url ON webhook_subscriptions (url_digest);

-- One row per (subscription, event), delivered in id order per subscription.
CREATE TABLE webhook_deliveries (
    id                BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    delivery_id       TEXT NOT NULL UNIQUE,     -- the idempotency id receivers see
    subscription_id   TEXT NOT NULL REFERENCES webhook_subscriptions (id) ON DELETE CASCADE,
    kind              TEXT NOT NULL,            -- outage.started | outage.updated | outage.resolved | subscription.challenge | subscription.code
    outage_id         BIGINT REFERENCES outages (id),
    reason            TEXT,                     -- what changed, for outage.updated
    created_at        BIGINT NOT NULL,          -- when the event happened (seconds)
    body              TEXT,                     -- fixed at the first attempt, resent as is
    state             TEXT NOT NULL DEFAULT 'pending', -- pending | delivered | failed
    attempts          INTEGER NOT NULL DEFAULT 0,
    enqueued_ms       BIGINT NOT NULL,          -- wall clock, milliseconds
    next_attempt_ms   BIGINT NOT NULL,
    claimed_until_ms  BIGINT NOT NULL DEFAULT 0, -- a node delivering it holds it until then
    last_error        TEXT,                     -- no URL in it
    delivered_ms      BIGINT
);
CREATE INDEX webhook_deliveries_due ON webhook_deliveries (state, next_attempt_ms);
CREATE INDEX webhook_deliveries_by_subscription ON webhook_deliveries (subscription_id, state, id);

-- Incident events to endpoints: PagerDuty v3 webhook subscriptions (/webhook_subscriptions) and per-service chat
-- extensions (/extensions), delivered by tocsin.notify.subscription.EventDispatcher. SQLite variant: flags are
-- INTEGER 0/1 (the PostgreSQL variant uses BOOLEAN); otherwise identical.

-- kind: webhook_subscription or extension. channel: pagerduty_webhook, slack, slack_webhook, teams.
-- custom_headers: JSON array of {"name","value"}. events: event types, comma-separated.
-- scope_type: account_reference, service_reference or team_reference; scope_ids: comma-separated.
-- temporarily_disabled: set after consecutive_failures deliveries in a row failed for good; cleared by enable.
CREATE TABLE event_endpoint (
    id                   VARCHAR(32)   NOT NULL PRIMARY KEY,
    kind                 VARCHAR(32)   NOT NULL,
    channel              VARCHAR(32)   NOT NULL,
    name                 VARCHAR(1024) NOT NULL,
    address              VARCHAR(2048) NOT NULL,
    secret               VARCHAR(256),
    custom_headers       TEXT          NOT NULL,
    events               VARCHAR(2048) NOT NULL,
    scope_type           VARCHAR(32)   NOT NULL,
    scope_ids            VARCHAR(4096) NOT NULL,
    schema_id            VARCHAR(32),
    config               TEXT,
    active               INTEGER       NOT NULL,
    temporarily_disabled INTEGER       NOT NULL,
    consecutive_failures INTEGER       NOT NULL,
    last_error           VARCHAR(1024),
    created_at           BIGINT        NOT NULL,
    updated_at           BIGINT        NOT NULL
);

CREATE INDEX event_endpoint_kind ON event_endpoint (kind, created_at);

-- One row per (endpoint, timeline entry): the event as it is sent, body and id fixed when recorded, so retries
-- and resends after a crash are byte-identical. state: pending, sending (leased), delivered, failed, cancelled.
CREATE TABLE event_delivery (
    id                  VARCHAR(32)   NOT NULL PRIMARY KEY,
    seq                 BIGINT        NOT NULL,
    endpoint_id         VARCHAR(32)   NOT NULL REFERENCES event_endpoint (id) ON DELETE CASCADE,
    log_entry_id        VARCHAR(32)   NOT NULL,
    incident_id         VARCHAR(32)   NOT NULL,
    event_id            VARCHAR(36)   NOT NULL,
    event_type          VARCHAR(64)   NOT NULL,
    payload             TEXT          NOT NULL,
    state               VARCHAR(16)   NOT NULL,
    next_attempt_at     BIGINT        NOT NULL,
    attempts            INTEGER       NOT NULL,
    first_attempt_at    BIGINT,
    lease_owner         VARCHAR(128),
    lease_expires_at    BIGINT,
    provider_message_id VARCHAR(512),
    last_error          VARCHAR(1024),
    created_at          BIGINT        NOT NULL,
    updated_at          BIGINT        NOT NULL,
    UNIQUE (endpoint_id, log_entry_id)
);

CREATE INDEX event_delivery_due ON event_delivery (state, next_attempt_at);
CREATE INDEX event_delivery_order ON event_delivery (endpoint_id, incident_id, seq);

-- The event cursor walks the timeline by seq.
CREATE INDEX log_entry_seq ON log_entry (seq);

-- Events start with the timeline entries written after this migration; history is not replayed.
INSERT INTO paging_counter (name, value) SELECT 'event_cursor', COALESCE(MAX(seq), 0) FROM log_entry;

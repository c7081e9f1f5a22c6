-- The delivery log between the notification outbox and the channels (tocsin.notify.dispatch.DeliveryQueue).
-- One row per (outbox notification, notification rule): the unique key makes expanding a request idempotent, so a
-- crash between expanding and marking the outbox row dispatched never plans a delivery twice.
-- state: pending (waiting for next_attempt_at), sending (leased to lease_owner until lease_expires_at; claimable
-- again after that), delivered, failed, cancelled. Times are epoch milliseconds.
CREATE TABLE notification_delivery (
    id                  VARCHAR(32)   NOT NULL PRIMARY KEY,
    seq                 BIGINT        NOT NULL,
    notification_id     VARCHAR(32)   NOT NULL REFERENCES notification_outbox (id) ON DELETE CASCADE,
    rule_id             VARCHAR(32)   NOT NULL,
    incident_id         VARCHAR(32)   NOT NULL REFERENCES incident (id) ON DELETE CASCADE,
    user_id             VARCHAR(32)   NOT NULL,
    step                INTEGER       NOT NULL,
    contact_method_id   VARCHAR(32)   NOT NULL,
    state               VARCHAR(16)   NOT NULL,
    due_at              BIGINT        NOT NULL,
    next_attempt_at     BIGINT        NOT NULL,
    attempts            INTEGER       NOT NULL,
    first_attempt_at    BIGINT,
    lease_owner         VARCHAR(128),
    lease_expires_at    BIGINT,
    provider_message_id VARCHAR(512),
    last_error          VARCHAR(1024),
    updated_at          BIGINT        NOT NULL,
    UNIQUE (notification_id, rule_id)
);

CREATE INDEX notification_delivery_due ON notification_delivery (state, next_attempt_at);
CREATE INDEX notification_delivery_lease ON notification_delivery (state, lease_expires_at);
CREATE INDEX notification_delivery_incident ON notification_delivery (incident_id, seq);

-- Server-wide secrets shared by every node on this database, created on first use: e.g. link-signing, the key of
-- the HMAC on acknowledge links (tocsin.notify.links.LinkSigner). value: base64 of 32 random bytes.
CREATE TABLE server_secret (
    name       VARCHAR(64)  NOT NULL PRIMARY KEY,
    value      VARCHAR(256) NOT NULL,
    created_at BIGINT       NOT NULL
);

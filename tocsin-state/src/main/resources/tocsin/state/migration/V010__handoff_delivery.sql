-- The delivery log of on-call handoff notifications (tocsin.notify.dispatch.HandoffQueue): one row per (handoff
-- request of V003's handoff_notification, contact method). The unique key makes expanding a request idempotent.
-- state, leases and times as in notification_delivery (V005): pending, sending (leased until lease_expires_at),
-- delivered, failed. Times are epoch milliseconds.
CREATE TABLE handoff_delivery (
    id                  VARCHAR(32)   NOT NULL PRIMARY KEY,
    seq                 BIGINT        NOT NULL,
    handoff_id          VARCHAR(32)   NOT NULL REFERENCES handoff_notification (id) ON DELETE CASCADE,
    contact_method_id   VARCHAR(32)   NOT NULL,
    state               VARCHAR(16)   NOT NULL,
    next_attempt_at     BIGINT        NOT NULL,
    attempts            INTEGER       NOT NULL,
    first_attempt_at    BIGINT,
    lease_owner         VARCHAR(128),
    lease_expires_at    BIGINT,
    provider_message_id VARCHAR(512),
    last_error          VARCHAR(1024),
    updated_at          BIGINT        NOT NULL,
    UNIQUE (handoff_id, contact_method_id)
);

CREATE INDEX handoff_delivery_due ON handoff_delivery (state, next_attempt_at);
CREATE INDEX handoff_notification_pending ON handoff_notification (dispatched_at);

-- Direct messages of monitor notifications (@slack-, @teams-, @webhook-, e-mail handles): the outbox written in the
-- transaction of the monitor transition that caused them (tocsin.monitor.MonitorStore.save), and the delivery log
-- the direct dispatcher drains (tocsin.notify.direct.DirectQueue). id is the idempotency key (32 hex digits), so a
-- message is stored once. No foreign key to monitor: a message decided before its monitor was deleted is still sent.
-- state: pending (due at next_attempt_at), sending (leased to lease_owner until lease_expires_at; claimable again
-- after that), delivered, failed. variables: a JSON object of Datadog's webhook variables. Times: epoch millis.
CREATE TABLE monitor_delivery (
    id                  VARCHAR(32)   NOT NULL PRIMARY KEY,
    monitor_id          BIGINT        NOT NULL,
    group_name          VARCHAR(2000) NOT NULL,
    handle              VARCHAR(1000) NOT NULL,
    kind                VARCHAR(16)   NOT NULL,
    target              VARCHAR(1000) NOT NULL,
    title               TEXT          NOT NULL,
    message             TEXT          NOT NULL,
    variables           TEXT          NOT NULL,
    occurred_at         BIGINT        NOT NULL,
    state               VARCHAR(16)   NOT NULL,
    next_attempt_at     BIGINT        NOT NULL,
    attempts            INTEGER       NOT NULL,
    first_attempt_at    BIGINT,
    lease_owner         VARCHAR(128),
    lease_expires_at    BIGINT,
    provider_message_id VARCHAR(512),
    last_error          VARCHAR(1024),
    created_at          BIGINT        NOT NULL,
    updated_at          BIGINT        NOT NULL
);

CREATE INDEX monitor_delivery_due ON monitor_delivery (state, next_attempt_at);
CREATE INDEX monitor_delivery_lease ON monitor_delivery (state, lease_expires_at);
CREATE INDEX monitor_delivery_created ON monitor_delivery (created_at);

-- Monitors declared in the configuration file (monitors:), by their key there ('name:<name>' or 'id:<id>'): startup
-- reconciles them, and the API refuses to change or delete them.
CREATE TABLE monitor_managed (
    monitor_id BIGINT        NOT NULL PRIMARY KEY REFERENCES monitor (id) ON DELETE CASCADE,
    config_key VARCHAR(1100) NOT NULL UNIQUE
);

-- Paging: escalation policies, services and their integrations, maintenance windows, incidents with their alerts
-- and timelines, the notification outbox and the escalation timers. Timestamps are epoch milliseconds (BIGINT).
-- No foreign keys to the directory's users, schedules or teams: policies name them by id and the application checks
-- them, so the directory can change without rewriting this history.

-- Escalation policies, their ordered rules (level = position + 1) and each rule's ordered targets.
CREATE TABLE escalation_policy (
    id           VARCHAR(32)   NOT NULL PRIMARY KEY,
    name         VARCHAR(255)  NOT NULL UNIQUE,
    description  VARCHAR(1024),
    num_loops    INTEGER       NOT NULL,
    handoff      VARCHAR(32)   NOT NULL,
    version      BIGINT        NOT NULL,
    created_at   BIGINT        NOT NULL,
    updated_at   BIGINT        NOT NULL
);

CREATE TABLE escalation_rule (
    id            VARCHAR(32) NOT NULL PRIMARY KEY,
    policy_id     VARCHAR(32) NOT NULL REFERENCES escalation_policy (id) ON DELETE CASCADE,
    position      INTEGER     NOT NULL,
    delay_minutes INTEGER     NOT NULL,
    assignment    VARCHAR(32) NOT NULL,
    UNIQUE (policy_id, position)
);

-- kind: user_reference or schedule_reference.
CREATE TABLE escalation_target (
    rule_id   VARCHAR(32) NOT NULL REFERENCES escalation_rule (id) ON DELETE CASCADE,
    position  INTEGER     NOT NULL,
    kind      VARCHAR(32) NOT NULL,
    target_id VARCHAR(64) NOT NULL,
    PRIMARY KEY (rule_id, position)
);

-- Round-robin position per rule; survives rule edits that keep the rule's id.
CREATE TABLE round_robin_cursor (
    rule_id    VARCHAR(32) NOT NULL PRIMARY KEY,
    next_index BIGINT      NOT NULL
);

-- Services. Timeouts in seconds (NULL: never). support_days: ISO day numbers, comma-separated ('1,2,3,4,5');
-- support_start/support_end: 'HH:MM:SS'. grouping_fields: comma-separated.
CREATE TABLE paging_service (
    id                   VARCHAR(32)   NOT NULL PRIMARY KEY,
    name                 VARCHAR(255)  NOT NULL UNIQUE,
    description          VARCHAR(1024),
    escalation_policy_id VARCHAR(32)   NOT NULL REFERENCES escalation_policy (id),
    status               VARCHAR(16)   NOT NULL,
    ack_timeout_s        BIGINT,
    auto_resolve_s       BIGINT,
    urgency              VARCHAR(8)    NOT NULL,
    outside_urgency      VARCHAR(8),
    support_zone         VARCHAR(64),
    support_days         VARCHAR(20),
    support_start        VARCHAR(8),
    support_end          VARCHAR(8),
    grouping_type        VARCHAR(16)   NOT NULL,
    grouping_timeout_s   BIGINT        NOT NULL,
    grouping_fields      VARCHAR(1024) NOT NULL,
    grouping_aggregate   VARCHAR(8)    NOT NULL,
    grouping_window_s    BIGINT        NOT NULL,
    version              BIGINT        NOT NULL,
    created_at           BIGINT        NOT NULL,
    updated_at           BIGINT        NOT NULL
);

CREATE INDEX paging_service_policy ON paging_service (escalation_policy_id);

-- integration_key: 32 hex characters, the Events API routing key.
CREATE TABLE service_integration (
    id              VARCHAR(32)  NOT NULL PRIMARY KEY,
    service_id      VARCHAR(32)  NOT NULL REFERENCES paging_service (id) ON DELETE CASCADE,
    name            VARCHAR(255),
    type            VARCHAR(64)  NOT NULL,
    integration_key VARCHAR(32)  NOT NULL UNIQUE,
    created_at      BIGINT       NOT NULL
);

CREATE INDEX service_integration_service ON service_integration (service_id);

CREATE TABLE maintenance_window (
    id          VARCHAR(32)   NOT NULL PRIMARY KEY,
    start_at    BIGINT        NOT NULL,
    end_at      BIGINT        NOT NULL,
    description VARCHAR(1024),
    created_by  VARCHAR(320)
);

CREATE TABLE maintenance_window_service (
    window_id  VARCHAR(32) NOT NULL REFERENCES maintenance_window (id) ON DELETE CASCADE,
    service_id VARCHAR(32) NOT NULL REFERENCES paging_service (id) ON DELETE CASCADE,
    PRIMARY KEY (window_id, service_id)
);

-- Incidents. No foreign key to the service: incidents outlive deleted services. assignees: user ids,
-- comma-separated; acknowledgements: 'by@epochMillis', comma-separated. version: optimistic concurrency.
CREATE TABLE incident (
    id                 VARCHAR(32)   NOT NULL PRIMARY KEY,
    number             BIGINT        NOT NULL UNIQUE,
    title              VARCHAR(1024) NOT NULL,
    service_id         VARCHAR(32)   NOT NULL,
    policy_id          VARCHAR(32)   NOT NULL,
    status             VARCHAR(16)   NOT NULL,
    urgency            VARCHAR(8)    NOT NULL,
    priority           VARCHAR(32),
    incident_key       VARCHAR(255)  NOT NULL,
    group_key          VARCHAR(64),
    level              INTEGER       NOT NULL,
    loop_count         INTEGER       NOT NULL,
    step               INTEGER       NOT NULL,
    assignees          VARCHAR(2048) NOT NULL,
    acknowledgements   VARCHAR(4096) NOT NULL,
    created_at         BIGINT        NOT NULL,
    status_changed_at  BIGINT        NOT NULL,
    resolved_at        BIGINT,
    merged_into        VARCHAR(32),
    version            BIGINT        NOT NULL
);

-- At most one open incident per service and incident_key: dedup holds even for racing triggers.
CREATE UNIQUE INDEX incident_open_key ON incident (service_id, incident_key) WHERE status <> 'resolved';
CREATE INDEX incident_created ON incident (created_at);
CREATE INDEX incident_service_group ON incident (service_id, group_key, created_at);

CREATE TABLE paging_counter (
    name  VARCHAR(32) NOT NULL PRIMARY KEY,
    value BIGINT      NOT NULL
);

INSERT INTO paging_counter (name, value) VALUES ('incident_number', 0);

CREATE TABLE alert (
    id             VARCHAR(32)   NOT NULL PRIMARY KEY,
    incident_id    VARCHAR(32)   NOT NULL REFERENCES incident (id) ON DELETE CASCADE,
    service_id     VARCHAR(32)   NOT NULL,
    integration_id VARCHAR(32),
    dedup_key      VARCHAR(255)  NOT NULL,
    resolved       INTEGER       NOT NULL,
    summary        VARCHAR(1024) NOT NULL,
    source         VARCHAR(1024),
    severity       VARCHAR(16),
    component      VARCHAR(1024),
    group_name     VARCHAR(1024),
    class_name     VARCHAR(1024),
    custom_details TEXT,
    event_count    INTEGER       NOT NULL,
    created_at     BIGINT        NOT NULL,
    resolved_at    BIGINT
);

CREATE UNIQUE INDEX alert_open_dedup ON alert (service_id, dedup_key) WHERE resolved = 0;
CREATE INDEX alert_incident ON alert (incident_id);

CREATE TABLE log_entry (
    id          VARCHAR(32)   NOT NULL PRIMARY KEY,
    seq         BIGINT        NOT NULL,
    incident_id VARCHAR(32)   NOT NULL REFERENCES incident (id) ON DELETE CASCADE,
    service_id  VARCHAR(32)   NOT NULL,
    type        VARCHAR(64)   NOT NULL,
    created_at  BIGINT        NOT NULL,
    channel     VARCHAR(32)   NOT NULL,
    agent_type  VARCHAR(64),
    agent_id    VARCHAR(64),
    user_id     VARCHAR(32),
    level       INTEGER       NOT NULL,
    summary     VARCHAR(2048) NOT NULL
);

CREATE INDEX log_entry_incident ON log_entry (incident_id, created_at, seq);
CREATE INDEX log_entry_created ON log_entry (created_at, seq);

CREATE TABLE incident_note (
    id          VARCHAR(32) NOT NULL PRIMARY KEY,
    incident_id VARCHAR(32) NOT NULL REFERENCES incident (id) ON DELETE CASCADE,
    user_id     VARCHAR(32),
    content     TEXT        NOT NULL,
    created_at  BIGINT      NOT NULL
);

CREATE INDEX incident_note_incident ON incident_note (incident_id, created_at);

-- The transactional outbox: one row per person per escalation step, written with the incident change that caused
-- it. idempotency_key = '<incident>:<step>:<user>'.
CREATE TABLE notification_outbox (
    id              VARCHAR(32)  NOT NULL PRIMARY KEY,
    seq             BIGINT       NOT NULL,
    idempotency_key VARCHAR(128) NOT NULL UNIQUE,
    incident_id     VARCHAR(32)  NOT NULL REFERENCES incident (id) ON DELETE CASCADE,
    user_id         VARCHAR(32)  NOT NULL,
    level           INTEGER      NOT NULL,
    step            INTEGER      NOT NULL,
    urgency         VARCHAR(8)   NOT NULL,
    reason          VARCHAR(32)  NOT NULL,
    created_at      BIGINT       NOT NULL,
    dispatched_at   BIGINT
);

CREATE INDEX notification_outbox_pending ON notification_outbox (dispatched_at, seq);
CREATE INDEX notification_outbox_incident ON notification_outbox (incident_id, seq);

-- Durable escalation timers: a row is claimed by deleting it in the transaction that applies its effect.
CREATE TABLE escalation_timer (
    id          VARCHAR(32) NOT NULL PRIMARY KEY,
    incident_id VARCHAR(32) NOT NULL REFERENCES incident (id) ON DELETE CASCADE,
    kind        VARCHAR(16) NOT NULL,
    due_at      BIGINT      NOT NULL,
    step        INTEGER     NOT NULL,
    UNIQUE (incident_id, kind)
);

CREATE INDEX escalation_timer_due ON escalation_timer (due_at);

CREATE TABLE change_event (
    id             VARCHAR(32)   NOT NULL PRIMARY KEY,
    service_id     VARCHAR(32)   NOT NULL,
    integration_id VARCHAR(32),
    summary        VARCHAR(1024) NOT NULL,
    source         VARCHAR(1024),
    happened_at    BIGINT        NOT NULL,
    custom_details TEXT,
    links          TEXT,
    created_at     BIGINT        NOT NULL
);

CREATE INDEX change_event_created ON change_event (created_at);

-- Monitors (Datadog-compatible), the state of each monitor group, and every group transition (monitor history).
-- Timestamps are epoch milliseconds. options is the monitor's Datadog options object as JSON text.
CREATE TABLE monitor (
    id             INTEGER PRIMARY KEY AUTOINCREMENT,
    name           VARCHAR(1000) NOT NULL,
    type           VARCHAR(32)   NOT NULL,
    query          TEXT          NOT NULL,
    message        TEXT          NOT NULL,
    priority       INTEGER,
    options        TEXT          NOT NULL,
    creator_email  VARCHAR(320)  NOT NULL,
    creator_handle VARCHAR(320)  NOT NULL,
    creator_name   VARCHAR(200)  NOT NULL,
    created_at     BIGINT        NOT NULL,
    modified_at    BIGINT        NOT NULL
);

-- Tags in the order written; position keeps that order.
CREATE TABLE monitor_tag (
    monitor_id BIGINT       NOT NULL REFERENCES monitor (id) ON DELETE CASCADE,
    position   INTEGER      NOT NULL,
    tag        VARCHAR(200) NOT NULL,
    PRIMARY KEY (monitor_id, position)
);

CREATE INDEX monitor_tag_tag ON monitor_tag (tag);

-- One row per monitor group ('*' for a monitor without groups).
CREATE TABLE monitor_group_state (
    monitor_id        BIGINT        NOT NULL REFERENCES monitor (id) ON DELETE CASCADE,
    group_name        VARCHAR(2000) NOT NULL,
    status            VARCHAR(16)   NOT NULL,
    value             DOUBLE PRECISION,
    last_triggered_at BIGINT,
    last_resolved_at  BIGINT,
    last_nodata_at    BIGINT,
    last_notified_at  BIGINT,
    renotify_count    INTEGER       NOT NULL,
    last_data_at      BIGINT,
    modified_at       BIGINT        NOT NULL,
    PRIMARY KEY (monitor_id, group_name)
);

-- History: every change of a group's status, with the value and window that caused it and the notification sent.
-- handles: the notified @-handles, one per line.
CREATE TABLE monitor_transition (
    id           INTEGER PRIMARY KEY AUTOINCREMENT,
    monitor_id   BIGINT        NOT NULL REFERENCES monitor (id) ON DELETE CASCADE,
    group_name   VARCHAR(2000) NOT NULL,
    from_status  VARCHAR(16)   NOT NULL,
    to_status    VARCHAR(16)   NOT NULL,
    value        DOUBLE PRECISION,
    window_start BIGINT,
    window_end   BIGINT,
    at           BIGINT        NOT NULL,
    notification TEXT          NOT NULL,
    handles      TEXT          NOT NULL
);

CREATE INDEX monitor_transition_monitor_at ON monitor_transition (monitor_id, at);

-- The on-call directory: PagerDuty's profile of people, their contact methods and notification rules, teams,
-- schedules with layers, restrictions and overrides, and calendar feed tokens. Timestamps are epoch milliseconds.

-- People are the accounts of V001; these are PagerDuty's profile fields.
ALTER TABLE app_user ADD COLUMN color VARCHAR(32);
ALTER TABLE app_user ADD COLUMN description VARCHAR(1024);
ALTER TABLE app_user ADD COLUMN job_title VARCHAR(200);

-- type: PagerDuty's wire name (email_contact_method, ...). address: e-mail, national number (digits) or device token.
CREATE TABLE contact_method (
    id           VARCHAR(32)   NOT NULL PRIMARY KEY,
    user_id      VARCHAR(32)   NOT NULL REFERENCES app_user (id) ON DELETE CASCADE,
    type         VARCHAR(40)   NOT NULL,
    label        VARCHAR(200)  NOT NULL,
    address      VARCHAR(1024) NOT NULL,
    country_code INTEGER,
    created_at   BIGINT        NOT NULL
);
CREATE INDEX contact_method_user_id ON contact_method (user_id);

-- urgency: high, low or any.
CREATE TABLE notification_rule (
    id                  VARCHAR(32) NOT NULL PRIMARY KEY,
    user_id             VARCHAR(32) NOT NULL REFERENCES app_user (id) ON DELETE CASCADE,
    start_delay_minutes INTEGER     NOT NULL,
    contact_method_id   VARCHAR(32) NOT NULL REFERENCES contact_method (id) ON DELETE CASCADE,
    urgency             VARCHAR(8)  NOT NULL,
    created_at          BIGINT      NOT NULL
);
CREATE INDEX notification_rule_user_id ON notification_rule (user_id);
CREATE INDEX notification_rule_contact_method_id ON notification_rule (contact_method_id);

CREATE TABLE team (
    id          VARCHAR(32)   NOT NULL PRIMARY KEY,
    name        VARCHAR(200)  NOT NULL,
    description VARCHAR(1024),
    created_at  BIGINT        NOT NULL
);

-- role: observer, responder or manager.
CREATE TABLE team_member (
    team_id VARCHAR(32) NOT NULL REFERENCES team (id) ON DELETE CASCADE,
    user_id VARCHAR(32) NOT NULL REFERENCES app_user (id) ON DELETE CASCADE,
    role    VARCHAR(16) NOT NULL,
    PRIMARY KEY (team_id, user_id)
);
CREATE INDEX team_member_user_id ON team_member (user_id);

-- version: incremented by every update, for optimistic concurrency. updated_at doubles as the row every change of
-- a schedule's overrides locks first.
CREATE TABLE schedule (
    id          VARCHAR(32)   NOT NULL PRIMARY KEY,
    name        VARCHAR(200)  NOT NULL,
    description VARCHAR(1024),
    time_zone   VARCHAR(64)   NOT NULL,
    version     BIGINT        NOT NULL,
    created_at  BIGINT        NOT NULL,
    updated_at  BIGINT        NOT NULL
);

-- position: 0 is PagerDuty's "Layer 1"; later layers win. time_zone: Tocsin's per-layer zone, NULL for the
-- schedule's.
CREATE TABLE schedule_layer (
    id                     VARCHAR(32)  NOT NULL PRIMARY KEY,
    schedule_id            VARCHAR(32)  NOT NULL REFERENCES schedule (id) ON DELETE CASCADE,
    position               INTEGER      NOT NULL,
    name                   VARCHAR(200),
    start_at               BIGINT       NOT NULL,
    end_at                 BIGINT,
    rotation_virtual_start BIGINT       NOT NULL,
    turn_length_seconds    BIGINT       NOT NULL,
    time_zone              VARCHAR(64),
    UNIQUE (schedule_id, position)
);

-- The rotation order; a person may appear more than once. No cascade from app_user: a person on a layer cannot be
-- deleted.
CREATE TABLE schedule_layer_user (
    layer_id VARCHAR(32) NOT NULL REFERENCES schedule_layer (id) ON DELETE CASCADE,
    position INTEGER     NOT NULL,
    user_id  VARCHAR(32) NOT NULL REFERENCES app_user (id),
    PRIMARY KEY (layer_id, position)
);
CREATE INDEX schedule_layer_user_user_id ON schedule_layer_user (user_id);

-- type: daily_restriction or weekly_restriction; start_day_of_week 1 (Monday) to 7, NULL for daily;
-- start_time_of_day in seconds after local midnight.
CREATE TABLE schedule_restriction (
    layer_id          VARCHAR(32) NOT NULL REFERENCES schedule_layer (id) ON DELETE CASCADE,
    position          INTEGER     NOT NULL,
    type              VARCHAR(20) NOT NULL,
    start_day_of_week INTEGER,
    start_time_of_day INTEGER     NOT NULL,
    duration_seconds  BIGINT      NOT NULL,
    PRIMARY KEY (layer_id, position)
);

-- seq: creation order within the schedule (the last created wins where overrides overlap).
CREATE TABLE schedule_override (
    id          VARCHAR(32) NOT NULL PRIMARY KEY,
    schedule_id VARCHAR(32) NOT NULL REFERENCES schedule (id) ON DELETE CASCADE,
    seq         BIGINT      NOT NULL,
    user_id     VARCHAR(32) NOT NULL REFERENCES app_user (id),
    start_at    BIGINT      NOT NULL,
    end_at      BIGINT      NOT NULL,
    created_at  BIGINT      NOT NULL,
    UNIQUE (schedule_id, seq)
);
CREATE INDEX schedule_override_user_id ON schedule_override (user_id);
CREATE INDEX schedule_override_window ON schedule_override (schedule_id, end_at);

-- iCal feeds. kind: schedule or user; the token is the only credential of the public feed URL, so it is random
-- (256 bits) and kept as given: the API shows the feed URLs on every read, as PagerDuty does.
CREATE TABLE calendar_feed (
    token      VARCHAR(64) NOT NULL PRIMARY KEY,
    kind       VARCHAR(16) NOT NULL,
    owner_id   VARCHAR(32) NOT NULL,
    created_at BIGINT      NOT NULL,
    UNIQUE (kind, owner_id)
);

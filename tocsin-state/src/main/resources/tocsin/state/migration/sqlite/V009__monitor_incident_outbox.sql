-- The incidents monitor notifications open and resolve (@pagerduty-<service>, @oncall-<team> handles): the outbox
-- written in the transaction of the monitor transition that caused them (tocsin.monitor.MonitorStore.save) and
-- applied by the incident worker (tocsin.monitor.eval.IncidentDispatcher through IncidentOutbox). seq orders the
-- actions of one handle and dedup key: an action is claimable only when no earlier one of its key is pending or
-- applying. id is the idempotency key (32 hex digits). No foreign key to monitor: a resolve decided before its
-- monitor was deleted is still applied. action: TRIGGER or RESOLVE; handle_kind: PAGERDUTY or ONCALL; details: a
-- JSON object. state: pending (due at next_attempt_at), applying (leased to lease_owner until lease_expires_at;
-- claimable again after that), applied, failed. Times: epoch millis.
CREATE TABLE monitor_incident_action (
    seq              INTEGER PRIMARY KEY AUTOINCREMENT,
    id               VARCHAR(32)   NOT NULL UNIQUE,
    monitor_id       BIGINT        NOT NULL,
    group_name       VARCHAR(2000) NOT NULL,
    handle_kind      VARCHAR(16)   NOT NULL,
    handle_target    VARCHAR(1000) NOT NULL,
    handle           VARCHAR(1000) NOT NULL,
    action           VARCHAR(16)   NOT NULL,
    dedup_key        VARCHAR(2100) NOT NULL,
    summary          TEXT          NOT NULL,
    details          TEXT          NOT NULL,
    occurred_at      BIGINT        NOT NULL,
    state            VARCHAR(16)   NOT NULL,
    next_attempt_at  BIGINT        NOT NULL,
    attempts         INTEGER       NOT NULL,
    lease_owner      VARCHAR(128),
    lease_expires_at BIGINT,
    last_error       VARCHAR(1024),
    created_at       BIGINT        NOT NULL,
    updated_at       BIGINT        NOT NULL
);

CREATE INDEX monitor_incident_action_due ON monitor_incident_action (state, next_attempt_at);
CREATE INDEX monitor_incident_action_key ON monitor_incident_action (dedup_key, state);

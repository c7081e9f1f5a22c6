-- Datadog's metric metadata (GET/PUT /api/v1/metrics/{name}): per metric name, each field null until known.
CREATE TABLE metric_metadata (
    name            VARCHAR(400)  NOT NULL PRIMARY KEY,
    type            VARCHAR(32),
    statsd_interval INTEGER,
    unit            VARCHAR(100),
    per_unit        VARCHAR(100),
    description     TEXT,
    short_name      VARCHAR(400),
    integration     VARCHAR(400),
    updated_at      BIGINT        NOT NULL
);

-- Events (Datadog's events API, DogStatsD _e): the timeline beside the metrics. Ids come from the paging_counter row
-- 'event_id', taken in the inserting transaction. Tags are rows of event_tag, so that a list filtered by tags is
-- one indexed query; they go with their event (SqlEventStore deletes both).
CREATE TABLE event (
    id              BIGINT        NOT NULL PRIMARY KEY,
    happened_at     BIGINT        NOT NULL,
    title           VARCHAR(1000) NOT NULL,
    body            TEXT          NOT NULL,
    host            VARCHAR(255)  NOT NULL,
    aggregation_key VARCHAR(255)  NOT NULL,
    priority        VARCHAR(16)   NOT NULL,
    source_type     VARCHAR(255)  NOT NULL,
    alert_type      VARCHAR(32)   NOT NULL
);

CREATE INDEX event_happened ON event (happened_at, id);

CREATE TABLE event_tag (
    event_id BIGINT        NOT NULL,
    tag      VARCHAR(1000) NOT NULL,
    PRIMARY KEY (event_id, tag)
);

CREATE INDEX event_tag_tag ON event_tag (tag, event_id);

INSERT INTO paging_counter (name, value) VALUES ('event_id', 0);

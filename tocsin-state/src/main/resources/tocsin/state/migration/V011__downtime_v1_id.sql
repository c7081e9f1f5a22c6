-- Datadog's v1 downtime API names downtimes by integer: each downtime gets a v1 id alongside its v2 UUID, so both
-- APIs show the same downtimes. Existing rows are numbered in creation order; new ids come from the paging_counter
-- row 'downtime_v1_id' (taken under its row lock, see Jdbc.nextCounter).
ALTER TABLE downtime ADD COLUMN v1_id BIGINT;
UPDATE downtime SET v1_id = (SELECT COUNT(*) FROM downtime d WHERE d.created_at < downtime.created_at
    OR (d.created_at = downtime.created_at AND d.id <= downtime.id));
CREATE UNIQUE INDEX downtime_v1_id ON downtime (v1_id);
INSERT INTO paging_counter (name, value) SELECT 'downtime_v1_id', COALESCE(MAX(v1_id), 0) FROM downtime;

-- Holds its transaction open long enough for concurrent runners to collide without a lock.
CREATE TABLE slow_table (x INTEGER);
SELECT pg_sleep(0.5);

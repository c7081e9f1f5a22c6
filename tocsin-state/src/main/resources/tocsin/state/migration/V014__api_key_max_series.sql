-- A cardinality limit per API key: the most live series the key's requests may have created (NULL: the server's
-- metrics.max_series_per_key).
ALTER TABLE api_key ADD COLUMN max_series BIGINT;

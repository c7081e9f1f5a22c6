-- Keys, people and login sessions. Timestamps are epoch milliseconds (BIGINT) on both databases.

-- API keys. Only the SHA-256 of a secret is stored; hint is its first characters, for telling keys apart.
-- scopes: comma-separated wire names, e.g. 'ingest,read'.
CREATE TABLE api_key (
    id            VARCHAR(32)  NOT NULL PRIMARY KEY,
    name          VARCHAR(200) NOT NULL,
    hint          VARCHAR(16)  NOT NULL,
    secret_sha256 VARCHAR(64)  NOT NULL UNIQUE,
    scopes        VARCHAR(100) NOT NULL,
    created_at    BIGINT       NOT NULL,
    created_by    VARCHAR(320) NOT NULL,
    revoked_at    BIGINT
);

-- People. email is stored lower-case; password_hash is a PHC string ($argon2id$...) or NULL for people who are
-- only paged.
CREATE TABLE app_user (
    id            VARCHAR(32)  NOT NULL PRIMARY KEY,
    email         VARCHAR(254) NOT NULL UNIQUE,
    name          VARCHAR(200) NOT NULL,
    role          VARCHAR(32)  NOT NULL,
    time_zone     VARCHAR(64)  NOT NULL,
    password_hash VARCHAR(255),
    created_at    BIGINT       NOT NULL
);

-- Login sessions, keyed by the SHA-256 of the token the browser holds.
CREATE TABLE user_session (
    token_sha256 VARCHAR(64) NOT NULL PRIMARY KEY,
    user_id      VARCHAR(32) NOT NULL REFERENCES app_user (id) ON DELETE CASCADE,
    created_at   BIGINT      NOT NULL,
    expires_at   BIGINT      NOT NULL
);

CREATE INDEX user_session_user_id ON user_session (user_id);
CREATE INDEX user_session_expires_at ON user_session (expires_at);

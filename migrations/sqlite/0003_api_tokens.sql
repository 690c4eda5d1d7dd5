-- Personal API tokens. Only a SHA-256 hash of each token is kept.
CREATE TABLE api_tokens (
    id            INTEGER PRIMARY KEY AUTOINCREMENT,
    user_id       INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    name          TEXT    NOT NULL CHECK (length(name) BETWEEN 1 AND 100),
    token_hash    TEXT    NOT NULL UNIQUE,
    created_at    TEXT    NOT NULL DEFAULT CURRENT_TIMESTAMP,
    last_used_at  TEXT
);

CREATE INDEX api_tokens_user ON api_tokens (user_id, id);

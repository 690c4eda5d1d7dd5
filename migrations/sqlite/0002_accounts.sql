-- Accounts, their server-side sessions, and an owner for every to-do.
CREATE TABLE users (
    id                  INTEGER PRIMARY KEY AUTOINCREMENT,
    username            TEXT    NOT NULL CHECK (length(username) BETWEEN 3 AND 32),
    password_hash       TEXT    NOT NULL,
    -- Bumped when the password changes: sessions signed in under an older value end.
    session_generation  INTEGER NOT NULL DEFAULT 0,
    created_at          TEXT    NOT NULL DEFAULT CURRENT_TIMESTAMP,
    updated_at          TEXT    NOT NULL DEFAULT CURRENT_TIMESTAMP
);

-- Usernames are unique whatever their case.
CREATE UNIQUE INDEX users_username ON users (lower(username));

-- The layout tower-sessions' sqlx store reads and writes.
CREATE TABLE sessions (
    id           TEXT    PRIMARY KEY NOT NULL,
    data         BLOB    NOT NULL,
    expiry_date  INTEGER NOT NULL
);

CREATE INDEX sessions_expiry ON sessions (expiry_date);

-- To-dos made before accounts existed have no owner: the first account to sign up adopts them.
ALTER TABLE todos ADD COLUMN user_id INTEGER REFERENCES users (id) ON DELETE CASCADE;

DROP INDEX todos_position;
CREATE INDEX todos_user_position ON todos (user_id, position, id);

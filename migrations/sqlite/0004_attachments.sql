-- Files attached to to-dos. The bytes live in storage under `storage_key`; the row is written
-- in the same transaction that moves the finished file into place.
CREATE TABLE attachments (
    id            INTEGER PRIMARY KEY AUTOINCREMENT,
    todo_id       INTEGER NOT NULL REFERENCES todos (id) ON DELETE CASCADE,
    user_id       INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    storage_key   TEXT    NOT NULL UNIQUE,
    file_name     TEXT    NOT NULL,
    content_type  TEXT    NOT NULL,
    size_bytes    INTEGER NOT NULL,
    sha256        TEXT    NOT NULL,
    created_at    TEXT    NOT NULL DEFAULT CURRENT_TIMESTAMP
);

CREATE INDEX attachments_todo ON attachments (todo_id, id);
CREATE INDEX attachments_user ON attachments (user_id);

-- Files whose rows are gone (deleted directly, or with their to-do or account). The server
-- deletes each file, then its entry here; a crash in between only means trying again.
CREATE TABLE attachment_garbage (
    storage_key  TEXT PRIMARY KEY NOT NULL
);

CREATE TRIGGER attachments_to_garbage AFTER DELETE ON attachments
BEGIN
    INSERT OR IGNORE INTO attachment_garbage (storage_key) VALUES (OLD.storage_key);
END;

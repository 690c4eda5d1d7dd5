-- Many lists per user, shared with other users as editors or viewers. Every user gets an
-- Inbox, and their to-dos move there. Tick applies this with foreign keys switched off (see
-- `db::migrate_sqlite`), so that rebuilding `todos` leaves `attachments` alone, and checks
-- every reference afterwards.

CREATE TABLE lists (
    id          INTEGER PRIMARY KEY AUTOINCREMENT,
    owner_id    INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    name        TEXT    NOT NULL CHECK (length(name) BETWEEN 1 AND 100),
    -- Each user's first list: it cannot be deleted, and `/` shows it.
    inbox       BOOLEAN NOT NULL DEFAULT FALSE,
    -- Bumped by the triggers below whenever anything the list's pages show changes: kept pages
    -- and event streams compare it.
    version     INTEGER NOT NULL DEFAULT 0,
    created_at  TEXT    NOT NULL DEFAULT CURRENT_TIMESTAMP,
    updated_at  TEXT    NOT NULL DEFAULT CURRENT_TIMESTAMP
);

CREATE UNIQUE INDEX lists_one_inbox ON lists (owner_id) WHERE inbox;
CREATE INDEX lists_owner ON lists (owner_id, id);

-- Who may see and change a list. The owner has a row too, so that one join answers every
-- access question.
CREATE TABLE list_members (
    list_id     INTEGER NOT NULL REFERENCES lists (id) ON DELETE CASCADE,
    user_id     INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    role        TEXT    NOT NULL CHECK (role IN ('owner', 'editor', 'viewer')),
    created_at  TEXT    NOT NULL DEFAULT CURRENT_TIMESTAMP,
    PRIMARY KEY (list_id, user_id)
);

CREATE INDEX list_members_user ON list_members (user_id, list_id);

INSERT INTO lists (owner_id, name, inbox) SELECT id, 'Inbox', TRUE FROM users;
INSERT INTO list_members (list_id, user_id, role) SELECT id, owner_id, 'owner' FROM lists;

-- The user-wide version gives way to one per list.
DROP TRIGGER todos_insert_bumps_list_version;
DROP TRIGGER todos_update_bumps_list_version;
DROP TRIGGER todos_delete_bumps_list_version;
DROP TRIGGER attachments_insert_bumps_list_version;
DROP TRIGGER attachments_delete_bumps_list_version;

-- To-dos belong to a list instead of a user. (`list_id` is empty only for to-dos made before
-- accounts existed, which the first account adopts.)
CREATE TEMP TABLE todos_sequence AS SELECT seq FROM sqlite_sequence WHERE name = 'todos';

CREATE TABLE todos_new (
    id          INTEGER PRIMARY KEY AUTOINCREMENT,
    list_id     INTEGER REFERENCES lists (id) ON DELETE CASCADE,
    title       TEXT    NOT NULL CHECK (length(title) BETWEEN 1 AND 500),
    completed   BOOLEAN NOT NULL DEFAULT FALSE,
    position    INTEGER NOT NULL,
    created_at  TEXT    NOT NULL DEFAULT CURRENT_TIMESTAMP,
    updated_at  TEXT    NOT NULL DEFAULT CURRENT_TIMESTAMP
);

INSERT INTO todos_new (id, list_id, title, completed, position, created_at, updated_at)
SELECT t.id, (SELECT l.id FROM lists l WHERE l.owner_id = t.user_id AND l.inbox), t.title,
       t.completed, t.position, t.created_at, t.updated_at
FROM todos t;

DROP TABLE todos;
ALTER TABLE todos_new RENAME TO todos;
-- Ids of deleted to-dos are never handed out again.
UPDATE sqlite_sequence
SET seq = MAX(seq, COALESCE((SELECT seq FROM todos_sequence), 0))
WHERE name = 'todos';
DROP TABLE todos_sequence;

CREATE INDEX todos_list_position ON todos (list_id, position, id);

-- Now bumped whenever the user's lists change (names, members, roles): the list menu.
ALTER TABLE users RENAME COLUMN list_version TO lists_version;

CREATE TRIGGER todos_insert_bumps_list AFTER INSERT ON todos
WHEN NEW.list_id IS NOT NULL
BEGIN
    UPDATE lists SET version = version + 1 WHERE id = NEW.list_id;
END;

CREATE TRIGGER todos_update_bumps_list AFTER UPDATE ON todos
BEGIN
    UPDATE lists SET version = version + 1 WHERE id IN (NEW.list_id, OLD.list_id);
END;

CREATE TRIGGER todos_delete_bumps_list AFTER DELETE ON todos
WHEN OLD.list_id IS NOT NULL
BEGIN
    UPDATE lists SET version = version + 1 WHERE id = OLD.list_id;
END;

CREATE TRIGGER attachments_insert_bumps_list AFTER INSERT ON attachments
BEGIN
    UPDATE lists SET version = version + 1
    WHERE id = (SELECT list_id FROM todos WHERE id = NEW.todo_id);
END;

CREATE TRIGGER attachments_delete_bumps_list AFTER DELETE ON attachments
BEGIN
    UPDATE lists SET version = version + 1
    WHERE id = (SELECT list_id FROM todos WHERE id = OLD.todo_id);
END;

CREATE TRIGGER list_members_insert_bumps AFTER INSERT ON list_members
BEGIN
    UPDATE lists SET version = version + 1 WHERE id = NEW.list_id;
    UPDATE users SET lists_version = lists_version + 1 WHERE id = NEW.user_id;
END;

CREATE TRIGGER list_members_update_bumps AFTER UPDATE ON list_members
BEGIN
    UPDATE lists SET version = version + 1 WHERE id = NEW.list_id;
    UPDATE users SET lists_version = lists_version + 1 WHERE id = NEW.user_id;
END;

CREATE TRIGGER list_members_delete_bumps AFTER DELETE ON list_members
BEGIN
    UPDATE lists SET version = version + 1 WHERE id = OLD.list_id;
    UPDATE users SET lists_version = lists_version + 1 WHERE id = OLD.user_id;
END;

CREATE TRIGGER lists_rename_bumps AFTER UPDATE OF name ON lists
BEGIN
    UPDATE users SET lists_version = lists_version + 1
    WHERE id IN (SELECT user_id FROM list_members WHERE list_id = NEW.id);
END;

-- Many lists per user, shared with other users as editors or viewers. Every user gets an
-- Inbox, and their to-dos move there.

CREATE TABLE lists (
    id          BIGINT      GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    owner_id    BIGINT      NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    name        TEXT        NOT NULL CHECK (char_length(name) BETWEEN 1 AND 100),
    -- Each user's first list: it cannot be deleted, and `/` shows it.
    inbox       BOOLEAN     NOT NULL DEFAULT FALSE,
    -- Bumped by the triggers below whenever anything the list's pages show changes: kept pages
    -- and event streams compare it.
    version     BIGINT      NOT NULL DEFAULT 0,
    created_at  TIMESTAMPTZ NOT NULL DEFAULT CURRENT_TIMESTAMP,
    updated_at  TIMESTAMPTZ NOT NULL DEFAULT CURRENT_TIMESTAMP
);

CREATE UNIQUE INDEX lists_one_inbox ON lists (owner_id) WHERE inbox;
CREATE INDEX lists_owner ON lists (owner_id, id);

-- Who may see and change a list. The owner has a row too, so that one join answers every
-- access question.
CREATE TABLE list_members (
    list_id     BIGINT      NOT NULL REFERENCES lists (id) ON DELETE CASCADE,
    user_id     BIGINT      NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    role        TEXT        NOT NULL CHECK (role IN ('owner', 'editor', 'viewer')),
    created_at  TIMESTAMPTZ NOT NULL DEFAULT CURRENT_TIMESTAMP,
    PRIMARY KEY (list_id, user_id)
);

CREATE INDEX list_members_user ON list_members (user_id, list_id);

INSERT INTO lists (owner_id, name, inbox) SELECT id, 'Inbox', TRUE FROM users ORDER BY id;
INSERT INTO list_members (list_id, user_id, role) SELECT id, owner_id, 'owner' FROM lists;

-- The user-wide version gives way to one per list.
DROP TRIGGER todos_insert_bumps_list_version ON todos;
DROP TRIGGER todos_update_bumps_list_version ON todos;
DROP TRIGGER todos_delete_bumps_list_version ON todos;
DROP TRIGGER attachments_insert_bumps_list_version ON attachments;
DROP TRIGGER attachments_delete_bumps_list_version ON attachments;
DROP FUNCTION bump_list_version();

-- To-dos belong to a list instead of a user. (`list_id` is empty only for to-dos made before
-- accounts existed, which the first account adopts.)
ALTER TABLE todos ADD COLUMN list_id BIGINT REFERENCES lists (id) ON DELETE CASCADE;
UPDATE todos t SET list_id = l.id FROM lists l WHERE l.owner_id = t.user_id AND l.inbox;
DROP INDEX todos_user_position;
ALTER TABLE todos DROP COLUMN user_id;
CREATE INDEX todos_list_position ON todos (list_id, position, id);

-- Now bumped whenever the user's lists change (names, members, roles): the list menu.
ALTER TABLE users RENAME COLUMN list_version TO lists_version;

-- Statement-level: each statement bumps each list once, after it has locked every row it
-- changes (row-level triggers would take the list's lock between two to-do rows).
CREATE FUNCTION bump_lists_of_todos() RETURNS trigger AS $$
BEGIN
    UPDATE lists SET version = version + 1
    WHERE id IN (SELECT DISTINCT list_id FROM changed WHERE list_id IS NOT NULL);
    RETURN NULL;
END
$$ LANGUAGE plpgsql;

CREATE TRIGGER todos_insert_bumps_list AFTER INSERT ON todos
    REFERENCING NEW TABLE AS changed
    FOR EACH STATEMENT EXECUTE FUNCTION bump_lists_of_todos();

CREATE TRIGGER todos_update_bumps_list AFTER UPDATE ON todos
    REFERENCING NEW TABLE AS changed
    FOR EACH STATEMENT EXECUTE FUNCTION bump_lists_of_todos();

CREATE TRIGGER todos_delete_bumps_list AFTER DELETE ON todos
    REFERENCING OLD TABLE AS changed
    FOR EACH STATEMENT EXECUTE FUNCTION bump_lists_of_todos();

CREATE FUNCTION bump_lists_of_attachments() RETURNS trigger AS $$
BEGIN
    UPDATE lists SET version = version + 1
    WHERE id IN (SELECT DISTINCT t.list_id FROM changed c JOIN todos t ON t.id = c.todo_id);
    RETURN NULL;
END
$$ LANGUAGE plpgsql;

CREATE TRIGGER attachments_insert_bumps_list AFTER INSERT ON attachments
    REFERENCING NEW TABLE AS changed
    FOR EACH STATEMENT EXECUTE FUNCTION bump_lists_of_attachments();

CREATE TRIGGER attachments_delete_bumps_list AFTER DELETE ON attachments
    REFERENCING OLD TABLE AS changed
    FOR EACH STATEMENT EXECUTE FUNCTION bump_lists_of_attachments();

-- A member joining, changing role or leaving changes the list and that member's list menu.
CREATE FUNCTION bump_on_membership() RETURNS trigger AS $$
DECLARE
    member list_members;
BEGIN
    IF TG_OP = 'DELETE' THEN
        member := OLD;
    ELSE
        member := NEW;
    END IF;
    UPDATE lists SET version = version + 1 WHERE id = member.list_id;
    UPDATE users SET lists_version = lists_version + 1 WHERE id = member.user_id;
    RETURN NULL;
END
$$ LANGUAGE plpgsql;

CREATE TRIGGER list_members_bump AFTER INSERT OR UPDATE OR DELETE ON list_members
    FOR EACH ROW EXECUTE FUNCTION bump_on_membership();

CREATE FUNCTION bump_on_rename() RETURNS trigger AS $$
BEGIN
    UPDATE users SET lists_version = lists_version + 1
    WHERE id IN (SELECT user_id FROM list_members WHERE list_id = NEW.id);
    RETURN NULL;
END
$$ LANGUAGE plpgsql;

CREATE TRIGGER lists_rename_bumps AFTER UPDATE OF name ON lists
    FOR EACH ROW EXECUTE FUNCTION bump_on_rename();

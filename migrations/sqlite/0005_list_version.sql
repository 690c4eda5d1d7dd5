-- A number that changes whenever anything a user's to-do pages show changes: their to-dos or
-- attachments. The server keeps rendered pages in memory under it, and reading it with the user
-- on every request tells whether a kept page is still current, whichever process wrote.
ALTER TABLE users ADD COLUMN list_version INTEGER NOT NULL DEFAULT 0;

CREATE TRIGGER todos_insert_bumps_list_version AFTER INSERT ON todos
WHEN NEW.user_id IS NOT NULL
BEGIN
    UPDATE users SET list_version = list_version + 1 WHERE id = NEW.user_id;
END;

-- `user_id` changes only when the first account adopts the to-dos made before accounts existed.
CREATE TRIGGER todos_update_bumps_list_version AFTER UPDATE ON todos
WHEN NEW.user_id IS NOT NULL
BEGIN
    UPDATE users SET list_version = list_version + 1 WHERE id = NEW.user_id;
END;

CREATE TRIGGER todos_delete_bumps_list_version AFTER DELETE ON todos
WHEN OLD.user_id IS NOT NULL
BEGIN
    UPDATE users SET list_version = list_version + 1 WHERE id = OLD.user_id;
END;

CREATE TRIGGER attachments_insert_bumps_list_version AFTER INSERT ON attachments
BEGIN
    UPDATE users SET list_version = list_version + 1 WHERE id = NEW.user_id;
END;

CREATE TRIGGER attachments_delete_bumps_list_version AFTER DELETE ON attachments
BEGIN
    UPDATE users SET list_version = list_version + 1 WHERE id = OLD.user_id;
END;

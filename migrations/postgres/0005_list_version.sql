-- A number that changes whenever anything a user's to-do pages show changes: their to-dos or
-- attachments. The server keeps rendered pages in memory under it, and reading it with the user
-- on every request tells whether a kept page is still current, whichever process wrote.
ALTER TABLE users ADD COLUMN list_version BIGINT NOT NULL DEFAULT 0;

-- Statement-level: each statement bumps the users row once, after it has locked every row it
-- changes. Row-level triggers would take the users row's lock between two to-do rows, and two
-- statements for one user could then wait on each other.
CREATE FUNCTION bump_list_version() RETURNS trigger AS $$
BEGIN
    UPDATE users SET list_version = list_version + 1
    WHERE id IN (SELECT DISTINCT user_id FROM changed WHERE user_id IS NOT NULL);
    RETURN NULL;
END
$$ LANGUAGE plpgsql;

CREATE TRIGGER todos_insert_bumps_list_version AFTER INSERT ON todos
    REFERENCING NEW TABLE AS changed
    FOR EACH STATEMENT EXECUTE FUNCTION bump_list_version();

-- `user_id` changes only when the first account adopts the to-dos made before accounts existed.
CREATE TRIGGER todos_update_bumps_list_version AFTER UPDATE ON todos
    REFERENCING NEW TABLE AS changed
    FOR EACH STATEMENT EXECUTE FUNCTION bump_list_version();

CREATE TRIGGER todos_delete_bumps_list_version AFTER DELETE ON todos
    REFERENCING OLD TABLE AS changed
    FOR EACH STATEMENT EXECUTE FUNCTION bump_list_version();

CREATE TRIGGER attachments_insert_bumps_list_version AFTER INSERT ON attachments
    REFERENCING NEW TABLE AS changed
    FOR EACH STATEMENT EXECUTE FUNCTION bump_list_version();

CREATE TRIGGER attachments_delete_bumps_list_version AFTER DELETE ON attachments
    REFERENCING OLD TABLE AS changed
    FOR EACH STATEMENT EXECUTE FUNCTION bump_list_version();

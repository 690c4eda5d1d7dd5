-- On PostgreSQL this version adds the throttle counts that several Tick nodes share. On SQLite
-- one process owns the database and counts in memory: nothing changes. The file keeps the
-- two folders' version numbers the same.
SELECT 1;

-- Throttle counts shared by every Tick node on this database: log-in failures and sign-ups,
-- one counter per key (`login:pair:<name>:<network>`, `login:name:<name>`,
-- `login:network:<network>`, `signup:<network>`) over a window that starts at `since`.
-- Rows are locked while an attempt is checked and counted, so parallel attempts on any nodes
-- cannot all slip past the check; expired rows are deleted every so often.
CREATE TABLE throttle_counts (
    key    TEXT        PRIMARY KEY NOT NULL,
    count  INTEGER     NOT NULL,
    since  TIMESTAMPTZ NOT NULL
);

CREATE INDEX throttle_counts_since ON throttle_counts (since);

//! SQL for `throttle_counts` (PostgreSQL only: on SQLite one process counts in memory). Each
//! key is a counter over a window that starts at `since`; the database's clock is the one
//! clock every node shares.

use std::time::Duration;

use sqlx::PgConnection;

/// A counter as read under its row lock: its count and how long ago its window started.
#[derive(Debug, Clone, Copy)]
pub struct Counted {
    pub count: u32,
    pub age: Duration,
}

/// Reads (and locks, until the transaction ends) the counters of `keys`, creating missing
/// ones at zero. Keys are locked in sorted order, so parallel attempts never deadlock.
pub async fn lock(conn: &mut PgConnection, keys: &[String]) -> Result<Vec<Counted>, sqlx::Error> {
    const CREATE: &str = "INSERT INTO throttle_counts (key, count, since) \
                          SELECT key, 0, now() FROM UNNEST($1::text[]) AS key ORDER BY key \
                          ON CONFLICT (key) DO NOTHING";
    const READ: &str = "SELECT key, count, EXTRACT(EPOCH FROM now() - since)::float8 \
                        FROM throttle_counts WHERE key = ANY($1) ORDER BY key FOR UPDATE";
    sqlx::query(CREATE).bind(keys).execute(&mut *conn).await?;
    let rows: Vec<(String, i32, f64)> = sqlx::query_as(READ).bind(keys).fetch_all(conn).await?;
    Ok(keys
        .iter()
        .map(|key| {
            rows.iter().find(|(found, ..)| found == key).map_or(
                Counted {
                    count: 0,
                    age: Duration::ZERO,
                },
                |(_, count, age)| Counted {
                    count: u32::try_from(*count).unwrap_or(0),
                    age: Duration::from_secs_f64(age.max(0.0)),
                },
            )
        })
        .collect())
}

/// Sets a locked counter; `restart` starts its window now.
pub async fn set(
    conn: &mut PgConnection,
    key: &str,
    count: u32,
    restart: bool,
) -> Result<(), sqlx::Error> {
    const SQL: &str = "UPDATE throttle_counts \
                       SET count = $2, since = CASE WHEN $3 THEN now() ELSE since END \
                       WHERE key = $1";
    let count = i32::try_from(count).unwrap_or(i32::MAX);
    sqlx::query(SQL)
        .bind(key)
        .bind(count)
        .bind(restart)
        .execute(conn)
        .await?;
    Ok(())
}

/// Takes one back from each of `keys` (an attempt that was not a failure after all).
pub async fn take_back(conn: &mut PgConnection, keys: &[String]) -> Result<(), sqlx::Error> {
    const SQL: &str = "UPDATE throttle_counts SET count = GREATEST(count - 1, 0) \
                       WHERE key = ANY($1)";
    sqlx::query(SQL).bind(keys).execute(conn).await?;
    Ok(())
}

/// Forgets `keys` altogether.
pub async fn forget(conn: &mut PgConnection, keys: &[String]) -> Result<(), sqlx::Error> {
    const SQL: &str = "DELETE FROM throttle_counts WHERE key = ANY($1)";
    sqlx::query(SQL).bind(keys).execute(conn).await?;
    Ok(())
}

/// Deletes counters whose window started longer ago than `older_than`.
pub async fn delete_expired(
    conn: &mut PgConnection,
    older_than: Duration,
) -> Result<u64, sqlx::Error> {
    const SQL: &str = "DELETE FROM throttle_counts \
                       WHERE since < now() - make_interval(secs => $1)";
    let done = sqlx::query(SQL)
        .bind(older_than.as_secs_f64())
        .execute(conn)
        .await?;
    Ok(done.rows_affected())
}

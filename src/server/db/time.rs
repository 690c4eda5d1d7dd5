//! Timestamps as the databases hold them, decoded into [`Timestamp`]. PostgreSQL has a
//! `timestamptz`; SQLite keeps `CURRENT_TIMESTAMP` text, `YYYY-MM-DD HH:MM:SS` in UTC, read here
//! by a parser for exactly that shape (sqlx's own tries several formats for every value, which
//! costs a page of fifty to-dos a tenth of its rendering time), and by `time`'s RFC 3339
//! parser for anything else.

use sqlx::{
    error::BoxDynError,
    postgres::{PgTypeInfo, PgValueRef},
    sqlite::{SqliteTypeInfo, SqliteValueRef},
    Decode, Postgres, Sqlite, Type,
};
use time::{format_description::well_known::Rfc3339, OffsetDateTime};

use crate::domain::Timestamp;

/// A timestamp column.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct DbTime(pub Timestamp);

fn from_offset(at: OffsetDateTime) -> Timestamp {
    let micros = at.unix_timestamp_nanos() / 1000;
    Timestamp::from_unix_micros(i64::try_from(micros).unwrap_or(i64::MAX))
}

/// `YYYY-MM-DD HH:MM:SS` (UTC) as seconds since the epoch; `None` for any other shape.
fn sqlite_seconds(text: &str) -> Option<i64> {
    let b = text.as_bytes();
    if b.len() != 19
        || b[4] != b'-'
        || b[7] != b'-'
        || b[10] != b' '
        || b[13] != b':'
        || b[16] != b':'
    {
        return None;
    }
    let number = |range: std::ops::Range<usize>| -> Option<i64> {
        b[range].iter().try_fold(0i64, |n, &d| {
            d.is_ascii_digit().then(|| n * 10 + i64::from(d - b'0'))
        })
    };
    let (year, month, day) = (number(0..4)?, number(5..7)?, number(8..10)?);
    let (hour, minute, second) = (number(11..13)?, number(14..16)?, number(17..19)?);
    if !(1..=12).contains(&month)
        || !(1..=31).contains(&day)
        || hour > 23
        || minute > 59
        || second > 60
    {
        return None;
    }
    // Howard Hinnant's `days_from_civil`.
    let y = if month <= 2 { year - 1 } else { year };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let mp = (month + 9) % 12;
    let doy = (153 * mp + 2) / 5 + day - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    let days = era * 146_097 + doe - 719_468;
    Some(days * 86_400 + hour * 3600 + minute * 60 + second)
}

impl Type<Sqlite> for DbTime {
    fn type_info() -> SqliteTypeInfo {
        <OffsetDateTime as Type<Sqlite>>::type_info()
    }

    fn compatible(ty: &SqliteTypeInfo) -> bool {
        <OffsetDateTime as Type<Sqlite>>::compatible(ty)
    }
}

impl<'r> Decode<'r, Sqlite> for DbTime {
    fn decode(value: SqliteValueRef<'r>) -> Result<Self, BoxDynError> {
        let text = <&str as Decode<Sqlite>>::decode(value)?;
        let at = match sqlite_seconds(text) {
            Some(seconds) => Timestamp::from_unix_micros(seconds * 1_000_000),
            None => from_offset(OffsetDateTime::parse(text, &Rfc3339)?),
        };
        Ok(DbTime(at))
    }
}

impl Type<Postgres> for DbTime {
    fn type_info() -> PgTypeInfo {
        <OffsetDateTime as Type<Postgres>>::type_info()
    }
}

impl<'r> Decode<'r, Postgres> for DbTime {
    fn decode(value: PgValueRef<'r>) -> Result<Self, BoxDynError> {
        Ok(DbTime(from_offset(
            <OffsetDateTime as Decode<Postgres>>::decode(value)?,
        )))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sqlite_text_is_read_as_utc() {
        assert_eq!(sqlite_seconds("1970-01-01 00:00:00"), Some(0));
        assert_eq!(sqlite_seconds("2026-11-25 08:30:00"), Some(1_795_595_400));
        assert_eq!(sqlite_seconds("2000-02-29 00:00:00"), Some(951_782_400));
        assert_eq!(sqlite_seconds("2026-11-25T08:30:00Z"), None);
        assert_eq!(sqlite_seconds("2026-13-25 08:30:00"), None);
        assert_eq!(sqlite_seconds("2026-1a-25 08:30:00"), None);
    }

    proptest::proptest! {
        #[test]
        fn the_fast_parser_agrees_with_time(seconds in 0i64..253_402_300_799) {
            let at = OffsetDateTime::from_unix_timestamp(seconds).unwrap();
            let text = format!(
                "{:04}-{:02}-{:02} {:02}:{:02}:{:02}",
                at.year(), u8::from(at.month()), at.day(), at.hour(), at.minute(), at.second()
            );
            proptest::prop_assert_eq!(sqlite_seconds(&text), Some(seconds));
        }
    }
}

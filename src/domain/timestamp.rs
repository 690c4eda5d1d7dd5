//! A point in time, as the database recorded it: microseconds since the Unix epoch, in UTC.
//! Formatted by hand (civil dates from days), so neither half needs a date library for it.

use serde::{Deserialize, Serialize};

/// Microseconds since 1970-01-01T00:00:00Z.
#[derive(
    Debug, Clone, Copy, Default, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize,
)]
#[serde(transparent)]
pub struct Timestamp(pub i64);

impl Timestamp {
    pub fn from_unix_micros(micros: i64) -> Self {
        Timestamp(micros)
    }

    pub fn unix_seconds(self) -> i64 {
        self.0.div_euclid(1_000_000)
    }

    /// RFC 3339 in UTC, to the second: `2026-11-25T08:30:00Z`.
    pub fn rfc3339(self) -> String {
        let (year, month, day, hour, minute, second) = self.civil();
        format!("{year:04}-{month:02}-{day:02}T{hour:02}:{minute:02}:{second:02}Z")
    }

    /// For people, to the minute: `2026-11-25 08:30 UTC`.
    pub fn to_minute(self) -> String {
        let (year, month, day, hour, minute, _) = self.civil();
        format!("{year:04}-{month:02}-{day:02} {hour:02}:{minute:02} UTC")
    }

    /// Year, month, day, hour, minute, second (proleptic Gregorian, UTC).
    fn civil(self) -> (i64, u32, u32, u32, u32, u32) {
        let secs = self.unix_seconds();
        let (days, of_day) = (secs.div_euclid(86_400), secs.rem_euclid(86_400));
        // Howard Hinnant's `civil_from_days`.
        let z = days + 719_468;
        let era = z.div_euclid(146_097);
        let doe = z.rem_euclid(146_097);
        let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
        let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
        let mp = (5 * doy + 2) / 153;
        let day = (doy - (153 * mp + 2) / 5 + 1) as u32;
        let month = if mp < 10 { mp + 3 } else { mp - 9 } as u32;
        let year = yoe + era * 400 + i64::from(month <= 2);
        let of_day = of_day as u32;
        (
            year,
            month,
            day,
            of_day / 3600,
            of_day / 60 % 60,
            of_day % 60,
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formats_utc_to_the_second() {
        assert_eq!(Timestamp(0).rfc3339(), "1970-01-01T00:00:00Z");
        // 2026-11-25T08:30:00Z, with microseconds that are cut.
        let t = Timestamp(1_795_595_400_123_456);
        assert_eq!(t.rfc3339(), "2026-11-25T08:30:00Z");
        assert_eq!(t.to_minute(), "2026-11-25 08:30 UTC");
        // A leap day, and a time before the epoch.
        assert_eq!(
            Timestamp(951_782_400 * 1_000_000).rfc3339(),
            "2000-02-29T00:00:00Z"
        );
        assert_eq!(Timestamp(-1).rfc3339(), "1969-12-31T23:59:59Z");
    }
}

//! The values settings are written in: sizes (`25MiB`), lengths of time (`30s`, `14d`) and a
//! database URL that never shows its password.

use std::{fmt, str::FromStr, time::Duration};

/// The whole number `s` starts with, and the rest (its unit); `None` without such a number.
fn number_and_unit(s: &str) -> Option<(u64, &str)> {
    let split = s.find(|c: char| !c.is_ascii_digit()).unwrap_or(s.len());
    let (number, unit) = s.split_at(split);
    Some((number.parse().ok()?, unit))
}

/// A size: bytes, or a number with `KiB`, `MiB` or `GiB`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ByteSize(pub u64);

impl FromStr for ByteSize {
    type Err = String;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let s = s.trim();
        let (number, unit) = number_and_unit(s)
            .ok_or_else(|| format!("'{s}' is not a size such as 25MiB or 1GiB"))?;
        let unit: u64 = match unit.trim() {
            "" | "B" => 1,
            "KiB" => 1024,
            "MiB" => 1024 * 1024,
            "GiB" => 1024 * 1024 * 1024,
            other => return Err(format!("'{other}' is not a unit: use KiB, MiB or GiB")),
        };
        number
            .checked_mul(unit)
            .filter(|&bytes| bytes > 0)
            .map(ByteSize)
            .ok_or_else(|| format!("'{s}' must be more than zero"))
    }
}

/// A length of time written as a number and a unit: `45s`, `30m`, `12h`, `14d`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Span(pub Duration);

impl FromStr for Span {
    type Err = String;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let s = s.trim();
        let (number, unit) = number_and_unit(s)
            .ok_or_else(|| format!("'{s}' is not a length of time such as 45s, 30m, 12h or 14d"))?;
        let unit_secs = match unit {
            "s" => 1,
            "m" => 60,
            "h" => 60 * 60,
            "d" => 24 * 60 * 60,
            _ => return Err(format!("'{s}' needs a unit: s, m, h or d")),
        };
        let secs = number
            .checked_mul(unit_secs)
            .filter(|&secs| secs > 0 && secs <= Span::LONGEST_SECS)
            .ok_or_else(|| format!("'{s}' must be more than zero and at most 100 years"))?;
        Ok(Span(Duration::from_secs(secs)))
    }
}

impl Span {
    /// A hundred years: longer than anything a setting needs, short enough that adding it to
    /// the current time can never overflow.
    pub const LONGEST_SECS: u64 = 100 * 365 * 24 * 60 * 60;
}

/// A database URL. It may hold a password, so `Debug` hides everything after the scheme.
#[derive(Clone)]
pub struct DatabaseUrl(String);

impl DatabaseUrl {
    pub fn expose(&self) -> &str {
        &self.0
    }
}

impl FromStr for DatabaseUrl {
    type Err = std::convert::Infallible;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Ok(Self(s.to_owned()))
    }
}

impl fmt::Debug for DatabaseUrl {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let scheme = self.0.split(':').next().unwrap_or_default();
        write!(f, "DatabaseUrl({scheme}:…)")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn debug_output_hides_the_password() {
        let url: DatabaseUrl = "postgres://tick:hunter2@db/tick".parse().unwrap();
        let shown = format!("{url:?}");
        assert!(!shown.contains("hunter2"), "{shown}");
        assert_eq!(shown, "DatabaseUrl(postgres:…)");
    }

    #[test]
    fn sizes_take_binary_units() {
        assert_eq!("25MiB".parse(), Ok(ByteSize(25 * 1024 * 1024)));
        assert_eq!("1GiB".parse(), Ok(ByteSize(1 << 30)));
        assert_eq!("4096".parse(), Ok(ByteSize(4096)));
        assert!("25MB".parse::<ByteSize>().is_err());
        assert!("0KiB".parse::<ByteSize>().is_err());
    }

    #[test]
    fn spans_need_a_number_and_a_unit() {
        assert_eq!("45s".parse(), Ok(Span(Duration::from_secs(45))));
        assert_eq!("2h".parse(), Ok(Span(Duration::from_secs(7200))));
        assert!("14".parse::<Span>().is_err());
        assert!("0m".parse::<Span>().is_err());
        assert!("m".parse::<Span>().is_err());
        assert!("3 weeks".parse::<Span>().is_err());
    }

    mod properties {
        use super::*;
        use crate::domain::test_strategies::{padding, text};
        use proptest::{prelude::*, sample::select};

        const SIZE_UNITS: &[(&str, u64)] = &[
            ("", 1),
            ("B", 1),
            ("KiB", 1 << 10),
            ("MiB", 1 << 20),
            ("GiB", 1 << 30),
        ];
        const SPAN_UNITS: &[(&str, u64)] = &[("s", 1), ("m", 60), ("h", 3600), ("d", 86_400)];

        /// Numbers (some past `u64::MAX`) with units, real or not, and anything at all.
        fn setting_like() -> impl Strategy<Value = String> {
            prop_oneof![
                "[0-9]{0,22} ?(B|KiB|MiB|GiB|KB|kib|s|m|h|d|w|ms)?",
                "-?[0-9]{1,5}(\\.[0-9])?[a-zA-Z]{0,3}",
                text(0..=30),
            ]
        }

        /// A unit and a count of it whose product fits in a `u64`.
        /// A unit and a count of it whose product is at most `largest`.
        fn count_of(
            units: &'static [(&'static str, u64)],
            largest: u64,
        ) -> impl Strategy<Value = (u64, &'static str, u64)> {
            select(units).prop_flat_map(move |(unit, scale)| {
                let most = largest / scale;
                (
                    prop_oneof![1..=1000u64, 1..=most, Just(most)],
                    Just(unit),
                    Just(scale),
                )
            })
        }

        /// A unit and a count of it whose product is past `largest`.
        fn overflowing_count_of(
            units: &'static [(&'static str, u64)],
            largest: u64,
        ) -> impl Strategy<Value = (u64, &'static str)> {
            select(units)
                .prop_filter("a count past the largest exists", move |(_, scale)| {
                    largest / scale < u64::MAX
                })
                .prop_flat_map(move |(unit, scale)| (largest / scale + 1..=u64::MAX, Just(unit)))
        }

        /// Whether `number` and `unit` together are refused. (`prop_assert!` can't hold a
        /// `format!` with arguments.)
        fn refuses<T: FromStr>(number: impl fmt::Display, unit: &str) -> bool {
            format!("{number}{unit}").parse::<T>().is_err()
        }

        proptest! {
            #[test]
            fn settings_never_panic(raw in setting_like()) {
                // Whatever the verdict, an accepted value is more than zero.
                if let Ok(ByteSize(bytes)) = raw.parse::<ByteSize>() {
                    prop_assert!(bytes > 0);
                }
                if let Ok(Span(span)) = raw.parse::<Span>() {
                    prop_assert!(!span.is_zero());
                }
            }

            #[test]
            fn sizes_round_trip(
                (count, unit, scale) in count_of(SIZE_UNITS, u64::MAX),
                before in padding(),
                after in padding(),
            ) {
                prop_assert_eq!(
                    format!("{before}{count}{unit}{after}").parse(),
                    Ok(ByteSize(count * scale))
                );
            }

            #[test]
            fn spans_round_trip(
                (count, unit, scale) in count_of(SPAN_UNITS, Span::LONGEST_SECS),
                before in padding(),
                after in padding(),
            ) {
                prop_assert_eq!(
                    format!("{before}{count}{unit}{after}").parse(),
                    Ok(Span(Duration::from_secs(count * scale)))
                );
            }

            #[test]
            fn zero_is_refused(
                zeros in "0{1,5}",
                size_unit in select(SIZE_UNITS),
                span_unit in select(SPAN_UNITS),
            ) {
                prop_assert!(refuses::<ByteSize>(&zeros, size_unit.0));
                prop_assert!(refuses::<Span>(&zeros, span_unit.0));
            }

            #[test]
            fn overflow_is_refused(
                (size_count, size_unit) in overflowing_count_of(SIZE_UNITS, u64::MAX),
                (span_count, span_unit) in overflowing_count_of(SPAN_UNITS, Span::LONGEST_SECS),
                too_many_digits in "[1-9][0-9]{20,30}",
            ) {
                prop_assert!(refuses::<ByteSize>(size_count, size_unit));
                prop_assert!(refuses::<Span>(span_count, span_unit));
                prop_assert!(refuses::<ByteSize>(&too_many_digits, ""));
                prop_assert!(refuses::<Span>(&too_many_digits, "s"));
            }
        }
    }
}

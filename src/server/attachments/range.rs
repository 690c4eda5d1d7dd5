//! `Range` requests on a file of known size, per RFC 9110: the header is parsed by
//! `http-range-header` (the parser tower-http uses); what a valid range means for this file
//! (clamping, suffixes longer than the file, ranges past its end) is decided here.

use std::ops::Range;

use http_range_header::{parse_range_header, EndPosition, StartPosition};

/// How to answer a request with a `Range` header.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum RangeAnswer {
    /// 200 with the whole file: the header is not valid (so it is ignored), or asks for
    /// several ranges (which a server may answer whole).
    Whole,
    /// 416: the range starts at or past the end of the file.
    Unsatisfiable,
    /// 206 with these bytes (never empty, never past the end).
    Part(Range<u64>),
}

/// The answer to `header` for a file of `size` bytes.
pub fn answer(header: &str, size: u64) -> RangeAnswer {
    let Ok(parsed) = parse_range_header(header.trim()) else {
        return RangeAnswer::Whole;
    };
    let [range] = parsed.ranges.as_slice() else {
        return RangeAnswer::Whole;
    };
    match (range.start, range.end) {
        // `last` before `first` is not a valid range: ignore the header.
        (StartPosition::Index(first), EndPosition::Index(last)) if first > last => {
            RangeAnswer::Whole
        }
        // A suffix longer than the file means the whole file.
        (StartPosition::FromLast(length), _) if size > 0 => {
            RangeAnswer::Part(size - length.min(size)..size)
        }
        (StartPosition::FromLast(_), _) => RangeAnswer::Unsatisfiable,
        (StartPosition::Index(first), _) if first >= size => RangeAnswer::Unsatisfiable,
        (StartPosition::Index(first), EndPosition::Index(last)) => {
            // `last` may be anything up to u64::MAX: clamp before adding one.
            RangeAnswer::Part(first..last.min(size - 1) + 1)
        }
        (StartPosition::Index(first), EndPosition::LastByte) => RangeAnswer::Part(first..size),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn single_ranges() {
        assert_eq!(answer("bytes=0-9", 100), RangeAnswer::Part(0..10));
        assert_eq!(answer("bytes=90-", 100), RangeAnswer::Part(90..100));
        assert_eq!(answer("bytes=-10", 100), RangeAnswer::Part(90..100));
        assert_eq!(answer("bytes=95-200", 100), RangeAnswer::Part(95..100));
        assert_eq!(answer("bytes=100-", 100), RangeAnswer::Unsatisfiable);
        assert_eq!(answer("bytes=0-1,5-6", 100), RangeAnswer::Whole);
        assert_eq!(answer("items=0-1", 100), RangeAnswer::Whole);
        assert_eq!(answer("bytes=5-2", 100), RangeAnswer::Whole);
    }

    #[test]
    fn the_largest_end_is_clamped_not_wrapped() {
        assert_eq!(
            answer("bytes=0-18446744073709551615", 100),
            RangeAnswer::Part(0..100)
        );
        assert_eq!(
            answer("bytes=-18446744073709551615", 100),
            RangeAnswer::Part(0..100)
        );
    }

    #[test]
    fn an_empty_file_has_no_ranges() {
        assert_eq!(answer("bytes=0-", 0), RangeAnswer::Unsatisfiable);
        assert_eq!(answer("bytes=-5", 0), RangeAnswer::Unsatisfiable);
    }

    proptest! {
        #[test]
        fn never_panics_and_parts_lie_within_the_file(header in ".{0,40}", size in any::<u64>()) {
            if let RangeAnswer::Part(range) = answer(&header, size) {
                prop_assert!(range.start < range.end && range.end <= size);
            }
        }

        #[test]
        fn byte_ranges_are_clamped_to_the_file(
            first in any::<u64>(),
            extra in any::<u64>(),
            size in 0u64..1_000_000,
        ) {
            let last = first.saturating_add(extra);
            let got = answer(&format!("bytes={first}-{last}"), size);
            if first >= size {
                prop_assert_eq!(got, RangeAnswer::Unsatisfiable);
            } else {
                prop_assert_eq!(got, RangeAnswer::Part(first..last.min(size - 1) + 1));
            }
        }

        #[test]
        fn suffixes_take_the_end_of_the_file(length in 1u64.., size in 1u64..) {
            let got = answer(&format!("bytes=-{length}"), size);
            prop_assert_eq!(got, RangeAnswer::Part(size - length.min(size)..size));
        }

        #[test]
        fn open_ranges_run_to_the_end(first in any::<u64>(), size in any::<u64>()) {
            let expected = if first < size {
                RangeAnswer::Part(first..size)
            } else {
                RangeAnswer::Unsatisfiable
            };
            prop_assert_eq!(answer(&format!("bytes={first}-"), size), expected);
        }
    }
}

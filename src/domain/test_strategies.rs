//! Input generators for the property tests of the parsers that face the network.

use std::ops::RangeInclusive;

use proptest::{collection::SizeRange, prelude::*, sample::select};

/// Characters that trip up parsers: path separators, dots, controls, Unicode whitespace, bidi
/// and zero-width marks, the byte order mark, and multi-byte letters.
const TRICKY: &[char] = &[
    '/', '\\', '.', ' ', '\t', '\n', '\r', '\0', '\u{7F}', '\u{85}', '\u{A0}', '\u{3000}',
    '\u{2028}', '\u{061C}', '\u{200B}', '\u{200D}', '\u{200E}', '\u{200F}', '\u{202A}', '\u{202E}',
    '\u{2060}', '\u{2066}', '\u{2069}', '\u{FEFF}', 'é', '€', '🦀',
];

/// Every character that `str::trim` removes (Unicode `White_Space`).
pub const WHITESPACE: &[char] = &[
    '\t', '\n', '\u{0B}', '\u{0C}', '\r', ' ', '\u{85}', '\u{A0}', '\u{1680}', '\u{2000}',
    '\u{2001}', '\u{2002}', '\u{2003}', '\u{2004}', '\u{2005}', '\u{2006}', '\u{2007}', '\u{2008}',
    '\u{2009}', '\u{200A}', '\u{2028}', '\u{2029}', '\u{202F}', '\u{205F}', '\u{3000}',
];

/// Any string (controls, format characters and unassigned code points included, which
/// `any::<String>()` leaves out), leaning on ASCII and on [`TRICKY`] characters. `chars` is its
/// length in characters.
pub fn text(chars: impl Into<SizeRange>) -> impl Strategy<Value = String> {
    let char = prop_oneof![
        4 => any::<char>(),
        3 => select(TRICKY),
        3 => proptest::char::range('!', '~'),
    ];
    proptest::collection::vec(char, chars).prop_map(String::from_iter)
}

/// A long string of exactly `chars` characters: a short [`text`] repeated (much quicker to make
/// and to shrink than as many random characters).
pub fn long_text(chars: RangeInclusive<usize>) -> impl Strategy<Value = String> {
    (text(1..=24), chars).prop_map(|(seed, len)| seed.chars().cycle().take(len).collect())
}

/// Up to three characters of whitespace, for padding.
pub fn padding() -> impl Strategy<Value = String> {
    proptest::collection::vec(select(WHITESPACE), 0..=3).prop_map(String::from_iter)
}

#[test]
fn whitespace_is_all_that_trim_removes() {
    let trimmed: Vec<char> = (0..=u32::from(char::MAX))
        .filter_map(char::from_u32)
        .filter(|c| c.to_string().trim().is_empty())
        .collect();
    assert_eq!(trimmed, WHITESPACE);
}

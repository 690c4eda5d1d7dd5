//! Files attached to to-dos: what the page shows of them, and how a client's file name is
//! cleaned before it is ever displayed (it is never used as a path).

use serde::{Deserialize, Serialize};

/// One attachment as the list shows it.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct Attachment {
    pub id: i64,
    pub todo_id: i64,
    /// The client's name for it, cleaned by [`clean_file_name`].
    pub file_name: String,
    /// Decided from the file's first bytes, never from the client's claim.
    pub content_type: String,
    pub size_bytes: i64,
}

impl Attachment {
    /// PNG, JPEG, GIF and WebP get a preview; everything else is only a download.
    pub fn is_image(&self) -> bool {
        matches!(
            self.content_type.as_str(),
            "image/png" | "image/jpeg" | "image/gif" | "image/webp"
        )
    }

    pub fn url(&self) -> String {
        format!("/attachments/{}", self.id)
    }
}

/// `1.5 MB`, `312 KB`, `12 bytes`: one decimal under 10, rounded half up. Whole numbers only,
/// so the browser half carries no float formatting.
pub fn human_size(bytes: i64) -> String {
    const UNITS: [&str; 4] = ["KB", "MB", "GB", "TB"];
    let bytes = u64::try_from(bytes).unwrap_or(0);
    if bytes < 1000 {
        return format!("{bytes} bytes");
    }
    let (mut divisor, mut unit) = (1000u64, 0);
    while bytes >= divisor * 1000 && unit < UNITS.len() - 1 {
        divisor *= 1000;
        unit += 1;
    }
    // Under 10 of the unit: tenths (`bytes` is small there, so `bytes * 10` cannot overflow).
    if bytes < 10 * divisor {
        let tenths = (bytes * 10 + divisor / 2) / divisor;
        if tenths < 100 {
            return format!("{}.{} {}", tenths / 10, tenths % 10, UNITS[unit]);
        }
    }
    // `bytes` came from an i64, so adding half a unit stays within u64.
    format!("{} {}", (bytes + divisor / 2) / divisor, UNITS[unit])
}

/// The most characters of a file name kept.
pub const MAX_FILE_NAME_CHARS: usize = 200;

/// The last path part of `raw`, without control characters or bidirectional overrides,
/// trimmed and at most [`MAX_FILE_NAME_CHARS`]; `file` when nothing is left.
pub fn clean_file_name(raw: &str) -> String {
    let last = raw.rsplit(['/', '\\']).next().unwrap_or_default();
    let cleaned: String = last
        .chars()
        .filter(|c| !c.is_control() && !is_invisible_format(*c))
        .take(MAX_FILE_NAME_CHARS)
        .collect();
    // Dots and spaces may alternate (". .env"): strip them together.
    let cleaned = cleaned
        .trim_start_matches(|c: char| c == '.' || c.is_whitespace())
        .trim_end();
    if cleaned.is_empty() {
        "file".to_owned()
    } else {
        cleaned.to_owned()
    }
}

/// Characters that change how text around them is shown: direction marks, embeddings,
/// overrides and isolates (Unicode's `Bidi_Control`), zero-width characters, the byte order mark.
fn is_invisible_format(c: char) -> bool {
    matches!(
        c,
        '\u{061C}'
            | '\u{200B}'..='\u{200F}'
            | '\u{202A}'..='\u{202E}'
            | '\u{2060}'..='\u{2069}'
            | '\u{FEFF}'
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn path_parts_are_dropped() {
        assert_eq!(clean_file_name("../../etc/passwd"), "passwd");
        assert_eq!(clean_file_name("C:\\Users\\me\\report.pdf"), "report.pdf");
        assert_eq!(clean_file_name("../.."), "file");
        assert_eq!(clean_file_name(".hidden"), "hidden");
        assert_eq!(clean_file_name(""), "file");
    }

    #[test]
    fn control_and_direction_characters_are_removed() {
        assert_eq!(clean_file_name("a\0b\nc.txt"), "abc.txt");
        // With U+202E kept, "invoice<U+202E>fdp.exe" would show as "invoiceexe.pdf".
        assert_eq!(clean_file_name("invoice\u{202E}fdp.exe"), "invoicefdp.exe");
        assert_eq!(clean_file_name("\u{200F}name\u{FEFF}.png"), "name.png");
        assert_eq!(clean_file_name("\u{061C}name.png"), "name.png");
    }

    #[test]
    fn dots_and_spaces_in_any_order_cannot_hide_a_name() {
        assert_eq!(clean_file_name(". .env"), "env");
        assert_eq!(clean_file_name(" . . .bashrc "), "bashrc");
        assert_eq!(clean_file_name(". ."), "file");
    }

    #[test]
    fn long_names_are_cut_by_characters() {
        let long = "é".repeat(500);
        assert_eq!(clean_file_name(&long).chars().count(), MAX_FILE_NAME_CHARS);
    }

    #[test]
    fn sizes_read_naturally() {
        assert_eq!(human_size(12), "12 bytes");
        assert_eq!(human_size(1_500), "1.5 KB");
        assert_eq!(human_size(312_000), "312 KB");
        assert_eq!(human_size(25 * 1024 * 1024), "26 MB");
        assert_eq!(human_size(999), "999 bytes");
        assert_eq!(human_size(1_000), "1.0 KB");
        assert_eq!(human_size(9_949), "9.9 KB");
        assert_eq!(human_size(9_950), "10 KB");
        assert_eq!(human_size(1_250_000_000), "1.3 GB");
        assert_eq!(human_size(5_000_000_000_000_000), "5000 TB");
        assert_eq!(human_size(-1), "0 bytes");
        assert_eq!(human_size(i64::MAX), "9223372 TB");
    }

    mod properties {
        use super::*;
        use crate::domain::test_strategies::{long_text, text};
        use proptest::prelude::*;

        /// Unicode's `Bidi_Control` characters, and the invisible ones: zero-width characters,
        /// word joiner and invisible operators, byte order mark.
        fn is_bidi_or_invisible(c: char) -> bool {
            matches!(
                c,
                '\u{061C}'
                    | '\u{200E}'
                    | '\u{200F}'
                    | '\u{202A}'..='\u{202E}'
                    | '\u{2066}'..='\u{2069}'
                    | '\u{200B}'..='\u{200D}'
                    | '\u{2060}'..='\u{2064}'
                    | '\u{FEFF}'
            )
        }

        /// Names, names behind dots and spaces, paths of names, and names far over the limit.
        fn file_name_like() -> impl Strategy<Value = String> {
            prop_oneof![
                text(0..=40),
                ("[. \t\u{A0}]{0,6}", text(0..=12)).prop_map(|(dots, name)| dots + &name),
                proptest::collection::vec(text(0..=12), 1..=4).prop_map(|parts| parts.join("/")),
                long_text(MAX_FILE_NAME_CHARS - 10..=MAX_FILE_NAME_CHARS + 60),
            ]
        }

        /// The size a `human_size` text stands for, in bytes, and its unit (0 = bytes, 1 = KB…).
        fn shown_bytes_and_unit(shown: &str) -> (u128, u32) {
            let (number, unit) = shown.split_once(' ').expect("a number and a unit");
            let unit = ["bytes", "KB", "MB", "GB", "TB"]
                .iter()
                .position(|&u| u == unit)
                .expect("a known unit") as u32;
            let scale = 1000u128.pow(unit);
            let bytes = match number.split_once('.') {
                Some((whole, tenth)) => {
                    assert_eq!(tenth.len(), 1, "{shown}");
                    (whole.parse::<u128>().unwrap() * 10 + tenth.parse::<u128>().unwrap()) * scale
                        / 10
                }
                None => number.parse::<u128>().unwrap() * scale,
            };
            (bytes, unit)
        }

        /// Sizes near the points where `human_size` changes unit or precision (k × 10^e).
        fn size_near_a_switch() -> impl Strategy<Value = i64> {
            (1i64..=9999, 0u32..=15, -1000i64..=1000)
                .prop_map(|(k, e, offset)| k.saturating_mul(10i64.pow(e)).saturating_add(offset))
        }

        proptest! {
            #[test]
            fn cleaned_names_are_safe_to_show(raw in file_name_like()) {
                let cleaned = clean_file_name(&raw);
                prop_assert!(!cleaned.is_empty());
                prop_assert!(cleaned.chars().count() <= MAX_FILE_NAME_CHARS);
                prop_assert!(!cleaned.contains(['/', '\\']));
                prop_assert!(!cleaned.chars().any(|c| c.is_control() || is_bidi_or_invisible(c)));
                prop_assert!(!cleaned.starts_with('.'));
                prop_assert_eq!(cleaned.trim(), cleaned.as_str());
            }

            #[test]
            fn cleaning_twice_is_cleaning_once(raw in file_name_like()) {
                let cleaned = clean_file_name(&raw);
                prop_assert_eq!(clean_file_name(&cleaned), cleaned);
            }

            #[test]
            fn plain_names_survive_cleaning(
                dirs in "([a-z]{1,8}[/\\\\]){0,3}",
                name in "[A-Za-z0-9][A-Za-z0-9 ._-]{0,40}[A-Za-z0-9]",
            ) {
                prop_assert_eq!(clean_file_name(&format!("{dirs}{name}")), name);
            }

            #[test]
            fn sizes_are_shown_within_half_a_step(
                bytes in prop_oneof![any::<i64>(), size_near_a_switch()],
            ) {
                let shown = human_size(bytes);
                let (shown_bytes, unit) = shown_bytes_and_unit(&shown);
                let actual = u128::try_from(bytes.max(0)).unwrap();
                // Tenths below 10 of a unit, whole units above.
                let step = 1000u128.pow(unit) / if shown.contains('.') { 10 } else { 1 };
                prop_assert!(2 * shown_bytes.abs_diff(actual) <= step, "{} is {}", bytes, shown);
            }

            #[test]
            fn a_larger_size_never_shows_smaller(
                smaller in prop_oneof![any::<i64>(), size_near_a_switch()],
                increase in prop_oneof![0i64..=2000, any::<i64>()],
            ) {
                let larger = smaller.saturating_add(increase.max(0));
                let (small_bytes, small_unit) = shown_bytes_and_unit(&human_size(smaller));
                let (large_bytes, large_unit) = shown_bytes_and_unit(&human_size(larger));
                prop_assert!(small_bytes <= large_bytes, "{} then {}", smaller, larger);
                prop_assert!(small_unit <= large_unit, "{} then {}", smaller, larger);
            }
        }

        /// Every size within 1,100 bytes of each switch, one after another.
        #[test]
        fn sizes_grow_steadily_across_every_switch() {
            for unit in 1..=5u32 {
                let (scale, milli) = (1000i64.pow(unit), 1000i64.pow(unit - 1));
                // A new unit, tenths giving way to whole units, rounding up to 1000 of a unit.
                for switch in [scale, 9_950 * milli, 999_500 * milli] {
                    let mut previous = shown_bytes_and_unit(&human_size(switch - 1100));
                    for bytes in switch - 1099..=switch + 1100 {
                        let now = shown_bytes_and_unit(&human_size(bytes));
                        assert!(previous.0 <= now.0 && previous.1 <= now.1, "at {bytes}");
                        previous = now;
                    }
                }
            }
        }
    }
}

//! The common passwords [`super::Password::parse`] refuses. Server only: the list stays out of
//! the browser's Wasm.
//!
//! `common_passwords.txt` is made by `scripts/common-passwords.sh` from two SecLists lists,
//! `10k-most-common.txt` (Mark Burnett's 10,000 top passwords) and
//! `10-million-password-list-top-10000.txt`, plus six entries of Tick's earlier list that rank
//! lower: lower-cased, 8 characters or more, sorted, no duplicates (3,819 lines, 35 KB).

use std::sync::LazyLock;

/// One password a line, sorted bytewise.
const LIST: &str = include_str!("common_passwords.txt");

/// Split on first use (well under a millisecond), not at server start.
static SORTED: LazyLock<Vec<&'static str>> = LazyLock::new(|| LIST.lines().collect());

/// Whether `lowered` (already lower-cased) is on the list.
pub(super) fn is_common(lowered: &str) -> bool {
    SORTED.binary_search(&lowered).is_ok()
}

#[cfg(test)]
pub(super) fn entries() -> &'static [&'static str] {
    &SORTED
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_list_is_sorted_lower_case_and_long_enough_to_matter() {
        let entries = entries();
        assert_eq!(entries.len(), 3_819);
        assert!(entries.windows(2).all(|pair| pair[0] < pair[1]));
        for entry in entries {
            assert!(entry.chars().count() >= 8, "{entry:?}");
            assert_eq!(*entry, entry.to_lowercase(), "{entry:?}");
            assert_eq!(*entry, entry.trim(), "{entry:?}");
        }
    }

    #[test]
    fn every_entry_is_found() {
        assert!(entries().iter().all(|entry| is_common(entry)));
        assert!(!is_common("not on any list, surely"));
        assert!(!is_common(""));
    }
}

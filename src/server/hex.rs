//! Lower-case hex: random ids and tokens, and digests, as text.

use argon2::password_hash::rand_core::{OsRng, RngCore};

/// `bytes` as lower-case hex, two digits each.
pub fn encode(bytes: &[u8]) -> String {
    use std::fmt::Write as _;
    bytes
        .iter()
        .fold(String::with_capacity(bytes.len() * 2), |mut out, b| {
            let _ = write!(out, "{b:02x}");
            out
        })
}

/// The bytes `text` spells in hex (either case); `None` when it is not hex.
pub fn decode(text: &str) -> Option<Vec<u8>> {
    if !text.len().is_multiple_of(2) {
        return None;
    }
    (0..text.len())
        .step_by(2)
        .map(|i| u8::from_str_radix(text.get(i..i + 2)?, 16).ok())
        .collect()
}

/// `N` bytes from the operating system's random source, as hex.
pub fn random<const N: usize>() -> String {
    let mut bytes = [0u8; N];
    OsRng.fill_bytes(&mut bytes);
    encode(&bytes)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn encodes_two_lower_case_digits_per_byte() {
        assert_eq!(encode(&[0x00, 0x0f, 0xab, 0xff]), "000fabff");
        assert_eq!(random::<16>().len(), 32);
        assert_ne!(random::<16>(), random::<16>());
    }

    #[test]
    fn decodes_what_it_encodes_and_nothing_else() {
        assert_eq!(decode("000fabff"), Some(vec![0x00, 0x0f, 0xab, 0xff]));
        assert_eq!(decode(&encode(b"tick")), Some(b"tick".to_vec()));
        assert_eq!(decode("0g"), None);
        assert_eq!(decode("abc"), None);
    }
}

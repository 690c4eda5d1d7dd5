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
}

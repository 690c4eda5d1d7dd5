//! Personal API tokens: 256 random bits shown once; only their SHA-256 is stored.

use sha2::{Digest, Sha256};

use crate::server::hex;

/// Every token starts with this, so that leaked tokens are easy to spot and scan for.
pub const PREFIX: &str = "tick_";

/// A new token: `tick_` and 64 hex digits.
pub fn generate() -> String {
    format!("{PREFIX}{}", hex::random::<32>())
}

/// What the database keeps: the SHA-256 of the token, in hex. A fast hash is right here: the
/// token is 256 random bits, not a guessable password.
pub fn hash(token: &str) -> String {
    hex::encode(&Sha256::digest(token.as_bytes()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tokens_are_long_random_and_prefixed() {
        let (a, b) = (generate(), generate());
        assert_ne!(a, b);
        assert!(a.starts_with(PREFIX));
        assert_eq!(a.len(), PREFIX.len() + 64);
    }

    #[test]
    fn the_hash_is_sha256_in_hex() {
        assert_eq!(
            hash("abc"),
            "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"
        );
        assert_ne!(hash(&generate()), hash(&generate()));
    }
}

//! The type of a file from its first bytes (magic numbers), never from the client's claim.

/// How many leading bytes [`content_type`] looks at.
pub const SNIFF_LEN: usize = 512;

/// The MIME type `head` (a file's first bytes) shows. Only what is recognised for sure gets a
/// specific type; HTML, SVG and scripts are never called images, whatever their name says.
pub fn content_type(head: &[u8]) -> &'static str {
    const SIGNATURES: &[(&[u8], &str)] = &[
        (b"\x89PNG\r\n\x1a\n", "image/png"),
        (b"\xFF\xD8\xFF", "image/jpeg"),
        (b"GIF87a", "image/gif"),
        (b"GIF89a", "image/gif"),
        (b"%PDF-", "application/pdf"),
        (b"PK\x03\x04", "application/zip"),
        (b"\x1F\x8B", "application/gzip"),
    ];
    if let Some((_, mime)) = SIGNATURES.iter().find(|(magic, _)| head.starts_with(magic)) {
        return mime;
    }
    if head.len() >= 12 && &head[..4] == b"RIFF" && &head[8..12] == b"WEBP" {
        return "image/webp";
    }
    // Text (HTML and SVG included) is only ever plain text to us: served as a download.
    if std::str::from_utf8(head).is_ok() || head.is_empty() {
        return "text/plain";
    }
    "application/octet-stream"
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn recognises_images_by_their_bytes() {
        assert_eq!(content_type(b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR"), "image/png");
        assert_eq!(content_type(b"\xFF\xD8\xFF\xE0\0\x10JFIF"), "image/jpeg");
        assert_eq!(content_type(b"GIF89a\x01\0"), "image/gif");
        assert_eq!(content_type(b"RIFF\x24\0\0\0WEBPVP8 "), "image/webp");
    }

    #[test]
    fn markup_is_never_an_image() {
        assert_eq!(
            content_type(b"<svg xmlns='http://www.w3.org/2000/svg'>"),
            "text/plain"
        );
        assert_eq!(
            content_type(b"<!DOCTYPE html><script>alert(1)</script>"),
            "text/plain"
        );
        assert_eq!(
            content_type(b"\0\x01\x02garbage\xFF"),
            "application/octet-stream"
        );
    }

    mod properties {
        use super::*;
        use crate::domain::test_strategies::{long_text, text};
        use proptest::{collection::SizeRange, prelude::*};

        const ALL_ANSWERS: &[&str] = &[
            "image/png",
            "image/jpeg",
            "image/gif",
            "image/webp",
            "application/pdf",
            "application/zip",
            "application/gzip",
            "text/plain",
            "application/octet-stream",
        ];

        fn bytes(len: impl Into<SizeRange>) -> impl Strategy<Value = Vec<u8>> {
            proptest::collection::vec(any::<u8>(), len)
        }

        /// Random bytes, and random bytes behind each signature's first bytes.
        fn head_like() -> impl Strategy<Value = Vec<u8>> {
            let any_bytes = bytes(0..=SNIFF_LEN);
            let prefix = prop_oneof![
                Just(&b""[..]),
                Just(&b"\x89PNG\r\n\x1a\n"[..]),
                Just(&b"\xFF\xD8"[..]),
                Just(&b"GIF8"[..]),
                Just(&b"RIFF"[..]),
                Just(&b"%PDF"[..]),
                Just(&b"PK\x03"[..]),
                Just(&b"\x1F"[..]),
            ];
            (prefix, any_bytes).prop_map(|(prefix, rest)| [prefix, &rest].concat())
        }

        /// Text, some of it behind the signatures that are themselves text.
        fn text_like() -> impl Strategy<Value = String> {
            let prefix = prop_oneof![
                Just(""),
                Just("<"),
                Just("<svg "),
                Just("GIF89a"),
                Just("RIFF0000WEBP"),
                Just("%PDF-"),
                Just("PK\x03\x04"),
            ];
            (prefix, text(0..=100)).prop_map(|(prefix, rest)| format!("{prefix}{rest}"))
        }

        proptest! {
            #[test]
            fn any_bytes_get_one_of_the_known_answers(head in head_like()) {
                prop_assert!(ALL_ANSWERS.contains(&content_type(&head)));
            }

            #[test]
            fn anything_opening_a_tag_is_never_an_image(rest in bytes(0..=SNIFF_LEN)) {
                let head = [&b"<"[..], &rest].concat();
                prop_assert!(!content_type(&head).starts_with("image/"));
            }

            /// PNG's and JPEG's signatures are not UTF-8, so text is never either; GIF's and
            /// WebP's are plain ASCII, so text is an image only when it starts with theirs
            /// (served with `nosniff` and a sandbox, such a file is never run as markup).
            #[test]
            fn text_is_an_image_only_behind_an_image_signature(head in text_like()) {
                let mime = content_type(head.as_bytes());
                prop_assert_ne!(mime, "application/octet-stream");
                if mime.starts_with("image/") {
                    let gif = head.starts_with("GIF87a") || head.starts_with("GIF89a");
                    let webp = head.starts_with("RIFF") && head.get(8..12) == Some("WEBP");
                    prop_assert!(gif || webp, "{:?} is {}", head, mime);
                }
            }

            #[test]
            fn text_without_a_signature_is_plain_text(
                head in prop_oneof![text(0..=64), long_text(64..=SNIFF_LEN)],
            ) {
                let signed = ["GIF87a", "GIF89a", "RIFF", "%PDF-", "PK\x03\x04"]
                    .iter()
                    .any(|magic| head.starts_with(magic));
                prop_assume!(!signed);
                prop_assert_eq!(content_type(head.as_bytes()), "text/plain");
            }

            #[test]
            fn real_image_signatures_are_recognised(
                riff_size in any::<[u8; 4]>(),
                rest in bytes(0..=64),
            ) {
                let webp = [&b"RIFF"[..], &riff_size, b"WEBP"].concat();
                for (magic, mime) in [
                    (&b"\x89PNG\r\n\x1a\n"[..], "image/png"),
                    (&b"\xFF\xD8\xFF"[..], "image/jpeg"),
                    (&b"GIF87a"[..], "image/gif"),
                    (&b"GIF89a"[..], "image/gif"),
                    (&webp[..], "image/webp"),
                ] {
                    prop_assert_eq!(content_type(&[magic, &rest].concat()), mime);
                }
            }
        }
    }
}

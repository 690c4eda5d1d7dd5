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
}

//! One kept page: the rendered bytes cut where the nonce was, each piece also kept as raw
//! deflate blocks, so that a reply with a fresh nonce is put together rather than rendered or
//! compressed again. A gzip reply is the pieces' blocks with the nonce between them as stored
//! (uncompressed) blocks, and a CRC-32 combined from the pieces' own.

use axum::http::HeaderValue;
use bytes::{Bytes, BytesMut};
use flate2::{Compress, CompressError, Compression, FlushCompress};

/// A rendered page, split where its nonce was.
pub(super) struct Page {
    pub(super) content_type: HeaderValue,
    pieces: Vec<Bytes>,
    /// Each piece as raw deflate blocks ending on a byte boundary, none final, with its CRC-32.
    deflated: Vec<(Bytes, crc32fast::Hasher)>,
}

/// A gzip member header: deflate, no name or time, unknown OS.
const GZIP_HEADER: [u8; 10] = [0x1f, 0x8b, 8, 0, 0, 0, 0, 0, 0, 0xff];
/// An empty stored block marked final: ends the deflate stream.
const FINAL_EMPTY_BLOCK: [u8; 5] = [0x01, 0x00, 0x00, 0xff, 0xff];

impl Page {
    pub(super) fn new(
        content_type: HeaderValue,
        body: &Bytes,
        nonce: &str,
    ) -> Result<Self, CompressError> {
        let pieces = split_at(body, nonce.as_bytes());
        let deflated = pieces
            .iter()
            .map(|piece| {
                let mut crc = crc32fast::Hasher::new();
                crc.update(piece);
                Ok((deflate(piece)?, crc))
            })
            .collect::<Result<_, CompressError>>()?;
        Ok(Page {
            content_type,
            pieces,
            deflated,
        })
    }

    fn len(&self) -> usize {
        self.pieces.iter().map(Bytes::len).sum()
    }

    /// What the page holds in memory.
    pub(super) fn footprint(&self) -> usize {
        self.len() + self.deflated.iter().map(|(d, _)| d.len()).sum::<usize>()
    }

    /// The page with `nonce` wherever the rendered one was, as a gzip stream.
    pub(super) fn gzipped_with_nonce(&self, nonce: &str) -> Bytes {
        let nonce = nonce.as_bytes();
        let nonce_len = u16::try_from(nonce.len()).expect("a nonce is short");
        let gaps = self.deflated.len().saturating_sub(1);
        let deflated_len: usize = self.deflated.iter().map(|(d, _)| d.len()).sum();
        let mut body = BytesMut::with_capacity(deflated_len + gaps * (nonce.len() + 5) + 32);
        body.extend_from_slice(&GZIP_HEADER);
        let mut crc = crc32fast::Hasher::new();
        for (i, (deflated, piece_crc)) in self.deflated.iter().enumerate() {
            if i > 0 {
                // A stored block: header bits 000 padded to a byte, LEN, NLEN, the bytes.
                body.extend_from_slice(&[0]);
                body.extend_from_slice(&nonce_len.to_le_bytes());
                body.extend_from_slice(&(!nonce_len).to_le_bytes());
                body.extend_from_slice(nonce);
                crc.update(nonce);
            }
            body.extend_from_slice(deflated);
            crc.combine(piece_crc);
        }
        body.extend_from_slice(&FINAL_EMPTY_BLOCK);
        body.extend_from_slice(&crc.finalize().to_le_bytes());
        // ISIZE is the length modulo 2^32.
        let total = self.len() + gaps * nonce.len();
        body.extend_from_slice(&(total as u32).to_le_bytes());
        body.freeze()
    }

    /// The page with `nonce` wherever the rendered one was.
    pub(super) fn with_nonce(&self, nonce: &str) -> Bytes {
        let gaps = self.pieces.len().saturating_sub(1);
        let mut body = BytesMut::with_capacity(self.len() + gaps * nonce.len());
        for (i, piece) in self.pieces.iter().enumerate() {
            if i > 0 {
                body.extend_from_slice(nonce.as_bytes());
            }
            body.extend_from_slice(piece);
        }
        body.freeze()
    }
}

/// `piece` as raw deflate blocks, flushed to a byte boundary and not final, so that more
/// blocks can follow it.
fn deflate(piece: &[u8]) -> Result<Bytes, CompressError> {
    let mut compress = Compress::new(Compression::default(), false);
    let mut out = Vec::with_capacity(piece.len() / 4 + 64);
    loop {
        let consumed = usize::try_from(compress.total_in()).unwrap_or(usize::MAX);
        compress.compress_vec(&piece[consumed..], &mut out, FlushCompress::Sync)?;
        let consumed = usize::try_from(compress.total_in()).unwrap_or(usize::MAX);
        // Done once all input is in and the flush had room to finish.
        if consumed == piece.len() && out.len() < out.capacity() {
            return Ok(Bytes::from(out));
        }
        out.reserve(out.capacity().max(1024));
    }
}

/// `body` cut at every `nonce`.
fn split_at(body: &Bytes, nonce: &[u8]) -> Vec<Bytes> {
    let mut pieces = Vec::new();
    let mut start = 0;
    let mut at = 0;
    while !nonce.is_empty() && at + nonce.len() <= body.len() {
        if body[at..].starts_with(nonce) {
            pieces.push(body.slice(start..at));
            at += nonce.len();
            start = at;
        } else {
            at += 1;
        }
    }
    pieces.push(body.slice(start..));
    pieces
}

#[cfg(test)]
pub(super) mod tests {
    use super::*;

    use std::io::Read as _;

    pub(in crate::server::page_cache) fn page(body: &'static str, nonce: &str) -> Page {
        let body = Bytes::from_static(body.as_bytes());
        Page::new(HeaderValue::from_static("text/html"), &body, nonce).unwrap()
    }

    fn gunzip(bytes: &[u8]) -> String {
        let mut text = String::new();
        flate2::read::GzDecoder::new(bytes)
            .read_to_string(&mut text)
            .expect("a valid gzip stream");
        text
    }

    #[test]
    fn the_gzipped_page_is_the_page_with_the_new_nonce() {
        let long = "<li>row</li>".repeat(5000);
        let body: &'static str = Box::leak(
            format!("<s nonce=\"OLD\">a</s>{long}<s nonce=\"OLD\">b</s>{long}OLD").into_boxed_str(),
        );
        let kept = page(body, "OLD");
        for nonce in ["NEW-nonce_1", "x"] {
            let plain = String::from_utf8(kept.with_nonce(nonce).to_vec()).unwrap();
            assert_eq!(plain, body.replace("OLD", nonce));
            let gzipped = kept.gzipped_with_nonce(nonce);
            assert!(gzipped.len() < plain.len() / 20, "{}", gzipped.len());
            assert_eq!(gunzip(&gzipped), plain);
        }
        assert_eq!(gunzip(&page("", "N").gzipped_with_nonce("x")), "");
        assert_eq!(gunzip(&page("N", "N").gzipped_with_nonce("xy")), "xy");
    }

    #[test]
    fn every_nonce_is_replaced() {
        let kept = page("<s nonce=\"N1\">a</s><s nonce=\"N1\">b</s>N1", "N1");
        assert_eq!(kept.pieces.len(), 4);
        assert_eq!(
            kept.with_nonce("xyz"),
            "<s nonce=\"xyz\">a</s><s nonce=\"xyz\">b</s>xyz"
        );
        assert_eq!(
            page("no nonce here", "N1").with_nonce("xyz"),
            "no nonce here"
        );
    }
}

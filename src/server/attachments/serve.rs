//! Answering with a stored file: never rendered by the browser, with an `ETag` (its SHA-256),
//! `If-None-Match` (304), and `Range`/`If-Range` (206, 416), so downloads resume.

use axum::{
    body::Body,
    http::{header, HeaderMap, HeaderValue, StatusCode},
    response::{IntoResponse, Response},
};

use crate::{
    error::AppError,
    server::{db::attachments::Stored, storage::Storage},
};

use super::range::{self, RangeAnswer};

/// The file `stored`; `inline` asks for an image to be shown rather than downloaded.
pub async fn serve(
    storage: &Storage,
    stored: &Stored,
    inline: bool,
    request: &HeaderMap,
) -> Response {
    let size = u64::try_from(stored.size_bytes).unwrap_or(0);
    let etag = format!("\"{}\"", stored.sha256);
    let mut headers = HeaderMap::new();
    let inline = inline && stored.view().is_image();
    let disposition = content_disposition(&stored.file_name, inline);
    for (name, value) in [
        (header::CONTENT_TYPE, stored.content_type.clone()),
        (header::CONTENT_DISPOSITION, disposition),
        (header::ETAG, etag.clone()),
        (header::ACCEPT_RANGES, "bytes".to_owned()),
        (header::X_CONTENT_TYPE_OPTIONS, "nosniff".to_owned()),
        // Even opened directly, nothing in it runs.
        (
            header::CONTENT_SECURITY_POLICY,
            "sandbox; default-src 'none'".to_owned(),
        ),
        (header::CACHE_CONTROL, "private, no-cache".to_owned()),
    ] {
        if let Ok(value) = HeaderValue::from_str(&value) {
            headers.insert(name, value);
        }
    }
    let matches_etag = request
        .get(header::IF_NONE_MATCH)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| {
            v.split(',')
                .any(|tag| tag.trim() == etag || tag.trim() == "*")
        });
    if matches_etag {
        return (StatusCode::NOT_MODIFIED, headers).into_response();
    }
    // A range applies only while the client's copy is this one.
    let range_applies = request
        .get(header::IF_RANGE)
        .is_none_or(|tag| tag.to_str().ok() == Some(etag.as_str()));
    let answer = request
        .get(header::RANGE)
        .filter(|_| range_applies)
        .and_then(|v| v.to_str().ok())
        .map_or(RangeAnswer::Whole, |v| range::answer(v, size));
    let (status, range) = match answer {
        RangeAnswer::Whole => (StatusCode::OK, None),
        RangeAnswer::Unsatisfiable => {
            headers.insert(
                header::CONTENT_RANGE,
                HeaderValue::from_str(&format!("bytes */{size}")).expect("ascii"),
            );
            return (StatusCode::RANGE_NOT_SATISFIABLE, headers).into_response();
        }
        RangeAnswer::Part(range) => {
            headers.insert(
                header::CONTENT_RANGE,
                HeaderValue::from_str(&format!("bytes {}-{}/{size}", range.start, range.end - 1))
                    .expect("ascii"),
            );
            (StatusCode::PARTIAL_CONTENT, Some(range))
        }
    };
    let length = range.as_ref().map_or(size, |r| r.end - r.start);
    headers.insert(header::CONTENT_LENGTH, HeaderValue::from(length));
    match storage.read(&stored.storage_key, range).await {
        Ok(stream) => (status, headers, Body::from_stream(stream)).into_response(),
        Err(err) => AppError::internal(anyhow::Error::new(err).context("reading a stored file"))
            .into_response(),
    }
}

/// RFC 6266: an ASCII `filename` for old clients, the exact name in `filename*`.
fn content_disposition(name: &str, inline: bool) -> String {
    let ascii: String = name
        .chars()
        .map(|c| match c {
            ' '..='~' if c != '"' && c != '\\' && c != '%' => c,
            _ => '_',
        })
        .collect();
    let encoded: String = name
        .bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'.' | b'-' | b'_' | b'~' => {
                (b as char).to_string()
            }
            _ => format!("%{b:02X}"),
        })
        .collect();
    let kind = if inline { "inline" } else { "attachment" };
    format!("{kind}; filename=\"{ascii}\"; filename*=UTF-8''{encoded}")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dispositions_follow_rfc_6266() {
        assert_eq!(
            content_disposition("naïve \"plan\".pdf", false),
            "attachment; filename=\"na_ve _plan_.pdf\"; filename*=UTF-8''na%C3%AFve%20%22plan%22.pdf"
        );
        assert!(content_disposition("a.png", true).starts_with("inline;"));
    }
}

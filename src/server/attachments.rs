//! Attachment routes: uploads (multipart, streamed to storage, limits and quota checked as the
//! bytes arrive), downloads (owner only, ranges, ETag, never rendered by the browser), and the
//! collector that deletes the files of deleted rows.

use std::{sync::Arc, time::Duration};

use axum::{
    body::Body,
    extract::{DefaultBodyLimit, Multipart, Path, Query, State},
    http::{header, HeaderMap, HeaderValue, StatusCode},
    response::{IntoResponse, Redirect, Response},
    routing::{get, post},
    Extension, Json, Router,
};
use leptos::server_fn::error::ServerFnUrlError;
use serde::Deserialize;
use sha2::{Digest, Sha256};
use tokio::{io::AsyncWriteExt, sync::Notify};
use tower_http::limit::RequestBodyLimitLayer;

use crate::{
    domain::{clean_file_name, Attachment, TodoId, UserId},
    error::AppError,
    server::{
        auth::CurrentUser,
        db::{attachments, attachments::NewAttachment, Db},
        forms::accepts_html,
        hex,
        startup::AppState,
        storage::{new_key, sniff, Storage},
    },
};

/// Upload limits, each a setting.
#[derive(Debug, Clone, Copy)]
pub struct FileLimits {
    pub max_file_bytes: u64,
    pub user_quota_bytes: u64,
    pub max_files_per_upload: usize,
}

/// Form field that carries files.
const FILE_FIELD: &str = "file";

impl FileLimits {
    /// The largest upload request: every allowed file and the multipart framing around them.
    pub fn request_limit(&self) -> usize {
        let bytes = self
            .max_file_bytes
            .saturating_mul(self.max_files_per_upload as u64)
            .saturating_add(1024 * 1024);
        usize::try_from(bytes).unwrap_or(usize::MAX)
    }
}

pub fn router(state: AppState) -> Router {
    let request_limit = state.file_limits.request_limit();
    let uploads = Router::new()
        .route("/todos/{id}/attachments", post(upload))
        .layer(DefaultBodyLimit::disable())
        .layer(RequestBodyLimitLayer::new(request_limit));
    Router::new()
        .route("/attachments/{id}", get(download))
        .merge(uploads)
        .with_state(state)
}

/// How an upload or download failed, answered as JSON to programs and the hydrated app, and
/// as a redirect back to the page (with the message) to a plain form.
pub(crate) struct Failure(pub AppError);

impl From<AppError> for Failure {
    fn from(err: AppError) -> Self {
        Failure(err)
    }
}

impl From<sqlx::Error> for Failure {
    fn from(err: sqlx::Error) -> Self {
        Failure(err.into())
    }
}

/// Back to the page the form was on, or home.
fn back(headers: &HeaderMap) -> String {
    headers
        .get(header::REFERER)
        .and_then(|referer| referer.to_str().ok())
        .unwrap_or("/")
        .to_owned()
}

fn answer_failure(err: AppError, headers: &HeaderMap) -> Response {
    if accepts_html(headers) {
        let back = back(headers);
        let url = ServerFnUrlError::new("/todos/attachments", err)
            .to_url(&back)
            .map(|url| url.to_string())
            .unwrap_or(back);
        return Redirect::to(&url).into_response();
    }
    err.into_response()
}

#[derive(Deserialize)]
pub struct DownloadQuery {
    /// Ask for an image to be shown rather than downloaded (for the preview).
    #[serde(default)]
    inline: bool,
}

async fn upload(
    State(state): State<AppState>,
    user: Option<Extension<CurrentUser>>,
    Path(todo): Path<String>,
    headers: HeaderMap,
    multipart: Result<Multipart, axum::extract::multipart::MultipartRejection>,
) -> Response {
    let result = async {
        let Extension(user) = user.ok_or(AppError::Unauthorized)?;
        let todo = todo.parse().map(TodoId).map_err(|_| AppError::NotFound)?;
        let multipart = multipart
            .map_err(|_| AppError::Invalid("Send the files as a multipart form.".into()))?;
        receive(&state, user.id, todo, multipart).await
    }
    .await;
    match result {
        Ok(stored) if accepts_html(&headers) => {
            let _ = stored;
            Redirect::to(&back(&headers)).into_response()
        }
        Ok(stored) => (StatusCode::CREATED, Json(stored)).into_response(),
        Err(Failure(err)) => answer_failure(err, &headers),
    }
}

/// Streams every file of the form into staged temporary files, checking the limits as bytes
/// arrive, then records them all at once. On any failure every staged file is removed.
pub(crate) async fn receive(
    state: &AppState,
    user: UserId,
    todo: TodoId,
    mut multipart: Multipart,
) -> Result<Vec<Attachment>, Failure> {
    let limits = state.file_limits;
    let storage = state.storage.clone();
    let already_used = u64::try_from(attachments::used_bytes(&state.db, user).await?).unwrap_or(0);
    let mut staged: Vec<(std::path::PathBuf, NewAttachment)> = Vec::new();
    let outcome = async {
        let mut received = 0u64;
        while let Some(mut field) = multipart.next_field().await.map_err(too_large_or_bad)? {
            if field.name() != Some(FILE_FIELD) {
                continue;
            }
            let file_name = clean_file_name(field.file_name().unwrap_or_default());
            if staged.len() == limits.max_files_per_upload {
                return Err(AppError::TooLarge(format!(
                    "At most {} files can be uploaded at once.",
                    limits.max_files_per_upload
                )));
            }
            let mut target = storage.stage().await.map_err(AppError::internal)?;
            let path = target.path.clone();
            // Track it before writing, so a failure below removes it.
            staged.push((
                path,
                NewAttachment {
                    storage_key: new_key(),
                    file_name,
                    content_type: String::new(),
                    size_bytes: 0,
                    sha256: String::new(),
                },
            ));
            let mut hasher = Sha256::new();
            let mut head: Vec<u8> = Vec::with_capacity(sniff::SNIFF_LEN);
            let mut size = 0u64;
            while let Some(chunk) = field.chunk().await.map_err(too_large_or_bad)? {
                size += chunk.len() as u64;
                if size > limits.max_file_bytes {
                    return Err(AppError::TooLarge(format!(
                        "That file is too big: the most is {} per file.",
                        bytes_label(limits.max_file_bytes)
                    )));
                }
                if already_used + received + size > limits.user_quota_bytes {
                    return Err(AppError::TooLarge(format!(
                        "This would go over your {} of attachments. Delete some first.",
                        bytes_label(limits.user_quota_bytes)
                    )));
                }
                if head.len() < sniff::SNIFF_LEN {
                    let take = (sniff::SNIFF_LEN - head.len()).min(chunk.len());
                    head.extend_from_slice(&chunk[..take]);
                }
                hasher.update(&chunk);
                target
                    .file
                    .write_all(&chunk)
                    .await
                    .map_err(AppError::internal)?;
            }
            target.file.flush().await.map_err(AppError::internal)?;
            target.file.sync_all().await.map_err(AppError::internal)?;
            received += size;
            let (_, new) = staged.last_mut().expect("just pushed");
            new.content_type = sniff::content_type(&head).to_owned();
            new.size_bytes = i64::try_from(size).unwrap_or(i64::MAX);
            new.sha256 = hex::encode(&hasher.finalize());
        }
        // A form sent with no file chosen has one empty, nameless part.
        staged.retain(|(_, new)| new.size_bytes > 0 || new.file_name != "file");
        if staged.is_empty() {
            return Err(AppError::Invalid("Choose a file to attach.".into()));
        }
        let files: Vec<NewAttachment> = staged
            .iter()
            .map(|(_, new)| NewAttachment {
                storage_key: new.storage_key.clone(),
                file_name: new.file_name.clone(),
                content_type: new.content_type.clone(),
                size_bytes: new.size_bytes,
                sha256: new.sha256.clone(),
            })
            .collect();
        let paths: Vec<(String, std::path::PathBuf)> = staged
            .iter()
            .map(|(path, new)| (new.storage_key.clone(), path.clone()))
            .collect();
        let commit = |key: String| {
            let storage = storage.clone();
            let path = paths
                .iter()
                .find(|(k, _)| *k == key)
                .map(|(_, path)| path.clone());
            async move {
                match path {
                    Some(path) => storage.commit(&path, &key).await,
                    None => Err(std::io::Error::other("no staged file for key")),
                }
            }
        };
        match attachments::insert_all(&state.db, user, todo, &files, commit).await {
            Ok(Some(recorded)) => Ok(recorded),
            Ok(None) => Err(AppError::NotFound),
            Err(err) => {
                // Files already moved into place have no rows: remove them again.
                for file in &files {
                    let _ = storage.delete(&file.storage_key).await;
                }
                Err(AppError::internal(err))
            }
        }
    }
    .await;
    match outcome {
        Ok(recorded) => Ok(recorded),
        Err(err) => {
            for (path, _) in &staged {
                storage.discard(path).await;
            }
            Err(Failure(err))
        }
    }
}

fn too_large_or_bad(err: axum::extract::multipart::MultipartError) -> AppError {
    if err.status() == StatusCode::PAYLOAD_TOO_LARGE {
        AppError::TooLarge("The upload is too large.".into())
    } else {
        // A client that went away halfway, or a form that is not valid multipart (such as a
        // file name with a NUL byte, which no header may hold).
        tracing::info!(error = %err, "an upload could not be read");
        AppError::Invalid(
            "The upload could not be read: it ended early or is not a valid form. Please try again."
                .into(),
        )
    }
}

/// `25 MiB`, `1 GiB`.
fn bytes_label(bytes: u64) -> String {
    const GIB: u64 = 1024 * 1024 * 1024;
    const MIB: u64 = 1024 * 1024;
    if bytes >= GIB && bytes.is_multiple_of(GIB) {
        format!("{} GiB", bytes / GIB)
    } else if bytes >= MIB && bytes.is_multiple_of(MIB) {
        format!("{} MiB", bytes / MIB)
    } else if bytes >= 1024 && bytes.is_multiple_of(1024) {
        format!("{} KiB", bytes / 1024)
    } else {
        format!("{bytes} bytes")
    }
}

async fn download(
    State(state): State<AppState>,
    user: Option<Extension<CurrentUser>>,
    Path(id): Path<String>,
    Query(query): Query<DownloadQuery>,
    headers: HeaderMap,
) -> Response {
    let Some(Extension(user)) = user else {
        return AppError::Unauthorized.into_response();
    };
    let Ok(id) = id.parse::<i64>() else {
        return AppError::NotFound.into_response();
    };
    let stored = match attachments::get(&state.db, user.id, id).await {
        Ok(Some(stored)) => stored,
        Ok(None) => return AppError::NotFound.into_response(),
        Err(err) => return AppError::from(err).into_response(),
    };
    serve(state.storage.as_ref(), &stored, query.inline, &headers).await
}

/// Answers with the file: 304 when the client's copy is current, 206 for a range, 416 for a
/// range outside the file, 200 otherwise.
pub async fn serve(
    storage: &dyn Storage,
    stored: &attachments::Stored,
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
    let matches_etag = |name: header::HeaderName| {
        request.get(name).and_then(|v| v.to_str().ok()).map(|v| {
            v.split(',')
                .any(|tag| tag.trim() == etag || tag.trim() == "*")
        })
    };
    if matches_etag(header::IF_NONE_MATCH) == Some(true) {
        return (StatusCode::NOT_MODIFIED, headers).into_response();
    }
    // A range applies only while the client's copy is this one.
    let range_applies = request
        .get(header::IF_RANGE)
        .is_none_or(|tag| tag.to_str().ok() == Some(etag.as_str()));
    let range = request
        .get(header::RANGE)
        .filter(|_| range_applies)
        .and_then(|v| v.to_str().ok())
        .map(|v| parse_range(v, size));
    let (status, range) = match range {
        None | Some(RangeAnswer::Ignore) => (StatusCode::OK, None),
        Some(RangeAnswer::Unsatisfiable) => {
            headers.insert(
                header::CONTENT_RANGE,
                HeaderValue::from_str(&format!("bytes */{size}")).expect("ascii"),
            );
            return (StatusCode::RANGE_NOT_SATISFIABLE, headers).into_response();
        }
        Some(RangeAnswer::Part(range)) => {
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

enum RangeAnswer {
    Ignore,
    Unsatisfiable,
    Part(std::ops::Range<u64>),
}

/// One `bytes=` range (several ranges are answered with the whole file, as allowed).
fn parse_range(value: &str, size: u64) -> RangeAnswer {
    let Some(spec) = value.trim().strip_prefix("bytes=") else {
        return RangeAnswer::Ignore;
    };
    if spec.contains(',') {
        return RangeAnswer::Ignore;
    }
    let Some((start, end)) = spec.trim().split_once('-') else {
        return RangeAnswer::Ignore;
    };
    let range = match (start.trim(), end.trim()) {
        ("", "") => return RangeAnswer::Ignore,
        ("", suffix) => match suffix.parse::<u64>() {
            Ok(0) => return RangeAnswer::Unsatisfiable,
            Ok(n) => size.saturating_sub(n)..size,
            Err(_) => return RangeAnswer::Ignore,
        },
        (start, "") => match start.parse::<u64>() {
            Ok(start) => start..size,
            Err(_) => return RangeAnswer::Ignore,
        },
        (start, end) => match (start.parse::<u64>(), end.parse::<u64>()) {
            (Ok(start), Ok(end)) if start <= end => start..(end + 1).min(size),
            _ => return RangeAnswer::Ignore,
        },
    };
    if range.start >= size || range.start >= range.end {
        RangeAnswer::Unsatisfiable
    } else {
        RangeAnswer::Part(range)
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

/// At start-up: removes unfinished uploads, and stored files that no row refers to (a server
/// killed after moving a file into place but before its transaction committed).
pub async fn recover(db: &Db, storage: &dyn Storage) -> anyhow::Result<()> {
    let unfinished = storage.remove_leftovers().await?;
    let mut orphans = 0;
    for key in storage.keys().await? {
        if !attachments::key_is_recorded(db, &key).await? {
            storage.delete(&key).await?;
            orphans += 1;
        }
    }
    if unfinished + orphans > 0 {
        tracing::info!(unfinished, orphans, "removed files left by an earlier stop");
    }
    Ok(())
}

/// Deletes the files of deleted attachments, at start-up, when woken, and every so often.
pub fn spawn_collector(db: Db, storage: Arc<dyn Storage>) -> Arc<Notify> {
    let wake = Arc::new(Notify::new());
    let woken = wake.clone();
    tokio::spawn(async move {
        loop {
            match attachments::garbage(&db, 100).await {
                Ok(keys) => {
                    for key in keys {
                        match storage.delete(&key).await {
                            Ok(()) => {
                                if let Err(err) = attachments::forget_garbage(&db, &key).await {
                                    tracing::warn!(error = %err, "could not forget a deleted file");
                                }
                            }
                            Err(err) => {
                                tracing::warn!(error = %err, "could not delete a stored file")
                            }
                        }
                    }
                }
                Err(sqlx::Error::PoolClosed) => return,
                Err(err) => tracing::warn!(error = %err, "could not read the deleted files list"),
            }
            tokio::select! {
                () = woken.notified() => {}
                () = tokio::time::sleep(Duration::from_secs(30)) => {}
            }
        }
    });
    wake
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ranges() {
        let part = |v| match parse_range(v, 100) {
            RangeAnswer::Part(r) => Some(r),
            _ => None,
        };
        assert_eq!(part("bytes=0-9"), Some(0..10));
        assert_eq!(part("bytes=90-"), Some(90..100));
        assert_eq!(part("bytes=-10"), Some(90..100));
        assert_eq!(part("bytes=95-200"), Some(95..100));
        assert!(matches!(
            parse_range("bytes=100-", 100),
            RangeAnswer::Unsatisfiable
        ));
        assert!(matches!(
            parse_range("bytes=0-1,5-6", 100),
            RangeAnswer::Ignore
        ));
        assert!(matches!(parse_range("items=0-1", 100), RangeAnswer::Ignore));
    }

    #[test]
    fn dispositions_follow_rfc_6266() {
        assert_eq!(
            content_disposition("naïve \"plan\".pdf", false),
            "attachment; filename=\"na_ve _plan_.pdf\"; filename*=UTF-8''na%C3%AFve%20%22plan%22.pdf"
        );
        assert!(content_disposition("a.png", true).starts_with("inline;"));
    }
}

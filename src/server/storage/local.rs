//! What only a local store does: fsync a finished file and its name, and remove unfinished
//! uploads a crash left behind — object_store's `files/<key>#<n>`, and Tick's older
//! `tmp/<key>.part`. Entries that Tick did not make (`lost+found`, a stray folder) are left
//! alone.

use std::{
    io,
    path::{Path, PathBuf},
    time::{Duration, SystemTime},
};

use super::{is_key, FILES};

/// Makes `dir/key` and its entry in `dir` durable.
pub(super) async fn sync(dir: PathBuf, key: &str) -> io::Result<()> {
    let file = dir.join(key);
    tokio::task::spawn_blocking(move || {
        std::fs::File::open(file)?.sync_all()?;
        std::fs::File::open(dir)?.sync_all()
    })
    .await
    .map_err(io::Error::other)?
}

/// Removes the staged file of an unfinished upload to `key` at once, without waiting for the
/// runtime (which may be shutting down). object_store stages `<key>#1` (the first free number;
/// keys are never reused).
pub(super) fn remove_staged_now(root: &Path, key: &str) {
    let staged = root.join(FILES).join(format!("{key}#1"));
    if let Err(err) = std::fs::remove_file(&staged) {
        if err.kind() != io::ErrorKind::NotFound {
            tracing::warn!(error = %err, path = %staged.display(), "could not remove a staged upload");
        }
    }
}

/// Whether `name` is an unfinished upload: object_store's `<key>#<number>`.
fn is_staged(name: &str) -> bool {
    name.split_once('#').is_some_and(|(key, n)| {
        is_key(key) && !n.is_empty() && n.bytes().all(|b| b.is_ascii_digit())
    })
}

/// Whether `name` is an upload staged by Tick before object storage: `<key>.part`.
fn is_old_staged(name: &str) -> bool {
    name.strip_suffix(".part").is_some_and(is_key)
}

pub(super) async fn remove_stale_staged(root: &Path, grace: Duration) -> io::Result<usize> {
    let mut stale = old_entries(&root.join(FILES), grace, is_staged).await?;
    let tmp = root.join("tmp");
    if tokio::fs::try_exists(&tmp).await? {
        stale.extend(old_entries(&tmp, grace, is_old_staged).await?);
    }
    for path in &stale {
        match tokio::fs::remove_file(path).await {
            Err(err) if err.kind() != io::ErrorKind::NotFound => return Err(err),
            _ => {}
        }
    }
    Ok(stale.len())
}

/// The plain files of `dir` that `wanted` accepts by name and that are older than `grace`.
async fn old_entries(
    dir: &Path,
    grace: Duration,
    wanted: impl Fn(&str) -> bool,
) -> io::Result<Vec<PathBuf>> {
    let mut found = Vec::new();
    let mut entries = tokio::fs::read_dir(dir).await?;
    let now = SystemTime::now();
    while let Some(entry) = entries.next_entry().await? {
        let name = entry.file_name().to_string_lossy().into_owned();
        let metadata = entry.metadata().await?;
        if !metadata.is_file() || !wanted(&name) {
            continue;
        }
        let age = metadata
            .modified()
            .ok()
            .and_then(|modified| now.duration_since(modified).ok())
            .unwrap_or_default();
        if age >= grace {
            found.push(entry.path());
        }
    }
    Ok(found)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn staged_names_are_recognised() {
        let key = "0123456789abcdef0123456789abcdef";
        assert!(is_staged(&format!("{key}#3")));
        assert!(!is_staged(key));
        assert!(!is_staged(&format!("{key}#x")));
        assert!(is_old_staged(&format!("{key}.part")));
        assert!(!is_old_staged("lost+found"));
    }
}

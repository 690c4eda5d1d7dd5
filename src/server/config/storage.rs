//! Where attachments are kept (`--storage`: `file:///path` or `s3://bucket/prefix`) and the
//! S3 settings, read from the standard `AWS_*` variables. Secrets never show in `Debug`.

use std::{fmt, path::PathBuf, str::FromStr};

use clap::Args;

/// A store for attachments.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum StorageUrl {
    /// A local folder (`file:///srv/tick/attachments`).
    File(PathBuf),
    /// An S3 bucket, and a prefix inside it (empty for the whole bucket).
    S3 { bucket: String, prefix: String },
}

impl FromStr for StorageUrl {
    type Err = String;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let s = s.trim();
        if let Some(path) = s.strip_prefix("file://") {
            if !path.starts_with('/') {
                return Err(format!(
                    "'{s}': a file URL needs an absolute path, file:///…"
                ));
            }
            return Ok(StorageUrl::File(PathBuf::from(path)));
        }
        if let Some(rest) = s.strip_prefix("s3://") {
            let (bucket, prefix) = rest.split_once('/').unwrap_or((rest, ""));
            let valid_bucket = (3..=63).contains(&bucket.len())
                && bucket
                    .bytes()
                    .all(|b| matches!(b, b'a'..=b'z' | b'0'..=b'9' | b'-' | b'.'));
            if !valid_bucket {
                return Err(format!("'{bucket}' is not an S3 bucket name"));
            }
            let prefix = prefix.trim_matches('/');
            if prefix.split('/').any(|part| part == "." || part == "..") {
                return Err(format!("'{prefix}': no . or .. in the prefix"));
            }
            return Ok(StorageUrl::S3 {
                bucket: bucket.to_owned(),
                prefix: prefix.to_owned(),
            });
        }
        Err(format!(
            "'{s}' is not a store: use file:///path or s3://bucket/prefix"
        ))
    }
}

impl fmt::Display for StorageUrl {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            StorageUrl::File(path) => write!(f, "file://{}", path.display()),
            StorageUrl::S3 { bucket, prefix } if prefix.is_empty() => write!(f, "s3://{bucket}"),
            StorageUrl::S3 { bucket, prefix } => write!(f, "s3://{bucket}/{prefix}"),
        }
    }
}

/// A secret setting: `Debug` never shows it.
#[derive(Clone)]
pub struct Secret(String);

impl Secret {
    pub fn expose(&self) -> &str {
        &self.0
    }
}

impl FromStr for Secret {
    type Err = std::convert::Infallible;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Ok(Self(s.to_owned()))
    }
}

impl fmt::Debug for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Secret(…)")
    }
}

/// How to reach an S3 store. Each also comes from its standard AWS variable; other AWS
/// variables (a session token, a profile's container credentials) are read as the AWS SDKs
/// read them.
#[derive(Args, Debug, Clone, Default)]
pub struct S3Settings {
    /// The S3 endpoint, for stores other than AWS (`http://127.0.0.1:8333`).
    #[arg(long = "s3-endpoint", env = "AWS_ENDPOINT_URL")]
    pub endpoint: Option<String>,

    /// The S3 region (default `us-east-1`).
    #[arg(long = "s3-region", env = "AWS_REGION")]
    pub region: Option<String>,

    /// Allow a plain-http S3 endpoint (tests, a store on the same host).
    #[arg(
        long = "s3-allow-http",
        env = "AWS_ALLOW_HTTP",
        default_value_t = false
    )]
    pub allow_http: bool,

    /// The S3 access key id.
    #[arg(
        long = "s3-access-key-id",
        env = "AWS_ACCESS_KEY_ID",
        hide_env_values = true
    )]
    pub access_key_id: Option<Secret>,

    /// The S3 secret access key (prefer the environment to the command line).
    #[arg(
        long = "s3-secret-access-key",
        env = "AWS_SECRET_ACCESS_KEY",
        hide_env_values = true
    )]
    pub secret_access_key: Option<Secret>,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn stores_are_file_or_s3_urls() {
        assert_eq!(
            "file:///srv/tick".parse(),
            Ok(StorageUrl::File(PathBuf::from("/srv/tick")))
        );
        assert_eq!(
            "s3://tick-files/prod/".parse(),
            Ok(StorageUrl::S3 {
                bucket: "tick-files".into(),
                prefix: "prod".into()
            })
        );
        assert_eq!(
            "s3://tick-files".parse::<StorageUrl>().unwrap().to_string(),
            "s3://tick-files"
        );
        for bad in [
            "file://relative",
            "s3://",
            "s3://UPPER",
            "s3://b/../x",
            "gs://x/y",
        ] {
            assert!(bad.parse::<StorageUrl>().is_err(), "{bad}");
        }
    }

    #[test]
    fn secrets_do_not_show() {
        let secret: Secret = "hunter2".parse().unwrap();
        assert!(!format!("{secret:?}").contains("hunter2"));
    }
}

//! Credentials: the key pair (and STS token) scanwatch signs with, and where they were found.
//!
//! Anything that holds a secret has a redacted `Debug` and no `Display`, so a secret cannot reach a log line,
//! an error message or a panic by accident.

use std::fmt;

/// A secret string (access key secret, security token). Its `Debug` never shows the value.
#[derive(Clone, PartialEq, Eq)]
pub struct Secret(String);

impl Secret {
    pub fn new(value: impl Into<String>) -> Self {
        Self(value.into())
    }

    /// The secret itself, for signing only.
    pub fn expose(&self) -> &str {
        &self.0
    }
}

impl fmt::Debug for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Secret(<redacted>)")
    }
}

/// Where a set of credentials came from, for the header line and for error messages.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum CredentialSource {
    /// `--profile NAME` or the config file's profile (`ALIBABA_CLOUD_PROFILE` or `current`).
    Profile { name: String, path: String },
    /// Environment variables; the string names the access key variable that was used.
    Environment(String),
    /// The embedded emulator's demo key pair.
    Demo,
}

impl fmt::Display for CredentialSource {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Profile { name, .. } => write!(f, "profile {name}"),
            Self::Environment(var) => write!(f, "env {var}"),
            Self::Demo => f.write_str("demo"),
        }
    }
}

/// An access key pair, with a security token for STS credentials.
#[derive(Debug, Clone)]
pub struct Credentials {
    pub access_key_id: String,
    pub access_key_secret: Secret,
    pub security_token: Option<Secret>,
    pub source: CredentialSource,
}

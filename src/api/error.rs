//! Typed errors of a call to Security Center, each with what a user can do about it.

use std::fmt;
use std::time::Duration;

/// An error body in Alibaba's form, as the service (and the emulator) returns it.
#[derive(Debug, Clone, Default, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct ErrorBody {
    #[serde(default)]
    pub request_id: Option<String>,
    #[serde(default)]
    pub host_id: Option<String>,
    #[serde(default)]
    pub code: Option<String>,
    #[serde(default)]
    pub message: Option<String>,
    #[serde(default)]
    pub recommend: Option<String>,
}

/// The service answered with an error code.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ServiceError {
    pub http_status: u16,
    pub code: String,
    pub message: String,
    pub request_id: Option<String>,
    pub host_id: Option<String>,
    pub recommend: Option<String>,
    /// From `x-acs-retry-after` (milliseconds), when the service sent it.
    pub retry_after: Option<Duration>,
    /// For `SignatureDoesNotMatch`: whether the server's string to sign equals ours (then the secret is wrong).
    pub string_to_sign_matches: Option<bool>,
}

/// Everything that can go wrong in one call, after retries.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ApiError {
    #[error("{0}")]
    Service(ServiceError),
    /// A non-2xx answer whose body is not Alibaba's error JSON (a proxy's HTML page, for instance).
    #[error("HTTP {status} with a body that is not an API error: {excerpt}")]
    UnexpectedBody { status: u16, excerpt: String },
    /// A 2xx answer that could not be decoded.
    #[error("malformed response (HTTP {status}): {reason}")]
    Malformed { status: u16, reason: String },
    #[error("response body larger than the {limit_bytes}-byte limit; refused")]
    TooLarge { limit_bytes: u64 },
    #[error("request timed out after {0:?}")]
    Timeout(Duration),
    #[error("could not connect to {endpoint}: {detail}")]
    Connect { endpoint: String, detail: String },
    #[error("network error: {0}")]
    Network(String),
}

impl fmt::Display for ServiceError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{} (HTTP {}): {}",
            self.code, self.http_status, self.message
        )?;
        if let Some(id) = &self.request_id {
            write!(f, " [RequestId {id}]")?;
        }
        Ok(())
    }
}

/// Codes after which the same request may succeed if tried again.
pub fn is_retryable_code(code: &str) -> bool {
    code.starts_with("Throttling")
        || matches!(code, "ServerError" | "InternalError" | "ServiceUnavailable")
}

impl ServiceError {
    /// A one-line remedy for the codes a user can fix; `None` for the rest.
    pub fn remedy(&self) -> Option<String> {
        let code = self.code.as_str();
        let text = match code {
            "NoPermission" | "Forbidden.RAM" => {
                "grant the RAM action yundun-sas:GetVirusScanLatestTaskStatistic to this user or role (policy AliyunYundunSASReadOnlyAccess has it)".to_owned()
            }
            "SignatureDoesNotMatch" | "IncompleteSignature" if self.string_to_sign_matches == Some(true) => {
                "the server signed the same string as scanwatch, so the AccessKey secret is wrong: check it".to_owned()
            }
            "SignatureDoesNotMatch" => {
                "the request was changed on the way (a proxy?) or the AccessKey secret is wrong: check both".to_owned()
            }
            "IncompleteSignature" => "the signature parameters were malformed: report this as a scanwatch bug".to_owned(),
            "InvalidAccessKeyId.NotFound" => {
                "this AccessKey ID does not exist: check the key id, and the site (China or international) it belongs to".to_owned()
            }
            "InvalidAccessKeyId.Inactive" => {
                "this AccessKey is disabled: enable it in the RAM console or use another".to_owned()
            }
            "InvalidTimeStamp.Expired" | "IllegalTimestamp" | "InvalidTimeStamp.Format" => {
                "this machine's clock is off: sync it (NTP) and try again".to_owned()
            }
            "SignatureNonceUsed" => "a nonce was reused; try again".to_owned(),
            c if c.starts_with("InvalidSecurityToken") => {
                "the STS security token is expired or does not belong to this key: get fresh STS credentials".to_owned()
            }
            c if c.starts_with("Throttling") => {
                "the API is rate-limited for this account: refresh less often (a longer --interval)".to_owned()
            }
            "ServerError" | "InternalError" | "ServiceUnavailable" => {
                "Security Center had a fault on its side; it usually passes: try again shortly".to_owned()
            }
            "InvalidAction.NotFound" | "InvalidVersion" => {
                "the endpoint does not serve this API: check --endpoint and --region".to_owned()
            }
            _ => return None,
        };
        Some(text)
    }
}

impl ApiError {
    /// True when trying the same request again may succeed: network trouble, 5xx and throttling.
    pub fn is_retryable(&self) -> bool {
        match self {
            Self::Service(e) => e.http_status >= 500 || is_retryable_code(&e.code),
            Self::UnexpectedBody { status, .. } => *status >= 500,
            Self::Timeout(_) | Self::Connect { .. } | Self::Network(_) => true,
            Self::Malformed { .. } | Self::TooLarge { .. } => false,
        }
    }

    /// The service's error code, or a short name for the kind of failure.
    pub fn code(&self) -> &str {
        match self {
            Self::Service(e) => &e.code,
            Self::UnexpectedBody { .. } => "UnexpectedBody",
            Self::Malformed { .. } => "MalformedResponse",
            Self::TooLarge { .. } => "ResponseTooLarge",
            Self::Timeout(_) => "Timeout",
            Self::Connect { .. } => "ConnectError",
            Self::Network(_) => "NetworkError",
        }
    }

    /// The error's message without the code.
    pub fn message(&self) -> String {
        match self {
            Self::Service(e) => e.message.clone(),
            other => other.to_string(),
        }
    }

    pub fn request_id(&self) -> Option<&str> {
        match self {
            Self::Service(e) => e.request_id.as_deref(),
            _ => None,
        }
    }

    /// A one-line remedy, when the user can do something about it.
    pub fn remedy(&self) -> Option<String> {
        match self {
            Self::Service(e) => e.remedy(),
            Self::UnexpectedBody { .. } => Some(
                "something between scanwatch and Security Center (a proxy?) answered instead: check HTTPS_PROXY and --endpoint"
                    .into(),
            ),
            Self::Malformed { .. } => Some("the endpoint answered with something that is not this API's response: check --endpoint".into()),
            Self::TooLarge { .. } => Some("the endpoint is not behaving like Security Center: check --endpoint".into()),
            Self::Timeout(_) => Some("the network or the service is slow: try again, or raise --request-timeout".into()),
            Self::Connect { .. } => Some("check the network, HTTPS_PROXY, and --endpoint / --region".into()),
            Self::Network(_) => Some("the connection broke: try again".into()),
        }
    }
}

/// Replaces every occurrence of each secret, raw or percent-encoded once or twice, with `***`.
///
/// Server messages can quote a request back (Alibaba's `SignatureDoesNotMatch` quotes the whole string to sign,
/// which holds the STS `SecurityToken`), so text from the server is passed through this before it is kept.
pub fn redact(text: &str, secrets: &[&str]) -> String {
    let mut out = text.to_owned();
    for secret in secrets.iter().filter(|s| s.len() >= 4) {
        let once = super::signer::percent_encode(secret);
        let twice = super::signer::percent_encode(&once);
        for form in [twice, once, (*secret).to_owned()] {
            if out.contains(&form) {
                out = out.replace(&form, "***");
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn service(code: &str, status: u16) -> ServiceError {
        ServiceError {
            http_status: status,
            code: code.into(),
            message: "m".into(),
            request_id: Some("R".into()),
            host_id: None,
            recommend: None,
            retry_after: None,
            string_to_sign_matches: None,
        }
    }

    #[test]
    fn retry_policy_by_code_and_status() {
        let cases = [
            ("Throttling", 400, true),
            ("Throttling.User", 400, true),
            ("Throttling.Api", 503, true),
            ("ServerError", 500, true),
            ("InternalError", 500, true),
            ("ServiceUnavailable", 503, true),
            ("NoPermission", 403, false),
            ("Forbidden.RAM", 403, false),
            ("SignatureDoesNotMatch", 400, false),
            ("InvalidAccessKeyId.NotFound", 404, false),
            ("InvalidAccessKeyId.Inactive", 400, false),
            ("InvalidTimeStamp.Expired", 400, false),
        ];
        for (code, status, want) in cases {
            assert_eq!(
                ApiError::Service(service(code, status)).is_retryable(),
                want,
                "{code}"
            );
        }
        assert!(ApiError::Timeout(Duration::from_secs(1)).is_retryable());
        assert!(!ApiError::TooLarge { limit_bytes: 1 }.is_retryable());
    }

    #[test]
    fn fixable_codes_have_remedies() {
        for code in [
            "NoPermission",
            "Forbidden.RAM",
            "SignatureDoesNotMatch",
            "InvalidAccessKeyId.NotFound",
            "InvalidAccessKeyId.Inactive",
            "InvalidTimeStamp.Expired",
            "Throttling",
            "Throttling.User",
            "ServerError",
            "InternalError",
            "ServiceUnavailable",
        ] {
            assert!(
                service(code, 400).remedy().is_some(),
                "{code} has no remedy"
            );
        }
        assert!(
            service("NoPermission", 403)
                .remedy()
                .unwrap()
                .contains("yundun-sas:GetVirusScanLatestTaskStatistic")
        );
        assert_eq!(service("SomethingElse", 400).remedy(), None);
    }

    #[test]
    fn signature_remedy_blames_the_secret_only_when_strings_match() {
        let mut e = service("SignatureDoesNotMatch", 400);
        e.string_to_sign_matches = Some(true);
        assert!(e.remedy().unwrap().contains("secret is wrong"));
        e.string_to_sign_matches = Some(false);
        assert!(e.remedy().unwrap().contains("proxy"));
    }

    #[test]
    fn redact_removes_raw_and_encoded_forms() {
        let token = "tok/en+with=chars";
        let once = crate::api::signer::percent_encode(token);
        let twice = crate::api::signer::percent_encode(&once);
        let text = format!("a {token} b {once} c {twice} d");
        let out = redact(&text, &[token]);
        assert!(
            !out.contains(token) && !out.contains(&once) && !out.contains(&twice),
            "{out}"
        );
        assert_eq!(out.matches("***").count(), 3, "{out}");
    }
}

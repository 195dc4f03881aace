//! The HTTPS client for `GetVirusScanLatestTaskStatistic`: signing, timeouts, bounded retries, error mapping.
//!
//! Each attempt is signed afresh (new nonce, current timestamp). Only network failures, 5xx answers and
//! throttling are retried, at most `max_attempts` times in all, with exponential backoff and jitter or the
//! server's own `x-acs-retry-after`. Bodies are read in chunks and refused past a cap, so a misbehaving endpoint
//! cannot make scanwatch buffer without bound.

use std::fmt::Write as _;
use std::net::IpAddr;
use std::time::Duration;

use chrono::Utc;
use rand::Rng as _;
use reqwest::header::HeaderMap;
use url::Url;

use super::error::{ApiError, ErrorBody, ServiceError, redact};
use super::model::ScanResponse;
use super::signer::{self, Params, SigningInput};
use super::{ACTION, API_VERSION};
use crate::credentials::{Credentials, Secret};

/// The header in which Security Center says how long to wait before retrying, in milliseconds.
pub const RETRY_AFTER_HEADER: &str = "x-acs-retry-after";

/// Limits and retry policy of a [`Client`].
#[derive(Debug, Clone)]
pub struct ClientOptions {
    pub connect_timeout: Duration,
    /// Whole request, from connecting to the last byte of the body.
    pub timeout: Duration,
    /// Attempts in all, the first included.
    pub max_attempts: u32,
    /// First backoff step; doubles each retry, with full jitter in its upper half.
    pub backoff_base: Duration,
    pub backoff_max: Duration,
    /// A server-requested wait longer than this is not honoured: the error is reported instead.
    pub max_retry_after: Duration,
    pub max_body_bytes: u64,
}

impl Default for ClientOptions {
    fn default() -> Self {
        Self {
            connect_timeout: Duration::from_secs(5),
            timeout: Duration::from_secs(15),
            max_attempts: 3,
            backoff_base: Duration::from_millis(500),
            backoff_max: Duration::from_secs(8),
            max_retry_after: Duration::from_secs(30),
            max_body_bytes: 8 * 1024 * 1024,
        }
    }
}

/// A successful answer: decoded, plus the body as sent (for `--json` and for saving).
#[derive(Debug, Clone)]
pub struct Fetched {
    pub response: ScanResponse,
    pub body: serde_json::Value,
    /// Attempts it took, the successful one included.
    pub attempts: u32,
}

/// A Security Center client bound to one endpoint and one set of credentials.
pub struct Client {
    http: reqwest::Client,
    base_url: Url,
    credentials: Credentials,
    options: ClientOptions,
}

impl std::fmt::Debug for Client {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Client")
            .field("base_url", &self.base_url.as_str())
            .field("credentials", &self.credentials)
            .field("options", &self.options)
            .finish_non_exhaustive()
    }
}

/// True for `localhost` and loopback IP addresses.
pub fn is_loopback_host(host: &str) -> bool {
    let host = host.trim_start_matches('[').trim_end_matches(']');
    host.eq_ignore_ascii_case("localhost")
        || host.parse::<IpAddr>().is_ok_and(|ip| ip.is_loopback())
}

impl Client {
    /// Builds a client. TLS is rustls with the platform's root certificates; `HTTPS_PROXY` and `NO_PROXY` are
    /// honoured, except for loopback endpoints (the emulator), which are always reached directly.
    pub fn new(
        base_url: Url,
        credentials: Credentials,
        options: ClientOptions,
    ) -> Result<Self, ApiError> {
        // Installing the process-wide provider twice is harmless; the second call just reports it is set.
        let _ = rustls::crypto::ring::default_provider().install_default();
        let mut builder = reqwest::Client::builder()
            .user_agent(concat!("scanwatch/", env!("CARGO_PKG_VERSION")))
            .connect_timeout(options.connect_timeout)
            .timeout(options.timeout)
            .redirect(reqwest::redirect::Policy::none());
        if base_url.host_str().is_some_and(is_loopback_host) {
            builder = builder.no_proxy();
        }
        let http = builder.build().map_err(|e| {
            ApiError::Network(format!("could not set up HTTPS: {}", error_chain(&e)))
        })?;
        Ok(Self {
            http,
            base_url,
            credentials,
            options,
        })
    }

    pub fn base_url(&self) -> &Url {
        &self.base_url
    }

    pub fn credentials(&self) -> &Credentials {
        &self.credentials
    }

    /// Fetches the latest virus scan task, retrying what may succeed on a second try.
    pub async fn latest_task(&self) -> Result<Fetched, ApiError> {
        let mut attempt = 1;
        loop {
            match self.attempt().await {
                Ok(mut fetched) => {
                    fetched.attempts = attempt;
                    return Ok(fetched);
                }
                Err(error) if attempt < self.options.max_attempts && error.is_retryable() => {
                    let Some(delay) = self.retry_delay(&error, attempt) else {
                        return Err(error);
                    };
                    tracing::debug!(attempt, code = error.code(), ?delay, "retrying");
                    tokio::time::sleep(delay).await;
                    attempt += 1;
                }
                Err(error) => return Err(error),
            }
        }
    }

    /// The wait before attempt `attempt + 1`; `None` when the server asks for more than we will wait.
    fn retry_delay(&self, error: &ApiError, attempt: u32) -> Option<Duration> {
        if let ApiError::Service(ServiceError {
            retry_after: Some(wait),
            ..
        }) = error
        {
            return (*wait <= self.options.max_retry_after).then_some(*wait);
        }
        Some(backoff(
            self.options.backoff_base,
            self.options.backoff_max,
            attempt,
            rand::rng().random::<f64>(),
        ))
    }

    fn signed_params(&self) -> (Params, signer::StringToSign) {
        let mut params = Params::new();
        params.insert("Action".into(), ACTION.into());
        params.insert("Version".into(), API_VERSION.into());
        params.insert("Format".into(), "JSON".into());
        let nonce = format!("{:032x}", rand::rng().random::<u128>());
        let signed = signer::sign(
            params,
            &SigningInput {
                method: "POST",
                access_key_id: &self.credentials.access_key_id,
                access_key_secret: self.credentials.access_key_secret.expose(),
                security_token: self.credentials.security_token.as_ref().map(Secret::expose),
                time: Utc::now(),
                nonce: &nonce,
            },
        );
        (signed.params, signed.string_to_sign)
    }

    /// One signed request, sent as the official SDK does: `POST /?<all parameters>` with an empty body.
    async fn attempt(&self) -> Result<Fetched, ApiError> {
        let (params, string_to_sign) = self.signed_params();
        let mut url = self.base_url.clone();
        url.set_query(Some(&encode_query(&params)));
        let response = self
            .http
            .post(url)
            .send()
            .await
            .map_err(|e| self.map_transport(e))?;
        let status = response.status().as_u16();
        let headers = response.headers().clone();
        let body = self.read_body(response).await?;
        if (200..300).contains(&status) {
            let (decoded, value) =
                ScanResponse::from_slice(&body).map_err(|e| ApiError::Malformed {
                    status,
                    reason: format!("{e}; body starts: {}", excerpt(&body)),
                })?;
            return Ok(Fetched {
                response: decoded,
                body: value,
                attempts: 1,
            });
        }
        Err(self.map_error_body(status, &headers, &body, &string_to_sign))
    }

    async fn read_body(&self, mut response: reqwest::Response) -> Result<Vec<u8>, ApiError> {
        let limit = self.options.max_body_bytes;
        if response.content_length().is_some_and(|len| len > limit) {
            return Err(ApiError::TooLarge { limit_bytes: limit });
        }
        let mut body = Vec::new();
        while let Some(chunk) = response.chunk().await.map_err(|e| self.map_transport(e))? {
            if body.len() as u64 + chunk.len() as u64 > limit {
                return Err(ApiError::TooLarge { limit_bytes: limit });
            }
            body.extend_from_slice(&chunk);
        }
        Ok(body)
    }

    fn map_transport(&self, error: reqwest::Error) -> ApiError {
        // The URL's query holds the signature and any STS token: never let it into a message.
        let error = error.without_url();
        let detail = self.redact(&error_chain(&error));
        if error.is_timeout() {
            ApiError::Timeout(self.options.timeout)
        } else if error.is_connect() {
            ApiError::Connect {
                endpoint: self.endpoint_label(),
                detail,
            }
        } else {
            ApiError::Network(detail)
        }
    }

    fn endpoint_label(&self) -> String {
        let host = self.base_url.host_str().unwrap_or("?");
        match self.base_url.port() {
            Some(port) => format!("{host}:{port}"),
            None => host.to_owned(),
        }
    }

    fn map_error_body(
        &self,
        status: u16,
        headers: &HeaderMap,
        body: &[u8],
        ours: &signer::StringToSign,
    ) -> ApiError {
        let parsed = serde_json::from_slice::<ErrorBody>(body)
            .ok()
            .filter(|b| b.code.as_deref().is_some_and(|c| !c.is_empty()));
        let Some(parsed) = parsed else {
            return ApiError::UnexpectedBody {
                status,
                excerpt: self.redact(&excerpt(body)),
            };
        };
        let code = parsed.code.unwrap_or_default();
        let message = parsed.message.unwrap_or_default();
        let string_to_sign_matches = (code == "SignatureDoesNotMatch")
            .then(|| server_string_to_sign(&message).map(|theirs| theirs == ours.as_str()))
            .flatten();
        let retry_after = headers
            .get(RETRY_AFTER_HEADER)
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.trim().parse::<u64>().ok())
            .filter(|ms| *ms > 0)
            .map(Duration::from_millis);
        ApiError::Service(ServiceError {
            http_status: status,
            code: self.redact(&code),
            message: self.redact(&message),
            request_id: parsed
                .request_id
                .or_else(|| header_string(headers, "x-acs-request-id")),
            host_id: parsed.host_id,
            recommend: parsed.recommend,
            retry_after,
            string_to_sign_matches,
        })
    }

    /// Removes this client's secrets from text that came from elsewhere.
    fn redact(&self, text: &str) -> String {
        let mut secrets = vec![self.credentials.access_key_secret.expose()];
        if let Some(token) = &self.credentials.security_token {
            secrets.push(token.expose());
        }
        redact(text, &secrets)
    }
}

fn header_string(headers: &HeaderMap, name: &str) -> Option<String> {
    headers
        .get(name)
        .and_then(|v| v.to_str().ok())
        .map(str::to_owned)
}

/// The query string of a signed request, every key and value percent-encoded as the signer does.
pub fn encode_query(params: &Params) -> String {
    let mut out = String::new();
    for (key, value) in params {
        if !out.is_empty() {
            out.push('&');
        }
        let _ = write!(
            out,
            "{}={}",
            signer::percent_encode(key),
            signer::percent_encode(value)
        );
    }
    out
}

/// The server's string to sign, from a `SignatureDoesNotMatch` message.
pub fn server_string_to_sign(message: &str) -> Option<&str> {
    const MARKER: &str = "string to sign is:";
    let at = message.to_ascii_lowercase().find(MARKER)?;
    Some(message[at + MARKER.len()..].trim())
}

/// Exponential backoff with jitter: attempt 1 waits base/2..base, attempt 2 base..2*base, ... capped at `max`.
/// `unit` is a random number in `[0, 1)`, passed in so the curve can be tested.
pub fn backoff(base: Duration, max: Duration, attempt: u32, unit: f64) -> Duration {
    let factor = 2u32.saturating_pow(attempt.saturating_sub(1));
    let ceiling = base.saturating_mul(factor).min(max);
    ceiling.mul_f64(0.5 + 0.5 * unit.clamp(0.0, 1.0))
}

/// The error and its sources, on one line.
fn error_chain(error: &(dyn std::error::Error + 'static)) -> String {
    let mut text = error.to_string();
    let mut source = error.source();
    while let Some(cause) = source {
        let cause_text = cause.to_string();
        if !text.contains(&cause_text) {
            text.push_str(": ");
            text.push_str(&cause_text);
        }
        source = cause.source();
    }
    // reqwest names the URL, whose query holds the signature and any STS token.
    match text.find("for url (") {
        Some(start) => {
            let end = text[start..]
                .find(')')
                .map_or(text.len(), |e| start + e + 1);
            format!("{}{}", &text[..start], text[end..].trim_start())
        }
        None => text,
    }
}

/// A short, single-line, printable excerpt of a body.
pub fn excerpt(body: &[u8]) -> String {
    const MAX: usize = 120;
    let text = String::from_utf8_lossy(&body[..body.len().min(4 * MAX)]);
    let mut out = String::new();
    let mut last_space = true;
    for c in text.chars() {
        let c = if c.is_control() || c.is_whitespace() {
            ' '
        } else {
            c
        };
        if c == ' ' && last_space {
            continue;
        }
        last_space = c == ' ';
        out.push(c);
        if out.chars().count() >= MAX {
            out.push('…');
            break;
        }
    }
    if out.trim().is_empty() {
        "(empty body)".into()
    } else {
        out.trim().to_owned()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn backoff_doubles_within_jitter_and_caps() {
        let base = Duration::from_millis(100);
        let max = Duration::from_millis(350);
        assert_eq!(backoff(base, max, 1, 0.0), Duration::from_millis(50));
        assert_eq!(backoff(base, max, 1, 1.0), Duration::from_millis(100));
        assert_eq!(backoff(base, max, 2, 1.0), Duration::from_millis(200));
        assert_eq!(backoff(base, max, 3, 1.0), Duration::from_millis(350));
        assert_eq!(backoff(base, max, 40, 0.0), Duration::from_millis(175));
    }

    #[test]
    fn query_encoding_matches_the_signer() {
        let mut p = Params::new();
        p.insert("Signature".into(), "a+b/c=".into());
        p.insert("Timestamp".into(), "2024-01-01T00:00:00Z".into());
        assert_eq!(
            encode_query(&p),
            "Signature=a%2Bb%2Fc%3D&Timestamp=2024-01-01T00%3A00%3A00Z"
        );
    }

    #[test]
    fn server_string_to_sign_is_found_in_the_message() {
        let m = "Specified signature is not matched with our calculation. server string to sign is:POST&%2F&A%3D1";
        assert_eq!(server_string_to_sign(m), Some("POST&%2F&A%3D1"));
        assert_eq!(server_string_to_sign("nothing here"), None);
    }

    #[test]
    fn excerpts_are_short_single_lines() {
        let html =
            b"<html>\n  <head><title>502 Bad Gateway</title></head>\r\n<body>\t</body></html>";
        assert_eq!(
            excerpt(html),
            "<html> <head><title>502 Bad Gateway</title></head> <body> </body></html>"
        );
        assert_eq!(excerpt(b""), "(empty body)");
        assert!(excerpt(&[b'x'; 10_000]).chars().count() <= 121);
        assert_eq!(excerpt(&[0xff, 0xfe, b'a']), "\u{fffd}\u{fffd}a");
    }

    #[test]
    fn loopback_hosts() {
        for host in [
            "127.0.0.1",
            "127.9.9.9",
            "localhost",
            "LOCALHOST",
            "[::1]",
            "::1",
        ] {
            assert!(is_loopback_host(host), "{host}");
        }
        for host in [
            "10.0.0.1",
            "tds.cn-shanghai.aliyuncs.com",
            "localhost.evil.com",
        ] {
            assert!(!is_loopback_host(host), "{host}");
        }
    }

    #[test]
    fn urls_are_cut_out_of_transport_errors() {
        #[derive(Debug)]
        struct E;
        impl std::fmt::Display for E {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str("error sending request for url (http://h/?SecurityToken=abc) connection refused")
            }
        }
        impl std::error::Error for E {}
        let text = error_chain(&E);
        assert!(!text.contains("SecurityToken"), "{text}");
        assert!(text.contains("connection refused"), "{text}");
    }
}

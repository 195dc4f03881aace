//! The HTTP side of the emulator: accepting connections, applying faults, verifying and answering requests.

use std::convert::Infallible;
use std::io;
use std::pin::Pin;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex, PoisonError};
use std::task::{Context, Poll};
use std::time::{Duration, Instant};

use chrono::Utc;
use http_body_util::combinators::UnsyncBoxBody;
use http_body_util::{BodyExt, Full, Limited};
use hyper::body::{Body, Bytes, Frame, Incoming};
use hyper::header::{CONTENT_LENGTH, CONTENT_TYPE, HOST, HeaderValue};
use hyper::{Method, Request, Response, StatusCode};
use hyper_util::rt::{TokioIo, TokioTimer};
use serde_json::{Map, Value};
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::oneshot;
use tokio::task::JoinSet;

use super::fault::{FaultKind, FaultRule, message_for_code};
use super::scenario::Scenario;
use super::verify::{Verifier, decode_params, status_for_code};
use crate::api::error::ErrorBody;
use crate::api::signer::{Params, percent_encode};

/// Larger request bodies are refused; the real API takes a handful of short parameters.
pub const MAX_REQUEST_BODY: usize = 1024 * 1024;

const JSON: &str = "application/json;charset=utf-8";
const HTML: &str = "text/html; charset=utf-8";
const FALLBACK_HOST_ID: &str = "tds.emulator.local";
/// How long a truncated body waits after its partial data, so the data is flushed before the connection drops.
const TRUNCATE_PAUSE: Duration = Duration::from_millis(50);

type ResponseBody = UnsyncBoxBody<Bytes, io::Error>;

/// State shared by every connection of one emulator.
pub(super) struct Shared {
    verifier: Mutex<Verifier>,
    scenario: Scenario,
    faults: Vec<FaultRule>,
    pub(super) requests: AtomicU64,
    started: Instant,
    started_unix_ms: i64,
}

impl Shared {
    pub(super) fn new(verifier: Verifier, scenario: Scenario, faults: Vec<FaultRule>) -> Self {
        Self {
            verifier: Mutex::new(verifier),
            scenario,
            faults,
            requests: AtomicU64::new(0),
            started: Instant::now(),
            started_unix_ms: Utc::now().timestamp_millis(),
        }
    }
}

/// Accepts connections until `stop` fires (or its sender is dropped).
pub(super) async fn serve(
    listener: TcpListener,
    shared: Arc<Shared>,
    mut stop: oneshot::Receiver<()>,
) {
    // Owning the connection tasks here means that when this task ends, every open connection (a huge stream,
    // a slow latency fault) is aborted with it.
    let mut connections = JoinSet::new();
    loop {
        tokio::select! {
            _ = &mut stop => break,
            accepted = listener.accept() => match accepted {
                Ok((stream, _)) => {
                    connections.spawn(serve_connection(stream, Arc::clone(&shared)));
                }
                Err(error) => {
                    // Typically out of file descriptors: back off instead of spinning on the error.
                    tracing::warn!(%error, "emulator: accept failed");
                    tokio::time::sleep(Duration::from_millis(50)).await;
                }
            },
            Some(_) = connections.join_next(), if !connections.is_empty() => {}
        }
    }
}

async fn serve_connection(stream: TcpStream, shared: Arc<Shared>) {
    let service = hyper::service::service_fn(move |request| {
        let shared = Arc::clone(&shared);
        async move { handle(&shared, request).await }
    });
    let result = hyper::server::conn::http1::Builder::new()
        .timer(TokioTimer::new())
        .serve_connection(TokioIo::new(stream), service)
        .await;
    if let Err(error) = result {
        tracing::debug!(%error, "emulator: connection ended with an error");
    }
}

/// Returned by the service to make hyper drop the connection without answering.
#[derive(Debug)]
struct ResetConnection;

impl std::fmt::Display for ResetConnection {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("connection reset by an injected fault")
    }
}

impl std::error::Error for ResetConnection {}

/// What every answer needs to know about its request.
struct Exchange {
    request_id: String,
    host_id: String,
}

async fn handle(
    shared: &Shared,
    request: Request<Incoming>,
) -> Result<Response<ResponseBody>, ResetConnection> {
    let number = shared.requests.fetch_add(1, Ordering::Relaxed) + 1;
    let exchange = Exchange {
        request_id: new_request_id(),
        host_id: request
            .headers()
            .get(HOST)
            .and_then(|h| h.to_str().ok())
            .filter(|h| !h.is_empty())
            .unwrap_or(FALLBACK_HOST_ID)
            .to_owned(),
    };
    let fault = shared
        .faults
        .iter()
        .find(|rule| rule.schedule.applies(number, rand::random::<f64>()));
    if let Some(rule) = fault {
        tracing::debug!(number, fault = %rule, "emulator: injecting fault");
        match &rule.kind {
            FaultKind::Latency(delay) => tokio::time::sleep(*delay).await,
            FaultKind::Reset => return Err(ResetConnection),
            other => return Ok(fault_response(shared, other, &exchange)),
        }
    }
    Ok(answer(shared, request, &exchange).await)
}

/// The normal path: read parameters, verify, and serve the scenario.
async fn answer(
    shared: &Shared,
    request: Request<Incoming>,
    exchange: &Exchange,
) -> Response<ResponseBody> {
    let method = request.method().clone();
    if method != Method::GET && method != Method::POST {
        return error_response(
            exchange,
            405,
            "UnsupportedHTTPMethod",
            &format!("HTTP method {method} is not supported; use GET or POST."),
        );
    }
    let mut params = Params::new();
    decode_params(request.uri().query().unwrap_or("").as_bytes(), &mut params);
    if method == Method::POST {
        let is_form = request
            .headers()
            .get(CONTENT_TYPE)
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.split(';').next())
            .is_some_and(|v| {
                v.trim()
                    .eq_ignore_ascii_case("application/x-www-form-urlencoded")
            });
        // Bodies of other types are read too (and then ignored), so the size cap holds for every request.
        match Limited::new(request.into_body(), MAX_REQUEST_BODY)
            .collect()
            .await
        {
            Ok(collected) => {
                if is_form {
                    decode_params(&collected.to_bytes(), &mut params);
                }
            }
            Err(error) if error.is::<http_body_util::LengthLimitError>() => {
                return error_response(
                    exchange,
                    413,
                    "RequestEntityTooLarge",
                    &format!("The request body is larger than {MAX_REQUEST_BODY} bytes."),
                );
            }
            Err(error) => {
                return error_response(
                    exchange,
                    400,
                    "InvalidRequestBody",
                    &format!("The request body could not be read: {error}"),
                );
            }
        }
    }
    let verdict = shared
        .verifier
        .lock()
        .unwrap_or_else(PoisonError::into_inner)
        .check(method.as_str(), &params, Utc::now());
    if let Err(rejection) = verdict {
        return error_response(
            exchange,
            rejection.status,
            rejection.code,
            &rejection.message,
        );
    }
    json_response(
        StatusCode::OK,
        &exchange.request_id,
        success_body(shared, exchange),
    )
}

fn success_body(shared: &Shared, exchange: &Exchange) -> Vec<u8> {
    let mut body = Map::new();
    body.insert(
        "RequestId".into(),
        Value::String(exchange.request_id.clone()),
    );
    if let Some(data) = shared
        .scenario
        .data_at(shared.started.elapsed(), shared.started_unix_ms)
    {
        body.insert("Data".into(), data);
    }
    serde_json::to_vec(&Value::Object(body)).unwrap_or_default()
}

fn fault_response(
    shared: &Shared,
    kind: &FaultKind,
    exchange: &Exchange,
) -> Response<ResponseBody> {
    match kind {
        FaultKind::Error(code) => error_response(
            exchange,
            status_for_code(code),
            code,
            &message_for_code(code),
        ),
        FaultKind::Throttle { retry_after_ms } => {
            let code = "Throttling.User";
            let mut response = error_response(
                exchange,
                status_for_code(code),
                code,
                &message_for_code(code),
            );
            response
                .headers_mut()
                .insert("x-acs-retry-after", HeaderValue::from(*retry_after_ms));
            response
        }
        FaultKind::Truncate => {
            let full = success_body(shared, exchange);
            let sent = Bytes::from(full[..full.len() / 2].to_vec());
            let mut response = with_headers(
                StatusCode::OK,
                JSON,
                Some(&exchange.request_id),
                TruncatedBody::new(sent).boxed_unsync(),
            );
            // Promise the whole body, deliver half: hyper then closes the connection mid-body.
            response
                .headers_mut()
                .insert(CONTENT_LENGTH, HeaderValue::from(full.len()));
            response
        }
        // These pages come from something in front of Security Center, so they carry no x-acs-request-id.
        FaultKind::NonJson => with_headers(
            StatusCode::OK,
            HTML,
            None,
            full_body(CAPTIVE_PORTAL.as_bytes().to_vec()),
        ),
        FaultKind::ProxyError => with_headers(
            StatusCode::BAD_GATEWAY,
            HTML,
            None,
            full_body(BAD_GATEWAY.as_bytes().to_vec()),
        ),
        FaultKind::Huge { bytes } => with_headers(
            StatusCode::OK,
            JSON,
            Some(&exchange.request_id),
            HugeBody::new(&exchange.request_id, *bytes).boxed_unsync(),
        ),
        // Handled before a response is built; answering normally would hide a bug, so say so.
        FaultKind::Latency(_) | FaultKind::Reset => error_response(
            exchange,
            500,
            "InternalError",
            "The scanwatch emulator mishandled a fault rule.",
        ),
    }
}

const CAPTIVE_PORTAL: &str = "<!DOCTYPE html>\n<html><head><title>Sign in to GuestNet Wi-Fi</title></head>\n\
<body><h1>Welcome to GuestNet</h1><p>Please accept the terms of use to continue browsing.</p>\n\
<form method=\"post\" action=\"/login\"><button>Accept and connect</button></form></body></html>\n";

const BAD_GATEWAY: &str = "<html>\r\n<head><title>502 Bad Gateway</title></head>\r\n<body>\r\n\
<center><h1>502 Bad Gateway</h1></center>\r\n<hr><center>nginx</center>\r\n</body>\r\n</html>\r\n";

fn error_response(
    exchange: &Exchange,
    status: u16,
    code: &str,
    message: &str,
) -> Response<ResponseBody> {
    let body = ErrorBody {
        request_id: Some(exchange.request_id.clone()),
        host_id: Some(exchange.host_id.clone()),
        code: Some(code.to_owned()),
        message: Some(message.to_owned()),
        recommend: Some(format!(
            "https://api.aliyun.com/troubleshoot?q={}&product=Sas&requestId={}",
            percent_encode(code),
            exchange.request_id
        )),
    };
    let status = StatusCode::from_u16(status).unwrap_or(StatusCode::BAD_REQUEST);
    json_response(
        status,
        &exchange.request_id,
        serde_json::to_vec(&body).unwrap_or_default(),
    )
}

fn json_response(status: StatusCode, request_id: &str, body: Vec<u8>) -> Response<ResponseBody> {
    with_headers(status, JSON, Some(request_id), full_body(body))
}

fn full_body(bytes: Vec<u8>) -> ResponseBody {
    Full::new(Bytes::from(bytes))
        .map_err(|never: Infallible| match never {})
        .boxed_unsync()
}

fn with_headers(
    status: StatusCode,
    content_type: &'static str,
    request_id: Option<&str>,
    body: ResponseBody,
) -> Response<ResponseBody> {
    let mut response = Response::new(body);
    *response.status_mut() = status;
    let headers = response.headers_mut();
    headers.insert(CONTENT_TYPE, HeaderValue::from_static(content_type));
    if let Some(id) = request_id.and_then(|id| HeaderValue::from_str(id).ok()) {
        headers.insert("x-acs-request-id", id);
    }
    response
}

/// An uppercase UUID-like id, as Alibaba's `RequestId` looks.
fn new_request_id() -> String {
    let hex = format!("{:032X}", rand::random::<u128>());
    format!(
        "{}-{}-{}-{}-{}",
        &hex[0..8],
        &hex[8..12],
        &hex[12..16],
        &hex[16..20],
        &hex[20..32]
    )
}

/// Yields its data, pauses so hyper flushes it, then fails so hyper drops the connection mid-body.
struct TruncatedBody {
    data: Option<Bytes>,
    pause: Pin<Box<tokio::time::Sleep>>,
}

impl TruncatedBody {
    fn new(data: Bytes) -> Self {
        Self {
            data: Some(data),
            pause: Box::pin(tokio::time::sleep(TRUNCATE_PAUSE)),
        }
    }
}

impl Body for TruncatedBody {
    type Data = Bytes;
    type Error = io::Error;

    fn poll_frame(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
    ) -> Poll<Option<Result<Frame<Bytes>, io::Error>>> {
        if let Some(data) = self.data.take() {
            return Poll::Ready(Some(Ok(Frame::data(data))));
        }
        match self.pause.as_mut().poll(cx) {
            Poll::Pending => Poll::Pending,
            Poll::Ready(()) => Poll::Ready(Some(Err(io::Error::new(
                io::ErrorKind::ConnectionAborted,
                "truncated by an injected fault",
            )))),
        }
    }
}

/// A body of exactly `bytes` bytes, made on demand as hyper asks for it, so nothing large is ever held.
///
/// When there is room it is valid JSON (`{"RequestId":"…","Padding":"aaa…"}`), so a client without a size limit
/// would decode it: only a limit saves it.
struct HugeBody {
    prefix: Option<Bytes>,
    padding: Bytes,
    padding_left: u64,
    suffix: Option<Bytes>,
}

impl HugeBody {
    const CHUNK: usize = 64 * 1024;

    fn new(request_id: &str, bytes: u64) -> Self {
        let prefix = format!("{{\"RequestId\":\"{request_id}\",\"Padding\":\"");
        let suffix = "\"}";
        let frame = (prefix.len() + suffix.len()) as u64;
        let padding = Bytes::from(vec![b'a'; Self::CHUNK]);
        if bytes < frame {
            return Self {
                prefix: None,
                padding,
                padding_left: bytes,
                suffix: None,
            };
        }
        Self {
            prefix: Some(Bytes::from(prefix)),
            padding,
            padding_left: bytes - frame,
            suffix: Some(Bytes::from_static(suffix.as_bytes())),
        }
    }
}

impl Body for HugeBody {
    type Data = Bytes;
    type Error = io::Error;

    fn poll_frame(
        mut self: Pin<&mut Self>,
        _cx: &mut Context<'_>,
    ) -> Poll<Option<Result<Frame<Bytes>, io::Error>>> {
        if let Some(prefix) = self.prefix.take() {
            return Poll::Ready(Some(Ok(Frame::data(prefix))));
        }
        if self.padding_left > 0 {
            let n = usize::try_from(self.padding_left)
                .map_or(Self::CHUNK, |left| left.min(Self::CHUNK));
            self.padding_left -= n as u64;
            return Poll::Ready(Some(Ok(Frame::data(self.padding.slice(..n)))));
        }
        Poll::Ready(self.suffix.take().map(|s| Ok(Frame::data(s))))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    async fn drain(mut body: impl Body<Data = Bytes, Error = io::Error> + Unpin) -> Vec<u8> {
        let mut out = Vec::new();
        while let Some(frame) = body.frame().await {
            if let Ok(data) = frame.unwrap().into_data() {
                out.extend_from_slice(&data);
            }
        }
        out
    }

    #[tokio::test]
    async fn huge_body_has_the_exact_size_and_is_json_when_it_fits() {
        for size in [0u64, 5, 60, 61, 1000, 200_000] {
            let out = drain(HugeBody::new("ID-1", size)).await;
            assert_eq!(out.len() as u64, size, "size {size}");
        }
        let out = drain(HugeBody::new("ID-1", 200_000)).await;
        let value: Value = serde_json::from_slice(&out).unwrap();
        assert_eq!(value["RequestId"], "ID-1");
    }

    #[tokio::test]
    async fn truncated_body_sends_data_then_fails() {
        let mut body = TruncatedBody::new(Bytes::from_static(b"{\"Req"));
        let first = body.frame().await.unwrap().unwrap().into_data().unwrap();
        assert_eq!(&first[..], b"{\"Req");
        assert!(body.frame().await.unwrap().is_err());
    }

    #[test]
    fn request_ids_look_like_alibaba_ones() {
        let id = new_request_id();
        assert_eq!(id.len(), 36, "{id}");
        let groups: Vec<usize> = id.split('-').map(str::len).collect();
        assert_eq!(groups, [8, 4, 4, 4, 12], "{id}");
        assert!(
            id.chars()
                .all(|c| c == '-' || c.is_ascii_digit() || c.is_ascii_uppercase()),
            "{id}"
        );
        assert_ne!(id, new_request_id());
    }
}

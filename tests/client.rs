//! The client against the emulator over real loopback HTTP: success, every error code the reference lists,
//! every fault the emulator can inject, retries and their bounds, lenient parsing, and secret hygiene.

use std::time::Duration;

use scanwatch::api::client::{Client, ClientOptions};
use scanwatch::api::error::ApiError;
use scanwatch::api::model::{RiskLevel, ScanType, TaskStatus};
use scanwatch::credentials::{CredentialSource, Credentials, Secret};
use scanwatch::emulator::fault::FaultRule;
use scanwatch::emulator::scenario::Scenario;
use scanwatch::emulator::{self, EmulatorConfig, EmulatorHandle};

const KEY_ID: &str = "test-key-id";
const SECRET: &str = "canary-secret-5f3a9c";
const TOKEN: &str = "canary/token+9b7e=";

const TASK: &str = r#"{"tasks":[{"data":{
  "TaskId":"task-fixed-1","ScanTime":1700000000000,"Status":10,"SuspiciousCount":5,"SuspiciousMachine":2,
  "SafeMachine":7,"ScanMachine":10,"ScanType":"user","ScanPath":["/var/www","/srv"],"Progress":"92",
  "MachineName":"web-1","CompleteMachine":9,"UnCompleteMachine":1,"RiskLevel":"high"}}]}"#;

fn fast_options() -> ClientOptions {
    ClientOptions {
        timeout: Duration::from_secs(2),
        backoff_base: Duration::from_millis(5),
        backoff_max: Duration::from_millis(20),
        max_retry_after: Duration::from_secs(1),
        ..ClientOptions::default()
    }
}

fn credentials(secret: &str, token: Option<&str>) -> Credentials {
    Credentials {
        access_key_id: KEY_ID.into(),
        access_key_secret: Secret::new(secret),
        security_token: token.map(Secret::new),
        source: CredentialSource::Environment("ALIBABA_CLOUD_ACCESS_KEY_ID".into()),
    }
}

async fn serve(scenario: &str, faults: &[&str], token: Option<&str>) -> EmulatorHandle {
    let config = EmulatorConfig {
        access_key_id: KEY_ID.into(),
        access_key_secret: SECRET.into(),
        security_token: token.map(str::to_owned),
        scenario: Scenario::from_json(scenario).expect("scenario"),
        faults: faults
            .iter()
            .map(|f| FaultRule::parse(f).expect("fault"))
            .collect(),
    };
    emulator::start(([127, 0, 0, 1], 0).into(), config)
        .await
        .expect("emulator starts")
}

fn client(handle: &EmulatorHandle, creds: Credentials, options: ClientOptions) -> Client {
    Client::new(handle.base_url().parse().unwrap(), creds, options).expect("client")
}

async fn fetch_with_faults(
    faults: &[&str],
) -> (Result<scanwatch::api::client::Fetched, ApiError>, u64) {
    let handle = serve(TASK, faults, None).await;
    let result = client(&handle, credentials(SECRET, None), fast_options())
        .latest_task()
        .await;
    (result, handle.request_count())
}

#[tokio::test]
async fn success_decodes_every_field() {
    let (result, requests) = fetch_with_faults(&[]).await;
    let fetched = result.expect("success");
    assert_eq!(requests, 1);
    assert_eq!(fetched.attempts, 1);
    let task = fetched.response.task.expect("a task");
    assert_eq!(task.task_id.as_deref(), Some("task-fixed-1"));
    assert_eq!(task.status, Some(TaskStatus::RUNNING));
    assert_eq!(task.progress, Some(92.0));
    assert_eq!(task.scan_type, Some(ScanType::User));
    assert_eq!(task.scan_paths, vec!["/var/www", "/srv"]);
    assert_eq!(task.risk, RiskLevel::High);
    assert_eq!(task.suspicious_count, Some(5));
    assert!(fetched.response.request_id.is_some());
    assert_eq!(
        fetched.body["Data"]["Progress"], "92",
        "the raw body keeps the API's own shape"
    );
}

#[tokio::test]
async fn consecutive_calls_use_fresh_nonces() {
    let handle = serve(TASK, &[], None).await;
    let c = client(&handle, credentials(SECRET, None), fast_options());
    for _ in 0..5 {
        c.latest_task().await.expect("each call is signed afresh");
    }
    assert_eq!(handle.request_count(), 5);
}

#[tokio::test]
async fn sts_credentials_send_the_security_token() {
    let handle = serve(TASK, &[], Some(TOKEN)).await;
    let ok = client(&handle, credentials(SECRET, Some(TOKEN)), fast_options())
        .latest_task()
        .await;
    assert!(ok.is_ok(), "{ok:?}");
    let wrong = client(
        &handle,
        credentials(SECRET, Some("other-token")),
        fast_options(),
    )
    .latest_task()
    .await
    .unwrap_err();
    assert!(
        wrong.code().starts_with("InvalidSecurityToken"),
        "{wrong:?}"
    );
    let missing = client(&handle, credentials(SECRET, None), fast_options())
        .latest_task()
        .await
        .unwrap_err();
    assert!(
        missing.code().starts_with("InvalidSecurityToken"),
        "{missing:?}"
    );
}

#[tokio::test]
async fn wrong_secret_is_diagnosed_from_the_servers_string_to_sign() {
    let handle = serve(TASK, &[], None).await;
    let err = client(&handle, credentials("not-the-secret", None), fast_options())
        .latest_task()
        .await
        .unwrap_err();
    let ApiError::Service(e) = &err else {
        panic!("{err:?}")
    };
    assert_eq!(
        (e.code.as_str(), e.http_status),
        ("SignatureDoesNotMatch", 400)
    );
    assert_eq!(e.string_to_sign_matches, Some(true));
    assert!(err.remedy().unwrap().contains("secret is wrong"));
    assert_eq!(
        handle.request_count(),
        1,
        "credential errors are never retried"
    );
}

#[tokio::test]
async fn server_quoting_the_security_token_back_is_redacted() {
    // With STS credentials the server's string to sign contains the token; it must not survive into the error.
    let handle = serve(TASK, &[], Some(TOKEN)).await;
    let err = client(
        &handle,
        credentials("not-the-secret", Some(TOKEN)),
        fast_options(),
    )
    .latest_task()
    .await
    .unwrap_err();
    assert_eq!(err.code(), "SignatureDoesNotMatch");
    let shown = format!("{err} {err:?} {}", err.message());
    let once = scanwatch::api::signer::percent_encode(TOKEN);
    let twice = scanwatch::api::signer::percent_encode(&once);
    for form in [TOKEN, once.as_str(), twice.as_str(), SECRET] {
        assert!(!shown.contains(form), "{form} leaked in {shown}");
    }
}

#[tokio::test]
async fn unknown_key_is_not_found() {
    let handle = serve(TASK, &[], None).await;
    let mut creds = credentials(SECRET, None);
    creds.access_key_id = "no-such-key".into();
    let err = client(&handle, creds, fast_options())
        .latest_task()
        .await
        .unwrap_err();
    let ApiError::Service(e) = &err else {
        panic!("{err:?}")
    };
    assert_eq!(
        (e.code.as_str(), e.http_status),
        ("InvalidAccessKeyId.NotFound", 404)
    );
    assert!(err.remedy().is_some());
}

/// Every code of the reference, injected: status kept, `RequestId` kept, retried only when it may help.
#[tokio::test]
async fn every_documented_error_code() {
    let cases: &[(&str, u16, bool)] = &[
        ("NoPermission", 403, false),
        ("Forbidden.RAM", 403, false),
        ("SignatureDoesNotMatch", 400, false),
        ("IncompleteSignature", 400, false),
        ("InvalidAccessKeyId.NotFound", 404, false),
        ("InvalidAccessKeyId.Inactive", 400, false),
        ("InvalidTimeStamp.Expired", 400, false),
        ("SignatureNonceUsed", 400, false),
        ("InvalidAction.NotFound", 404, false),
        ("Throttling", 400, true),
        ("Throttling.User", 400, true),
        ("Throttling.Api", 400, true),
        ("ServerError", 500, true),
        ("InternalError", 500, true),
        ("ServiceUnavailable", 503, true),
    ];
    for &(code, status, retried) in cases {
        let (result, requests) = fetch_with_faults(&[&format!("error:{code}")]).await;
        let err = result.unwrap_err();
        let ApiError::Service(e) = &err else {
            panic!("{code}: {err:?}")
        };
        assert_eq!(e.code, code);
        assert_eq!(e.http_status, status, "{code}");
        assert!(e.request_id.is_some(), "{code} keeps its RequestId");
        assert!(e.host_id.is_some(), "{code} keeps its HostId");
        assert!(err.remedy().is_some(), "{code} has a remedy");
        assert_eq!(requests, if retried { 3 } else { 1 }, "{code}: attempts");
    }
}

#[tokio::test]
async fn throttling_honours_retry_after_then_succeeds() {
    let (result, requests) = fetch_with_faults(&["throttle:50@first=1"]).await;
    let fetched = result.expect("second attempt succeeds");
    assert_eq!((fetched.attempts, requests), (2, 2));
}

#[tokio::test]
async fn throttling_with_an_excessive_retry_after_is_reported_not_waited_for() {
    let (result, requests) = fetch_with_faults(&["throttle:600000"]).await;
    let err = result.unwrap_err();
    let ApiError::Service(e) = &err else {
        panic!("{err:?}")
    };
    assert_eq!(e.retry_after, Some(Duration::from_secs(600)));
    assert_eq!(requests, 1);
}

#[tokio::test]
async fn throttling_without_header_backs_off_and_is_bounded() {
    let (result, requests) = fetch_with_faults(&["error:Throttling.User"]).await;
    assert_eq!(result.unwrap_err().code(), "Throttling.User");
    assert_eq!(requests, 3);
}

#[tokio::test]
async fn flapping_server_is_ridden_out() {
    let (result, _) = fetch_with_faults(&["error:ServerError@every=2"]).await;
    assert!(result.is_ok(), "{result:?}");
    let (result, requests) = fetch_with_faults(&["error:ServerError@first=1"]).await;
    assert_eq!((result.expect("retry succeeds").attempts, requests), (2, 2));
}

#[tokio::test]
async fn reset_connection_is_a_network_error_after_bounded_retries() {
    let (result, requests) = fetch_with_faults(&["reset"]).await;
    let err = result.unwrap_err();
    assert!(
        matches!(err, ApiError::Network(_) | ApiError::Connect { .. }),
        "{err:?}"
    );
    assert_eq!(requests, 3);
}

#[tokio::test]
async fn truncated_body_is_a_network_error() {
    let (result, requests) = fetch_with_faults(&["truncate"]).await;
    let err = result.unwrap_err();
    assert!(matches!(err, ApiError::Network(_)), "{err:?}");
    assert_eq!(requests, 3);
}

#[tokio::test]
async fn non_json_success_is_malformed_with_an_excerpt() {
    let (result, requests) = fetch_with_faults(&["non-json"]).await;
    let err = result.unwrap_err();
    let ApiError::Malformed { status, reason } = &err else {
        panic!("{err:?}")
    };
    assert_eq!(*status, 200);
    assert!(
        reason.contains("not valid JSON") && reason.contains('<'),
        "{reason}"
    );
    assert_eq!(requests, 1);
}

#[tokio::test]
async fn proxy_error_page_keeps_status_and_excerpt() {
    let (result, _) = fetch_with_faults(&["proxy-error"]).await;
    let err = result.unwrap_err();
    let ApiError::UnexpectedBody { status, excerpt } = &err else {
        panic!("{err:?}")
    };
    assert_eq!(*status, 502);
    assert!(!excerpt.is_empty() && excerpt.len() < 200, "{excerpt}");
}

#[tokio::test]
async fn latency_past_the_timeout_times_out() {
    let handle = serve(TASK, &["latency:3s"], None).await;
    let options = ClientOptions {
        timeout: Duration::from_millis(300),
        max_attempts: 2,
        ..fast_options()
    };
    let started = std::time::Instant::now();
    let err = client(&handle, credentials(SECRET, None), options)
        .latest_task()
        .await
        .unwrap_err();
    assert!(matches!(err, ApiError::Timeout(_)), "{err:?}");
    assert_eq!(handle.request_count(), 2);
    assert!(
        started.elapsed() < Duration::from_secs(3),
        "timeouts bound the wait"
    );
}

#[tokio::test]
async fn latency_within_the_timeout_succeeds() {
    let (result, _) = fetch_with_faults(&["latency:100ms"]).await;
    assert!(result.is_ok(), "{result:?}");
}

#[tokio::test]
async fn oversized_body_is_refused_at_the_cap() {
    let (result, requests) = fetch_with_faults(&["huge:20000000"]).await;
    assert!(
        matches!(result.unwrap_err(), ApiError::TooLarge { limit_bytes } if limit_bytes == 8 * 1024 * 1024)
    );
    assert_eq!(requests, 1);
}

#[tokio::test]
async fn connection_refused_is_a_connect_error() {
    let port = {
        let l = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        l.local_addr().unwrap().port()
    };
    let c = Client::new(
        format!("http://127.0.0.1:{port}/").parse().unwrap(),
        credentials(SECRET, None),
        fast_options(),
    )
    .unwrap();
    let err = c.latest_task().await.unwrap_err();
    assert!(matches!(err, ApiError::Connect { .. }), "{err:?}");
    assert!(err.remedy().is_some());
}

#[tokio::test]
async fn odd_but_valid_responses_decode_leniently() {
    let cases: &[(&str, bool)] = &[
        (r#"{"tasks":[]}"#, false),
        (r#"{"tasks":[{"data":null}]}"#, false),
        (r#"{"tasks":[{"data":{}}]}"#, false),
        (r#"{"tasks":[{"data":{"TaskId":"t","Progress":""}}]}"#, true),
        (
            r#"{"tasks":[{"data":{"TaskId":"t","Progress":"garbage","Status":null,"RiskLevel":null}}]}"#,
            true,
        ),
        (
            r#"{"tasks":[{"data":{"TaskId":"t","Progress":57,"ScanMachine":"3"}}]}"#,
            true,
        ),
    ];
    for &(scenario, has_task) in cases {
        let handle = serve(scenario, &[], None).await;
        let fetched = client(&handle, credentials(SECRET, None), fast_options())
            .latest_task()
            .await
            .unwrap_or_else(|e| panic!("{scenario}: {e:?}"));
        assert_eq!(fetched.response.task.is_some(), has_task, "{scenario}");
    }
}

#[tokio::test]
async fn debug_of_client_and_errors_never_shows_secrets() {
    let handle = serve(TASK, &["error:NoPermission"], Some(TOKEN)).await;
    let c = client(&handle, credentials(SECRET, Some(TOKEN)), fast_options());
    let err = c.latest_task().await.unwrap_err();
    let shown = format!("{c:?} {err:?} {err}");
    assert!(!shown.contains(SECRET) && !shown.contains(TOKEN), "{shown}");
}

//! End-to-end tests of the Security Center emulator: real signed HTTP requests over loopback.

use std::time::{Duration, Instant};

use chrono::{DateTime, TimeDelta, Utc};
use scanwatch::api::error::ErrorBody;
use scanwatch::api::model::{ScanResponse, TaskStatus};
use scanwatch::api::signer::{Params, Signed, SigningInput, percent_encode, sign};
use scanwatch::api::{ACTION, API_VERSION};
use scanwatch::emulator::{
    self, DEMO_ACCESS_KEY_ID, DEMO_ACCESS_KEY_SECRET, EmulatorConfig, EmulatorHandle, FaultRule,
    Scenario,
};

/// A client that opens a new connection per request, so a fault on one cannot leak into the next.
fn client() -> reqwest::Client {
    // reqwest's rustls-no-provider build refuses to build a client, even for plain http, without a provider.
    let _ = rustls::crypto::ring::default_provider().install_default();
    reqwest::Client::builder()
        .no_proxy()
        .pool_max_idle_per_host(0)
        .timeout(Duration::from_secs(10))
        .build()
        .expect("a plain http client")
}

fn loopback() -> std::net::SocketAddr {
    "127.0.0.1:0".parse().unwrap()
}

async fn start(config: EmulatorConfig) -> EmulatorHandle {
    emulator::start(loopback(), config)
        .await
        .expect("emulator starts")
}

fn config_with(scenario: Scenario, faults: &[&str]) -> EmulatorConfig {
    EmulatorConfig {
        scenario,
        faults: faults.iter().map(|f| f.parse().unwrap()).collect(),
        ..EmulatorConfig::demo()
    }
}

fn faulty(faults: &[&str]) -> EmulatorConfig {
    config_with(Scenario::demo(), faults)
}

fn nonce() -> String {
    format!("{:032x}", rand::random::<u128>())
}

fn call() -> Params {
    [
        ("Action", ACTION),
        ("Version", API_VERSION),
        ("Format", "JSON"),
    ]
    .into_iter()
    .map(|(k, v)| (k.to_owned(), v.to_owned()))
    .collect()
}

struct Key<'a> {
    id: &'a str,
    secret: &'a str,
    token: Option<&'a str>,
    /// `None` signs with the current time.
    time: Option<DateTime<Utc>>,
}

const DEMO: Key<'static> = Key {
    id: DEMO_ACCESS_KEY_ID,
    secret: DEMO_ACCESS_KEY_SECRET,
    token: None,
    time: None,
};

fn signed(method: &str, params: Params, key: &Key<'_>) -> Signed {
    let time = key.time.unwrap_or_else(Utc::now);
    sign(
        params,
        &SigningInput {
            method,
            access_key_id: key.id,
            access_key_secret: key.secret,
            security_token: key.token,
            time,
            nonce: &nonce(),
        },
    )
}

fn encode(params: &Params) -> String {
    params
        .iter()
        .map(|(k, v)| format!("{}={}", percent_encode(k), percent_encode(v)))
        .collect::<Vec<_>>()
        .join("&")
}

#[derive(Debug, Clone, Copy)]
enum Via {
    Get,
    PostQuery,
    PostForm,
}

impl Via {
    fn method(self) -> &'static str {
        match self {
            Self::Get => "GET",
            Self::PostQuery | Self::PostForm => "POST",
        }
    }
}

async fn send_params(
    client: &reqwest::Client,
    emu: &EmulatorHandle,
    via: Via,
    params: &Params,
) -> reqwest::Result<reqwest::Response> {
    let base = emu.base_url();
    let request = match via {
        Via::Get => client.get(format!("{base}/?{}", encode(params))),
        Via::PostQuery => client.post(format!("{base}/?{}", encode(params))),
        Via::PostForm => client
            .post(format!("{base}/"))
            .header("content-type", "application/x-www-form-urlencoded")
            .body(encode(params)),
    };
    request.send().await
}

/// A correctly signed request for the demo key.
async fn send(
    client: &reqwest::Client,
    emu: &EmulatorHandle,
    via: Via,
) -> reqwest::Result<reqwest::Response> {
    let params = signed(via.method(), call(), &DEMO).params;
    send_params(client, emu, via, &params).await
}

fn header(response: &reqwest::Response, name: &str) -> Option<String> {
    response
        .headers()
        .get(name)
        .and_then(|v| v.to_str().ok())
        .map(str::to_owned)
}

/// Status, x-acs-request-id and the decoded Alibaba error body.
async fn error_of(response: reqwest::Response) -> (u16, Option<String>, ErrorBody) {
    let status = response.status().as_u16();
    let request_id = header(&response, "x-acs-request-id");
    let body = response.bytes().await.expect("error body");
    let error: ErrorBody = serde_json::from_slice(&body).unwrap_or_else(|e| {
        panic!(
            "not an error body ({e}): {}",
            String::from_utf8_lossy(&body)
        )
    });
    (status, request_id, error)
}

#[tokio::test]
async fn get_post_query_and_post_form_are_all_served() {
    let emu = start(EmulatorConfig::demo()).await;
    let client = client();
    for via in [Via::Get, Via::PostQuery, Via::PostForm] {
        let response = send(&client, &emu, via).await.unwrap();
        assert_eq!(response.status().as_u16(), 200, "{via:?}");
        assert_eq!(
            header(&response, "content-type").as_deref(),
            Some("application/json;charset=utf-8")
        );
        let request_id = header(&response, "x-acs-request-id").expect("x-acs-request-id");
        let body = response.bytes().await.unwrap();
        let (decoded, raw) = ScanResponse::from_slice(&body).unwrap();
        assert_eq!(
            decoded.request_id.as_deref(),
            Some(request_id.as_str()),
            "{via:?}"
        );
        let task = decoded.task.expect("the demo has a task");
        assert_eq!(
            task.task_id.as_deref(),
            Some("fc98d58eb56f699d49bf7ebbd6d7a001")
        );
        assert_eq!(
            task.status,
            Some(TaskStatus::RUNNING),
            "the demo starts mid-scan"
        );
        assert!(
            raw["Data"]["Progress"].is_string(),
            "Progress is a string on the wire: {raw}"
        );
        assert_eq!(task.scanned_machines, Some(20));
    }
    assert_eq!(emu.request_count(), 3);
    emu.shutdown().await;
}

#[tokio::test]
async fn post_form_body_and_query_are_merged() {
    let emu = start(EmulatorConfig::demo()).await;
    let params = signed("POST", call(), &DEMO).params;
    let (in_query, in_body): (Params, Params) = params
        .into_iter()
        .partition(|(k, _)| k == "Action" || k == "Version");
    let response = client()
        .post(format!("{}/?{}", emu.base_url(), encode(&in_query)))
        .header(
            "content-type",
            "application/x-www-form-urlencoded; charset=UTF-8",
        )
        .body(encode(&in_body))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status().as_u16(), 200);
}

#[tokio::test]
async fn a_signature_made_for_another_method_is_refused() {
    let emu = start(EmulatorConfig::demo()).await;
    let params = signed("POST", call(), &DEMO).params;
    let response = send_params(&client(), &emu, Via::Get, &params)
        .await
        .unwrap();
    let (status, _, error) = error_of(response).await;
    assert_eq!(
        (status, error.code.as_deref()),
        (400, Some("SignatureDoesNotMatch"))
    );
    assert!(
        error
            .message
            .unwrap()
            .contains("server string to sign is:GET&%2F&")
    );
}

#[tokio::test]
async fn each_verification_error_over_http() {
    let emu = start(EmulatorConfig::demo()).await;
    let client = client();
    let key = |id, secret, offset: i64| Key {
        id,
        secret,
        token: None,
        time: Some(Utc::now() + TimeDelta::minutes(offset)),
    };
    let with = |params: Params, k: &str, v: Option<&str>| {
        let mut p = params;
        match v {
            Some(v) => p.insert(k.into(), v.into()),
            None => p.remove(k),
        };
        p
    };
    let good = || signed("POST", call(), &DEMO).params;
    let cases: Vec<(&str, Params, &str, u16)> = vec![
        (
            "no signature",
            with(good(), "Signature", None),
            "IncompleteSignature",
            400,
        ),
        (
            "no nonce",
            with(good(), "SignatureNonce", None),
            "IncompleteSignature",
            400,
        ),
        (
            "bad timestamp",
            with(good(), "Timestamp", Some("2024-01-01 00:00:00")),
            "InvalidTimeStamp.Format",
            400,
        ),
        (
            "old timestamp",
            signed(
                "POST",
                call(),
                &key(DEMO_ACCESS_KEY_ID, DEMO_ACCESS_KEY_SECRET, -20),
            )
            .params,
            "InvalidTimeStamp.Expired",
            400,
        ),
        (
            "unknown key",
            signed(
                "POST",
                call(),
                &key("someone-else", DEMO_ACCESS_KEY_SECRET, 0),
            )
            .params,
            "InvalidAccessKeyId.NotFound",
            404,
        ),
        (
            "bad version",
            signed("POST", with(call(), "Version", Some("2016-01-01")), &DEMO).params,
            "InvalidVersion",
            400,
        ),
        (
            "bad action",
            signed(
                "POST",
                with(call(), "Action", Some("DescribeRegions")),
                &DEMO,
            )
            .params,
            "InvalidAction.NotFound",
            404,
        ),
    ];
    for (name, params, code, want_status) in cases {
        let response = send_params(&client, &emu, Via::PostQuery, &params)
            .await
            .unwrap();
        let (status, request_id, error) = error_of(response).await;
        assert_eq!(
            (status, error.code.as_deref()),
            (want_status, Some(code)),
            "{name}"
        );
        assert_eq!(
            error.request_id, request_id,
            "{name}: header and body agree"
        );
        assert_eq!(error.host_id, Some(emu.local_addr().to_string()), "{name}");
        assert!(error.recommend.unwrap().contains(code), "{name}");
    }
}

#[tokio::test]
async fn signature_mismatch_quotes_the_server_string_to_sign() {
    let emu = start(EmulatorConfig::demo()).await;
    let wrong = Key {
        secret: "not-the-secret",
        ..DEMO
    };
    let wrong_secret = signed("POST", call(), &wrong);
    let response = send_params(&client(), &emu, Via::PostQuery, &wrong_secret.params)
        .await
        .unwrap();
    let (status, _, error) = error_of(response).await;
    assert_eq!(
        (status, error.code.as_deref()),
        (400, Some("SignatureDoesNotMatch"))
    );
    assert_eq!(
        error.message.unwrap(),
        format!(
            "Specified signature is not matched with our calculation. server string to sign is:{}",
            wrong_secret.string_to_sign
        )
    );
}

#[tokio::test]
async fn a_replayed_nonce_is_refused() {
    let emu = start(EmulatorConfig::demo()).await;
    let client = client();
    let once = signed("POST", call(), &DEMO).params;
    let first = send_params(&client, &emu, Via::PostQuery, &once)
        .await
        .unwrap();
    assert_eq!(first.status().as_u16(), 200);
    let again = send_params(&client, &emu, Via::PostQuery, &once)
        .await
        .unwrap();
    let (status, _, error) = error_of(again).await;
    assert_eq!(
        (status, error.code.as_deref()),
        (400, Some("SignatureNonceUsed"))
    );
}

#[tokio::test]
async fn security_token_is_checked_when_configured() {
    let emu = start(EmulatorConfig {
        security_token: Some("sts-token".into()),
        ..EmulatorConfig::demo()
    })
    .await;
    let client = client();
    let response = send(&client, &emu, Via::PostQuery).await.unwrap();
    let (status, _, error) = error_of(response).await;
    assert_eq!(
        (status, error.code.as_deref()),
        (400, Some("InvalidSecurityToken.MismatchWithAccessKey"))
    );
    let with_token = Key {
        token: Some("sts-token"),
        ..DEMO
    };
    let params = signed("POST", call(), &with_token).params;
    let response = send_params(&client, &emu, Via::PostQuery, &params)
        .await
        .unwrap();
    assert_eq!(response.status().as_u16(), 200);
}

#[tokio::test]
async fn other_methods_and_oversized_bodies_get_error_bodies() {
    let emu = start(EmulatorConfig::demo()).await;
    let client = client();
    let response = client.put(emu.base_url()).send().await.unwrap();
    let (status, _, error) = error_of(response).await;
    assert_eq!(
        (status, error.code.as_deref()),
        (405, Some("UnsupportedHTTPMethod"))
    );

    let response = client
        .post(format!("{}/", emu.base_url()))
        .header("content-type", "application/x-www-form-urlencoded")
        .body(vec![b'a'; 1024 * 1024 + 1])
        .send()
        .await
        .unwrap();
    let (status, _, error) = error_of(response).await;
    assert_eq!(
        (status, error.code.as_deref()),
        (413, Some("RequestEntityTooLarge"))
    );
}

#[tokio::test]
async fn scenario_shapes_reach_the_wire() {
    let odd = Scenario::from_json(
        r#"{"tasks":[{"data":{"TaskId":"odd","Progress":"","ScanMachine":null}}]}"#,
    )
    .unwrap();
    let emu = start(config_with(odd, &[])).await;
    let body = send(&client(), &emu, Via::Get)
        .await
        .unwrap()
        .bytes()
        .await
        .unwrap();
    let value: serde_json::Value = serde_json::from_slice(&body).unwrap();
    assert_eq!(
        value["Data"],
        serde_json::json!({"TaskId":"odd","Progress":"","ScanMachine":null})
    );
    let (decoded, _) = ScanResponse::from_slice(&body).unwrap();
    assert_eq!(decoded.task.unwrap().progress, None);

    let emu = start(config_with(Scenario::empty(), &[])).await;
    let body = send(&client(), &emu, Via::Get)
        .await
        .unwrap()
        .bytes()
        .await
        .unwrap();
    let value: serde_json::Value = serde_json::from_slice(&body).unwrap();
    assert!(
        value.get("RequestId").is_some() && value.get("Data").is_none(),
        "{value}"
    );
}

#[tokio::test]
async fn error_faults_use_documented_statuses_and_replace_verification() {
    let emu = start(faulty(&[
        "error:NoPermission@first=1",
        "error:ServiceUnavailable@first=2",
    ]))
    .await;
    let client = client();
    // Faults come before verification: even an unsigned request gets the injected error.
    let (status, request_id, error) =
        error_of(client.get(emu.base_url()).send().await.unwrap()).await;
    assert_eq!((status, error.code.as_deref()), (403, Some("NoPermission")));
    assert!(request_id.is_some());
    let (status, _, error) = error_of(send(&client, &emu, Via::PostQuery).await.unwrap()).await;
    assert_eq!(
        (status, error.code.as_deref()),
        (503, Some("ServiceUnavailable"))
    );
    let response = send(&client, &emu, Via::PostQuery).await.unwrap();
    assert_eq!(response.status().as_u16(), 200);
    assert_eq!(emu.request_count(), 3);
}

#[tokio::test]
async fn throttle_fault_sends_retry_after() {
    let emu = start(faulty(&["throttle:1500"])).await;
    let response = send(&client(), &emu, Via::PostQuery).await.unwrap();
    assert_eq!(
        header(&response, "x-acs-retry-after").as_deref(),
        Some("1500")
    );
    let (status, _, error) = error_of(response).await;
    assert_eq!(
        (status, error.code.as_deref()),
        (400, Some("Throttling.User"))
    );
}

#[tokio::test]
async fn latency_fault_delays_a_normal_answer() {
    let emu = start(faulty(&["latency:300ms"])).await;
    let started = Instant::now();
    let response = send(&client(), &emu, Via::PostQuery).await.unwrap();
    assert!(
        started.elapsed() >= Duration::from_millis(300),
        "{:?}",
        started.elapsed()
    );
    assert_eq!(response.status().as_u16(), 200);
}

#[tokio::test]
async fn reset_fault_closes_without_an_answer() {
    let emu = start(faulty(&["reset@first=1"])).await;
    let client = client();
    let error = send(&client, &emu, Via::PostQuery).await.unwrap_err();
    assert!(!error.is_status(), "{error:?}");
    let response = send(&client, &emu, Via::PostQuery).await.unwrap();
    assert_eq!(
        response.status().as_u16(),
        200,
        "the emulator keeps serving after a reset"
    );
    assert_eq!(emu.request_count(), 2);
}

#[tokio::test]
async fn truncate_fault_breaks_the_body() {
    let emu = start(faulty(&["truncate"])).await;
    let response = send(&client(), &emu, Via::PostQuery).await.unwrap();
    assert_eq!(response.status().as_u16(), 200);
    let promised: usize = header(&response, "content-length")
        .unwrap()
        .parse()
        .unwrap();
    assert!(promised > 10, "{promised}");
    assert!(
        response.bytes().await.is_err(),
        "the body must fail, not end early"
    );
}

#[tokio::test]
async fn html_faults_look_like_something_else_answered() {
    let emu = start(faulty(&["non-json@every=2", "proxy-error"])).await;
    let client = client();
    let expected = [(502, "502 Bad Gateway"), (200, "GuestNet")];
    for (status, marker) in expected {
        let response = send(&client, &emu, Via::PostQuery).await.unwrap();
        assert_eq!(response.status().as_u16(), status);
        assert!(
            header(&response, "content-type")
                .unwrap()
                .starts_with("text/html")
        );
        assert_eq!(header(&response, "x-acs-request-id"), None);
        let body = response.text().await.unwrap();
        assert!(body.contains(marker), "{body}");
        assert!(ScanResponse::from_slice(body.as_bytes()).is_err());
    }
}

#[tokio::test]
async fn huge_fault_streams_every_byte() {
    const SIZE: usize = 5_000_000;
    let emu = start(faulty(&[&format!("huge:{SIZE}")])).await;
    let mut response = send(&client(), &emu, Via::PostQuery).await.unwrap();
    assert_eq!(response.status().as_u16(), 200);
    assert_eq!(
        header(&response, "content-length"),
        None,
        "streamed, size not announced"
    );
    let mut total = 0;
    let mut largest_chunk = 0;
    while let Some(chunk) = response.chunk().await.unwrap() {
        total += chunk.len();
        largest_chunk = largest_chunk.max(chunk.len());
    }
    assert_eq!(total, SIZE);
    assert!(
        largest_chunk < SIZE / 10,
        "arrived in pieces, not one buffer: {largest_chunk}"
    );
}

#[tokio::test]
async fn request_count_includes_every_request() {
    let emu = start(faulty(&["error:ServerError@every=3"])).await;
    // A pooled client this time: requests share keep-alive connections.
    let _ = rustls::crypto::ring::default_provider().install_default();
    let pooled = reqwest::Client::builder().no_proxy().build().unwrap();
    let mut statuses = Vec::new();
    for _ in 0..9 {
        statuses.push(
            send(&pooled, &emu, Via::Get)
                .await
                .unwrap()
                .status()
                .as_u16(),
        );
    }
    assert_eq!(statuses, [200, 200, 500, 200, 200, 500, 200, 200, 500]);
    pooled.get(emu.base_url()).send().await.unwrap();
    assert_eq!(
        emu.request_count(),
        10,
        "faulted and refused requests count too"
    );
}

#[tokio::test]
async fn shutdown_stops_serving() {
    let emu = start(EmulatorConfig::demo()).await;
    let base = emu.base_url();
    assert!(base.starts_with("http://127.0.0.1:"), "{base}");
    emu.shutdown().await;
    let error = client().get(&base).send().await.unwrap_err();
    assert!(error.is_connect(), "{error:?}");
}

#[tokio::test]
async fn only_loopback_addresses_are_allowed() {
    let err = emulator::start("0.0.0.0:0".parse().unwrap(), EmulatorConfig::demo())
        .await
        .unwrap_err();
    assert!(err.to_string().contains("loopback"), "{err}");
    let v6 = emulator::start("[::1]:0".parse().unwrap(), EmulatorConfig::demo()).await;
    // Some CI sandboxes have no IPv6 loopback; when there is one, the URL must be bracketed.
    if let Ok(emu) = v6 {
        assert!(
            emu.base_url().starts_with("http://[::1]:"),
            "{}",
            emu.base_url()
        );
    }
}

#[test]
fn fault_rules_parse_from_cli_text() {
    let rule: FaultRule = "huge:100000000@rate=0.5".parse().unwrap();
    assert_eq!(rule.to_string(), "huge:100000000@rate=0.5");
    assert!(
        "nonsense"
            .parse::<FaultRule>()
            .unwrap_err()
            .contains("valid forms")
    );
}

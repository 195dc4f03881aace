//! Checks a received request the way Security Center does, in the same order and with the same error codes.
//!
//! Everything here is pure (the clock is an argument), so each error code is unit-tested without a server.

use std::collections::{HashMap, VecDeque};
use std::fmt;

use chrono::{DateTime, Utc};

use crate::api::signer::{self, Params, VerifyError};
use crate::api::{ACTION, API_VERSION};

/// How far a request's `Timestamp` may be from the server clock, either way; also how long a nonce is remembered.
pub const MAX_CLOCK_SKEW_SECONDS: i64 = 15 * 60;

/// A hard ceiling on remembered nonces, so a flood inside the 15-minute window cannot grow memory without bound.
/// Past it the oldest nonces are forgotten early: a weaker replay check beats an unbounded store.
const MAX_REMEMBERED_NONCES: usize = 200_000;

/// The signature parameters every request must carry.
const REQUIRED: [&str; 6] = [
    "Signature",
    "AccessKeyId",
    "SignatureMethod",
    "SignatureVersion",
    "SignatureNonce",
    "Timestamp",
];

/// Why a request was refused: what goes into Alibaba's error body.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Rejection {
    pub status: u16,
    pub code: &'static str,
    pub message: String,
}

impl Rejection {
    fn new(code: &'static str, message: impl Into<String>) -> Self {
        Self {
            status: status_for_code(code),
            code,
            message: message.into(),
        }
    }
}

impl fmt::Display for Rejection {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} (HTTP {}): {}", self.code, self.status, self.message)
    }
}

/// The HTTP status Alibaba documents for an error code; 400 for codes it does not list.
pub fn status_for_code(code: &str) -> u16 {
    match code {
        "NoPermission" | "Forbidden.RAM" => 403,
        "InvalidAccessKeyId.NotFound" | "InvalidAction.NotFound" => 404,
        "ServerError" | "InternalError" => 500,
        "ServiceUnavailable" => 503,
        _ => 400,
    }
}

/// Decodes `application/x-www-form-urlencoded` bytes (a query string or a form body) into `params`.
///
/// A key given twice keeps its last value; callers decode the query first and the body second, so a form body
/// overrides the query, which is as good a rule as any for a case the real service does not document.
pub fn decode_params(encoded: &[u8], params: &mut Params) {
    for (key, value) in form_urlencoded::parse(encoded) {
        params.insert(key.into_owned(), value.into_owned());
    }
}

/// The nonces seen in the last 15 minutes, in arrival order so that pruning is cheap.
#[derive(Debug, Default)]
pub struct NonceStore {
    seen: HashMap<String, DateTime<Utc>>,
    order: VecDeque<(DateTime<Utc>, String)>,
}

impl NonceStore {
    /// Records `nonce` at `now`; false when it was already seen within the window.
    pub fn record(&mut self, nonce: &str, now: DateTime<Utc>) -> bool {
        self.prune(now);
        if self.seen.contains_key(nonce) {
            return false;
        }
        self.seen.insert(nonce.to_owned(), now);
        self.order.push_back((now, nonce.to_owned()));
        if self.order.len() > MAX_REMEMBERED_NONCES {
            self.forget_oldest();
        }
        true
    }

    /// Forgets every nonce older than the window.
    pub fn prune(&mut self, now: DateTime<Utc>) {
        while let Some((at, _)) = self.order.front() {
            if (now - *at).num_seconds() <= MAX_CLOCK_SKEW_SECONDS {
                break;
            }
            self.forget_oldest();
        }
    }

    fn forget_oldest(&mut self) {
        if let Some((_, nonce)) = self.order.pop_front() {
            self.seen.remove(&nonce);
        }
    }

    pub fn len(&self) -> usize {
        self.seen.len()
    }

    pub fn is_empty(&self) -> bool {
        self.seen.is_empty()
    }
}

/// The server side of the signature check, for one key pair.
pub struct Verifier {
    access_key_id: String,
    access_key_secret: String,
    security_token: Option<String>,
    nonces: NonceStore,
}

impl fmt::Debug for Verifier {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Verifier")
            .field("access_key_id", &self.access_key_id)
            .field("access_key_secret", &"<redacted>")
            .field(
                "security_token",
                &self.security_token.as_ref().map(|_| "<redacted>"),
            )
            .field("remembered_nonces", &self.nonces.len())
            .finish()
    }
}

impl Verifier {
    pub fn new(access_key_id: &str, access_key_secret: &str, security_token: Option<&str>) -> Self {
        Self {
            access_key_id: access_key_id.to_owned(),
            access_key_secret: access_key_secret.to_owned(),
            security_token: security_token.map(str::to_owned),
            nonces: NonceStore::default(),
        }
    }

    /// Checks one request received with HTTP `method` at server time `now`.
    ///
    /// The nonce is only recorded once the signature holds, so an unsigned request cannot burn someone's nonce.
    pub fn check(
        &mut self,
        method: &str,
        params: &Params,
        now: DateTime<Utc>,
    ) -> Result<(), Rejection> {
        check_signature_parameters(params)?;
        check_timestamp(params, now)?;
        let key_id = params.get("AccessKeyId").map_or("", String::as_str);
        if key_id != self.access_key_id {
            return Err(Rejection::new(
                "InvalidAccessKeyId.NotFound",
                "Specified access key is not found.",
            ));
        }
        match signer::verify(method, params, &self.access_key_secret) {
            Ok(()) => {}
            Err(VerifyError::Missing) => {
                return Err(Rejection::new(
                    "IncompleteSignature",
                    "Signature is missing.",
                ));
            }
            Err(VerifyError::Mismatch {
                server_string_to_sign,
            }) => {
                return Err(Rejection::new(
                    "SignatureDoesNotMatch",
                    format!(
                        "Specified signature is not matched with our calculation. server string to sign is:{server_string_to_sign}"
                    ),
                ));
            }
        }
        if let Some(expected) = &self.security_token {
            let given = params.get("SecurityToken");
            if given != Some(expected) {
                let what = if given.is_none() {
                    "The SecurityToken parameter is missing, but this AccessKey is an STS key that requires one."
                } else {
                    "Specified SecurityToken mismatch with the AccessKey."
                };
                return Err(Rejection::new(
                    "InvalidSecurityToken.MismatchWithAccessKey",
                    what,
                ));
            }
        }
        let nonce = params.get("SignatureNonce").map_or("", String::as_str);
        if !self.nonces.record(nonce, now) {
            return Err(Rejection::new(
                "SignatureNonceUsed",
                "Specified signature nonce was used already.",
            ));
        }
        check_action(params)
    }

    /// The nonce store, for tests and diagnostics.
    pub fn nonces(&self) -> &NonceStore {
        &self.nonces
    }
}

fn check_signature_parameters(params: &Params) -> Result<(), Rejection> {
    let missing: Vec<&str> = REQUIRED
        .iter()
        .copied()
        .filter(|name| params.get(*name).is_none_or(String::is_empty))
        .collect();
    if !missing.is_empty() {
        return Err(Rejection::new(
            "IncompleteSignature",
            format!(
                "The request signature does not conform to Aliyun standards: missing parameter(s) {}.",
                missing.join(", ")
            ),
        ));
    }
    let method = params.get("SignatureMethod").map_or("", String::as_str);
    if method != signer::SIGNATURE_METHOD {
        return Err(Rejection::new(
            "IncompleteSignature",
            format!(
                "The request signature does not conform to Aliyun standards: SignatureMethod must be {}, not \"{}\".",
                signer::SIGNATURE_METHOD,
                excerpt(method)
            ),
        ));
    }
    let version = params.get("SignatureVersion").map_or("", String::as_str);
    if version != signer::SIGNATURE_VERSION {
        return Err(Rejection::new(
            "IncompleteSignature",
            format!(
                "The request signature does not conform to Aliyun standards: SignatureVersion must be {}, not \"{}\".",
                signer::SIGNATURE_VERSION,
                excerpt(version)
            ),
        ));
    }
    Ok(())
}

fn check_timestamp(params: &Params, now: DateTime<Utc>) -> Result<(), Rejection> {
    let text = params.get("Timestamp").map_or("", String::as_str);
    let Some(time) = signer::parse_timestamp(text) else {
        return Err(Rejection::new(
            "InvalidTimeStamp.Format",
            format!(
                "Specified time stamp or date value is not well formatted: \"{}\" is not YYYY-MM-DDThh:mm:ssZ (UTC).",
                excerpt(text)
            ),
        ));
    };
    if (now - time).num_seconds().abs() > MAX_CLOCK_SKEW_SECONDS {
        return Err(Rejection::new(
            "InvalidTimeStamp.Expired",
            format!(
                "Specified time stamp or date value is expired: the request time is {} and the server time is {}; they must be within 15 minutes of each other.",
                signer::format_timestamp(time),
                signer::format_timestamp(now)
            ),
        ));
    }
    Ok(())
}

fn check_action(params: &Params) -> Result<(), Rejection> {
    if params.get("Version").map(String::as_str) != Some(API_VERSION) {
        return Err(Rejection::new(
            "InvalidVersion",
            format!(
                "Specified parameter Version is not valid: this endpoint serves Version={API_VERSION}."
            ),
        ));
    }
    if params.get("Action").map(String::as_str) != Some(ACTION) {
        return Err(Rejection::new(
            "InvalidAction.NotFound",
            "Specified api is not found, please check your url and method.",
        ));
    }
    Ok(())
}

/// Request text quoted back in a message, cut short so a hostile value cannot bloat the answer.
fn excerpt(text: &str) -> String {
    const LIMIT: usize = 64;
    if text.chars().count() <= LIMIT {
        text.to_owned()
    } else {
        let cut: String = text.chars().take(LIMIT).collect();
        format!("{cut}...")
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::api::signer::{SigningInput, sign};
    use chrono::TimeDelta;
    use proptest::prelude::*;

    const ID: &str = "test-id";
    const SECRET: &str = "test-secret";

    fn now() -> DateTime<Utc> {
        signer::parse_timestamp("2024-05-01T12:00:00Z").unwrap()
    }

    fn call() -> Params {
        let mut p = Params::new();
        p.insert("Action".into(), ACTION.into());
        p.insert("Version".into(), API_VERSION.into());
        p.insert("Format".into(), "JSON".into());
        p
    }

    fn signed_with(
        params: Params,
        id: &str,
        secret: &str,
        token: Option<&str>,
        time: DateTime<Utc>,
        nonce: &str,
    ) -> Params {
        sign(
            params,
            &SigningInput {
                method: "POST",
                access_key_id: id,
                access_key_secret: secret,
                security_token: token,
                time,
                nonce,
            },
        )
        .params
    }

    fn good() -> Params {
        signed_with(call(), ID, SECRET, None, now(), "nonce-1")
    }

    /// Removes or replaces one parameter after signing, as a broken client or a proxy would.
    fn tampered(key: &str, value: Option<&str>) -> Params {
        let mut p = good();
        match value {
            Some(v) => p.insert(key.into(), v.into()),
            None => p.remove(key),
        };
        p
    }

    fn code_of(verifier: &mut Verifier, params: &Params) -> Result<(), (&'static str, u16)> {
        verifier
            .check("POST", params, now())
            .map_err(|r| (r.code, r.status))
    }

    type Expected = Result<(), (&'static str, u16)>;

    /// Checks each case with a fresh verifier, so nonces of one case cannot affect another.
    fn expect_each(cases: Vec<(&str, Params, Expected)>) {
        for (name, params, want) in cases {
            let mut verifier = Verifier::new(ID, SECRET, None);
            assert_eq!(code_of(&mut verifier, &params), want, "{name}");
        }
    }

    fn with_call(key: &str, value: Option<&str>, nonce: &str) -> Params {
        let mut p = call();
        match value {
            Some(v) => p.insert(key.into(), v.into()),
            None => p.remove(key),
        };
        signed_with(p, ID, SECRET, None, now(), nonce)
    }

    #[test]
    fn a_valid_request_passes() {
        expect_each(vec![("valid request", good(), Ok(()))]);
    }

    #[test]
    fn incomplete_signature_codes() {
        let incomplete = Err(("IncompleteSignature", 400));
        let mut cases = vec![(
            "empty Signature",
            tampered("Signature", Some("")),
            incomplete,
        )];
        for key in REQUIRED {
            cases.push((key, tampered(key, None), incomplete));
        }
        cases.push((
            "HMAC-SHA256",
            tampered("SignatureMethod", Some("HMAC-SHA256")),
            incomplete,
        ));
        cases.push((
            "version 2.0",
            tampered("SignatureVersion", Some("2.0")),
            incomplete,
        ));
        expect_each(cases);
    }

    #[test]
    fn timestamp_codes() {
        let at = |offset: TimeDelta, nonce: &str| {
            signed_with(call(), ID, SECRET, None, now() + offset, nonce)
        };
        let format = Err(("InvalidTimeStamp.Format", 400));
        let expired = Err(("InvalidTimeStamp.Expired", 400));
        expect_each(vec![
            (
                "with space",
                tampered("Timestamp", Some("2024-05-01 12:00:00")),
                format,
            ),
            ("garbage", tampered("Timestamp", Some("yesterday")), format),
            ("16 minutes old", at(TimeDelta::minutes(-16), "a"), expired),
            ("16 minutes ahead", at(TimeDelta::minutes(16), "b"), expired),
            ("14 minutes old", at(TimeDelta::minutes(-14), "c"), Ok(())),
            ("14 minutes ahead", at(TimeDelta::minutes(14), "d"), Ok(())),
        ]);
    }

    #[test]
    fn key_and_signature_codes() {
        expect_each(vec![
            (
                "unknown key",
                signed_with(call(), "other-id", SECRET, None, now(), "k"),
                Err(("InvalidAccessKeyId.NotFound", 404)),
            ),
            (
                "wrong secret",
                signed_with(call(), ID, "wrong", None, now(), "s"),
                Err(("SignatureDoesNotMatch", 400)),
            ),
            (
                "changed after signing",
                tampered("Format", Some("XML")),
                Err(("SignatureDoesNotMatch", 400)),
            ),
            (
                "added after signing",
                tampered("Extra", Some("1")),
                Err(("SignatureDoesNotMatch", 400)),
            ),
        ]);
    }

    #[test]
    fn version_and_action_codes() {
        expect_each(vec![
            (
                "bad Version",
                with_call("Version", Some("2017-01-01"), "v"),
                Err(("InvalidVersion", 400)),
            ),
            (
                "no Version",
                with_call("Version", None, "nv"),
                Err(("InvalidVersion", 400)),
            ),
            (
                "bad Action",
                with_call("Action", Some("DescribeRegions"), "a"),
                Err(("InvalidAction.NotFound", 404)),
            ),
            (
                "no Action",
                with_call("Action", None, "na"),
                Err(("InvalidAction.NotFound", 404)),
            ),
        ]);
    }

    #[test]
    fn incomplete_signature_names_what_is_missing() {
        let mut p = good();
        p.remove("SignatureNonce");
        p.remove("Timestamp");
        let r = Verifier::new(ID, SECRET, None)
            .check("POST", &p, now())
            .unwrap_err();
        assert!(
            r.message.contains("SignatureNonce, Timestamp"),
            "{}",
            r.message
        );
        let r = Verifier::new(ID, SECRET, None)
            .check("POST", &tampered("SignatureMethod", Some("MD5")), now())
            .unwrap_err();
        assert!(
            r.message.contains("HMAC-SHA1") && r.message.contains("MD5"),
            "{}",
            r.message
        );
    }

    #[test]
    fn mismatch_message_carries_the_server_string_to_sign() {
        let signed = sign(
            call(),
            &SigningInput {
                method: "POST",
                access_key_id: ID,
                access_key_secret: "wrong",
                security_token: None,
                time: now(),
                nonce: "n",
            },
        );
        let r = Verifier::new(ID, SECRET, None)
            .check("POST", &signed.params, now())
            .unwrap_err();
        assert_eq!(
            r.message,
            format!(
                "Specified signature is not matched with our calculation. server string to sign is:{}",
                signed.string_to_sign
            )
        );
    }

    #[test]
    fn method_is_part_of_the_signature() {
        let p = good();
        let r = Verifier::new(ID, SECRET, None)
            .check("GET", &p, now())
            .unwrap_err();
        assert_eq!(r.code, "SignatureDoesNotMatch");
        assert!(r.message.ends_with(&format!(
            "GET&%2F&{}",
            signer::percent_encode(signer::CanonicalQuery::new(&p).as_str())
        )));
    }

    #[test]
    fn security_token_must_match_when_configured() {
        let mut v = Verifier::new(ID, SECRET, Some("tok"));
        let without = signed_with(call(), ID, SECRET, None, now(), "a");
        let wrong = signed_with(call(), ID, SECRET, Some("other"), now(), "b");
        let right = signed_with(call(), ID, SECRET, Some("tok"), now(), "c");
        assert_eq!(
            code_of(&mut v, &without),
            Err(("InvalidSecurityToken.MismatchWithAccessKey", 400))
        );
        assert_eq!(
            code_of(&mut v, &wrong),
            Err(("InvalidSecurityToken.MismatchWithAccessKey", 400))
        );
        assert_eq!(code_of(&mut v, &right), Ok(()));
        assert!(!format!("{v:?}").contains("tok\""), "{v:?}");
    }

    #[test]
    fn nonce_reuse_is_refused_but_not_burnt_by_bad_signatures() {
        let mut v = Verifier::new(ID, SECRET, None);
        let forged = signed_with(call(), ID, "wrong", None, now(), "shared");
        assert_eq!(
            code_of(&mut v, &forged),
            Err(("SignatureDoesNotMatch", 400))
        );
        let real = signed_with(call(), ID, SECRET, None, now(), "shared");
        assert_eq!(code_of(&mut v, &real), Ok(()));
        assert_eq!(code_of(&mut v, &real), Err(("SignatureNonceUsed", 400)));
    }

    #[test]
    fn nonce_store_prunes_after_the_window() {
        let mut store = NonceStore::default();
        let t0 = now();
        for i in 0..1000 {
            assert!(store.record(&format!("n{i}"), t0));
        }
        assert!(
            !store.record("n7", t0 + TimeDelta::minutes(15)),
            "still inside the window"
        );
        assert_eq!(store.len(), 1000);
        let later = t0 + TimeDelta::minutes(15) + TimeDelta::seconds(1);
        assert!(store.record("n7", later), "forgotten after the window");
        assert_eq!(
            store.len(),
            1,
            "every old nonce pruned, only the new one kept"
        );
    }

    #[test]
    fn nonce_store_stays_bounded_inside_the_window() {
        let mut store = NonceStore::default();
        for i in 0..(MAX_REMEMBERED_NONCES + 10) {
            store.record(&i.to_string(), now());
        }
        assert_eq!(store.len(), MAX_REMEMBERED_NONCES);
        assert!(store.record("0", now()), "the oldest were forgotten first");
    }

    #[test]
    fn statuses_of_codes() {
        for (code, status) in [
            ("NoPermission", 403),
            ("Forbidden.RAM", 403),
            ("ServerError", 500),
            ("InternalError", 500),
            ("ServiceUnavailable", 503),
            ("Throttling.User", 400),
            ("InvalidAccessKeyId.NotFound", 404),
            ("InvalidAction.NotFound", 404),
            ("InvalidAccessKeyId.Inactive", 400),
            ("Whatever", 400),
        ] {
            assert_eq!(status_for_code(code), status, "{code}");
        }
    }

    #[test]
    fn long_values_are_cut_in_messages() {
        let long = "x".repeat(10_000);
        let r = Verifier::new(ID, SECRET, None)
            .check("POST", &tampered("Timestamp", Some(&long)), now())
            .unwrap_err();
        assert!(r.message.len() < 300, "{}", r.message.len());
    }

    /// Encodes parameters the way an HTTP client puts them into a URL.
    fn to_query(params: &Params) -> String {
        params
            .iter()
            .map(|(k, v)| {
                format!(
                    "{}={}",
                    signer::percent_encode(k),
                    signer::percent_encode(v)
                )
            })
            .collect::<Vec<_>>()
            .join("&")
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(128))]

        #[test]
        fn sign_encode_decode_verify(
            extra in proptest::collection::btree_map(
                "[ -~]{0,12}|\\PC{0,8}|[+*~/=&% ]{1,6}",
                "[ -~]{0,16}|\\PC{0,8}|[+*~/=&%?# ]{1,6}",
                0..6,
            ),
            pick in any::<prop::sample::Index>(),
        ) {
            let mut params: Params = extra;
            params.extend(call());
            let signed = signed_with(params, ID, SECRET, None, now(), "prop-nonce");
            let query = to_query(&signed);
            let mut decoded = Params::new();
            decode_params(query.as_bytes(), &mut decoded);
            prop_assert_eq!(&decoded, &signed);
            prop_assert_eq!(Verifier::new(ID, SECRET, None).check("POST", &decoded, now()), Ok(()));

            let key = pick.get(&decoded.keys().cloned().collect::<Vec<_>>()).clone();
            let mut changed = decoded.clone();
            changed.entry(key.clone()).and_modify(|v| v.push('x'));
            prop_assert!(
                Verifier::new(ID, SECRET, None).check("POST", &changed, now()).is_err(),
                "changing {:?} was not noticed", key
            );
        }
    }
}

//! Alibaba Cloud RPC request signing, HMAC-SHA1 (`SignatureVersion=1.0`).
//!
//! Pure functions only: the method, parameters, secret, timestamp and nonce are all inputs, so every stage
//! (canonical query, string to sign, signature) can be checked on its own against known vectors. The emulator
//! verifies requests with the same code path ([`verify`]), which is what makes sign-then-verify a useful property.

use std::collections::BTreeMap;
use std::fmt;

use base64::Engine as _;
use chrono::{DateTime, Utc};
use hmac::{Hmac, Mac};
use sha1::Sha1;

/// The value of `SignatureMethod` this signer produces.
pub const SIGNATURE_METHOD: &str = "HMAC-SHA1";
/// The value of `SignatureVersion` this signer produces.
pub const SIGNATURE_VERSION: &str = "1.0";

/// Request parameters, sorted byte-wise by key as the algorithm requires.
pub type Params = BTreeMap<String, String>;

/// Percent-encodes as Alibaba's RPC signature requires: UTF-8, only `A-Z a-z 0-9 - _ . ~` literal, uppercase hex.
pub fn percent_encode(input: &str) -> String {
    const HEX: &[u8; 16] = b"0123456789ABCDEF";
    let mut out = String::with_capacity(input.len() * 3);
    for &byte in input.as_bytes() {
        if byte.is_ascii_alphanumeric() || matches!(byte, b'-' | b'_' | b'.' | b'~') {
            out.push(char::from(byte));
        } else {
            out.push('%');
            out.push(char::from(HEX[usize::from(byte >> 4)]));
            out.push(char::from(HEX[usize::from(byte & 0x0F)]));
        }
    }
    out
}

/// Stage 1: the sorted, encoded `k=v&k=v` form of every parameter except `Signature`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CanonicalQuery(String);

impl CanonicalQuery {
    /// Builds the canonical query; a `Signature` entry, if present, is left out.
    pub fn new(params: &Params) -> Self {
        let mut out = String::new();
        for (key, value) in params.iter().filter(|(k, _)| k.as_str() != "Signature") {
            if !out.is_empty() {
                out.push('&');
            }
            out.push_str(&percent_encode(key));
            out.push('=');
            out.push_str(&percent_encode(value));
        }
        Self(out)
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for CanonicalQuery {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// Stage 2: `METHOD&%2F&encode(canonical query)`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StringToSign(String);

impl StringToSign {
    pub fn new(method: &str, query: &CanonicalQuery) -> Self {
        Self(format!(
            "{}&{}&{}",
            method.to_ascii_uppercase(),
            percent_encode("/"),
            percent_encode(query.as_str())
        ))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for StringToSign {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// Stage 3: `Base64(HMAC-SHA1(secret + "&", string to sign))`.
pub fn signature(secret: &str, string_to_sign: &StringToSign) -> String {
    let mut key = Vec::with_capacity(secret.len() + 1);
    key.extend_from_slice(secret.as_bytes());
    key.push(b'&');
    // HMAC accepts keys of any length, so this cannot fail.
    let mut mac = Hmac::<Sha1>::new_from_slice(&key).expect("HMAC takes a key of any length");
    mac.update(string_to_sign.as_str().as_bytes());
    base64::engine::general_purpose::STANDARD.encode(mac.finalize().into_bytes())
}

/// Formats a timestamp the way the API expects: UTC, `YYYY-MM-DDThh:mm:ssZ`.
pub fn format_timestamp(time: DateTime<Utc>) -> String {
    time.format("%Y-%m-%dT%H:%M:%SZ").to_string()
}

/// Parses an API timestamp (`YYYY-MM-DDThh:mm:ssZ`); `None` when it is not in that form.
pub fn parse_timestamp(text: &str) -> Option<DateTime<Utc>> {
    chrono::NaiveDateTime::parse_from_str(text, "%Y-%m-%dT%H:%M:%SZ")
        .ok()
        .map(|naive| naive.and_utc())
}

/// The per-request inputs of a signature besides the call's own parameters.
pub struct SigningInput<'a> {
    pub method: &'a str,
    pub access_key_id: &'a str,
    pub access_key_secret: &'a str,
    pub security_token: Option<&'a str>,
    /// Should be `Utc::now()` unless testing.
    pub time: DateTime<Utc>,
    /// Unique per request; the server rejects a reused one.
    pub nonce: &'a str,
}

impl fmt::Debug for SigningInput<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("SigningInput")
            .field("method", &self.method)
            .field("access_key_id", &self.access_key_id)
            .field("access_key_secret", &"<redacted>")
            .field("security_token", &self.security_token.map(|_| "<redacted>"))
            .field("time", &self.time)
            .field("nonce", &self.nonce)
            .finish()
    }
}

/// The result of signing: every parameter to send (with `Signature`), and the string that was signed.
#[derive(Clone)]
pub struct Signed {
    pub params: Params,
    pub string_to_sign: StringToSign,
}

/// Adds the common signature parameters to `params`, then signs them.
pub fn sign(mut params: Params, input: &SigningInput<'_>) -> Signed {
    params.insert("AccessKeyId".into(), input.access_key_id.into());
    params.insert("SignatureMethod".into(), SIGNATURE_METHOD.into());
    params.insert("SignatureVersion".into(), SIGNATURE_VERSION.into());
    params.insert("SignatureNonce".into(), input.nonce.into());
    params.insert("Timestamp".into(), format_timestamp(input.time));
    if let Some(token) = input.security_token {
        params.insert("SecurityToken".into(), token.into());
    }
    params.remove("Signature");
    let string_to_sign = StringToSign::new(input.method, &CanonicalQuery::new(&params));
    let sig = signature(input.access_key_secret, &string_to_sign);
    params.insert("Signature".into(), sig);
    Signed {
        params,
        string_to_sign,
    }
}

/// Why a received request's signature does not verify.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum VerifyError {
    /// No `Signature` parameter at all.
    Missing,
    /// The signature differs from ours; carries the string we signed, as Alibaba reports it.
    Mismatch { server_string_to_sign: StringToSign },
}

/// Checks a received request's `Signature` against the parameters it came with, as the server side does.
pub fn verify(method: &str, params: &Params, secret: &str) -> Result<(), VerifyError> {
    let given = params.get("Signature").ok_or(VerifyError::Missing)?;
    let string_to_sign = StringToSign::new(method, &CanonicalQuery::new(params));
    let expected = signature(secret, &string_to_sign);
    if constant_time_eq(expected.as_bytes(), given.as_bytes()) {
        Ok(())
    } else {
        Err(VerifyError::Mismatch {
            server_string_to_sign: string_to_sign,
        })
    }
}

fn constant_time_eq(a: &[u8], b: &[u8]) -> bool {
    a.len() == b.len() && a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}

/// Flattens a list parameter the way the RPC style expects: `Name.1`, `Name.2`, ...
pub fn flatten_list<'a>(name: &str, values: impl IntoIterator<Item = &'a str>) -> Params {
    values
        .into_iter()
        .enumerate()
        .map(|(i, value)| (format!("{name}.{}", i + 1), value.to_owned()))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn params(pairs: &[(&str, &str)]) -> Params {
        pairs
            .iter()
            .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
            .collect()
    }

    struct Vector {
        name: &'static str,
        method: &'static str,
        params: &'static [(&'static str, &'static str)],
        canonical: &'static str,
        string_to_sign: &'static str,
        signature: &'static str,
    }

    const B_CANONICAL: &str = "AccessKeyId=testid&Action=GetVirusScanLatestTaskStatistic&Format=json&SignatureMethod=HMAC-SHA1&SignatureNonce=0123456789abcdef0123456789abcdef&SignatureVersion=1.0&Timestamp=2024-01-01T00%3A00%3A00Z&Version=2018-12-03";

    const VECTORS: &[Vector] = &[
        Vector {
            name: "A: documented DescribeRegions example",
            method: "GET",
            params: &[
                ("AccessKeyId", "testid"),
                ("Action", "DescribeRegions"),
                ("Format", "XML"),
                ("SignatureMethod", "HMAC-SHA1"),
                ("SignatureNonce", "3ee8c1b8-83d3-44af-a94f-4e0ad82fd6cf"),
                ("SignatureVersion", "1.0"),
                ("Timestamp", "2016-02-23T12:46:24Z"),
                ("Version", "2014-05-26"),
            ],
            canonical: "AccessKeyId=testid&Action=DescribeRegions&Format=XML&SignatureMethod=HMAC-SHA1&SignatureNonce=3ee8c1b8-83d3-44af-a94f-4e0ad82fd6cf&SignatureVersion=1.0&Timestamp=2016-02-23T12%3A46%3A24Z&Version=2014-05-26",
            string_to_sign: "GET&%2F&AccessKeyId%3Dtestid%26Action%3DDescribeRegions%26Format%3DXML%26SignatureMethod%3DHMAC-SHA1%26SignatureNonce%3D3ee8c1b8-83d3-44af-a94f-4e0ad82fd6cf%26SignatureVersion%3D1.0%26Timestamp%3D2016-02-23T12%253A46%253A24Z%26Version%3D2014-05-26",
            signature: "OLeaidS1JvxuMvnyHOwuJ+uX5qY=",
        },
        Vector {
            name: "B: GetVirusScanLatestTaskStatistic, POST",
            method: "POST",
            params: &[
                ("AccessKeyId", "testid"),
                ("Action", "GetVirusScanLatestTaskStatistic"),
                ("Format", "json"),
                ("SignatureMethod", "HMAC-SHA1"),
                ("SignatureNonce", "0123456789abcdef0123456789abcdef"),
                ("SignatureVersion", "1.0"),
                ("Timestamp", "2024-01-01T00:00:00Z"),
                ("Version", "2018-12-03"),
            ],
            canonical: B_CANONICAL,
            string_to_sign: "POST&%2F&AccessKeyId%3Dtestid%26Action%3DGetVirusScanLatestTaskStatistic%26Format%3Djson%26SignatureMethod%3DHMAC-SHA1%26SignatureNonce%3D0123456789abcdef0123456789abcdef%26SignatureVersion%3D1.0%26Timestamp%3D2024-01-01T00%253A00%253A00Z%26Version%3D2018-12-03",
            signature: "rE7wDu8b1Kv9NwyMxklv9a9BmgA=",
        },
        Vector {
            name: "C: B with STS credentials",
            method: "POST",
            params: &[
                ("AccessKeyId", "STS.testid"),
                ("Action", "GetVirusScanLatestTaskStatistic"),
                ("Format", "json"),
                ("SecurityToken", "test-token"),
                ("SignatureMethod", "HMAC-SHA1"),
                ("SignatureNonce", "0123456789abcdef0123456789abcdef"),
                ("SignatureVersion", "1.0"),
                ("Timestamp", "2024-01-01T00:00:00Z"),
                ("Version", "2018-12-03"),
            ],
            canonical: "AccessKeyId=STS.testid&Action=GetVirusScanLatestTaskStatistic&Format=json&SecurityToken=test-token&SignatureMethod=HMAC-SHA1&SignatureNonce=0123456789abcdef0123456789abcdef&SignatureVersion=1.0&Timestamp=2024-01-01T00%3A00%3A00Z&Version=2018-12-03",
            string_to_sign: "POST&%2F&AccessKeyId%3DSTS.testid%26Action%3DGetVirusScanLatestTaskStatistic%26Format%3Djson%26SecurityToken%3Dtest-token%26SignatureMethod%3DHMAC-SHA1%26SignatureNonce%3D0123456789abcdef0123456789abcdef%26SignatureVersion%3D1.0%26Timestamp%3D2024-01-01T00%253A00%253A00Z%26Version%3D2018-12-03",
            signature: "s6fqfixuzxGDDTzMwkPj0lKeyYc=",
        },
        Vector {
            name: "D: encoding of reserved and non-ASCII characters",
            method: "GET",
            params: &[
                ("A", "a b"),
                ("B", "a+b"),
                ("C", "a*b"),
                ("D", "a~b"),
                ("E", "/path"),
                ("F", "中文"),
                ("G", "!'()"),
            ],
            canonical: "A=a%20b&B=a%2Bb&C=a%2Ab&D=a~b&E=%2Fpath&F=%E4%B8%AD%E6%96%87&G=%21%27%28%29",
            string_to_sign: "GET&%2F&A%3Da%2520b%26B%3Da%252Bb%26C%3Da%252Ab%26D%3Da~b%26E%3D%252Fpath%26F%3D%25E4%25B8%25AD%25E6%2596%2587%26G%3D%2521%2527%2528%2529",
            signature: "aY3Ay4y5AgIwGZih4IYIWJtMnvo=",
        },
    ];

    #[test]
    fn vectors_canonical_query() {
        for v in VECTORS {
            let q = CanonicalQuery::new(&params(v.params));
            assert_eq!(
                q.as_str(),
                v.canonical,
                "canonical query of vector {}",
                v.name
            );
        }
    }

    #[test]
    fn vectors_string_to_sign() {
        for v in VECTORS {
            let q = CanonicalQuery::new(&params(v.params));
            let s = StringToSign::new(v.method, &q);
            assert_eq!(
                s.as_str(),
                v.string_to_sign,
                "string to sign of vector {}",
                v.name
            );
        }
    }

    #[test]
    fn vectors_signature() {
        for v in VECTORS {
            let s = StringToSign::new(v.method, &CanonicalQuery::new(&params(v.params)));
            assert_eq!(
                signature("testsecret", &s),
                v.signature,
                "signature of vector {}",
                v.name
            );
        }
    }

    #[test]
    fn vectors_verify_as_the_server_does() {
        for v in VECTORS {
            let mut p = params(v.params);
            p.insert("Signature".into(), v.signature.into());
            assert_eq!(
                verify(v.method, &p, "testsecret"),
                Ok(()),
                "vector {}",
                v.name
            );
            assert!(
                matches!(
                    verify(v.method, &p, "wrongsecret"),
                    Err(VerifyError::Mismatch { .. })
                ),
                "vector {} must not verify with another secret",
                v.name
            );
        }
    }

    #[test]
    fn sign_adds_common_parameters_and_reproduces_vector_c() {
        let time = parse_timestamp("2024-01-01T00:00:00Z").unwrap();
        let call = params(&[
            ("Action", "GetVirusScanLatestTaskStatistic"),
            ("Format", "json"),
            ("Version", "2018-12-03"),
        ]);
        let signed = sign(
            call,
            &SigningInput {
                method: "POST",
                access_key_id: "STS.testid",
                access_key_secret: "testsecret",
                security_token: Some("test-token"),
                time,
                nonce: "0123456789abcdef0123456789abcdef",
            },
        );
        assert_eq!(signed.params["Signature"], "s6fqfixuzxGDDTzMwkPj0lKeyYc=");
        assert_eq!(signed.params["SecurityToken"], "test-token");
        assert_eq!(signed.params["Timestamp"], "2024-01-01T00:00:00Z");
    }

    #[test]
    fn signature_parameter_is_not_part_of_its_own_input() {
        let with = params(&[("A", "1"), ("Signature", "whatever")]);
        let without = params(&[("A", "1")]);
        assert_eq!(CanonicalQuery::new(&with), CanonicalQuery::new(&without));
    }

    #[test]
    fn lists_flatten_with_one_based_indexes() {
        let flat = flatten_list("ScanPath", ["a", "b"]);
        assert_eq!(
            CanonicalQuery::new(&flat).as_str(),
            "ScanPath.1=a&ScanPath.2=b"
        );
    }

    #[test]
    fn timestamps_round_trip_and_reject_other_forms() {
        let t = parse_timestamp("2016-02-23T12:46:24Z").unwrap();
        assert_eq!(format_timestamp(t), "2016-02-23T12:46:24Z");
        assert_eq!(parse_timestamp("2016-02-23 12:46:24"), None);
        assert_eq!(parse_timestamp(""), None);
    }

    #[test]
    fn debug_of_signing_input_hides_secrets() {
        let input = SigningInput {
            method: "POST",
            access_key_id: "id",
            access_key_secret: "very-secret-value",
            security_token: Some("token-value"),
            time: Utc::now(),
            nonce: "n",
        };
        let text = format!("{input:?}");
        assert!(
            !text.contains("very-secret-value") && !text.contains("token-value"),
            "{text}"
        );
    }
}

//! Region and endpoint resolution: which Security Center host scanwatch talks to, and over what.

use std::net::IpAddr;

use url::{Host, Url};

/// The region used when nothing else names one; Security Center's mainland China endpoint lives there.
pub const DEFAULT_REGION: &str = "cn-shanghai";

/// Region variables in the order the aliyun CLI reads them.
const REGION_VARS: [&str; 2] = ["ALIBABA_CLOUD_REGION_ID", "ALICLOUD_REGION_ID"];

const CHINA_HOST: &str = "tds.cn-shanghai.aliyuncs.com";
const INTERNATIONAL_HOST: &str = "tds.ap-southeast-1.aliyuncs.com";

/// Regions whose Security Center API is served from Shanghai; finance and gov regions are matched by pattern.
const CHINA_REGIONS: &[&str] = &[
    "cn-hangzhou",
    "cn-shanghai",
    "cn-beijing",
    "cn-qingdao",
    "cn-zhangjiakou",
    "cn-huhehaote",
    "cn-wulanchabu",
    "cn-nanjing",
    "cn-fuzhou",
    "cn-shenzhen",
    "cn-heyuan",
    "cn-guangzhou",
    "cn-chengdu",
    "cn-hongkong",
];

/// Regions served by the international site's endpoint in Singapore.
const INTERNATIONAL_REGIONS: &[&str] = &[
    "ap-southeast-1",
    "ap-southeast-2",
    "ap-southeast-3",
    "ap-southeast-5",
    "ap-southeast-6",
    "ap-southeast-7",
    "ap-northeast-1",
    "ap-northeast-2",
    "ap-south-1",
    "eu-central-1",
    "eu-west-1",
    "us-east-1",
    "us-west-1",
    "me-east-1",
    "me-central-1",
];

/// Why no endpoint could be chosen.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ConfigError {
    #[error(
        "region `{region}` has no known Security Center endpoint; pass --endpoint (e.g. --endpoint {CHINA_HOST})"
    )]
    UnknownRegion { region: String },
    #[error("--endpoint is empty")]
    EmptyEndpoint,
    #[error("endpoint `{endpoint}` is not a valid host or URL: {reason}")]
    InvalidEndpoint { endpoint: String, reason: String },
    #[error(
        "endpoint `{endpoint}` uses scheme `{scheme}`; only https (or http to this machine) is supported"
    )]
    UnsupportedScheme { endpoint: String, scheme: String },
    #[error(
        "endpoint `{endpoint}` uses plain http to a host that is not this machine: the access key id, signed \
         requests and any STS token would cross the network unencrypted; use https (http is allowed only to \
         127.0.0.0/8, ::1 and localhost)"
    )]
    InsecureEndpoint { endpoint: String },
    // The endpoint itself is not repeated: it carries a user name and perhaps a password.
    #[error("endpoint for host `{host}` carries user info (user:password@); remove it")]
    UserInfoInEndpoint { host: String },
}

/// Picks the region: `--region`, else `ALIBABA_CLOUD_REGION_ID`, else `ALICLOUD_REGION_ID`, else the profile's
/// `region_id`, else [`DEFAULT_REGION`]. Empty values count as unset at every step.
pub fn resolve_region(
    flag: Option<&str>,
    env: &dyn Fn(&str) -> Option<String>,
    profile_region: Option<&str>,
) -> String {
    let non_empty = |value: &str| {
        let value = value.trim();
        (!value.is_empty()).then(|| value.to_owned())
    };
    flag.and_then(non_empty)
        .or_else(|| {
            REGION_VARS
                .iter()
                .find_map(|name| env(name).as_deref().and_then(non_empty))
        })
        .or_else(|| profile_region.and_then(non_empty))
        .unwrap_or_else(|| DEFAULT_REGION.to_owned())
}

/// Where requests go.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Endpoint {
    /// Scheme, host and port, path `/`: e.g. `https://tds.cn-shanghai.aliyuncs.com/`.
    pub base_url: Url,
    /// For display: `tds.cn-shanghai.aliyuncs.com`, or `127.0.0.1:8080` when the port is not the scheme's default.
    pub host: String,
}

/// Chooses the endpoint: `--endpoint` if given, else the region's Security Center host.
///
/// A bare host (`host` or `host:port`) means https. A URL keeps its scheme and port; its path, query and fragment
/// are dropped. Plain http is refused unless the host is a loopback address, because every request carries the
/// access key id and a signature, and STS requests their token.
pub fn resolve_endpoint(region: &str, flag: Option<&str>) -> Result<Endpoint, ConfigError> {
    if let Some(endpoint) = flag {
        return parse_endpoint(endpoint);
    }
    let host = host_for_region(region).ok_or_else(|| ConfigError::UnknownRegion {
        region: region.to_owned(),
    })?;
    parse_endpoint(host)
}

fn host_for_region(region: &str) -> Option<&'static str> {
    let region = region.trim().to_ascii_lowercase();
    if CHINA_REGIONS.contains(&region.as_str()) || is_finance_or_gov(&region) {
        Some(CHINA_HOST)
    } else if INTERNATIONAL_REGIONS.contains(&region.as_str()) {
        Some(INTERNATIONAL_HOST)
    } else {
        None
    }
}

/// `cn-shanghai-finance-1`, `cn-hangzhou-finance`, `cn-north-2-gov-1` and their kin: new ones appear without
/// notice, and all of them are mainland China regions.
fn is_finance_or_gov(region: &str) -> bool {
    let mut parts = region.split('-');
    parts.next() == Some("cn") && parts.any(|part| part == "finance" || part == "gov")
}

fn parse_endpoint(raw: &str) -> Result<Endpoint, ConfigError> {
    let endpoint = raw.trim();
    if endpoint.is_empty() {
        return Err(ConfigError::EmptyEndpoint);
    }
    // Without this check `host:8080` would parse as a URL whose scheme is `host`.
    let text = if endpoint.contains("://") {
        endpoint.to_owned()
    } else {
        format!("https://{endpoint}")
    };
    let invalid = |reason: String| ConfigError::InvalidEndpoint {
        endpoint: endpoint.to_owned(),
        reason,
    };
    let mut url = Url::parse(&text).map_err(|error| invalid(error.to_string()))?;
    let Some(host) = url.host() else {
        return Err(invalid("it names no host".to_owned()));
    };
    let loopback = is_loopback(&host);
    let host_text = host.to_string();
    if !url.username().is_empty() || url.password().is_some() {
        return Err(ConfigError::UserInfoInEndpoint { host: host_text });
    }
    match url.scheme() {
        "https" => {}
        "http" if loopback => {}
        "http" => {
            return Err(ConfigError::InsecureEndpoint {
                endpoint: endpoint.to_owned(),
            });
        }
        other => {
            return Err(ConfigError::UnsupportedScheme {
                endpoint: endpoint.to_owned(),
                scheme: other.to_owned(),
            });
        }
    }
    url.set_path("/");
    url.set_query(None);
    url.set_fragment(None);
    let display = match url.port() {
        Some(port) => format!("{host_text}:{port}"),
        None => host_text,
    };
    Ok(Endpoint {
        base_url: url,
        host: display,
    })
}

fn is_loopback(host: &Host<&str>) -> bool {
    match host {
        Host::Domain(domain) => domain.eq_ignore_ascii_case("localhost"),
        Host::Ipv4(address) => IpAddr::V4(*address).is_loopback(),
        Host::Ipv6(address) => IpAddr::V6(*address).is_loopback(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn no_env(_: &str) -> Option<String> {
        None
    }

    /// (case name, --region, environment, profile region, expected region)
    type RegionCase<'a> = (
        &'a str,
        Option<&'a str>,
        &'a dyn Fn(&str) -> Option<String>,
        Option<&'a str>,
        &'a str,
    );

    #[test]
    fn region_precedence() {
        let both = |name: &str| match name {
            "ALIBABA_CLOUD_REGION_ID" => Some("eu-central-1".to_owned()),
            "ALICLOUD_REGION_ID" => Some("us-east-1".to_owned()),
            _ => None,
        };
        let legacy_only =
            |name: &str| (name == "ALICLOUD_REGION_ID").then(|| "us-east-1".to_owned());
        let empty = |_: &str| Some(String::new());
        let cases: &[RegionCase<'_>] = &[
            (
                "flag wins",
                Some("cn-beijing"),
                &both,
                Some("cn-qingdao"),
                "cn-beijing",
            ),
            (
                "new env beats legacy and profile",
                None,
                &both,
                Some("cn-qingdao"),
                "eu-central-1",
            ),
            (
                "legacy env beats profile",
                None,
                &legacy_only,
                Some("cn-qingdao"),
                "us-east-1",
            ),
            (
                "profile region",
                None,
                &no_env,
                Some("cn-qingdao"),
                "cn-qingdao",
            ),
            ("default", None, &no_env, None, DEFAULT_REGION),
            (
                "empty values are unset",
                Some(""),
                &empty,
                Some(""),
                DEFAULT_REGION,
            ),
        ];
        for (name, flag, env, profile, expected) in cases {
            assert_eq!(resolve_region(*flag, *env, *profile), *expected, "{name}");
        }
    }

    #[test]
    fn region_map() {
        let cases = [
            ("cn-hangzhou", CHINA_HOST),
            ("cn-shanghai", CHINA_HOST),
            ("cn-chengdu", CHINA_HOST),
            ("cn-wulanchabu", CHINA_HOST),
            ("cn-hongkong", CHINA_HOST),
            ("cn-shanghai-finance-1", CHINA_HOST),
            ("cn-shenzhen-finance-1", CHINA_HOST),
            ("cn-hangzhou-finance", CHINA_HOST),
            ("cn-north-2-gov-1", CHINA_HOST),
            ("CN-Beijing", CHINA_HOST),
            ("ap-southeast-1", INTERNATIONAL_HOST),
            ("ap-southeast-5", INTERNATIONAL_HOST),
            ("ap-northeast-2", INTERNATIONAL_HOST),
            ("ap-south-1", INTERNATIONAL_HOST),
            ("eu-central-1", INTERNATIONAL_HOST),
            ("eu-west-1", INTERNATIONAL_HOST),
            ("us-east-1", INTERNATIONAL_HOST),
            ("us-west-1", INTERNATIONAL_HOST),
            ("me-east-1", INTERNATIONAL_HOST),
            ("me-central-1", INTERNATIONAL_HOST),
        ];
        for (region, host) in cases {
            let endpoint =
                resolve_endpoint(region, None).unwrap_or_else(|e| panic!("{region}: {e}"));
            assert_eq!(endpoint.host, host, "{region}");
            assert_eq!(
                endpoint.base_url.as_str(),
                format!("https://{host}/"),
                "{region}"
            );
        }
    }

    #[test]
    fn unknown_regions_ask_for_an_endpoint() {
        for region in ["mars-north-1", "cn-atlantis", "us-finance-1", ""] {
            let error = resolve_endpoint(region, None).unwrap_err();
            assert_eq!(
                error,
                ConfigError::UnknownRegion {
                    region: region.to_owned()
                }
            );
            let message = error.to_string();
            assert!(message.contains(&format!("`{region}`")), "{message}");
            assert!(message.contains("--endpoint"), "{message}");
        }
    }

    #[test]
    fn explicit_endpoints() {
        // (flag, expected base URL, expected display host)
        let accepted = [
            (
                "tds.cn-shanghai.aliyuncs.com",
                "https://tds.cn-shanghai.aliyuncs.com/",
                "tds.cn-shanghai.aliyuncs.com",
            ),
            (
                "  tds.cn-shanghai.aliyuncs.com  ",
                "https://tds.cn-shanghai.aliyuncs.com/",
                "tds.cn-shanghai.aliyuncs.com",
            ),
            (
                "tds.vpc-proxy.aliyuncs.com:8443",
                "https://tds.vpc-proxy.aliyuncs.com:8443/",
                "tds.vpc-proxy.aliyuncs.com:8443",
            ),
            (
                "127.0.0.1:8080",
                "https://127.0.0.1:8080/",
                "127.0.0.1:8080",
            ),
            (
                "https://tds.ap-southeast-1.aliyuncs.com",
                "https://tds.ap-southeast-1.aliyuncs.com/",
                "tds.ap-southeast-1.aliyuncs.com",
            ),
            (
                "https://example.test:9443/some/path?x=1#f",
                "https://example.test:9443/",
                "example.test:9443",
            ),
            (
                "https://example.test:443",
                "https://example.test/",
                "example.test",
            ),
            (
                "HTTPS://Example.TEST",
                "https://example.test/",
                "example.test",
            ),
            (
                "http://127.0.0.1:8080",
                "http://127.0.0.1:8080/",
                "127.0.0.1:8080",
            ),
            (
                "http://127.45.6.7:1",
                "http://127.45.6.7:1/",
                "127.45.6.7:1",
            ),
            (
                "http://localhost:8080/",
                "http://localhost:8080/",
                "localhost:8080",
            ),
            ("http://LOCALHOST", "http://localhost/", "localhost"),
            ("http://[::1]:8080", "http://[::1]:8080/", "[::1]:8080"),
        ];
        for (flag, base, host) in accepted {
            // The region must not matter when an endpoint is given, even an unknown one.
            let endpoint = resolve_endpoint("mars-north-1", Some(flag))
                .unwrap_or_else(|e| panic!("{flag}: {e}"));
            assert_eq!(endpoint.base_url.as_str(), base, "{flag}");
            assert_eq!(endpoint.host, host, "{flag}");
        }
    }

    #[test]
    fn refused_endpoints() {
        let insecure = |endpoint: &str| ConfigError::InsecureEndpoint {
            endpoint: endpoint.to_owned(),
        };
        let cases = [
            (
                "http://tds.cn-shanghai.aliyuncs.com",
                insecure("http://tds.cn-shanghai.aliyuncs.com"),
            ),
            ("http://10.0.0.5:8080", insecure("http://10.0.0.5:8080")),
            ("http://128.0.0.1", insecure("http://128.0.0.1")),
            (
                "http://localhost.evil.test",
                insecure("http://localhost.evil.test"),
            ),
            ("http://[::2]", insecure("http://[::2]")),
            (
                "ftp://tds.cn-shanghai.aliyuncs.com",
                ConfigError::UnsupportedScheme {
                    endpoint: "ftp://tds.cn-shanghai.aliyuncs.com".to_owned(),
                    scheme: "ftp".to_owned(),
                },
            ),
            ("", ConfigError::EmptyEndpoint),
            (
                "https://user:hunter2@example.test",
                ConfigError::UserInfoInEndpoint {
                    host: "example.test".to_owned(),
                },
            ),
        ];
        for (flag, expected) in cases {
            assert_eq!(
                resolve_endpoint(DEFAULT_REGION, Some(flag)),
                Err(expected),
                "{flag}"
            );
        }
        let message = resolve_endpoint(DEFAULT_REGION, Some("http://10.0.0.5"))
            .unwrap_err()
            .to_string();
        assert!(message.contains("unencrypted"), "{message}");
        assert!(
            !resolve_endpoint(DEFAULT_REGION, Some("https://user:hunter2@example.test"))
                .unwrap_err()
                .to_string()
                .contains("hunter2")
        );
        for malformed in ["host:notaport", "https://", "exa mple.test"] {
            assert!(
                matches!(
                    resolve_endpoint(DEFAULT_REGION, Some(malformed)),
                    Err(ConfigError::InvalidEndpoint { .. })
                ),
                "{malformed}"
            );
        }
    }

    #[test]
    fn messages_are_lowercase() {
        let errors = [
            resolve_endpoint("mars-north-1", None).unwrap_err(),
            resolve_endpoint(DEFAULT_REGION, Some("")).unwrap_err(),
            resolve_endpoint(DEFAULT_REGION, Some("http://10.0.0.5")).unwrap_err(),
            resolve_endpoint(DEFAULT_REGION, Some("ftp://x.test")).unwrap_err(),
            resolve_endpoint(DEFAULT_REGION, Some("host:notaport")).unwrap_err(),
        ];
        for error in errors {
            let message = error.to_string();
            assert!(
                !message.starts_with(|c: char| c.is_ascii_uppercase()),
                "{message}"
            );
        }
    }
}

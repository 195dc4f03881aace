//! The credential chain end to end: a table of cases over a temporary HOME and an injected environment.

use std::collections::{BTreeSet, HashMap};
use std::error::Error as _;
use std::path::{Path, PathBuf};

use scanwatch::credentials::{
    CredentialError, CredentialSource, Lookup, Resolved, Secret, config_path, resolve,
};

/// Every secret in these fixtures contains this, so one search proves none leaked.
const CANARY: &str = "CANARY-7f3a9c";

const PROFILES: &str = r#"{
  "current": "cur",
  "profiles": [
    {"name": "cur", "mode": "AK", "access_key_id": "id-cur", "access_key_secret": "CANARY-7f3a9c-cur", "region_id": "cn-beijing"},
    {"name": "ak", "mode": "ak", "access_key_id": "id-ak", "access_key_secret": "CANARY-7f3a9c-ak", "region_id": "cn-hangzhou",
     "expired_seconds": 3600, "some_future_field": {"nested": [1, 2, {"x": null}]}, "sts_token": ""},
    {"name": "sts", "mode": "StsToken", "access_key_id": "STS.id-sts", "access_key_secret": "CANARY-7f3a9c-sts",
     "sts_token": "CANARY-7f3a9c-token", "region_id": "ap-southeast-1"},
    {"name": "inferred-ak", "access_key_id": "id-inf-ak", "access_key_secret": "CANARY-7f3a9c-inf-ak"},
    {"name": "inferred-sts", "mode": "", "access_key_id": "STS.id-inf-sts", "access_key_secret": "CANARY-7f3a9c-inf-sts",
     "sts_token": "CANARY-7f3a9c-inf-token", "ram_role_arn": "acs:ram::123456789012:role/also-set"},
    {"name": "inferred-role", "access_key_id": "id-role", "access_key_secret": "CANARY-7f3a9c-role",
     "ram_role_arn": "acs:ram::123456789012:role/soc"},
    {"name": "role", "mode": "RamRoleArn", "access_key_id": "id-role", "access_key_secret": "CANARY-7f3a9c-role",
     "ram_role_arn": "acs:ram::123456789012:role/soc", "ram_session_name": "scanwatch"},
    {"name": "sso", "mode": "CloudSSO", "cloud_sso_sign_in_url": "https://signin.example.test"},
    {"name": "no-secret", "mode": "AK", "access_key_id": "id-x", "access_key_secret": ""},
    {"name": "no-id", "mode": "AK", "access_key_secret": "CANARY-7f3a9c-no-id"},
    {"name": "sts-no-token", "mode": "StsToken", "access_key_id": "STS.id", "access_key_secret": "CANARY-7f3a9c-nt"},
    {"name": "blank", "mode": ""}
  ],
  "meta_path": ""
}"#;

const NO_CURRENT_WITH_DEFAULT: &str = r#"{"profiles": [
  {"name": "other", "mode": "AK", "access_key_id": "id-other", "access_key_secret": "CANARY-7f3a9c-other"},
  {"name": "default", "mode": "AK", "access_key_id": "id-default", "access_key_secret": "CANARY-7f3a9c-default"}
]}"#;
const NO_CURRENT_NO_DEFAULT: &str = r#"{"current": "", "profiles": [
  {"name": "other", "mode": "AK", "access_key_id": "id-other", "access_key_secret": "CANARY-7f3a9c-other"}
]}"#;
const DANGLING_CURRENT: &str = r#"{"current": "gone", "profiles": [
  {"name": "other", "mode": "AK", "access_key_id": "id-other", "access_key_secret": "CANARY-7f3a9c-other"}
]}"#;
const BAD_SYNTAX: &str = "{\n  \"current\": \"a\",\n  \"profiles\": [{\"name\": \"a\", \"access_key_secret\": \"CANARY-7f3a9c-syntax\",, }]\n}";
/// Valid JSON of the wrong shape: serde's message would quote the string, which is the secret here.
const BAD_SHAPE: &str = r#"{"current": "a", "profiles": "CANARY-7f3a9c-shape"}"#;

const NEW_PAIR: &[(&str, &str)] = &[
    ("ALIBABA_CLOUD_ACCESS_KEY_ID", "id-env-new"),
    ("ALIBABA_CLOUD_ACCESS_KEY_SECRET", "CANARY-7f3a9c-env-new"),
];
const LEGACY_PAIR: &[(&str, &str)] = &[
    ("ALICLOUD_ACCESS_KEY_ID", "id-env-legacy"),
    ("ALICLOUD_ACCESS_KEY_SECRET", "CANARY-7f3a9c-env-legacy"),
];
const BOTH_PAIRS: &[(&str, &str)] = &[
    ("ALICLOUD_ACCESS_KEY_ID", "id-env-legacy"),
    ("ALICLOUD_ACCESS_KEY_SECRET", "CANARY-7f3a9c-env-legacy"),
    ("ALIBABA_CLOUD_ACCESS_KEY_ID", "id-env-new"),
    ("ALIBABA_CLOUD_ACCESS_KEY_SECRET", "CANARY-7f3a9c-env-new"),
];

#[derive(Clone, Copy)]
enum Home {
    /// A home with no `.aliyun/config.json`.
    Empty,
    /// A config file with this content and mode 0600.
    Config(&'static str),
    /// A config file with this content and this mode.
    ConfigWithMode(&'static str, u32),
    /// A directory where the config file should be, so reading it fails.
    ConfigIsDirectory,
    /// No home directory at all.
    Unknown,
}

enum Expect {
    Env {
        var: &'static str,
        id: &'static str,
        secret: &'static str,
        token: Option<&'static str>,
    },
    Profile {
        name: &'static str,
        id: &'static str,
        secret: &'static str,
        token: Option<&'static str>,
        region: Option<&'static str>,
        warns: bool,
    },
    Error {
        variant: &'static str,
        contains: &'static [&'static str],
    },
}

struct Case {
    name: &'static str,
    flag: Option<&'static str>,
    env: &'static [(&'static str, &'static str)],
    home: Home,
    expect: Expect,
}

const fn profile(
    name: &'static str,
    id: &'static str,
    secret: &'static str,
    region: Option<&'static str>,
) -> Expect {
    Expect::Profile {
        name,
        id,
        secret,
        token: None,
        region,
        warns: false,
    }
}

const fn error(variant: &'static str, contains: &'static [&'static str]) -> Expect {
    Expect::Error { variant, contains }
}

#[allow(clippy::too_many_lines)]
fn cases() -> Vec<Case> {
    use Home::{Config, ConfigIsDirectory, ConfigWithMode, Empty, Unknown};
    let case = |name, flag, env, home, expect| Case {
        name,
        flag,
        env,
        home,
        expect,
    };
    vec![
        // 1. --profile
        case(
            "--profile found",
            Some("ak"),
            &[],
            Config(PROFILES),
            profile("ak", "id-ak", "CANARY-7f3a9c-ak", Some("cn-hangzhou")),
        ),
        case(
            "--profile beats the environment",
            Some("ak"),
            NEW_PAIR,
            Config(PROFILES),
            profile("ak", "id-ak", "CANARY-7f3a9c-ak", Some("cn-hangzhou")),
        ),
        case(
            "--profile beats ALIBABA_CLOUD_PROFILE",
            Some("ak"),
            &[("ALIBABA_CLOUD_PROFILE", "sts")],
            Config(PROFILES),
            profile("ak", "id-ak", "CANARY-7f3a9c-ak", Some("cn-hangzhou")),
        ),
        case(
            "--profile works even with ALIBABA_CLOUD_IGNORE_PROFILE",
            Some("ak"),
            &[("ALIBABA_CLOUD_IGNORE_PROFILE", "TRUE")],
            Config(PROFILES),
            profile("ak", "id-ak", "CANARY-7f3a9c-ak", Some("cn-hangzhou")),
        ),
        case(
            "--profile names a missing profile",
            Some("nope"),
            &[],
            Config(PROFILES),
            error(
                "ProfileNotFound",
                &["`nope`", "--profile", "`cur`", "`sts`", "`blank`"],
            ),
        ),
        case(
            "--profile without a config file",
            Some("nope"),
            NEW_PAIR,
            Empty,
            error(
                "ConfigNotFound",
                &[
                    "`nope`",
                    ".aliyun/config.json",
                    "does not exist",
                    "aliyun configure --profile nope",
                ],
            ),
        ),
        case(
            "--profile without a home",
            Some("ak"),
            &[],
            Unknown,
            error("NoHome", &["`ak`", "HOME"]),
        ),
        // 2. environment
        case(
            "new env vars",
            None,
            NEW_PAIR,
            Config(PROFILES),
            Expect::Env {
                var: "ALIBABA_CLOUD_ACCESS_KEY_ID",
                id: "id-env-new",
                secret: "CANARY-7f3a9c-env-new",
                token: None,
            },
        ),
        case(
            "legacy env vars",
            None,
            LEGACY_PAIR,
            Empty,
            Expect::Env {
                var: "ALICLOUD_ACCESS_KEY_ID",
                id: "id-env-legacy",
                secret: "CANARY-7f3a9c-env-legacy",
                token: None,
            },
        ),
        case(
            "new env vars beat legacy ones",
            None,
            BOTH_PAIRS,
            Empty,
            Expect::Env {
                var: "ALIBABA_CLOUD_ACCESS_KEY_ID",
                id: "id-env-new",
                secret: "CANARY-7f3a9c-env-new",
                token: None,
            },
        ),
        case(
            "empty env values count as unset",
            None,
            &[
                ("ALIBABA_CLOUD_ACCESS_KEY_ID", ""),
                ("ALIBABA_CLOUD_ACCESS_KEY_SECRET", ""),
                ("ALICLOUD_ACCESS_KEY_ID", "id-env-legacy"),
                ("ALICLOUD_ACCESS_KEY_SECRET", "CANARY-7f3a9c-env-legacy"),
            ],
            Empty,
            Expect::Env {
                var: "ALICLOUD_ACCESS_KEY_ID",
                id: "id-env-legacy",
                secret: "CANARY-7f3a9c-env-legacy",
                token: None,
            },
        ),
        case(
            "STS via env",
            None,
            &[
                ("ALIBABA_CLOUD_ACCESS_KEY_ID", "STS.id-env"),
                ("ALIBABA_CLOUD_ACCESS_KEY_SECRET", "CANARY-7f3a9c-env-sts"),
                ("ALIBABA_CLOUD_SECURITY_TOKEN", "CANARY-7f3a9c-env-token"),
            ],
            Empty,
            Expect::Env {
                var: "ALIBABA_CLOUD_ACCESS_KEY_ID",
                id: "STS.id-env",
                secret: "CANARY-7f3a9c-env-sts",
                token: Some("CANARY-7f3a9c-env-token"),
            },
        ),
        case(
            "STS via legacy token var",
            None,
            &[
                ("ALIBABA_CLOUD_ACCESS_KEY_ID", "STS.id-env"),
                ("ALIBABA_CLOUD_ACCESS_KEY_SECRET", "CANARY-7f3a9c-env-sts"),
                ("ALICLOUD_SECURITY_TOKEN", "CANARY-7f3a9c-env-legacy-token"),
            ],
            Empty,
            Expect::Env {
                var: "ALIBABA_CLOUD_ACCESS_KEY_ID",
                id: "STS.id-env",
                secret: "CANARY-7f3a9c-env-sts",
                token: Some("CANARY-7f3a9c-env-legacy-token"),
            },
        ),
        case(
            "env id without secret",
            None,
            &[("ALIBABA_CLOUD_ACCESS_KEY_ID", "id-env-new")],
            Config(PROFILES),
            error(
                "IncompleteEnvironment",
                &[
                    "ALIBABA_CLOUD_ACCESS_KEY_ID is set",
                    "ALIBABA_CLOUD_ACCESS_KEY_SECRET is not",
                ],
            ),
        ),
        case(
            "env secret without id",
            None,
            &[("ALIBABA_CLOUD_ACCESS_KEY_SECRET", "CANARY-7f3a9c-lonely")],
            Empty,
            error(
                "IncompleteEnvironment",
                &[
                    "ALIBABA_CLOUD_ACCESS_KEY_SECRET is set",
                    "ALIBABA_CLOUD_ACCESS_KEY_ID is not",
                ],
            ),
        ),
        case(
            "legacy env id without secret",
            None,
            &[("ALICLOUD_ACCESS_KEY_ID", "id-env-legacy")],
            Empty,
            error(
                "IncompleteEnvironment",
                &[
                    "ALICLOUD_ACCESS_KEY_ID is set",
                    "ALICLOUD_ACCESS_KEY_SECRET is not",
                ],
            ),
        ),
        case(
            "a token alone is ignored",
            None,
            &[("ALIBABA_CLOUD_SECURITY_TOKEN", "CANARY-7f3a9c-stale")],
            Config(PROFILES),
            profile("cur", "id-cur", "CANARY-7f3a9c-cur", Some("cn-beijing")),
        ),
        // 3. config file
        case(
            "ALIBABA_CLOUD_PROFILE",
            None,
            &[("ALIBABA_CLOUD_PROFILE", "sts")],
            Config(PROFILES),
            Expect::Profile {
                name: "sts",
                id: "STS.id-sts",
                secret: "CANARY-7f3a9c-sts",
                token: Some("CANARY-7f3a9c-token"),
                region: Some("ap-southeast-1"),
                warns: false,
            },
        ),
        case(
            "ALIBABA_CLOUD_PROFILE names a missing profile",
            None,
            &[("ALIBABA_CLOUD_PROFILE", "nope")],
            Config(PROFILES),
            error(
                "ProfileNotFound",
                &["`nope`", "ALIBABA_CLOUD_PROFILE", "`cur`"],
            ),
        ),
        case(
            "ALIBABA_CLOUD_PROFILE without a config file",
            None,
            &[("ALIBABA_CLOUD_PROFILE", "nope")],
            Empty,
            error(
                "ConfigNotFound",
                &["`nope`", "ALIBABA_CLOUD_PROFILE", "does not exist"],
            ),
        ),
        case(
            "current",
            None,
            &[],
            Config(PROFILES),
            profile("cur", "id-cur", "CANARY-7f3a9c-cur", Some("cn-beijing")),
        ),
        case(
            "no current: the CLI's `default`",
            None,
            &[],
            Config(NO_CURRENT_WITH_DEFAULT),
            profile("default", "id-default", "CANARY-7f3a9c-default", None),
        ),
        case(
            "no current and no default",
            None,
            &[],
            Config(NO_CURRENT_NO_DEFAULT),
            error("NothingFound", &["names no `current` profile", "--demo"]),
        ),
        case(
            "current names a missing profile",
            None,
            &[],
            Config(DANGLING_CURRENT),
            error("ProfileNotFound", &["`gone`", "`current`", "`other`"]),
        ),
        case(
            "ALIBABA_CLOUD_IGNORE_PROFILE=TRUE skips the file",
            None,
            &[("ALIBABA_CLOUD_IGNORE_PROFILE", "TRUE")],
            Config(PROFILES),
            error(
                "NothingFound",
                &["ALIBABA_CLOUD_IGNORE_PROFILE=TRUE", "--demo"],
            ),
        ),
        case(
            "ALIBABA_CLOUD_IGNORE_PROFILE=TRUE also skips ALIBABA_CLOUD_PROFILE",
            None,
            &[
                ("ALIBABA_CLOUD_IGNORE_PROFILE", "TRUE"),
                ("ALIBABA_CLOUD_PROFILE", "sts"),
            ],
            Config(PROFILES),
            error("NothingFound", &["skipped"]),
        ),
        case(
            "ALIBABA_CLOUD_IGNORE_PROFILE other than TRUE is ignored, as by the CLI",
            None,
            &[("ALIBABA_CLOUD_IGNORE_PROFILE", "true")],
            Config(PROFILES),
            profile("cur", "id-cur", "CANARY-7f3a9c-cur", Some("cn-beijing")),
        ),
        case(
            "AK mode is case-insensitive, unknown fields ignored",
            Some("ak"),
            &[],
            Config(PROFILES),
            profile("ak", "id-ak", "CANARY-7f3a9c-ak", Some("cn-hangzhou")),
        ),
        case(
            "StsToken",
            Some("sts"),
            &[],
            Config(PROFILES),
            Expect::Profile {
                name: "sts",
                id: "STS.id-sts",
                secret: "CANARY-7f3a9c-sts",
                token: Some("CANARY-7f3a9c-token"),
                region: Some("ap-southeast-1"),
                warns: false,
            },
        ),
        case(
            "empty mode inferred as AK",
            Some("inferred-ak"),
            &[],
            Config(PROFILES),
            profile("inferred-ak", "id-inf-ak", "CANARY-7f3a9c-inf-ak", None),
        ),
        case(
            "empty mode inferred as StsToken (the token wins over ram_role_arn)",
            Some("inferred-sts"),
            &[],
            Config(PROFILES),
            Expect::Profile {
                name: "inferred-sts",
                id: "STS.id-inf-sts",
                secret: "CANARY-7f3a9c-inf-sts",
                token: Some("CANARY-7f3a9c-inf-token"),
                region: None,
                warns: false,
            },
        ),
        case(
            "RamRoleArn is unsupported",
            Some("role"),
            &[],
            Config(PROFILES),
            error(
                "UnsupportedMode",
                &[
                    "`role`",
                    "RamRoleArn",
                    "AK and StsToken",
                    "aliyun sts AssumeRole",
                    "ALIBABA_CLOUD_SECURITY_TOKEN",
                ],
            ),
        ),
        case(
            "inferred RamRoleArn is unsupported",
            Some("inferred-role"),
            &[],
            Config(PROFILES),
            error(
                "UnsupportedMode",
                &["`inferred-role`", "RamRoleArn (inferred", "AK and StsToken"],
            ),
        ),
        case(
            "CloudSSO is unsupported",
            None,
            &[("ALIBABA_CLOUD_PROFILE", "sso")],
            Config(PROFILES),
            error("UnsupportedMode", &["`sso`", "CloudSSO", "AK and StsToken"]),
        ),
        case(
            "AK profile without a secret",
            Some("no-secret"),
            &[],
            Config(PROFILES),
            error("MissingField", &["`no-secret`", "access_key_secret"]),
        ),
        case(
            "AK profile without an id",
            Some("no-id"),
            &[],
            Config(PROFILES),
            error("MissingField", &["`no-id`", "access_key_id"]),
        ),
        case(
            "StsToken profile without a token",
            Some("sts-no-token"),
            &[],
            Config(PROFILES),
            error("MissingField", &["`sts-no-token`", "StsToken", "sts_token"]),
        ),
        case(
            "profile with neither mode nor keys",
            Some("blank"),
            &[],
            Config(PROFILES),
            error(
                "ProfileNotConfigured",
                &["`blank`", "aliyun configure --profile blank"],
            ),
        ),
        case(
            "malformed JSON",
            None,
            &[],
            Config(BAD_SYNTAX),
            error(
                "ConfigMalformed",
                &[".aliyun/config.json", "not valid JSON", "line 3", "column"],
            ),
        ),
        case(
            "JSON of the wrong shape",
            Some("a"),
            &[],
            Config(BAD_SHAPE),
            error(
                "ConfigMalformed",
                &[".aliyun/config.json", "shape", "line 1"],
            ),
        ),
        case(
            "empty config file",
            None,
            &[],
            Config(""),
            error("ConfigMalformed", &["ends too early"]),
        ),
        case(
            "unreadable config file",
            None,
            &[],
            ConfigIsDirectory,
            error("ConfigUnreadable", &["cannot read", ".aliyun/config.json"]),
        ),
        // 4. nothing found
        case(
            "nothing found lists what was looked at",
            None,
            &[],
            Empty,
            error(
                "NothingFound",
                &[
                    "ALIBABA_CLOUD_ACCESS_KEY_ID",
                    "ALICLOUD_ACCESS_KEY_ID",
                    "ALIBABA_CLOUD_ACCESS_KEY_SECRET",
                    "ALICLOUD_ACCESS_KEY_SECRET",
                    ".aliyun/config.json (does not exist)",
                    "--demo",
                ],
            ),
        ),
        case(
            "nothing found without a home",
            None,
            &[],
            Unknown,
            error("NothingFound", &["HOME is not set", "--demo"]),
        ),
        #[cfg(unix)]
        case(
            "config readable by others warns",
            None,
            &[],
            ConfigWithMode(PROFILES, 0o644),
            Expect::Profile {
                name: "cur",
                id: "id-cur",
                secret: "CANARY-7f3a9c-cur",
                token: None,
                region: Some("cn-beijing"),
                warns: true,
            },
        ),
        #[cfg(unix)]
        case(
            "config readable by group warns",
            None,
            &[],
            ConfigWithMode(PROFILES, 0o640),
            Expect::Profile {
                name: "cur",
                id: "id-cur",
                secret: "CANARY-7f3a9c-cur",
                token: None,
                region: Some("cn-beijing"),
                warns: true,
            },
        ),
        #[cfg(unix)]
        case(
            "owner-only config does not warn",
            None,
            &[],
            ConfigWithMode(PROFILES, 0o400),
            profile("cur", "id-cur", "CANARY-7f3a9c-cur", Some("cn-beijing")),
        ),
    ]
}

/// Runs one case; the temporary home lives as long as the returned guard.
fn run(
    case: &Case,
) -> (
    Option<tempfile::TempDir>,
    PathBuf,
    Result<Resolved, CredentialError>,
) {
    let temp = tempfile::tempdir().expect("temporary home");
    let path = config_path(temp.path());
    match case.home {
        Home::Empty | Home::Unknown => {}
        Home::Config(content) => write_config(&path, content, 0o600),
        Home::ConfigWithMode(content, mode) => write_config(&path, content, mode),
        Home::ConfigIsDirectory => std::fs::create_dir_all(&path).expect("config dir"),
    }
    let vars: HashMap<&str, &str> = case.env.iter().copied().collect();
    let env = |name: &str| vars.get(name).map(|value| (*value).to_owned());
    let home = match case.home {
        Home::Unknown => None,
        _ => Some(temp.path()),
    };
    let result = resolve(&Lookup {
        profile_flag: case.flag,
        env: &env,
        home,
    });
    (Some(temp), path, result)
}

fn write_config(path: &Path, content: &str, mode: u32) {
    std::fs::create_dir_all(path.parent().expect("parent")).expect("config dir");
    std::fs::write(path, content).expect("config file");
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt as _;
        std::fs::set_permissions(path, std::fs::Permissions::from_mode(mode)).expect("chmod");
    }
    #[cfg(not(unix))]
    let _ = mode;
}

fn variant_name(error: &CredentialError) -> String {
    let debug = format!("{error:?}");
    debug
        .split(|c: char| !c.is_alphanumeric())
        .next()
        .unwrap_or_default()
        .to_owned()
}

fn check(case: &Case, path: &Path, result: &Result<Resolved, CredentialError>) {
    let name = case.name;
    match (&case.expect, result) {
        (
            Expect::Env {
                var,
                id,
                secret,
                token,
            },
            Ok(resolved),
        ) => {
            let credentials = &resolved.credentials;
            assert_eq!(
                credentials.source,
                CredentialSource::Environment((*var).to_owned()),
                "{name}"
            );
            assert_eq!(credentials.access_key_id, *id, "{name}");
            assert_eq!(credentials.access_key_secret.expose(), *secret, "{name}");
            assert_eq!(
                credentials.security_token.as_ref().map(Secret::expose),
                *token,
                "{name}"
            );
            assert_eq!(resolved.profile_name, None, "{name}");
            assert_eq!(resolved.profile_region, None, "{name}");
            assert!(
                resolved.warnings.is_empty(),
                "{name}: {:?}",
                resolved.warnings
            );
        }
        (
            Expect::Profile {
                name: profile,
                id,
                secret,
                token,
                region,
                warns,
            },
            Ok(resolved),
        ) => {
            let credentials = &resolved.credentials;
            let expected_source = CredentialSource::Profile {
                name: (*profile).to_owned(),
                path: path.display().to_string(),
            };
            assert_eq!(credentials.source, expected_source, "{name}");
            assert_eq!(credentials.access_key_id, *id, "{name}");
            assert_eq!(credentials.access_key_secret.expose(), *secret, "{name}");
            assert_eq!(
                credentials.security_token.as_ref().map(Secret::expose),
                *token,
                "{name}"
            );
            assert_eq!(resolved.profile_name.as_deref(), Some(*profile), "{name}");
            assert_eq!(resolved.profile_region.as_deref(), *region, "{name}");
            if *warns {
                assert_eq!(
                    resolved.warnings.len(),
                    1,
                    "{name}: {:?}",
                    resolved.warnings
                );
                let warning = &resolved.warnings[0];
                assert!(
                    warning.contains(&format!("chmod 600 {}", path.display())),
                    "{name}: {warning}"
                );
            } else {
                assert!(
                    resolved.warnings.is_empty(),
                    "{name}: {:?}",
                    resolved.warnings
                );
            }
        }
        (Expect::Error { variant, contains }, Err(error)) => {
            assert_eq!(variant_name(error), *variant, "{name}: {error:?}");
            let message = error.to_string();
            for needle in *contains {
                assert!(
                    message.contains(needle),
                    "{name}: {needle:?} not in {message:?}"
                );
            }
            assert!(
                message.starts_with(|c: char| !c.is_ascii_uppercase()),
                "{name}: messages start lowercase: {message}"
            );
        }
        (_, Ok(resolved)) => panic!("{name}: expected an error, got {resolved:?}"),
        (_, Err(error)) => panic!("{name}: unexpected error: {error}"),
    }
}

#[test]
fn credential_chain() {
    for case in cases() {
        let (_home, path, result) = run(&case);
        check(&case, &path, &result);
    }
}

#[test]
fn no_secret_in_any_error_or_debug_output() {
    let mut variants = BTreeSet::new();
    let mut secrets_seen = 0;
    for case in cases() {
        let (_home, _path, result) = run(&case);
        let mut outputs = Vec::new();
        match &result {
            Ok(resolved) => {
                // The canary really went through this path: otherwise its absence below proves nothing.
                assert!(
                    resolved
                        .credentials
                        .access_key_secret
                        .expose()
                        .contains(CANARY),
                    "{}",
                    case.name
                );
                secrets_seen += 1;
                outputs.push(format!("{resolved:?}"));
                outputs.push(format!("{:?}", resolved.credentials));
                outputs.push(format!("{}", resolved.credentials.source));
                outputs.extend(resolved.warnings.iter().cloned());
            }
            Err(error) => {
                variants.insert(variant_name(error));
                outputs.push(error.to_string());
                outputs.push(format!("{error:?}"));
                outputs.push(format!("{error:#?}"));
                let mut source = error.source();
                while let Some(inner) = source {
                    outputs.push(inner.to_string());
                    source = inner.source();
                }
            }
        }
        for output in outputs {
            assert!(
                !output.contains(CANARY),
                "{}: secret leaked in {output:?}",
                case.name
            );
        }
    }
    assert!(secrets_seen > 10);
    let every_variant: BTreeSet<String> = [
        "NoHome",
        "ConfigNotFound",
        "ProfileNotFound",
        "ConfigUnreadable",
        "ConfigMalformed",
        "IncompleteEnvironment",
        "UnsupportedMode",
        "ProfileNotConfigured",
        "MissingField",
        "NothingFound",
    ]
    .into_iter()
    .map(str::to_owned)
    .collect();
    assert_eq!(
        variants, every_variant,
        "the canary must pass through every error variant"
    );
}

#[test]
fn sample_config_parses_and_resolves() {
    let sample = include_str!("../assets/sample-aliyun-config.json");
    let temp = tempfile::tempdir().expect("temporary home");
    let path = config_path(temp.path());
    write_config(&path, sample, 0o600);
    let no_env = |_: &str| None;
    let with = |flag| {
        resolve(&Lookup {
            profile_flag: flag,
            env: &no_env,
            home: Some(temp.path()),
        })
    };

    let current = with(None).expect("current profile");
    assert_eq!(current.profile_name.as_deref(), Some("default"));
    assert_eq!(
        current.credentials.access_key_id,
        "LTAI-EXAMPLE-NOT-A-REAL-KEY"
    );
    assert!(current.credentials.security_token.is_none());
    assert_eq!(current.profile_region.as_deref(), Some("cn-hangzhou"));

    let sts = with(Some("soc-sts")).expect("sts profile");
    assert_eq!(sts.credentials.access_key_id, "STS.EXAMPLE-NOT-A-REAL-KEY");
    assert_eq!(
        sts.credentials.security_token.as_ref().map(Secret::expose),
        Some("example-sts-token-not-real")
    );
    assert_eq!(sts.profile_region.as_deref(), Some("ap-southeast-1"));

    let role = with(Some("soc-role")).expect_err("RamRoleArn is unsupported");
    assert!(
        matches!(&role, CredentialError::UnsupportedMode { profile, mode, inferred: false, .. }
            if profile == "soc-role" && mode == "RamRoleArn"),
        "{role:?}"
    );
}

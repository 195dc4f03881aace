//! Credentials: the key pair (and STS token) scanwatch signs with, and where they were found.
//!
//! Anything that holds a secret has a redacted `Debug` and no `Display`, so a secret cannot reach a log line,
//! an error message or a panic by accident.

use std::fmt;
use std::fs::File;
use std::io::{ErrorKind, Read as _};
use std::path::{Path, PathBuf};

use serde::Deserialize;

/// A secret string (access key secret, security token). Its `Debug` never shows the value.
#[derive(Clone, PartialEq, Eq, Deserialize)]
#[serde(transparent)]
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

/// Access key id variable, as the aliyun CLI and the SDKs name it.
pub const ENV_ACCESS_KEY_ID: &str = "ALIBABA_CLOUD_ACCESS_KEY_ID";
/// Access key secret variable.
pub const ENV_ACCESS_KEY_SECRET: &str = "ALIBABA_CLOUD_ACCESS_KEY_SECRET";
/// STS security token variable.
pub const ENV_SECURITY_TOKEN: &str = "ALIBABA_CLOUD_SECURITY_TOKEN";
/// Legacy access key id variable, still read by the aliyun CLI.
pub const LEGACY_ENV_ACCESS_KEY_ID: &str = "ALICLOUD_ACCESS_KEY_ID";
/// Legacy access key secret variable.
pub const LEGACY_ENV_ACCESS_KEY_SECRET: &str = "ALICLOUD_ACCESS_KEY_SECRET";
/// Legacy STS security token variable.
pub const LEGACY_ENV_SECURITY_TOKEN: &str = "ALICLOUD_SECURITY_TOKEN";
/// Names the config file profile to use when `--profile` is not given.
pub const ENV_PROFILE: &str = "ALIBABA_CLOUD_PROFILE";
/// Set to exactly `TRUE` (the CLI compares case-sensitively) to skip the config file.
pub const ENV_IGNORE_PROFILE: &str = "ALIBABA_CLOUD_IGNORE_PROFILE";

/// The aliyun CLI's own fallback when a config file names no current profile.
const DEFAULT_PROFILE_NAME: &str = "default";

/// The aliyun CLI config file under a home directory: `HOME/.aliyun/config.json`.
pub fn config_path(home: &Path) -> PathBuf {
    home.join(".aliyun").join("config.json")
}

/// Everything [`resolve`] may consult, injected so tests never touch the process environment.
pub struct Lookup<'a> {
    /// `--profile NAME`.
    pub profile_flag: Option<&'a str>,
    /// Environment lookup; an empty value counts as unset.
    pub env: &'a dyn Fn(&str) -> Option<String>,
    /// The home directory; the config file is `home/.aliyun/config.json`.
    pub home: Option<&'a Path>,
}

impl Lookup<'_> {
    fn var(&self, name: &str) -> Option<String> {
        (self.env)(name).filter(|value| !value.is_empty())
    }
}

/// The outcome of [`resolve`].
#[derive(Debug, Clone)]
pub struct Resolved {
    pub credentials: Credentials,
    /// The profile used, if the credentials came from the config file.
    pub profile_name: Option<String>,
    /// That profile's `region_id`, for region resolution.
    pub profile_region: Option<String>,
    /// Problems worth telling the user that do not stop scanwatch (a config file others can read, say).
    pub warnings: Vec<String>,
}

/// What picked the config file profile, so an error can say why that name was looked for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ProfileChoice {
    Flag,
    EnvVar,
    Current,
}

impl fmt::Display for ProfileChoice {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Flag => f.write_str("--profile"),
            Self::EnvVar => f.write_str(ENV_PROFILE),
            Self::Current => f.write_str("the config file's `current`"),
        }
    }
}

/// Why no credentials could be resolved.
///
/// No variant holds a secret: the config file's content is never quoted (serde's messages can quote values),
/// only its path and a line and column.
#[derive(Debug, thiserror::Error)]
pub enum CredentialError {
    #[error(
        "profile `{profile}` (from {via}) needs the aliyun CLI config file, but the home directory is unknown (HOME is not set)"
    )]
    NoHome { profile: String, via: ProfileChoice },
    #[error(
        "profile `{profile}` (from {via}) was asked for, but {path} does not exist; create it with `aliyun configure --profile {profile}`"
    )]
    ConfigNotFound {
        profile: String,
        via: ProfileChoice,
        path: String,
    },
    #[error("profile `{profile}` (from {via}) is not in {path}; {}", list_profiles(.available))]
    ProfileNotFound {
        profile: String,
        via: ProfileChoice,
        path: String,
        available: Vec<String>,
    },
    #[error("cannot read {path}: {source}")]
    ConfigUnreadable {
        path: String,
        #[source]
        source: std::io::Error,
    },
    #[error(
        "{path} {problem} at line {line}, column {column} (its content is not shown: it holds secrets)"
    )]
    ConfigMalformed {
        path: String,
        problem: &'static str,
        line: usize,
        column: usize,
    },
    #[error(
        "environment variable {set} is set but {missing} is not (nor {alternative}); set both, or neither to use the config file"
    )]
    IncompleteEnvironment {
        set: &'static str,
        missing: &'static str,
        alternative: &'static str,
    },
    #[error(
        "profile `{profile}` in {path} uses mode {mode}{}, but scanwatch supports only AK and StsToken profiles; \
         get STS credentials with the aliyun CLI (e.g. `aliyun sts AssumeRole`) and pass them in \
         {ENV_ACCESS_KEY_ID}, {ENV_ACCESS_KEY_SECRET} and {ENV_SECURITY_TOKEN}",
        if *.inferred { " (inferred from its fields)" } else { "" }
    )]
    UnsupportedMode {
        profile: String,
        path: String,
        mode: String,
        inferred: bool,
    },
    #[error(
        "profile `{profile}` in {path} has no mode and no access key pair; set it up with `aliyun configure --profile {profile}`"
    )]
    ProfileNotConfigured { profile: String, path: String },
    #[error("profile `{profile}` in {path} (mode {mode}) has no {field}")]
    MissingField {
        profile: String,
        path: String,
        mode: &'static str,
        field: &'static str,
    },
    #[error(
        "no credentials found; looked at: {}; set {ENV_ACCESS_KEY_ID} and {ENV_ACCESS_KEY_SECRET}, \
         or run `aliyun configure`, or try scanwatch without an account with `--demo`",
        .looked_at.join("; ")
    )]
    NothingFound { looked_at: Vec<String> },
}

fn list_profiles(available: &[String]) -> String {
    if available.is_empty() {
        "that file has no profiles".to_owned()
    } else {
        let names: Vec<String> = available.iter().map(|name| format!("`{name}`")).collect();
        format!("profiles there: {}", names.join(", "))
    }
}

/// Finds credentials the way the aliyun CLI and SDKs would, so an existing setup just works:
///
/// 1. `--profile NAME`: that profile of `~/.aliyun/config.json`; an error if the file or the profile is missing
///    (the error lists the profiles that exist).
/// 2. Otherwise `ALIBABA_CLOUD_ACCESS_KEY_ID` + `ALIBABA_CLOUD_ACCESS_KEY_SECRET` (+ `ALIBABA_CLOUD_SECURITY_TOKEN`),
///    each falling back to its legacy `ALICLOUD_*` name, variable by variable as the CLI does. An id without a
///    secret, or a secret without an id, is an error. A token alone is ignored, as the CLI ignores it.
/// 3. Otherwise, unless `ALIBABA_CLOUD_IGNORE_PROFILE=TRUE`, the config file profile named by
///    `ALIBABA_CLOUD_PROFILE` (an error if it does not exist), else the file's `current`, else `default`.
///    Only the `AK` and `StsToken` modes are supported; any other mode is an error saying what to do instead.
/// 4. Nothing found: an error that lists what was looked at and suggests `--demo`.
///
/// A config file that group or others can access adds a warning (Unix only).
pub fn resolve(lookup: &Lookup<'_>) -> Result<Resolved, CredentialError> {
    let path = lookup.home.map(config_path);

    if let Some(name) = lookup.profile_flag.filter(|name| !name.is_empty()) {
        return from_named_profile(path.as_deref(), name, ProfileChoice::Flag);
    }

    if let Some(resolved) = from_environment(lookup)? {
        return Ok(resolved);
    }

    let mut looked_at = vec![format!(
        "environment variables {ENV_ACCESS_KEY_ID}/{LEGACY_ENV_ACCESS_KEY_ID} and \
         {ENV_ACCESS_KEY_SECRET}/{LEGACY_ENV_ACCESS_KEY_SECRET} (not set)"
    )];

    if lookup.var(ENV_IGNORE_PROFILE).as_deref() == Some("TRUE") {
        looked_at.push(format!(
            "the aliyun CLI config file (skipped: {ENV_IGNORE_PROFILE}=TRUE)"
        ));
        return Err(CredentialError::NothingFound { looked_at });
    }

    if let Some(name) = lookup.var(ENV_PROFILE) {
        return from_named_profile(path.as_deref(), &name, ProfileChoice::EnvVar);
    }

    let Some(path) = path else {
        looked_at.push(
            "the aliyun CLI config file (home directory unknown: HOME is not set)".to_owned(),
        );
        return Err(CredentialError::NothingFound { looked_at });
    };
    let Some(loaded) = load_config(&path)? else {
        looked_at.push(format!("{} (does not exist)", path.display()));
        return Err(CredentialError::NothingFound { looked_at });
    };
    match loaded.file.current.clone().filter(|name| !name.is_empty()) {
        Some(current) => from_profile(&path, loaded, &current, ProfileChoice::Current),
        None if loaded.file.profile(DEFAULT_PROFILE_NAME).is_some() => {
            from_profile(&path, loaded, DEFAULT_PROFILE_NAME, ProfileChoice::Current)
        }
        None => {
            looked_at.push(format!(
                "{} (exists, but names no `current` profile and has no `default` one)",
                path.display()
            ));
            Err(CredentialError::NothingFound { looked_at })
        }
    }
}

/// [`resolve`] against the real process environment and `$HOME`.
pub fn resolve_from_process(profile_flag: Option<&str>) -> Result<Resolved, CredentialError> {
    let env = |name: &str| std::env::var(name).ok();
    // The aliyun CLI takes its home from HOME (USERPROFILE on Windows), so scanwatch finds the same file.
    let home = std::env::var_os("HOME")
        .or_else(|| std::env::var_os("USERPROFILE"))
        .filter(|home| !home.is_empty())
        .map(PathBuf::from);
    resolve(&Lookup {
        profile_flag,
        env: &env,
        home: home.as_deref(),
    })
}

fn from_environment(lookup: &Lookup<'_>) -> Result<Option<Resolved>, CredentialError> {
    let first = |primary: &'static str, legacy: &'static str| {
        lookup
            .var(primary)
            .map(|value| (primary, value))
            .or_else(|| lookup.var(legacy).map(|value| (legacy, value)))
    };
    let id = first(ENV_ACCESS_KEY_ID, LEGACY_ENV_ACCESS_KEY_ID);
    let secret = first(ENV_ACCESS_KEY_SECRET, LEGACY_ENV_ACCESS_KEY_SECRET);
    let (id_var, access_key_id, secret) = match (id, secret) {
        (None, None) => return Ok(None),
        (Some((id_var, id)), Some((_, secret))) => (id_var, id, secret),
        // Name the counterpart in the same family as the variable that is set: that is the likely typo.
        (Some((set, _)), None) => {
            let (missing, alternative) = if set == ENV_ACCESS_KEY_ID {
                (ENV_ACCESS_KEY_SECRET, LEGACY_ENV_ACCESS_KEY_SECRET)
            } else {
                (LEGACY_ENV_ACCESS_KEY_SECRET, ENV_ACCESS_KEY_SECRET)
            };
            return Err(CredentialError::IncompleteEnvironment {
                set,
                missing,
                alternative,
            });
        }
        (None, Some((set, _))) => {
            let (missing, alternative) = if set == ENV_ACCESS_KEY_SECRET {
                (ENV_ACCESS_KEY_ID, LEGACY_ENV_ACCESS_KEY_ID)
            } else {
                (LEGACY_ENV_ACCESS_KEY_ID, ENV_ACCESS_KEY_ID)
            };
            return Err(CredentialError::IncompleteEnvironment {
                set,
                missing,
                alternative,
            });
        }
    };
    let security_token =
        first(ENV_SECURITY_TOKEN, LEGACY_ENV_SECURITY_TOKEN).map(|(_, token)| Secret(token));
    Ok(Some(Resolved {
        credentials: Credentials {
            access_key_id,
            access_key_secret: Secret(secret),
            security_token,
            source: CredentialSource::Environment(id_var.to_owned()),
        },
        profile_name: None,
        profile_region: None,
        warnings: Vec::new(),
    }))
}

fn from_named_profile(
    path: Option<&Path>,
    name: &str,
    via: ProfileChoice,
) -> Result<Resolved, CredentialError> {
    let Some(path) = path else {
        return Err(CredentialError::NoHome {
            profile: name.to_owned(),
            via,
        });
    };
    let Some(loaded) = load_config(path)? else {
        return Err(CredentialError::ConfigNotFound {
            profile: name.to_owned(),
            via,
            path: path.display().to_string(),
        });
    };
    from_profile(path, loaded, name, via)
}

fn from_profile(
    path: &Path,
    loaded: Loaded,
    name: &str,
    via: ProfileChoice,
) -> Result<Resolved, CredentialError> {
    let path_text = path.display().to_string();
    let Some(profile) = loaded.file.profile(name) else {
        return Err(CredentialError::ProfileNotFound {
            profile: name.to_owned(),
            via,
            path: path_text,
            available: loaded.file.profile_names(),
        });
    };
    let (mode, inferred) = match present(profile.mode.as_deref()) {
        Some(mode) => (mode.to_owned(), false),
        None => match profile.inferred_mode() {
            Some(mode) => (mode.to_owned(), true),
            None => {
                return Err(CredentialError::ProfileNotConfigured {
                    profile: name.to_owned(),
                    path: path_text,
                });
            }
        },
    };
    let (mode_name, needs_token) = if mode.eq_ignore_ascii_case("AK") {
        ("AK", false)
    } else if mode.eq_ignore_ascii_case("StsToken") {
        ("StsToken", true)
    } else {
        return Err(CredentialError::UnsupportedMode {
            profile: name.to_owned(),
            path: path_text,
            mode,
            inferred,
        });
    };
    let missing = |field: &'static str| CredentialError::MissingField {
        profile: name.to_owned(),
        path: path_text.clone(),
        mode: mode_name,
        field,
    };
    let access_key_id =
        present(profile.access_key_id.as_deref()).ok_or_else(|| missing("access_key_id"))?;
    let access_key_secret = profile
        .access_key_secret
        .clone()
        .filter(|secret| !secret.0.is_empty())
        .ok_or_else(|| missing("access_key_secret"))?;
    let security_token = if needs_token {
        Some(
            profile
                .sts_token
                .clone()
                .filter(|token| !token.0.is_empty())
                .ok_or_else(|| missing("sts_token"))?,
        )
    } else {
        None
    };
    Ok(Resolved {
        credentials: Credentials {
            access_key_id: access_key_id.to_owned(),
            access_key_secret,
            security_token,
            source: CredentialSource::Profile {
                name: name.to_owned(),
                path: path_text,
            },
        },
        profile_name: Some(name.to_owned()),
        profile_region: present(profile.region_id.as_deref()).map(str::to_owned),
        warnings: loaded.warnings,
    })
}

fn present(value: Option<&str>) -> Option<&str> {
    value.filter(|value| !value.is_empty())
}

/// The subset of the aliyun CLI config file scanwatch reads; every other field is ignored.
#[derive(Debug, Default, Deserialize)]
struct ConfigFile {
    #[serde(default)]
    current: Option<String>,
    #[serde(default)]
    profiles: Option<Vec<RawProfile>>,
}

impl ConfigFile {
    fn profile(&self, name: &str) -> Option<&RawProfile> {
        self.profiles
            .iter()
            .flatten()
            .find(|profile| profile.name.as_deref() == Some(name))
    }

    fn profile_names(&self) -> Vec<String> {
        self.profiles
            .iter()
            .flatten()
            .filter_map(|profile| profile.name.clone())
            .collect()
    }
}

/// One profile as the CLI writes it. Secrets go straight into [`Secret`], so even this type's `Debug` is safe.
#[derive(Debug, Default, Deserialize)]
#[serde(default)]
struct RawProfile {
    name: Option<String>,
    mode: Option<String>,
    access_key_id: Option<String>,
    access_key_secret: Option<Secret>,
    sts_token: Option<Secret>,
    ram_role_arn: Option<String>,
    ram_role_name: Option<String>,
    process_command: Option<String>,
    region_id: Option<String>,
}

impl RawProfile {
    /// The CLI's inference for a profile with no `mode`, so scanwatch reads such a profile as the CLI would.
    fn inferred_mode(&self) -> Option<&'static str> {
        let has_key = present(self.access_key_id.as_deref()).is_some()
            && self
                .access_key_secret
                .as_ref()
                .is_some_and(|secret| !secret.0.is_empty());
        if has_key {
            if self
                .sts_token
                .as_ref()
                .is_some_and(|token| !token.0.is_empty())
            {
                Some("StsToken")
            } else if present(self.ram_role_arn.as_deref()).is_some() {
                Some("RamRoleArn")
            } else {
                Some("AK")
            }
        } else if present(self.ram_role_name.as_deref()).is_some() {
            Some("EcsRamRole")
        } else if present(self.process_command.as_deref()).is_some() {
            Some("External")
        } else {
            None
        }
    }
}

struct Loaded {
    file: ConfigFile,
    warnings: Vec<String>,
}

/// Reads and parses the config file; `Ok(None)` when it does not exist.
fn load_config(path: &Path) -> Result<Option<Loaded>, CredentialError> {
    let unreadable = |source| CredentialError::ConfigUnreadable {
        path: path.display().to_string(),
        source,
    };
    // One open handle for both the permission check and the read, so they describe the same file.
    let mut file = match File::open(path) {
        Ok(file) => file,
        Err(error) if error.kind() == ErrorKind::NotFound => return Ok(None),
        Err(error) => return Err(unreadable(error)),
    };
    let mut warnings = Vec::new();
    if let Some(warning) = permission_warning(path, &file) {
        warnings.push(warning);
    }
    let mut bytes = Vec::new();
    file.read_to_end(&mut bytes).map_err(unreadable)?;
    let parsed: ConfigFile = serde_json::from_slice(&bytes).map_err(|error| {
        // serde's own message can quote a value from the file (a secret), so only its category is kept.
        let problem = match error.classify() {
            serde_json::error::Category::Syntax => "is not valid JSON",
            serde_json::error::Category::Eof => "ends too early",
            serde_json::error::Category::Data => {
                "does not have the shape of an aliyun CLI config file"
            }
            serde_json::error::Category::Io => "could not be read",
        };
        CredentialError::ConfigMalformed {
            path: path.display().to_string(),
            problem,
            line: error.line(),
            column: error.column(),
        }
    })?;
    Ok(Some(Loaded {
        file: parsed,
        warnings,
    }))
}

#[cfg(unix)]
fn permission_warning(path: &Path, file: &File) -> Option<String> {
    use std::os::unix::fs::PermissionsExt as _;
    let mode = file.metadata().ok()?.permissions().mode();
    (mode & 0o077 != 0).then(|| {
        format!(
            "{path} holds secrets but group or others can access it (mode {mode:03o}); run `chmod 600 {path}`",
            path = path.display(),
            mode = mode & 0o777,
        )
    })
}

#[cfg(not(unix))]
fn permission_warning(_path: &Path, _file: &File) -> Option<String> {
    None
}

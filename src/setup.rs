//! Turns the command line into something to talk to: credentials, region and endpoint resolved the way the
//! Alibaba Cloud tools do, or, with `--demo`, an in-process emulator and its demo key pair.

use crate::api::client::{Client, ClientOptions};
use crate::api::error::ApiError;
use crate::cli::GlobalArgs;
use crate::config::{self, ConfigError};
use crate::credentials::{self, CredentialError, CredentialSource, Credentials, Secret};
use crate::emulator::{self, EmulatorConfig, EmulatorHandle};

/// What the user sees about the target: which account, region and endpoint the data comes from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TargetLabel {
    /// The profile name, `env` for environment credentials, or `demo`.
    pub profile: String,
    pub region: String,
    /// Host (and port, if not the default) of the endpoint.
    pub endpoint_host: String,
}

/// A ready client and what it points at. Keeps the demo emulator alive for as long as it lives.
pub struct Target {
    pub client: Client,
    pub label: TargetLabel,
    /// Things worth telling the user before starting (a world-readable config file, ...).
    pub warnings: Vec<String>,
    _emulator: Option<EmulatorHandle>,
}

/// Why no target could be set up. Every variant is a usage or configuration problem (exit code 2).
#[derive(Debug, thiserror::Error)]
pub enum SetupError {
    #[error(transparent)]
    Credentials(#[from] CredentialError),
    #[error(transparent)]
    Config(#[from] ConfigError),
    #[error("could not start the demo emulator: {0}")]
    Emulator(std::io::Error),
    #[error("could not set up the HTTP client: {0}")]
    Client(ApiError),
}

fn options(global: &GlobalArgs) -> ClientOptions {
    ClientOptions {
        timeout: global.request_timeout,
        ..ClientOptions::default()
    }
}

/// Resolves credentials, region and endpoint (or starts the demo emulator) and builds the client.
pub async fn connect(global: &GlobalArgs) -> Result<Target, SetupError> {
    if global.demo {
        return connect_demo(global).await;
    }
    let env = |name: &str| std::env::var(name).ok().filter(|v| !v.is_empty());
    let resolved = credentials::resolve_from_process(global.profile.as_deref())?;
    let region = config::resolve_region(
        global.region.as_deref(),
        &env,
        resolved.profile_region.as_deref(),
    );
    let endpoint = config::resolve_endpoint(&region, global.endpoint.as_deref())?;
    let profile = match &resolved.credentials.source {
        CredentialSource::Profile { name, .. } => name.clone(),
        CredentialSource::Environment(_) => "env".to_owned(),
        CredentialSource::Demo => "demo".to_owned(),
    };
    let client = Client::new(
        endpoint.base_url.clone(),
        resolved.credentials,
        options(global),
    )
    .map_err(SetupError::Client)?;
    Ok(Target {
        client,
        label: TargetLabel {
            profile,
            region,
            endpoint_host: endpoint.host,
        },
        warnings: resolved.warnings,
        _emulator: None,
    })
}

async fn connect_demo(global: &GlobalArgs) -> Result<Target, SetupError> {
    let config = EmulatorConfig::demo();
    let credentials = Credentials {
        access_key_id: config.access_key_id.clone(),
        access_key_secret: Secret::new(config.access_key_secret.clone()),
        security_token: None,
        source: CredentialSource::Demo,
    };
    let handle = emulator::start(([127, 0, 0, 1], 0).into(), config)
        .await
        .map_err(SetupError::Emulator)?;
    let base_url = url::Url::parse(&handle.base_url())
        .map_err(|e| SetupError::Emulator(std::io::Error::other(e)))?;
    let client = Client::new(base_url, credentials, options(global)).map_err(SetupError::Client)?;
    Ok(Target {
        client,
        label: TargetLabel {
            profile: "demo".into(),
            region: global.region.clone().unwrap_or_else(|| "emulator".into()),
            endpoint_host: handle.local_addr().to_string(),
        },
        warnings: Vec::new(),
        _emulator: Some(handle),
    })
}

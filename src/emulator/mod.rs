//! A loopback Security Center: a real HTTP server that answers `GetVirusScanLatestTaskStatistic` and checks
//! signatures as Alibaba does. It serves `--demo`, the test suite, and users trying scripts offline.
//!
//! The answers come from a [`Scenario`] (a scan that evolves with time); [`FaultRule`]s can replace them with
//! errors, delays and broken responses.

pub mod fault;
pub mod scenario;
mod server;
pub mod verify;

use std::fmt;
use std::net::SocketAddr;
use std::sync::Arc;
use std::sync::atomic::Ordering;

use tokio::net::TcpListener;
use tokio::sync::oneshot;
use tokio::task::JoinHandle;

pub use fault::FaultRule;
pub use scenario::{Scenario, ScenarioError};

/// The `AccessKey` ID the emulator accepts unless told otherwise.
pub const DEMO_ACCESS_KEY_ID: &str = "scanwatch-demo";
/// The `AccessKey` secret the emulator accepts unless told otherwise. Not a secret: it only opens the emulator.
pub const DEMO_ACCESS_KEY_SECRET: &str = "scanwatch-demo-secret";

const ENV_ACCESS_KEY_ID: &str = "SCANWATCH_EMULATOR_ACCESS_KEY_ID";
const ENV_ACCESS_KEY_SECRET: &str = "SCANWATCH_EMULATOR_ACCESS_KEY_SECRET";
const ENV_SECURITY_TOKEN: &str = "SCANWATCH_EMULATOR_SECURITY_TOKEN";

/// What the emulator accepts and serves.
#[derive(Clone)]
pub struct EmulatorConfig {
    pub access_key_id: String,
    pub access_key_secret: String,
    /// When set, every request must carry this `SecurityToken`, as with STS credentials.
    pub security_token: Option<String>,
    pub scenario: Scenario,
    /// The first rule whose schedule matches a request decides its fault.
    pub faults: Vec<FaultRule>,
}

impl fmt::Debug for EmulatorConfig {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("EmulatorConfig")
            .field("access_key_id", &self.access_key_id)
            .field("access_key_secret", &"<redacted>")
            .field(
                "security_token",
                &self.security_token.as_ref().map(|_| "<redacted>"),
            )
            .field("scenario", &self.scenario)
            .field("faults", &self.faults)
            .finish()
    }
}

impl EmulatorConfig {
    /// Demo key pair, demo scenario, no faults, no token.
    pub fn demo() -> Self {
        Self {
            access_key_id: DEMO_ACCESS_KEY_ID.to_owned(),
            access_key_secret: DEMO_ACCESS_KEY_SECRET.to_owned(),
            security_token: None,
            scenario: Scenario::demo(),
            faults: Vec::new(),
        }
    }

    /// Reads `SCANWATCH_EMULATOR_ACCESS_KEY_ID`, `SCANWATCH_EMULATOR_ACCESS_KEY_SECRET` and
    /// `SCANWATCH_EMULATOR_SECURITY_TOKEN` through `lookup` (so tests need not touch the process environment).
    /// The key pair falls back to the demo pair unless both halves are set; empty values count as unset.
    pub fn from_env(
        lookup: impl Fn(&str) -> Option<String>,
        scenario: Scenario,
        faults: Vec<FaultRule>,
    ) -> Self {
        let get = |name: &str| lookup(name).filter(|v| !v.is_empty());
        // Mixing a custom id with the demo secret (or the reverse) would only confuse, so it is both or neither.
        let (access_key_id, access_key_secret) =
            match (get(ENV_ACCESS_KEY_ID), get(ENV_ACCESS_KEY_SECRET)) {
                (Some(id), Some(secret)) => (id, secret),
                _ => (
                    DEMO_ACCESS_KEY_ID.to_owned(),
                    DEMO_ACCESS_KEY_SECRET.to_owned(),
                ),
            };
        Self {
            access_key_id,
            access_key_secret,
            security_token: get(ENV_SECURITY_TOKEN),
            scenario,
            faults,
        }
    }
}

/// A running emulator. Dropping it stops the server too; [`EmulatorHandle::shutdown`] also waits for that.
pub struct EmulatorHandle {
    local_addr: SocketAddr,
    shared: Arc<server::Shared>,
    stop: Option<oneshot::Sender<()>>,
    task: Option<JoinHandle<()>>,
}

impl fmt::Debug for EmulatorHandle {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("EmulatorHandle")
            .field("local_addr", &self.local_addr)
            .field("request_count", &self.request_count())
            .finish_non_exhaustive()
    }
}

impl EmulatorHandle {
    pub fn local_addr(&self) -> SocketAddr {
        self.local_addr
    }

    /// `http://127.0.0.1:PORT` (or `http://[::1]:PORT`), to use as the client's endpoint.
    pub fn base_url(&self) -> String {
        format!("http://{}", self.local_addr)
    }

    /// Requests received so far, faulted and refused ones included.
    pub fn request_count(&self) -> u64 {
        self.shared.requests.load(Ordering::Relaxed)
    }

    /// Stops accepting, drops every open connection, and waits until the server task has ended.
    pub async fn shutdown(mut self) {
        if let Some(stop) = self.stop.take() {
            // An error only means the server task is already gone.
            let _ = stop.send(());
        }
        if let Some(task) = self.task.take()
            && let Err(error) = task.await
        {
            tracing::warn!(%error, "emulator: server task failed");
        }
    }
}

impl Drop for EmulatorHandle {
    fn drop(&mut self) {
        if let Some(stop) = self.stop.take() {
            let _ = stop.send(());
        }
    }
}

/// Binds `addr` (port 0 picks a free port; only loopback addresses are allowed) and serves in a background tokio
/// task until [`EmulatorHandle::shutdown`] or drop.
pub async fn start(addr: SocketAddr, config: EmulatorConfig) -> std::io::Result<EmulatorHandle> {
    if !addr.ip().is_loopback() {
        return Err(std::io::Error::new(
            std::io::ErrorKind::InvalidInput,
            format!(
                "the Security Center emulator only listens on loopback addresses (127.0.0.1 or ::1), not {}",
                addr.ip()
            ),
        ));
    }
    let listener = TcpListener::bind(addr).await?;
    let local_addr = listener.local_addr()?;
    let verifier = verify::Verifier::new(
        &config.access_key_id,
        &config.access_key_secret,
        config.security_token.as_deref(),
    );
    let shared = Arc::new(server::Shared::new(
        verifier,
        config.scenario,
        config.faults,
    ));
    let (stop, stopped) = oneshot::channel();
    let task = tokio::spawn(server::serve(listener, Arc::clone(&shared), stopped));
    tracing::info!(%local_addr, "Security Center emulator listening");
    Ok(EmulatorHandle {
        local_addr,
        shared,
        stop: Some(stop),
        task: Some(task),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn debug_hides_the_secret_and_token() {
        let mut config = EmulatorConfig::demo();
        config.security_token = Some("token-value-123".into());
        let text = format!("{config:?}");
        assert!(!text.contains(DEMO_ACCESS_KEY_SECRET), "{text}");
        assert!(!text.contains("token-value-123"), "{text}");
        assert!(text.contains(DEMO_ACCESS_KEY_ID), "{text}");
    }

    #[test]
    fn from_env_reads_through_the_lookup() {
        let env = |pairs: &'static [(&'static str, &'static str)]| {
            move |name: &str| {
                pairs
                    .iter()
                    .find(|(k, _)| *k == name)
                    .map(|(_, v)| (*v).to_owned())
            }
        };
        let c = EmulatorConfig::from_env(
            env(&[
                (ENV_ACCESS_KEY_ID, "id"),
                (ENV_ACCESS_KEY_SECRET, "secret"),
                (ENV_SECURITY_TOKEN, "tok"),
            ]),
            Scenario::empty(),
            Vec::new(),
        );
        assert_eq!(
            (
                c.access_key_id.as_str(),
                c.access_key_secret.as_str(),
                c.security_token.as_deref()
            ),
            ("id", "secret", Some("tok"))
        );
        let c = EmulatorConfig::from_env(env(&[]), Scenario::empty(), Vec::new());
        assert_eq!(
            (
                c.access_key_id.as_str(),
                c.access_key_secret.as_str(),
                c.security_token
            ),
            (DEMO_ACCESS_KEY_ID, DEMO_ACCESS_KEY_SECRET, None)
        );
        let c = EmulatorConfig::from_env(
            env(&[(ENV_ACCESS_KEY_ID, "id-only"), (ENV_SECURITY_TOKEN, "")]),
            Scenario::empty(),
            Vec::new(),
        );
        assert_eq!(
            (c.access_key_id.as_str(), c.security_token),
            (DEMO_ACCESS_KEY_ID, None)
        );
    }

    #[tokio::test]
    async fn refuses_non_loopback_addresses() {
        let err = start("0.0.0.0:0".parse().unwrap(), EmulatorConfig::demo())
            .await
            .unwrap_err();
        assert_eq!(err.kind(), std::io::ErrorKind::InvalidInput);
        assert!(err.to_string().contains("loopback"), "{err}");
    }
}

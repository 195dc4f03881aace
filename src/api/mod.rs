//! Everything that speaks to Security Center: signing, the HTTP client, the wire model and its errors.
//! Nothing here knows about terminals.

pub mod client;
pub mod error;
pub mod model;
pub mod signer;

/// The API version of Security Center (Sas) that `GetVirusScanLatestTaskStatistic` belongs to.
pub const API_VERSION: &str = "2018-12-03";
/// The one action scanwatch calls.
pub const ACTION: &str = "GetVirusScanLatestTaskStatistic";

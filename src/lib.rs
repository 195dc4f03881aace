//! scanwatch: watch Alibaba Cloud Security Center virus scans from a terminal.
//!
//! The library holds everything the binary does, so integration tests and benchmarks can drive it directly.

pub mod api;
pub mod credentials;
pub mod emulator;

//! scanwatch: watch Alibaba Cloud Security Center virus scans from a terminal.
//!
//! The library holds everything the binary does, so integration tests and benchmarks can drive it directly.

pub mod api;
pub mod app;
pub mod cli;
pub mod config;
pub mod credentials;
pub mod duration;
pub mod emulator;
pub mod keys;
pub mod logging;
pub mod modes;
pub mod setup;
pub mod summary;
pub mod tui;
pub mod ui;

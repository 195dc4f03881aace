//! The HTTPS client for `GetVirusScanLatestTaskStatistic`: signing, timeouts, retries, error mapping.

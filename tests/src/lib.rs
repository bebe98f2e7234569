//! Shared helpers for Keel's cross-crate integration and property tests.

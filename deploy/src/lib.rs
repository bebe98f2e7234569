//! The `keel` command's library: building and checking contracts for
//! deployment. The binary in `main.rs` is a thin command-line front.

pub mod build;

//! The market on the devnet, one test binary for every suite (one link
//! instead of eleven: each integration-test binary links the whole devnet,
//! the market programs and alloy, hundreds of MB and seconds of link each).
//! `cargo test -p keel-tests --test market SUITE::` runs one suite, e.g.
//! `--test market lifecycle::`. `KEEL_BACKEND=wasm` runs them on the wasm
//! backend (`keel_tests::backend`). The stateful invariant test has its own
//! binary (`--test invariants`).

mod accrual;
mod bad_inputs;
mod calldata;
mod controls;
mod ext;
mod flash;
mod idle;
mod lifecycle;
mod liquidation;
mod more;
mod oracle;
mod tokens;
mod wasm_backend;

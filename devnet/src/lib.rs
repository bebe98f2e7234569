//! In-process Stylus devnet. Filled by issue 4.

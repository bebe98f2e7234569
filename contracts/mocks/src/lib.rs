//! Keel test-only contracts. Filled by issue 4 (keel-devnet).
#![no_std]

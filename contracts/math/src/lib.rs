//! Keel fixed-point math. Filled by issue 3; see `../shared/DESIGN.md` section 4.
#![no_std]

//! Keel oracle module. Filled by its own issue; see `../shared/DESIGN.md` section 3.
#![no_std]

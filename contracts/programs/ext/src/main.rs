//! Prints the program's Solidity interface (`cargo stylus export-abi`).
#![cfg_attr(not(feature = "export-abi"), no_main)]

#[cfg(feature = "export-abi")]
fn main() {
    keel_market_ext::print_from_args();
}

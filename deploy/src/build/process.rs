//! The processing cargo-stylus applies to a contract before deployment.
//!
//! rustc's wasm is not accepted by Nitro as it is: cargo-stylus strips the
//! custom sections (names, producers, debug info), prints the module as WAT
//! and parses it back, which re-encodes every section canonically (for
//! example LEB128 immediates without padding), then brotli-compresses the
//! result behind a 4-byte EOF-style prefix. We apply the same steps with the
//! wasm-tools crates so that users without cargo-stylus get the same bytes
//! to check and deploy.

use anyhow::{Context, Result};
use std::io::Write;
use wasm_encoder::{Module, RawSection};
use wasmparser::Parser;

/// Brotli quality cargo-stylus uses (the maximum).
pub const BROTLI_QUALITY: u32 = 11;
/// Brotli window (log2 of its size in bytes) cargo-stylus uses.
pub const BROTLI_WINDOW_LOG2: u32 = 22;
/// Prefix of Stylus contract code: `EF F0 00` marks compressed wasm and the
/// last byte selects the brotli dictionary (0: none).
pub const STYLUS_CODE_PREFIX: [u8; 4] = [0xEF, 0xF0, 0x00, 0x00];
/// Maximum code size of one account on Arbitrum (as EIP-170), prefix included.
pub const MAX_CODE_BYTES: usize = 24_576;
/// Prefix of a Stylus code fragment (ArbOS 60+): a program whose compressed
/// wasm exceeds one account is stored as fragments plus a root contract.
pub const FRAGMENT_PREFIX: [u8; 3] = [0xEF, 0xF0, 0x01];
/// Prefix of a Stylus root contract (ArbOS 60+): `EF F0 02`, then the
/// dictionary byte; followed by the decompressed wasm size (`u32`, big
/// endian) and the fragment addresses, in order.
pub const ROOT_PREFIX: [u8; 4] = [0xEF, 0xF0, 0x02, 0x00];
/// Nitro's `MaxFragmentCount` (ArbOS 60 default): fragments per program.
pub const MAX_FRAGMENTS: usize = 2;
/// Nitro's `MaxWasmSize` (ArbOS 40+ default): decompressed wasm per program.
pub const MAX_WASM_BYTES: usize = 131_072;

const CUSTOM_SECTION_ID: u8 = 0;

/// Strips custom sections and round-trips the module through WAT.
///
/// Errors when `raw` is not a well-formed wasm module.
pub fn process(raw: &[u8]) -> Result<Vec<u8>> {
    let stripped = strip_custom_sections(raw)?;
    let text = wasmprinter::print_bytes(&stripped).context("printing wasm as WAT")?;
    let reencoded = wat::parse_str(&text).context("parsing WAT back to wasm")?;
    // The text format can carry names back in; strip again.
    strip_custom_sections(&reencoded)
}

/// Copies every section of `wasm` except custom sections, byte for byte.
pub fn strip_custom_sections(wasm: &[u8]) -> Result<Vec<u8>> {
    let mut module = Module::new();
    for payload in Parser::new(0).parse_all(wasm) {
        let payload = payload.context("parsing wasm")?;
        let Some((id, range)) = payload.as_section() else {
            continue;
        };
        if id == CUSTOM_SECTION_ID {
            continue;
        }
        let start = usize::try_from(range.start)?;
        let end = usize::try_from(range.end)?;
        module.section(&RawSection {
            id,
            data: &wasm[start..end],
        });
    }
    Ok(module.finish())
}

/// Brotli-compresses processed wasm as cargo-stylus does.
pub fn compress(wasm: &[u8]) -> Result<Vec<u8>> {
    let mut out = Vec::new();
    {
        let mut writer =
            brotli::CompressorWriter::new(&mut out, 4096, BROTLI_QUALITY, BROTLI_WINDOW_LOG2);
        writer.write_all(wasm).context("brotli compression")?;
    }
    Ok(out)
}

/// The code deployed on chain: prefix followed by the compressed wasm.
pub fn deployable_code(compressed: &[u8]) -> Vec<u8> {
    let mut code = STYLUS_CODE_PREFIX.to_vec();
    code.extend_from_slice(compressed);
    code
}

/// How a program's code is laid out in accounts, as cargo-stylus 0.10
/// deploys it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum CodeLayout {
    /// One account: [`deployable_code`] fits [`MAX_CODE_BYTES`].
    Single(Vec<u8>),
    /// Fragment accounts (each [`FRAGMENT_PREFIX`] + a slice of the
    /// compressed wasm, at most [`MAX_CODE_BYTES`]), plus a root contract
    /// ([`root_code`]) at the program's address.
    Fragments(Vec<Vec<u8>>),
}

impl CodeLayout {
    /// Number of code fragments (1 for a single account).
    pub fn fragment_count(&self) -> usize {
        match self {
            CodeLayout::Single(_) => 1,
            CodeLayout::Fragments(fragments) => fragments.len(),
        }
    }

    /// Bytes of code across the fragment accounts (root contract excluded).
    pub fn code_bytes(&self) -> usize {
        match self {
            CodeLayout::Single(code) => code.len(),
            CodeLayout::Fragments(fragments) => fragments.iter().map(Vec::len).sum(),
        }
    }
}

/// Lays `compressed` out in one account, or in fragments when it does not fit.
pub fn code_layout(compressed: &[u8]) -> CodeLayout {
    if STYLUS_CODE_PREFIX.len() + compressed.len() <= MAX_CODE_BYTES {
        return CodeLayout::Single(deployable_code(compressed));
    }
    let chunk = MAX_CODE_BYTES - FRAGMENT_PREFIX.len();
    let fragments = compressed
        .chunks(chunk)
        .map(|slice| [FRAGMENT_PREFIX.as_slice(), slice].concat())
        .collect();
    CodeLayout::Fragments(fragments)
}

/// The root contract of a fragmented program: [`ROOT_PREFIX`], the
/// decompressed wasm size and the fragment addresses in order.
pub fn root_code(decompressed_bytes: u32, fragment_addresses: &[[u8; 20]]) -> Vec<u8> {
    let mut code = ROOT_PREFIX.to_vec();
    code.extend_from_slice(&decompressed_bytes.to_be_bytes());
    for address in fragment_addresses {
        code.extend_from_slice(address);
    }
    code
}

#[cfg(test)]
mod tests {
    use super::*;

    const MODULE_WITH_NAMES: &str = r#"(module $named
        (func $answer (export "answer") (result i32) i32.const 42)
        (@custom "producers" "rustc"))"#;

    fn has_custom_section(wasm: &[u8]) -> bool {
        Parser::new(0)
            .parse_all(wasm)
            .any(|p| matches!(p, Ok(wasmparser::Payload::CustomSection(_))))
    }

    #[test]
    fn process_removes_custom_sections_and_keeps_code() {
        let raw = wat::parse_str(MODULE_WITH_NAMES).unwrap();
        assert!(has_custom_section(&raw));
        let processed = process(&raw).unwrap();
        assert!(!has_custom_section(&processed));
        let text = wasmprinter::print_bytes(&processed).unwrap();
        assert!(text.contains("i32.const 42"), "{text}");
        assert!(text.contains("(export \"answer\""), "{text}");
    }

    #[test]
    fn process_is_idempotent() {
        let once = process(&wat::parse_str(MODULE_WITH_NAMES).unwrap()).unwrap();
        assert_eq!(process(&once).unwrap(), once);
    }

    #[test]
    fn small_code_is_one_account_and_large_code_is_fragments() {
        let small = vec![7u8; 100];
        assert_eq!(
            code_layout(&small),
            CodeLayout::Single(deployable_code(&small))
        );
        let exact = vec![7u8; MAX_CODE_BYTES - STYLUS_CODE_PREFIX.len()];
        assert_eq!(code_layout(&exact).fragment_count(), 1);
        let large: Vec<u8> = (0..30_000u32).map(|i| (i % 251) as u8).collect();
        let CodeLayout::Fragments(fragments) = code_layout(&large) else {
            panic!("30,000 bytes need fragments");
        };
        assert_eq!(fragments.len(), 2);
        assert_eq!(fragments[0].len(), MAX_CODE_BYTES);
        assert!(fragments.iter().all(|f| f[..3] == FRAGMENT_PREFIX));
        let joined: Vec<u8> = fragments.iter().flat_map(|f| f[3..].to_vec()).collect();
        assert_eq!(joined, large);
    }

    #[test]
    fn root_code_lists_size_and_fragments() {
        let root = root_code(0x0102_0304, &[[0xAA; 20], [0xBB; 20]]);
        assert_eq!(root[..4], ROOT_PREFIX);
        assert_eq!(root[4..8], [1, 2, 3, 4]);
        assert_eq!(root[8..28], [0xAA; 20]);
        assert_eq!(root[28..], [0xBB; 20]);
    }

    #[test]
    fn compression_round_trips() {
        let wasm = process(&wat::parse_str(MODULE_WITH_NAMES).unwrap()).unwrap();
        let compressed = compress(&wasm).unwrap();
        let mut back = Vec::new();
        brotli::BrotliDecompress(&mut compressed.as_slice(), &mut back).unwrap();
        assert_eq!(back, wasm);
        assert_eq!(deployable_code(&compressed)[..4], STYLUS_CODE_PREFIX);
    }
}

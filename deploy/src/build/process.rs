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
/// Maximum contract code size on Arbitrum (as EIP-170), prefix included.
pub const MAX_CODE_BYTES: usize = 24_576;

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
    fn compression_round_trips() {
        let wasm = process(&wat::parse_str(MODULE_WITH_NAMES).unwrap()).unwrap();
        let compressed = compress(&wasm).unwrap();
        let mut back = Vec::new();
        brotli::BrotliDecompress(&mut compressed.as_slice(), &mut back).unwrap();
        assert_eq!(back, wasm);
        assert_eq!(deployable_code(&compressed)[..4], STYLUS_CODE_PREFIX);
    }
}

//! Stylus code accounts: the deployed bytes (compressed wasm, a code
//! fragment or a root contract listing fragments), run by the devnet's wasm
//! backend once ArbWasm has activated them.

use crate::build::process::{FRAGMENT_PREFIX, MAX_WASM_BYTES, ROOT_PREFIX, STYLUS_CODE_PREFIX};
use crate::chain::stylus::ArbWasm;
use alloy_primitives::{keccak256, Address, Bytes, B256};
use alloy_sol_types::SolError;
use keel_devnet::{FrameHost, Program, Status, WasmProgram};
use std::cell::RefCell;
use std::collections::HashMap;
use std::io::Read;
use stylus_sdk::stylus_core::CalldataAccess;

/// The code at a Stylus account: its deployed bytes, and the program once
/// activated. A call to code that is not activated (or to a fragment)
/// reverts with ArbWasm's `ProgramNotActivated()`, as on Nitro.
pub struct StylusCode {
    code: Bytes,
    program: Option<WasmProgram>,
}

impl StylusCode {
    /// Code not activated (yet).
    pub fn inactive(code: Bytes) -> Self {
        Self {
            code,
            program: None,
        }
    }

    /// Code activated as `program`.
    pub fn activated(code: Bytes, program: WasmProgram) -> Self {
        Self {
            code,
            program: Some(program),
        }
    }
}

impl Program for StylusCode {
    fn name(&self) -> &str {
        self.program
            .as_ref()
            .map_or("stylus (inactive)", |p| p.name())
    }

    fn code(&self) -> Bytes {
        self.code.clone()
    }

    fn execute(&self, host: &FrameHost) -> Status {
        match &self.program {
            Some(program) => program.execute(host),
            None => {
                host.write_result(&ArbWasm::ProgramNotActivated {}.abi_encode());
                Status::Revert
            }
        }
    }
}

/// Whether `code` is Stylus code of any kind (program, fragment, root).
pub fn is_stylus(code: &[u8]) -> bool {
    code.starts_with(&STYLUS_CODE_PREFIX)
        || code.starts_with(&FRAGMENT_PREFIX)
        || code.starts_with(&ROOT_PREFIX)
}

/// A compiled program and the size of its wasm (which prices activation).
#[derive(Clone)]
pub struct Compiled {
    /// The instrumented program.
    pub program: WasmProgram,
    /// Bytes of decompressed wasm.
    pub wasm_bytes: usize,
}

/// Compiled programs by code hash: compiling is a pure function of the
/// code, so the cache is shared by every account and survives reverts
/// (whether code is activated lives in ArbWasm's storage, not here).
#[derive(Default)]
pub struct WasmCache {
    compiled: RefCell<HashMap<B256, Compiled>>,
}

impl WasmCache {
    /// Decompresses and compiles `code` (a program or a root contract whose
    /// fragments `code_of` reads), or returns the cached result.
    ///
    /// Errors: not Stylus program code, a missing or malformed fragment,
    /// bad brotli, more than 128 KiB of wasm, wasm Nitro would refuse.
    pub fn compile(
        &self,
        code: &[u8],
        code_of: impl Fn(Address) -> Vec<u8>,
    ) -> Result<Compiled, String> {
        // Fragments are read before the cache is asked: reading them is
        // priced (account access), and a cache hit must not change gas.
        let (compressed, declared_bytes) = compressed_of(code, code_of)?;
        let codehash = keccak256(code);
        if let Some(hit) = self.compiled.borrow().get(&codehash) {
            return Ok(hit.clone());
        }
        let wasm = decompress(&compressed)?;
        if let Some(declared) = declared_bytes.filter(|&d| u32::try_from(wasm.len()) != Ok(d)) {
            return Err(format!(
                "root contract declares {declared} bytes of wasm, the fragments hold {}",
                wasm.len()
            ));
        }
        let program = WasmProgram::new(format!("program {codehash}"), &wasm)?;
        let compiled = Compiled {
            program,
            wasm_bytes: wasm.len(),
        };
        self.compiled
            .borrow_mut()
            .insert(codehash, compiled.clone());
        Ok(compiled)
    }
}

/// The compressed wasm of program code: one account's, or a root
/// contract's fragments joined (ArbOS 60's layout) with the wasm size it
/// declares.
fn compressed_of(
    code: &[u8],
    code_of: impl Fn(Address) -> Vec<u8>,
) -> Result<(Vec<u8>, Option<u32>), String> {
    if let Some(compressed) = code.strip_prefix(STYLUS_CODE_PREFIX.as_slice()) {
        return Ok((compressed.to_vec(), None));
    }
    let Some(root) = code.strip_prefix(ROOT_PREFIX.as_slice()) else {
        return Err("not Stylus program code (prefix EFF00000 or root EFF00200)".into());
    };
    let (size, addresses) = root.split_at_checked(4).ok_or("root contract too short")?;
    if addresses.is_empty() || addresses.len() % 20 != 0 {
        return Err("root contract: fragment addresses are not 20-byte words".into());
    }
    let mut compressed = Vec::new();
    for address in addresses.chunks(20) {
        let fragment = code_of(Address::from_slice(address));
        let body = fragment
            .strip_prefix(FRAGMENT_PREFIX.as_slice())
            .ok_or_else(|| format!("{} holds no code fragment", Address::from_slice(address)))?;
        compressed.extend_from_slice(body);
    }
    let declared = u32::from_be_bytes([size[0], size[1], size[2], size[3]]);
    Ok((compressed, Some(declared)))
}

/// Brotli-decompresses at most Nitro's `MaxWasmSize` bytes.
fn decompress(compressed: &[u8]) -> Result<Vec<u8>, String> {
    let mut wasm = Vec::new();
    let limit = u64::try_from(MAX_WASM_BYTES).unwrap_or(u64::MAX) + 1;
    brotli::Decompressor::new(compressed, 4096)
        .take(limit)
        .read_to_end(&mut wasm)
        .map_err(|e| format!("brotli: {e}"))?;
    if wasm.len() > MAX_WASM_BYTES {
        return Err(format!("wasm over {MAX_WASM_BYTES} bytes decompressed"));
    }
    Ok(wasm)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::build::process::{code_layout, compress, root_code, CodeLayout};

    const PROGRAM: &str = r#"(module
        (import "vm_hooks" "read_args" (func $read_args (param i32)))
        (memory (export "memory") 1)
        (func (export "user_entrypoint") (param i32) (result i32) i32.const 0))"#;

    fn wasm_of(code: &[u8], code_of: impl Fn(Address) -> Vec<u8>) -> Result<usize, String> {
        WasmCache::default()
            .compile(code, code_of)
            .map(|c| c.wasm_bytes)
    }

    #[test]
    fn single_account_and_fragments_decompress_to_the_same_wasm() {
        let wasm = wat::parse_str(PROGRAM).unwrap();
        let compressed = compress(&wasm).unwrap();
        let CodeLayout::Single(single) = code_layout(&compressed) else {
            panic!("a tiny program fits one account");
        };
        assert_eq!(wasm_of(&single, |_| Vec::new()).unwrap(), wasm.len());

        let (a, b) = compressed.split_at(compressed.len() / 2);
        let fragments = [
            [FRAGMENT_PREFIX.as_slice(), a].concat(),
            [FRAGMENT_PREFIX.as_slice(), b].concat(),
        ];
        let addresses = [[1u8; 20], [2u8; 20]];
        let root = root_code(u32::try_from(wasm.len()).unwrap(), &addresses);
        let code_of = |address: Address| fragments[usize::from(address.0[0]) - 1].clone();
        assert_eq!(wasm_of(&root, code_of).unwrap(), wasm.len());

        let lying = root_code(1, &addresses);
        assert!(wasm_of(&lying, code_of)
            .unwrap_err()
            .contains("declares 1 bytes"));
        assert!(wasm_of(&root, |_| vec![0xEF])
            .unwrap_err()
            .contains("no code fragment"));
        assert!(wasm_of(&[0x60, 0x80], |_| Vec::new()).is_err());
        assert!(wasm_of(&[0xEF, 0xF0, 0, 0, 1, 2, 3], |_| Vec::new())
            .unwrap_err()
            .contains("brotli"));
    }

    #[test]
    fn fragments_are_read_even_when_the_program_is_cached() {
        let wasm = wat::parse_str(PROGRAM).unwrap();
        let fragment = [FRAGMENT_PREFIX.as_slice(), &compress(&wasm).unwrap()].concat();
        let root = root_code(u32::try_from(wasm.len()).unwrap(), &[[1u8; 20]]);
        let cache = WasmCache::default();
        let reads = std::cell::Cell::new(0);
        let code_of = |_| {
            reads.set(reads.get() + 1);
            fragment.clone()
        };
        cache.compile(&root, code_of).unwrap();
        cache.compile(&root, code_of).unwrap();
        assert_eq!(
            reads.get(),
            2,
            "a cache hit reads (and pays for) the fragments too"
        );
    }

    #[test]
    fn the_cache_compiles_once_per_code_hash() {
        let wasm = wat::parse_str(PROGRAM).unwrap();
        let code = [STYLUS_CODE_PREFIX.as_slice(), &compress(&wasm).unwrap()].concat();
        let cache = WasmCache::default();
        let first = cache.compile(&code, |_| Vec::new()).unwrap();
        assert_eq!(first.wasm_bytes, wasm.len());
        assert_eq!(cache.compiled.borrow().len(), 1);
        cache.compile(&code, |_| Vec::new()).unwrap();
        assert_eq!(cache.compiled.borrow().len(), 1);
    }
}

//! Nitro's prices for Stylus programs (ArbOS Stylus version 2 defaults).
//! Every constant names its source in Nitro; the module documentation of
//! [`crate::wasm`] lists them in one table.

use wasmparser::Operator;

// ---- ink ----------------------------------------------------------------

/// Ink per EVM gas (`arbos/programs/params.go`, `initialInkPrice`).
pub const INK_PER_GAS: u64 = 10_000;

/// Ink charged once per basic block for the meter's own check
/// (`crates/prover/src/programs/config.rs`, `CompileConfig::version`,
/// `ink_header_cost` for versions 1 and 2).
pub const INK_HEADER: u64 = 2_450;

/// Ink per byte of `memory.fill` (`config.rs`, `memory_fill_ink: 800 / 8`).
pub const MEMORY_FILL_INK_PER_BYTE: u64 = 800 / 8;

/// Ink per byte of `memory.copy` (`config.rs`, `memory_copy_ink: 800 / 8`).
pub const MEMORY_COPY_INK_PER_BYTE: u64 = 800 / 8;

/// Whether `op` ends a basic block for the meter
/// (`crates/arbutil/src/operator.rs`, `OperatorInfo::ends_basic_block`).
pub fn ends_basic_block(op: &Operator) -> bool {
    matches!(
        op,
        Operator::End
            | Operator::Else
            | Operator::Return
            | Operator::Loop { .. }
            | Operator::Br { .. }
            | Operator::BrTable { .. }
            | Operator::BrIf { .. }
            | Operator::If { .. }
            | Operator::Call { .. }
            | Operator::CallIndirect { .. }
    )
}

/// The ink of one instruction (`crates/prover/src/programs/meter.rs`,
/// `pricing_v1`). `params_of` gives the parameter count of a type index
/// (for `call_indirect`). Instructions Stylus does not support (floats,
/// SIMD, atomics, reference types, ...) cost `u64::MAX`: a block holding
/// one can never be paid for, as in Nitro.
pub fn op_ink(op: &Operator, params_of: impl Fn(u32) -> u64) -> u64 {
    use Operator::*;
    match op {
        Unreachable | Return | Nop | I32Const { .. } | I64Const { .. } => 1,
        Drop => 9,
        Block { .. } | Loop { .. } | Else | End => 1,
        Br { .. } | BrIf { .. } | If { .. } => 765,
        Select => 1_250,
        Call { .. } => 3_800,
        LocalGet { .. } | LocalTee { .. } => 75,
        LocalSet { .. } => 210,
        GlobalGet { .. } => 225,
        GlobalSet { .. } => 575,
        I32Load { .. }
        | I32Load8S { .. }
        | I32Load8U { .. }
        | I32Load16S { .. }
        | I32Load16U { .. } => 670,
        I64Load { .. }
        | I64Load8S { .. }
        | I64Load8U { .. }
        | I64Load16S { .. }
        | I64Load16U { .. }
        | I64Load32S { .. }
        | I64Load32U { .. } => 680,
        I32Store { .. } | I32Store8 { .. } | I32Store16 { .. } => 825,
        I64Store { .. } | I64Store8 { .. } | I64Store16 { .. } | I64Store32 { .. } => 950,
        MemorySize { .. } => 3_000,
        MemoryGrow { .. } => 8_050,
        I32Eqz | I32Eq | I32Ne | I32LtS | I32LtU | I32GtS | I32GtU | I32LeS | I32LeU | I32GeS
        | I32GeU => 170,
        I64Eqz | I64Eq | I64Ne | I64LtS | I64LtU | I64GtS | I64GtU | I64LeS | I64LeU | I64GeS
        | I64GeU => 225,
        I32Clz | I32Ctz => 210,
        I32Add | I32Sub => 70,
        I32Mul => 160,
        I32DivS | I32DivU | I32RemS | I32RemU => 1_120,
        I32And | I32Or | I32Xor | I32Shl | I32ShrS | I32ShrU | I32Rotl | I32Rotr => 70,
        I64Clz | I64Ctz => 210,
        I64Add | I64Sub => 100,
        I64Mul => 160,
        I64DivS | I64DivU | I64RemS | I64RemU => 1_270,
        I64And | I64Or | I64Xor | I64Shl | I64ShrS | I64ShrU | I64Rotl | I64Rotr => 100,
        I32Popcnt => 2_650,
        I64Popcnt => 6_000,
        I32WrapI64 | I64ExtendI32S | I64ExtendI32U => 100,
        I32Extend8S | I32Extend16S | I64Extend8S | I64Extend16S | I64Extend32S => 100,
        MemoryCopy { .. } | MemoryFill { .. } => 950,
        BrTable { targets } => 2_400 + 325 * u64::from(targets.len()),
        CallIndirect { type_index, .. } => 13_610 + 650 * params_of(*type_index),
        _ => u64::MAX,
    }
}

// ---- hostios (crates/arbutil/src/pricing.rs) ------------------------------

/// Base ink of every hostio that may return something (`HOSTIO_INK`).
pub const HOSTIO_INK: u64 = 8_400;
/// Extra ink per pointer argument (`PTR_INK` = 13,440 - `HOSTIO_INK`).
pub const PTR_INK: u64 = 13_440 - HOSTIO_INK;
/// Extra ink of hostios that go through the EVM API (`EVM_API_INK`).
pub const EVM_API_INK: u64 = 59_673;
/// Extra ink of `math_div` and `math_mod` (`DIV_INK`).
pub const DIV_INK: u64 = 20_000;
/// Extra ink of `math_mul_mod` (`MUL_MOD_INK`).
pub const MUL_MOD_INK: u64 = 24_100;
/// Extra ink of `math_add_mod` (`ADD_MOD_INK`).
pub const ADD_MOD_INK: u64 = 21_000;

/// Base ink of each hostio (`pricing.rs`, module `hostio`).
pub mod hostio {
    use super::{ADD_MOD_INK, DIV_INK, EVM_API_INK, HOSTIO_INK, MUL_MOD_INK, PTR_INK};

    pub const READ_ARGS: u64 = HOSTIO_INK;
    pub const WRITE_RESULT: u64 = HOSTIO_INK;
    pub const STORAGE_LOAD: u64 = HOSTIO_INK + 2 * PTR_INK;
    pub const STORAGE_CACHE: u64 = HOSTIO_INK + 2 * PTR_INK;
    pub const STORAGE_FLUSH: u64 = HOSTIO_INK + EVM_API_INK;
    pub const TRANSIENT_LOAD: u64 = HOSTIO_INK + 2 * PTR_INK + EVM_API_INK;
    pub const TRANSIENT_STORE: u64 = HOSTIO_INK + 2 * PTR_INK + EVM_API_INK;
    pub const CALL_CONTRACT: u64 = HOSTIO_INK + 3 * PTR_INK + EVM_API_INK;
    pub const CREATE1: u64 = HOSTIO_INK + 3 * PTR_INK + EVM_API_INK;
    pub const CREATE2: u64 = HOSTIO_INK + 4 * PTR_INK + EVM_API_INK;
    pub const READ_RETURN_DATA: u64 = HOSTIO_INK + EVM_API_INK;
    pub const RETURN_DATA_SIZE: u64 = HOSTIO_INK;
    pub const EMIT_LOG: u64 = HOSTIO_INK + EVM_API_INK;
    pub const ACCOUNT_BALANCE: u64 = HOSTIO_INK + 2 * PTR_INK + EVM_API_INK;
    pub const ACCOUNT_CODE: u64 = HOSTIO_INK + EVM_API_INK;
    pub const ACCOUNT_CODE_SIZE: u64 = HOSTIO_INK + EVM_API_INK;
    pub const ACCOUNT_CODE_HASH: u64 = HOSTIO_INK + 2 * PTR_INK + EVM_API_INK;
    pub const BLOCK_BASEFEE: u64 = HOSTIO_INK + PTR_INK;
    pub const BLOCK_COINBASE: u64 = HOSTIO_INK + PTR_INK;
    pub const BLOCK_GAS_LIMIT: u64 = HOSTIO_INK;
    pub const BLOCK_NUMBER: u64 = HOSTIO_INK;
    pub const BLOCK_TIMESTAMP: u64 = HOSTIO_INK;
    pub const CHAIN_ID: u64 = HOSTIO_INK;
    pub const ADDRESS: u64 = HOSTIO_INK + PTR_INK;
    pub const EVM_GAS_LEFT: u64 = HOSTIO_INK;
    pub const EVM_INK_LEFT: u64 = HOSTIO_INK;
    pub const MATH_DIV: u64 = HOSTIO_INK + 3 * PTR_INK + DIV_INK;
    pub const MATH_MOD: u64 = HOSTIO_INK + 3 * PTR_INK + DIV_INK;
    pub const MATH_POW: u64 = HOSTIO_INK + 3 * PTR_INK;
    pub const MATH_ADD_MOD: u64 = HOSTIO_INK + 4 * PTR_INK + ADD_MOD_INK;
    pub const MATH_MUL_MOD: u64 = HOSTIO_INK + 4 * PTR_INK + MUL_MOD_INK;
    pub const MSG_REENTRANT: u64 = HOSTIO_INK;
    pub const MSG_SENDER: u64 = HOSTIO_INK + PTR_INK;
    pub const MSG_VALUE: u64 = HOSTIO_INK + PTR_INK;
    pub const TX_GAS_PRICE: u64 = HOSTIO_INK + PTR_INK;
    pub const TX_INK_PRICE: u64 = HOSTIO_INK;
    pub const TX_ORIGIN: u64 = HOSTIO_INK + PTR_INK;
    pub const PAY_FOR_MEMORY_GROW: u64 = HOSTIO_INK;
}

/// Ink to copy `bytes` into the program (`pricing.rs`, `write_price`).
pub fn write_price(bytes: u32) -> u64 {
    5_040 + 30 * u64::from(bytes.saturating_sub(32))
}

/// Ink to copy `bytes` out of the program (`pricing.rs`, `read_price`).
pub fn read_price(bytes: u32) -> u64 {
    16_381 + 55 * u64::from(bytes.saturating_sub(32))
}

/// Ink of `native_keccak256` over `bytes` (`pricing.rs`, `keccak_price`).
pub fn keccak_price(bytes: u32) -> u64 {
    let words = u64::from(bytes.div_ceil(32)).saturating_sub(2);
    121_800 + 21_000 * words
}

/// Variable ink of `math_pow` (`pricing.rs`, `pow_price`).
pub fn pow_price(exponent: &[u8; 32]) -> u64 {
    let leading_zeros = exponent.iter().take_while(|byte| **byte == 0).count() as u64;
    3_000 + (33 - leading_zeros) * 17_500
}

// ---- EVM gas of hostios --------------------------------------------------

/// Gas an uncached `storage_load_bytes32` adds to the SLOAD for the EVM API
/// round trip: `ink_to_gas(EVM_API_INK)` since ArbOS 32
/// (`user-host-trait/lib.rs`, `storage_load_bytes32`).
pub const EVM_API_GAS: u64 = EVM_API_INK / INK_PER_GAS;

/// Gas the `n`-th (1-based) storage load of a program instance pays to its
/// storage cache (`crates/arbutil/src/evm/storage.rs`, `StorageCache::read_gas`).
pub fn cache_read_gas(n: usize) -> u64 {
    match n {
        0..=32 => 0,
        33..=128 => 2,
        _ => 10,
    }
}

/// Gas the `n`-th (1-based) storage write of a program instance pays to its
/// storage cache (`storage.rs`, `StorageCache::write_gas`).
pub fn cache_write_gas(n: usize) -> u64 {
    match n {
        0..=8 => 0,
        9..=64 => 7,
        _ => 10,
    }
}

/// Gas a storage load must have available besides the SLOAD
/// (`StorageCache::REQUIRED_ACCESS_GAS`).
pub const REQUIRED_ACCESS_GAS: u64 = 10;
/// EIP-2200's sentry: a storage write needs this much gas left
/// (`crates/arbutil/src/evm/mod.rs`, `SSTORE_SENTRY_GAS`).
pub const SSTORE_SENTRY_GAS: u64 = 2_300;
/// Extra gas of `account_code` / `account_code_size`: `MaxCodeSize / 24576 *
/// ExtcodeSizeGasEIP150` (go-ethereum `operations_acl_arbitrum.go`,
/// `WasmAccountTouchCost` with code).
pub const ACCOUNT_CODE_GAS: u64 = 700;
/// `CALL` with value (`params.CallValueTransferGas`, `WasmCallCost`).
pub const CALL_VALUE_TRANSFER_GAS: u64 = 9_000;
/// `CALL` with value to an empty account (`params.CallNewAccountGas`).
pub const CALL_NEW_ACCOUNT_GAS: u64 = 25_000;
/// Gas a callee receiving value gets for free (`params.CallStipend`).
pub const CALL_STIPEND: u64 = 2_300;
/// Per log and per topic (`evm/mod.rs`, `LOG_TOPIC_GAS`), per data byte (`LOG_DATA_GAS`).
pub fn log_gas(topics: u32, data_len: u32) -> u64 {
    (1 + u64::from(topics)) * 375 + 8 * u64::from(data_len)
}

/// The least gas a call returning `len` bytes uses: the EVM's memory cost
/// of the return data (`arbos/programs/programs.go`, `CallProgram` and
/// `evmMemoryCost`, ArbOS `StylusFixes` and later).
pub fn evm_memory_cost(len: usize) -> u64 {
    let words = (len as u64).div_ceil(32);
    words * 3 + words * words / 512
}

/// Intrinsic gas of a transaction with calldata `data`: 21,000 plus 16 per
/// non-zero and 4 per zero byte (EIP-2028).
pub fn intrinsic_gas(data: &[u8]) -> u64 {
    let zeros = data.iter().filter(|byte| **byte == 0).count() as u64;
    21_000 + 4 * zeros + 16 * (data.len() as u64 - zeros)
}

// ---- memory (arbos/programs/memory.go, params.go) --------------------------

/// Pages each transaction gets for free (`InitialFreePages`).
pub const FREE_PAGES: u16 = 2;
/// Linear gas per page (`InitialPageGas`).
pub const PAGE_GAS: u64 = 1_000;
/// Pages a program may have (`initialPageLimit`); beyond, the exponential
/// table has no entry and the cost is infinite.
pub const PAGE_LIMIT: u16 = 128;

/// `memoryExponents` of `memory.go`: the exponential part of the price of
/// having had `pages` pages open at once in the transaction.
const MEMORY_EXPONENTS: [u32; 129] = [
    1, 1, 1, 1, 1, 1, 2, 2, 2, 3, 3, 4, 5, 5, 6, 7, 8, 9, 11, 12, 14, 17, 19, 22, 25, 29, 33, 38,
    43, 50, 57, 65, 75, 85, 98, 112, 128, 147, 168, 193, 221, 253, 289, 331, 379, 434, 497, 569,
    651, 745, 853, 976, 1117, 1279, 1463, 1675, 1917, 2194, 2511, 2874, 3290, 3765, 4309, 4932,
    5645, 6461, 7395, 8464, 9687, 11087, 12689, 14523, 16621, 19024, 21773, 24919, 28521, 32642,
    37359, 42758, 48938, 56010, 64104, 73368, 83971, 96106, 109994, 125890, 144082, 164904, 188735,
    216010, 247226, 282953, 323844, 370643, 424206, 485509, 555672, 635973, 727880, 833067, 953456,
    1091243, 1248941, 1429429, 1636000, 1872423, 2143012, 2452704, 2807151, 3212820, 3677113,
    4208502, 4816684, 5512756, 6309419, 7221210, 8264766, 9459129, 10826093, 12390601, 14181199,
    16230562, 18576084, 21260563, 24332984, 27849408, 31873999,
];

fn memory_exp(pages: u16) -> u64 {
    MEMORY_EXPONENTS
        .get(usize::from(pages))
        .map_or(u64::MAX, |value| u64::from(*value))
}

/// Gas of opening `new` pages (beyond [`PAGE_LIMIT`] pages ever open, more
/// than any transaction can pay) when `open` are open and at most `ever` were
/// open at once in the transaction (`memory.go`, `MemoryModel::GasCost`).
pub fn memory_gas(new: u16, open: u16, ever: u16) -> u64 {
    let new_open = open.saturating_add(new);
    let new_ever = ever.max(new_open);
    if new_ever <= FREE_PAGES {
        return 0;
    }
    let sub_free = |pages: u16| pages.saturating_sub(FREE_PAGES);
    let adding = sub_free(new_open).saturating_sub(sub_free(open));
    let linear = u64::from(adding).saturating_mul(PAGE_GAS);
    let expand = memory_exp(new_ever).saturating_sub(memory_exp(ever));
    linear.saturating_add(expand)
}

// ---- program start-up (arbos/programs/programs.go, params.go) -------------

/// `v2MinInitGas` (`params.go`): an uncached call pays at least 69 x 128 gas.
pub const MIN_INIT_GAS_UNITS: u64 = 69;
/// `MinInitGasUnits` (`params.go`).
pub const MIN_INIT_GAS_UNIT: u64 = 128;
/// `initialMinCachedGas` (`params.go`): every call pays at least 11 x 32 gas.
pub const MIN_CACHED_GAS_UNITS: u64 = 11;
/// `MinCachedGasUnits` (`params.go`).
pub const MIN_CACHED_GAS_UNIT: u64 = 32;
/// `initialInitCostScalar` = `initialCachedCostScalar` = 50, times
/// `CostScalarPercent` 2: 100%.
pub const COST_SCALAR_PERCENT: u64 = 50 * 2;

/// Gas of starting a program that is not cached (`programs.go`, `Program::initGas`).
pub fn init_gas(init_cost: u16) -> u64 {
    MIN_INIT_GAS_UNITS * MIN_INIT_GAS_UNIT
        + (u64::from(init_cost) * COST_SCALAR_PERCENT).div_ceil(100)
}

/// Gas every call pays, cached or not, since Stylus version 2 (`programs.go`,
/// `Program::cachedGas`).
pub fn cached_gas(cached_init_cost: u16) -> u64 {
    MIN_CACHED_GAS_UNITS * MIN_CACHED_GAS_UNIT
        + (u64::from(cached_init_cost) * COST_SCALAR_PERCENT).div_ceil(100)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hostio_prices_match_nitro_sums() {
        assert_eq!(PTR_INK, 5_040);
        assert_eq!(hostio::STORAGE_LOAD, 18_480);
        assert_eq!(hostio::STORAGE_FLUSH, 68_073);
        assert_eq!(hostio::CALL_CONTRACT, 83_193);
        assert_eq!(EVM_API_GAS, 5);
        assert_eq!(write_price(32), 5_040);
        assert_eq!(write_price(100), 5_040 + 30 * 68);
        assert_eq!(read_price(4), 16_381);
        assert_eq!(keccak_price(64), 121_800);
        assert_eq!(keccak_price(65), 142_800);
        let mut exponent = [0u8; 32];
        assert_eq!(pow_price(&exponent), 3_000 + 17_500);
        exponent[0] = 1;
        assert_eq!(pow_price(&exponent), 3_000 + 33 * 17_500);
    }

    #[test]
    fn memory_model() {
        // The first two pages of a transaction are free.
        assert_eq!(memory_gas(2, 0, 0), 0);
        // A third page: 1,000 linear plus exp(3) - exp(0) = 0.
        assert_eq!(memory_gas(1, 2, 2), 1_000);
        // Re-opening pages already paid for once pays the linear part only.
        assert_eq!(memory_gas(3, 0, 3), 1_000);
        // 8 MB: the table's last entry.
        assert_eq!(memory_gas(128, 0, 0), 126 * 1_000 + 31_873_999 - 1);
        // Beyond 128 pages the table has no entry: u64::MAX less the last
        // entry (Go's unsigned subtraction), more gas than any transaction has.
        assert_eq!(memory_gas(1, 128, 128), 1_000 + (u64::MAX - 31_873_999));
    }

    #[test]
    fn start_up_minimums() {
        assert_eq!(cached_gas(0), 352);
        assert_eq!(init_gas(0), 8_832);
        assert_eq!(init_gas(1), 8_833);
        assert_eq!(cached_gas(3), 355);
    }

    #[test]
    fn intrinsic() {
        assert_eq!(intrinsic_gas(&[]), 21_000);
        assert_eq!(intrinsic_gas(&[0, 1, 2, 0]), 21_000 + 2 * 4 + 2 * 16);
    }

    #[test]
    fn opcode_prices() {
        let none = |_| 0;
        assert_eq!(op_ink(&Operator::I32Add, none), 70);
        assert_eq!(op_ink(&Operator::Call { function_index: 3 }, none), 3_800);
        assert_eq!(op_ink(&Operator::F32Add, none), u64::MAX);
        assert_eq!(
            op_ink(
                &Operator::CallIndirect {
                    type_index: 0,
                    table_index: 0
                },
                |_| 2
            ),
            13_610 + 1_300
        );
        assert!(ends_basic_block(&Operator::Call { function_index: 0 }));
        assert!(!ends_basic_block(&Operator::I32Add));
    }
}

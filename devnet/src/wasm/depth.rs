//! Nitro's depth checker (`crates/prover/src/programs/depth.rs`): each
//! function's worst-case stack frame, in words, is charged against the
//! `stylus_stack_left` global on entry and given back on return; a call
//! that does not fit traps (Nitro's `OutOfStack`). The frame is the most
//! values the function's code can hold on the operand stack at once, plus
//! its declared locals, plus 4. The code measured is the meter's output
//! (the depth checker runs after the ink and dynamic meters).

use wasmparser::{BlockType, Operator};

/// Words of stack each program instance starts with: `MaxStackDepth`,
/// capped at 22,000 since ArbOS 50 (`arbos/programs/params.go`,
/// `arbOS50MaxWasmSize`).
pub const MAX_STACK_DEPTH: u32 = 22_000;
/// Largest frame a function may have, in words (`config.rs`,
/// `max_frame_size` for Stylus versions 1 and 2).
pub const MAX_FRAME_SIZE: u32 = 10 * 1024;
/// Most values a function may hold on its stack at once (`config.rs`,
/// `max_frame_contention`).
pub const MAX_FRAME_CONTENTION: u32 = 4_096;

/// Parameter and result counts of every type, and the type of every
/// function (imports first).
pub struct Signatures<'s> {
    /// `(params, results)` per type index.
    pub types: &'s [(u32, u32)],
    /// Type index per function index.
    pub funcs: &'s [u32],
}

impl Signatures<'_> {
    fn of_type(&self, index: u32) -> Result<(u32, u32), String> {
        self.types
            .get(index as usize)
            .copied()
            .ok_or_else(|| format!("missing type {index}"))
    }

    fn of_func(&self, index: u32) -> Result<(u32, u32), String> {
        let ty = self
            .funcs
            .get(index as usize)
            .ok_or_else(|| format!("missing type for func {index}"))?;
        self.of_type(*ty)
    }
}

/// The frame size of a function with `locals` declared locals and code
/// `ops` (`FuncDepthChecker::worst_case_depth`).
pub fn frame_size(ops: &[Operator], locals: u32, sigs: &Signatures) -> Result<u32, String> {
    use Operator::*;
    let mut worst: u32 = 0;
    let mut stack: u32 = 0;
    let mut scopes = vec![stack];
    macro_rules! push {
        ($count:expr) => {{
            stack += $count;
            worst = worst.max(stack);
        }};
    }
    macro_rules! pop {
        ($count:expr) => {{
            stack = stack.saturating_sub($count);
        }};
    }
    // Nitro pushes the results before popping the parameters.
    macro_rules! ins_and_outs {
        ($ty:expr) => {{
            let (ins, outs) = $ty;
            push!(outs);
            pop!(ins);
        }};
    }
    let block_type = |blockty: &BlockType| -> Result<Option<(u32, u32)>, String> {
        match blockty {
            BlockType::Empty => Ok(None),
            BlockType::Type(_) => Ok(Some((0, 1))),
            BlockType::FuncType(id) => sigs.of_type(*id).map(Some),
        }
    };
    for op in ops {
        match op {
            Block { blockty } | Loop { blockty } => {
                if let Some(ty) = block_type(blockty)? {
                    ins_and_outs!(ty);
                }
                scopes.push(stack);
            }
            If { blockty } => {
                pop!(1);
                if let Some(ty) = block_type(blockty)? {
                    ins_and_outs!(ty);
                }
                scopes.push(stack);
            }
            Else => {
                stack = *scopes.last().ok_or("malformed if-else scope")?;
            }
            End => {
                stack = scopes
                    .pop()
                    .ok_or("malformed scoping detected at end of block")?;
            }
            Call { function_index } => ins_and_outs!(sigs.of_func(*function_index)?),
            CallIndirect { type_index, .. } => {
                ins_and_outs!(sigs.of_type(*type_index)?);
                pop!(1);
            }
            MemoryFill { .. } | MemoryCopy { .. } => ins_and_outs!((3, 0)),
            Nop
            | Unreachable
            | I32Eqz
            | I64Eqz
            | I32Clz
            | I32Ctz
            | I32Popcnt
            | I64Clz
            | I64Ctz
            | I64Popcnt
            | Br { .. }
            | Return
            | LocalTee { .. }
            | MemoryGrow { .. }
            | I32Load { .. }
            | I64Load { .. }
            | F32Load { .. }
            | F64Load { .. }
            | I32Load8S { .. }
            | I32Load8U { .. }
            | I32Load16S { .. }
            | I32Load16U { .. }
            | I64Load8S { .. }
            | I64Load8U { .. }
            | I64Load16S { .. }
            | I64Load16U { .. }
            | I64Load32S { .. }
            | I64Load32U { .. }
            | I32WrapI64
            | I64ExtendI32S
            | I64ExtendI32U
            | I32Extend8S
            | I32Extend16S
            | I64Extend8S
            | I64Extend16S
            | I64Extend32S
            | F32Abs
            | F32Neg
            | F32Ceil
            | F32Floor
            | F32Trunc
            | F32Nearest
            | F32Sqrt
            | F64Abs
            | F64Neg
            | F64Ceil
            | F64Floor
            | F64Trunc
            | F64Nearest
            | F64Sqrt
            | I32TruncF32S
            | I32TruncF32U
            | I32TruncF64S
            | I32TruncF64U
            | I64TruncF32S
            | I64TruncF32U
            | I64TruncF64S
            | I64TruncF64U
            | F32ConvertI32S
            | F32ConvertI32U
            | F32ConvertI64S
            | F32ConvertI64U
            | F32DemoteF64
            | F64ConvertI32S
            | F64ConvertI32U
            | F64ConvertI64S
            | F64ConvertI64U
            | F64PromoteF32
            | I32ReinterpretF32
            | I64ReinterpretF64
            | F32ReinterpretI32
            | F64ReinterpretI64
            | I32TruncSatF32S
            | I32TruncSatF32U
            | I32TruncSatF64S
            | I32TruncSatF64U
            | I64TruncSatF32S
            | I64TruncSatF32U
            | I64TruncSatF64S
            | I64TruncSatF64U => {}
            LocalGet { .. }
            | GlobalGet { .. }
            | MemorySize { .. }
            | I32Const { .. }
            | I64Const { .. }
            | F32Const { .. }
            | F64Const { .. } => push!(1),
            Drop
            | I32Eq
            | I32Ne
            | I32LtS
            | I32LtU
            | I32GtS
            | I32GtU
            | I32LeS
            | I32LeU
            | I32GeS
            | I32GeU
            | I64Eq
            | I64Ne
            | I64LtS
            | I64LtU
            | I64GtS
            | I64GtU
            | I64LeS
            | I64LeU
            | I64GeS
            | I64GeU
            | F32Eq
            | F32Ne
            | F32Lt
            | F32Gt
            | F32Le
            | F32Ge
            | F64Eq
            | F64Ne
            | F64Lt
            | F64Gt
            | F64Le
            | F64Ge
            | I32Add
            | I32Sub
            | I32Mul
            | I32DivS
            | I32DivU
            | I32RemS
            | I32RemU
            | I64Add
            | I64Sub
            | I64Mul
            | I64DivS
            | I64DivU
            | I64RemS
            | I64RemU
            | I32And
            | I32Or
            | I32Xor
            | I32Shl
            | I32ShrS
            | I32ShrU
            | I32Rotl
            | I32Rotr
            | I64And
            | I64Or
            | I64Xor
            | I64Shl
            | I64ShrS
            | I64ShrU
            | I64Rotl
            | I64Rotr
            | F32Add
            | F32Sub
            | F32Mul
            | F32Div
            | F32Min
            | F32Max
            | F32Copysign
            | F64Add
            | F64Sub
            | F64Mul
            | F64Div
            | F64Min
            | F64Max
            | F64Copysign
            | BrIf { .. }
            | BrTable { .. }
            | LocalSet { .. }
            | GlobalSet { .. } => pop!(1),
            Select
            | I32Store { .. }
            | I64Store { .. }
            | F32Store { .. }
            | F64Store { .. }
            | I32Store8 { .. }
            | I32Store16 { .. }
            | I64Store8 { .. }
            | I64Store16 { .. }
            | I64Store32 { .. } => pop!(2),
            other => return Err(format!("extension {other:?} not supported")),
        }
    }
    if worst > MAX_FRAME_CONTENTION {
        return Err(format!(
            "too many values on the stack at once: {worst} > {MAX_FRAME_CONTENTION}"
        ));
    }
    let size = worst + locals + 4;
    if size > MAX_FRAME_SIZE {
        return Err(format!(
            "frame too large: {size} > {MAX_FRAME_SIZE}-word limit"
        ));
    }
    Ok(size)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn counts_the_deepest_point_plus_locals_and_four() {
        let types = [(2, 1)];
        let funcs = [0];
        let sigs = Signatures {
            types: &types,
            funcs: &funcs,
        };
        // 3 pushes, then a call of (i32, i32) -> i32 pushes its result
        // before popping its parameters: 4 at once.
        let ops = [
            Operator::I32Const { value: 1 },
            Operator::I32Const { value: 2 },
            Operator::I32Const { value: 3 },
            Operator::Call { function_index: 0 },
            Operator::Drop,
            Operator::Drop,
            Operator::End,
        ];
        assert_eq!(frame_size(&ops, 2, &sigs), Ok(4 + 2 + 4));
        let unsupported = [Operator::RefNull {
            hty: wasmparser::HeapType::FUNC,
        }];
        assert!(frame_size(&unsupported, 0, &sigs).is_err());
    }
}

//! Names of the market's tuple parameters. export-abi prints them as
//! anonymous tuples (`(uint64, uint64, uint64) risk`), which alloy `sol!`
//! reads but solc does not: Solidity has no tuple types, only structs. The
//! contract documents each tuple's fields on its Rust type alias
//! (`keel_market::{RiskInput, FeedInput, RateModelInput,
//! LiquidationInput}`); [`STRUCTS`] gives them a struct name and field names,
//! checked against the exported types, so a reordered or retyped tuple fails
//! instead of mislabelling a field.
//!
//! - In `abi/KeelMarket.json` the components get their field names and no
//!   `internalType`: JSON consumers (ethers, viem) decode named fields, and
//!   alloy `sol!` (keel-bindings) keeps plain Rust tuples, as in the contract.
//! - In `abi/IKeelMarket.sol` ([`with_struct_types`]) each becomes a struct
//!   declared inside the interface (`IKeelMarket.RiskParams`), which solc
//!   compiles to the same selectors and encoding: a struct of static fields
//!   is encoded exactly as the tuple.

use alloy_json_abi::{InternalType, JsonAbi, Param};
use anyhow::{bail, Result};

/// A Solidity struct for a tuple parameter: its name and `(field, type)`s.
#[derive(Debug, Clone, Copy)]
pub struct StructDef {
    /// Struct name in the Solidity interface.
    pub name: &'static str,
    /// Fields in tuple order: name and Solidity type.
    pub fields: &'static [(&'static str, &'static str)],
}

const RISK: StructDef = StructDef {
    name: "RiskParams",
    fields: &[
        ("ltv", "uint64"),
        ("liquidationThreshold", "uint64"),
        ("bonus", "uint64"),
    ],
};

const FEED: StructDef = StructDef {
    name: "FeedConfig",
    fields: &[
        ("feed", "address"),
        ("heartbeatSeconds", "uint32"),
        ("minAnswer", "uint128"),
        ("maxAnswer", "uint128"),
    ],
};

const RATE_MODEL: StructDef = StructDef {
    name: "RateModel",
    fields: &[
        ("baseRatePerSecond", "uint64"),
        ("slopeBelowOptimalPerSecond", "uint64"),
        ("slopeAboveOptimalPerSecond", "uint64"),
        ("optimalUtilisation", "uint64"),
    ],
};

const LIQUIDATION: StructDef = StructDef {
    name: "LiquidationParams",
    fields: &[
        ("closeFactor", "uint64"),
        ("fullLiquidationHf", "uint64"),
        ("liquidationFee", "uint64"),
        ("minPartialLiquidationValue", "uint256"),
        ("dustThreshold", "uint256"),
    ],
};

/// The struct of every tuple parameter, by parameter name (function and
/// constructor inputs alike). Every tuple parameter of the ABI must be
/// listed.
pub const STRUCTS: &[(&str, StructDef)] = &[
    ("risk", RISK),
    ("collateralFeed", FEED),
    ("baseFeed", FEED),
    ("rateModel", RATE_MODEL),
    ("liquidation", LIQUIDATION),
];

/// Names the components of every tuple input of `abi`'s functions and
/// constructor from [`STRUCTS`].
///
/// Errors: a tuple parameter that is not listed, or whose component types
/// differ from the listed fields; a tuple output or a tuple in an event or
/// error (none exists today; they would need entries of their own).
pub fn name_tuples(abi: &mut JsonAbi) -> Result<()> {
    let mut where_params = Vec::new();
    if let Some(constructor) = abi.constructor.as_mut() {
        where_params.push(("constructor".to_owned(), &mut constructor.inputs));
    }
    for function in abi.functions.values_mut().flatten() {
        if function.outputs.iter().any(|p| p.ty.starts_with("tuple")) {
            bail!(
                "{} returns a tuple; name it in deploy/src/abi/structs.rs",
                function.name
            );
        }
        where_params.push((function.name.clone(), &mut function.inputs));
    }
    for (owner, params) in where_params {
        for param in params.iter_mut().filter(|p| p.ty.starts_with("tuple")) {
            let def = struct_for(&owner, param)?;
            for (component, (name, _)) in param.components.iter_mut().zip(def.fields) {
                component.name = (*name).to_owned();
            }
        }
    }
    let has_tuple =
        |params: &[alloy_json_abi::EventParam]| params.iter().any(|p| p.ty.starts_with("tuple"));
    if let Some(e) = abi.events().find(|e| has_tuple(&e.inputs)) {
        bail!(
            "event {} has a tuple parameter; Keel's events have none",
            e.name
        );
    }
    if let Some(e) = abi
        .errors()
        .find(|e| e.inputs.iter().any(|p| p.ty.starts_with("tuple")))
    {
        bail!(
            "error {} has a tuple parameter; Keel's errors have none",
            e.name
        );
    }
    Ok(())
}

/// `abi` with every named tuple input of its functions typed as the struct
/// `IKeelMarket.<Name>` (`internalType`), the form `JsonAbi::to_sol` prints
/// as a struct declared in the interface. The constructor is left as is:
/// an interface has none.
pub fn with_struct_types(abi: &JsonAbi, interface: &str) -> JsonAbi {
    let mut abi = abi.clone();
    for function in abi.functions.values_mut().flatten() {
        for param in function
            .inputs
            .iter_mut()
            .filter(|p| p.ty.starts_with("tuple"))
        {
            if let Some((_, def)) = STRUCTS.iter().find(|(n, _)| *n == param.name) {
                param.internal_type = Some(InternalType::Struct {
                    contract: Some(interface.to_owned()),
                    ty: def.name.to_owned(),
                });
            }
        }
    }
    abi
}

fn struct_for(owner: &str, param: &Param) -> Result<StructDef> {
    let Some((_, def)) = STRUCTS.iter().find(|(n, _)| *n == param.name) else {
        bail!(
            "{owner}: tuple parameter `{}` has no struct name; add it to deploy/src/abi/structs.rs",
            param.name
        );
    };
    if param.ty != "tuple" {
        bail!(
            "{owner}: `{}` is a `{}`; structs.rs names single tuples only",
            param.name,
            param.ty
        );
    }
    let types: Vec<&str> = param.components.iter().map(|c| c.ty.as_str()).collect();
    let listed: Vec<&str> = def.fields.iter().map(|(_, ty)| *ty).collect();
    if types != listed {
        bail!(
            "{owner}: `{}` is ({}) but structs.rs lists {} as ({})",
            param.name,
            types.join(", "),
            def.name,
            listed.join(", ")
        );
    }
    Ok(*def)
}

#[cfg(test)]
mod tests {
    use super::*;
    use alloy_json_abi::Function;

    fn abi_with(function: &str) -> JsonAbi {
        let mut abi = JsonAbi::new();
        let function = Function::parse(function).unwrap();
        abi.functions
            .entry(function.name.clone())
            .or_default()
            .push(function);
        abi
    }

    #[test]
    fn names_components_and_prints_structs_solc_reads() {
        let mut abi = abi_with("function setRisk(address token, (uint64, uint64, uint64) risk)");
        name_tuples(&mut abi).unwrap();
        let risk = &abi.functions["setRisk"][0].inputs[1];
        let names: Vec<&str> = risk.components.iter().map(|c| c.name.as_str()).collect();
        assert_eq!(names, ["ltv", "liquidationThreshold", "bonus"]);
        assert!(risk.internal_type.is_none(), "the JSON keeps plain tuples");
        let sol = with_struct_types(&abi, "IX").to_sol("IX", None);
        assert!(sol.contains("struct RiskParams {"), "{sol}");
        assert!(sol.contains("uint64 liquidationThreshold;"), "{sol}");
        assert!(sol.contains("RiskParams memory risk"), "{sol}");
        assert!(!sol.contains("(uint64"), "{sol}");
    }

    #[test]
    fn an_unlisted_or_retyped_tuple_is_refused() {
        let mut unlisted = abi_with("function f((uint64, uint64) pair)");
        let message = name_tuples(&mut unlisted).unwrap_err().to_string();
        assert!(message.contains("`pair` has no struct name"), "{message}");
        let mut retyped = abi_with("function f((uint64, uint128, uint64) risk)");
        let message = name_tuples(&mut retyped).unwrap_err().to_string();
        assert!(message.contains("lists RiskParams"), "{message}");
    }
}

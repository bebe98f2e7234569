//! Names of multi-value returns. export-abi prints tuple returns unnamed;
//! the contract documents the names on its return type aliases
//! (`keel_market::{AccountSnapshot, MarketSnapshot, LiquidationPreview,
//! CollateralInfo}` and `liquidate`). Every function returning more than one
//! value must be listed, with exactly as many names as it returns.

use alloy_json_abi::JsonAbi;
use anyhow::{bail, Result};

/// Return names per function.
pub const OUTPUT_NAMES: &[(&str, &[&str])] = &[
    ("liquidate", &["repaidAssets", "seizedCollateral"]),
    (
        "previewLiquidation",
        &[
            "repaidAssets",
            "repaidShares",
            "seizedCollateral",
            "protocolFee",
            "liquidatorCollateral",
            "badDebtAssets",
            "healthFactorBefore",
            "healthFactorAfter",
        ],
    ),
    (
        "accountSnapshot",
        &[
            "supplyShares",
            "supplyAssets",
            "borrowShares",
            "debtAssets",
            "collateralBalances",
            "collateralValue",
            "borrowPower",
            "liquidationValue",
            "healthFactor",
            "liquidationPrices",
        ],
    ),
    (
        "marketSnapshot",
        &[
            "totalSupplyAssets",
            "totalSupplyShares",
            "totalBorrowAssets",
            "totalBorrowShares",
            "reserves",
            "utilisation",
            "borrowApr",
            "supplyApr",
            "lastAccrual",
        ],
    ),
    (
        "collateralInfo",
        &[
            "index",
            "ltv",
            "liquidationThreshold",
            "bonus",
            "cap",
            "total",
            "feeReserves",
        ],
    ),
];

/// Names the outputs of every multi-value function of `abi`.
///
/// Errors: a listed function is missing or returns another number of
/// values; a multi-value function is not listed.
pub fn name_outputs(abi: &mut JsonAbi) -> Result<()> {
    for (name, names) in OUTPUT_NAMES {
        let Some(overloads) = abi.functions.get_mut(*name) else {
            bail!("function {name} has return names in keel-cli but is not in the ABI");
        };
        for function in overloads {
            if function.outputs.len() != names.len() {
                bail!(
                    "{} returns {} values but keel-cli names {} (deploy/src/abi/outputs.rs)",
                    function.signature(),
                    function.outputs.len(),
                    names.len()
                );
            }
            for (output, new_name) in function.outputs.iter_mut().zip(names.iter()) {
                output.name = (*new_name).to_owned();
            }
        }
    }
    let unnamed = abi
        .functions()
        .find(|f| f.outputs.len() > 1 && f.outputs.iter().any(|o| o.name.is_empty()));
    if let Some(function) = unnamed {
        bail!(
            "{} returns several values without names; add them to deploy/src/abi/outputs.rs",
            function.signature()
        );
    }
    Ok(())
}

//! `keel-market-ext`'s whole entry point ([`ext_program`]): every entry
//! point of [`IKeelExt`] decoded by hand, and its own constructor.

use alloc::vec::Vec;
use alloy_primitives::{FixedBytes, U256};
use alloy_sol_types::SolCall;
use stylus_sdk::abi::CONSTRUCTOR_SELECTOR;
use stylus_sdk::host::VM;
use stylus_sdk::stylus_core::MessageAccess;

use keel_vault::MAX_COLLATERALS_LEN;

use super::args::{address_word, tuple, words, Args, Returned};
use super::{claim_constructor, market_storage, Outcome};
use crate::errors::{MarketError, NotPayable, UnknownSelector};
use crate::ext::IKeelExt as ext;
use crate::KeelMarket;

/// `keel-market-ext`: runs the [`IKeelExt`](crate::ext::IKeelExt) entry
/// point `calldata` selects on the market's storage (reached by the core's
/// `delegatecall`), or, for `stylus_constructor()` (once, at deployment),
/// marks this program's own storage as module code.
///
/// Errors (as revert data): `NotPayable`, `InvalidCalldata`,
/// `UnknownSelector` (only when called directly: the core routes only
/// known selectors), `AlreadyInitialized` for a second constructor call, and the entry
/// point's own.
pub fn ext_program(vm: &VM, calldata: &[u8]) -> Result<Vec<u8>, Vec<u8>> {
    if !keel_math::is_zero(vm.msg_value()) {
        return Err(Vec::from(MarketError::from(NotPayable {})));
    }
    let mut market = market_storage(vm);
    let args = Args::of(calldata);
    if args.selector == CONSTRUCTOR_SELECTOR.to_be_bytes() {
        claim_constructor(vm)?;
        market.mark_as_module_code();
        return Ok(Vec::new());
    }
    let administered = administer(&mut market, &args);
    let outcome = administered.unwrap_or_else(|| view(&market, &args));
    outcome.map_err(Vec::from)
}

/// The state-changing entry points, or `None` for another selector.
fn administer(market: &mut KeelMarket, args: &Args) -> Option<Outcome> {
    let done = match args.selector {
        ext::addCollateralCall::SELECTOR => {
            return Some(add_collateral(market, args));
        }
        ext::setCollateralRiskCall::SELECTOR => args
            .address(0)
            .and_then(|token| market.set_collateral_risk(token, args.risk(1)?)),
        ext::setCollateralCapCall::SELECTOR => args
            .address(0)
            .and_then(|token| market.set_collateral_cap(token, args.uint(1)?)),
        ext::setCollateralPriceSourceCall::SELECTOR => args.address(0).and_then(|token| {
            market.set_collateral_price_source(token, args.feed(1)?, args.feed(5)?)
        }),
        ext::initializeCall::SELECTOR => initialize(market, args),
        ext::transferOwnershipCall::SELECTOR => args
            .address(0)
            .and_then(|owner| market.transfer_ownership(owner)),
        ext::acceptOwnershipCall::SELECTOR => market.accept_ownership(),
        ext::setGuardianCall::SELECTOR => args
            .address(0)
            .and_then(|guardian| market.set_guardian(guardian)),
        ext::setPausedCall::SELECTOR => args
            .u8(0)
            .and_then(|action| market.set_paused(action, args.boolean(1)?)),
        ext::setLiquidationPausedCall::SELECTOR => args
            .boolean(0)
            .and_then(|paused| market.set_liquidation_paused(paused)),
        ext::setLiquidationGracePeriodCall::SELECTOR => args
            .u32(0)
            .and_then(|seconds| market.set_liquidation_grace_period(seconds)),
        ext::setRateModelCall::SELECTOR => args
            .rate_model(0)
            .and_then(|model| market.set_rate_model(model)),
        ext::setReserveFactorCall::SELECTOR => args
            .u64(0)
            .and_then(|factor| market.set_reserve_factor(factor)),
        ext::setCapsCall::SELECTOR => args
            .uint(0)
            .and_then(|supply_cap| market.set_caps(supply_cap, args.uint(1)?)),
        ext::setLiquidationParamsCall::SELECTOR => args
            .liquidation(0)
            .and_then(|params| market.set_liquidation_params(params)),
        ext::setSequencerFeedCall::SELECTOR => args
            .address(0)
            .and_then(|feed| market.set_sequencer_feed(feed, args.u32(1)?)),
        ext::withdrawReservesCall::SELECTOR => args
            .address(0)
            .and_then(|asset| market.withdraw_reserves(asset, args.uint(1)?, args.address(2)?)),
        _ => return None,
    };
    Some(done.map(|()| Vec::new()))
}

fn add_collateral(market: &mut KeelMarket, args: &Args) -> Outcome {
    let (token, risk, cap) = (args.address(0)?, args.risk(1)?, args.uint(4)?);
    let (collateral_feed, base_feed) = (args.feed(5)?, args.feed(9)?);
    let index = market.add_collateral(token, risk, cap, collateral_feed, base_feed)?;
    Ok(words(&[U256::from(index)]))
}

/// `initialize`'s 15 words: three addresses, the rate model (4), the
/// reserve factor, the liquidation parameters (5), the two caps.
fn initialize(market: &mut KeelMarket, args: &Args) -> Result<(), MarketError> {
    let (base_asset, owner, guardian) = (args.address(0)?, args.address(1)?, args.address(2)?);
    let (rate_model, reserve_factor) = (args.rate_model(3)?, args.u64(7)?);
    let (liquidation, supply_cap) = (args.liquidation(8)?, args.uint(13)?);
    market.initialize(
        base_asset,
        owner,
        guardian,
        rate_model,
        reserve_factor,
        liquidation,
        supply_cap,
        args.uint(14)?,
    )
}

/// The views; any other selector is `UnknownSelector`.
fn view(market: &KeelMarket, args: &Args) -> Outcome {
    let word = match args.selector {
        ext::baseAssetCall::SELECTOR => address_word(market.base_asset()),
        ext::ownerCall::SELECTOR => address_word(market.owner()),
        ext::pendingOwnerCall::SELECTOR => address_word(market.pending_owner()),
        ext::guardianCall::SELECTOR => address_word(market.guardian()),
        ext::isPausedCall::SELECTOR => U256::from(market.is_paused(args.u8(0)?)),
        ext::liquidationResumesAtCall::SELECTOR => U256::from(market.liquidation_resumes_at()),
        ext::isOperatorCall::SELECTOR => {
            U256::from(market.is_operator(args.address(0)?, args.address(1)?))
        }
        ext::collateralPriceCall::SELECTOR => market.collateral_price(args.address(0)?)?,
        _ => return tuple_view(market, args),
    };
    Ok(words(&[word]))
}

/// The views that return several values.
fn tuple_view(market: &KeelMarket, args: &Args) -> Outcome {
    let encoded = match args.selector {
        ext::accountSnapshotCall::SELECTOR => {
            let s = market.account_snapshot(args.address(0)?)?;
            let (w, array) = (Returned::Word, Returned::Array);
            tuple(&[
                w(s.0),
                w(s.1),
                w(s.2),
                w(s.3),
                array(&s.4),
                w(s.5),
                w(s.6),
                w(s.7),
                w(s.8),
                array(&s.9),
            ])
        }
        ext::marketSnapshotCall::SELECTOR => {
            let s = market.market_snapshot()?;
            words(&[s.0, s.1, s.2, s.3, s.4, s.5, s.6, s.7, U256::from(s.8)])
        }
        ext::collateralInfoCall::SELECTOR => {
            let i = market.collateral_info(args.address(0)?)?;
            words(&[U256::from(i.0), i.1, i.2, i.3, i.4, i.5, i.6])
        }
        ext::collateralsCall::SELECTOR => {
            let listed = market.collaterals();
            let mut tokens = [U256::ZERO; MAX_COLLATERALS_LEN];
            for (word, token) in tokens.iter_mut().zip(&listed) {
                *word = address_word(*token);
            }
            tuple(&[Returned::Array(
                tokens.get(..listed.len()).unwrap_or_default(),
            )])
        }
        ext::previewLiquidationCall::SELECTOR => {
            let (borrower, token) = (args.address(0)?, args.address(1)?);
            let p = market.preview_liquidation(borrower, token, args.uint(2)?)?;
            words(&[p.0, p.1, p.2, p.3, p.4, p.5, p.6, p.7])
        }
        _ => {
            return Err(MarketError::from(UnknownSelector {
                selector: FixedBytes(args.selector),
            }))
        }
    };
    Ok(encoded)
}

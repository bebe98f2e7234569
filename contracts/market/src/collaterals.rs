//! The collateral registry: which token has which index (0..8), its risk
//! parameters (LTV, liquidation threshold, bonus; WAD in `u64`), its cap, the
//! protocol's reserves of it (liquidation fees) and its price source.
//!
//! Listing validates everything before storing: the token and feeds have
//! code, decimals are read from the chain, the price source yields a valid
//! price now, and `LTV < LT`, `LT x (1 + bonus) < 1`, bonus and fee bounds
//! hold (keel-liquidation's configuration rules). Winding a collateral down
//! is `setCollateralRisk` with LTV 0 (no new borrowing power; existing
//! positions stay liquidatable at their LT) and `setCollateralCap` with 0
//! (no new deposits).

use alloy_primitives::{Address, U256};
use alloy_sol_types::sol;
use keel_liquidation::{validate_collateral_risk, CollateralRiskParams};
use keel_math::{PackedWord, Price, Wad};
use keel_oracle::{
    check_has_code, read_decimals, AnswerBand, FeedConfig, PriceSource, PriceSourceConfig,
};
use keel_storage::{AddressKey, PackedSlot, Word};
use keel_vault::{
    CollateralIndex, CollateralRisk, CollateralTotal, LedgerUpdate, VaultError, VaultStorage,
    MAX_COLLATERALS,
};
use stylus_sdk::prelude::*;

use crate::errors::{
    ensure_nonzero, CollateralAlreadyListed, MarketError, TooManyCollaterals, UnknownCollateral,
};
use crate::KeelMarket;

sol! {
    /// `token` was listed as collateral `index`, priced at `price` (1e36).
    #[derive(Debug, PartialEq, Eq)]
    event CollateralListed(address indexed token, uint8 index, uint256 price);
    /// The risk parameters of `token` changed (WAD).
    #[derive(Debug, PartialEq, Eq)]
    event CollateralRiskSet(address indexed token, uint64 ltv, uint64 liquidationThreshold, uint64 bonus);
    /// The cap on the total of `token` changed (`uint128` max: none).
    #[derive(Debug, PartialEq, Eq)]
    event CollateralCapSet(address indexed token, uint256 cap);
    /// The price source of `token` changed; it now prices at `price` (1e36).
    #[derive(Debug, PartialEq, Eq)]
    event CollateralPriceSourceSet(address indexed token, uint256 price);
}

/// A feed at the ABI: `(feed, heartbeatSeconds, minAnswer, maxAnswer)`; a
/// zero feed means none (base feed only), `minAnswer == maxAnswer == 0`
/// means no band.
pub type FeedInput = (Address, u32, u128, u128);

/// Risk parameters at the ABI: `(ltv, liquidationThreshold, bonus)`, WAD.
pub type RiskInput = (u64, u64, u64);

keel_storage::storage_struct! {
    /// One collateral's configuration (slot map in the crate docs).
    pub struct CollateralConfig {
        // Slot 0: what valuing a position reads (borrow and withdrawCollateral
        // read this slot and the price source only) and the fee reserves a
        // liquidation adds to, so that write is to a slot already non-zero.
        // Slot 1: the token (views, reserves). Each slot one word
        // (`PackedWord`): LTV at byte 0, LT at 8, reserves at 16; the token at
        // 0. The bonus is in the token's listing (slot 70's map), which a
        // liquidation reads anyway.
        risk: Word,
        token: Word,
        price_source: PriceSource,
    }
}

const LTV_AT: usize = 0;
const LIQUIDATION_THRESHOLD_AT: usize = 8;
const RESERVES_AT: usize = 16;
const TOKEN_AT: usize = 0;
/// A listing's bytes (the `token -> listing` map): `index + 1` (0: not
/// listed), whether the collateral has a cap, the liquidation bonus (WAD),
/// the collateral's total over all accounts (token units).
const INDEX_AT: usize = 0;
const CAPPED_AT: usize = 1;
const BONUS_AT: usize = 8;
const TOTAL_AT: usize = 16;

impl CollateralConfig {
    /// `(ltv, liquidation threshold)`: the first slot.
    pub(crate) fn factors(&self) -> (Wad, Wad) {
        let risk = self.risk.word();
        (
            wad(risk.u64_at(LTV_AT)),
            wad(risk.u64_at(LIQUIDATION_THRESHOLD_AT)),
        )
    }

    /// The collateral's token (zero when unlisted).
    fn token(&self) -> Address {
        self.token.word().address_at(TOKEN_AT)
    }

    /// The protocol's fee reserves of this collateral.
    fn reserves(&self) -> u128 {
        self.risk.word().u128_at(RESERVES_AT)
    }

    fn set_reserves(&mut self, reserves: u128) {
        self.risk
            .update_word(|word| word.set_u128(RESERVES_AT, reserves));
    }

    /// The validated oracle price at `now_seconds`.
    pub(crate) fn price(&self, now_seconds: u64) -> Result<Price, MarketError> {
        Ok(self.price_source.price(now_seconds)?)
    }
}

/// A WAD factor stored as `u64` (every factor of the market is at most a
/// few WAD, far below `u64::MAX`).
pub(crate) fn wad(value: u64) -> Wad {
    Wad(U256::from(value))
}

/// The index in `token`'s `listing`, or `UnknownCollateral`.
fn index_in(listing: PackedWord, token: Address) -> Result<CollateralIndex, MarketError> {
    match listing.u8_at(INDEX_AT).checked_sub(1) {
        Some(index) => Ok(CollateralIndex::new(index)?),
        None => Err(MarketError::from(UnknownCollateral { token })),
    }
}

/// Caps above `u128` mean "no cap" (the vault stores `u128`).
pub(crate) fn cap_to_u128(cap: U256) -> u128 {
    u128::try_from(cap).unwrap_or(u128::MAX)
}

fn risk_params(risk: RiskInput) -> CollateralRiskParams {
    CollateralRiskParams {
        ltv: wad(risk.0),
        liquidation_threshold: wad(risk.1),
        bonus: wad(risk.2),
    }
}

impl KeelMarket {
    /// `token`'s listing in the `token -> listing` map (slot 70's): `index +
    /// 1` at byte 0 (0 when not listed), whether a cap bounds the collateral
    /// at 1, the liquidation bonus at 8 and the collateral's total at 16.
    /// The bonus and the total live here rather than in slots of their own
    /// because every operation that needs them reads the listing anyway to
    /// find the index: one cold slot less per liquidation for the bonus, per
    /// supplyCollateral (uncapped), withdrawCollateral and liquidation for the
    /// total.
    fn listing(&self, token: Address) -> PackedWord {
        self.listings.getter(AddressKey(token)).word()
    }

    /// Deposits `amount` of collateral `token` for `account` in the vault and
    /// stores the collateral's new total.
    pub(crate) fn ledger_deposit(
        &mut self,
        token: Address,
        account: Address,
        amount: U256,
    ) -> Result<(), MarketError> {
        self.ledger_update(token, |vault, index, total| {
            vault.deposit(account, index, amount, total)
        })
        .map(|_| ())
    }

    /// Withdraws (or seizes) `amount` of collateral `token` from `account` in
    /// the vault and stores the collateral's new total; returns whether the
    /// account holds any collateral afterwards.
    pub(crate) fn ledger_withdraw(
        &mut self,
        token: Address,
        account: Address,
        amount: U256,
    ) -> Result<bool, MarketError> {
        self.ledger_update(token, |vault, index, total| {
            vault.withdraw(account, index, amount, total.total)
        })
    }

    /// Runs the vault's `change` on collateral `token` with the total and cap
    /// flag of its listing, stores the new total there, and returns whether
    /// the account holds any collateral afterwards. One handle on the
    /// listing: its slot hashed once, read once, written once.
    fn ledger_update(
        &mut self,
        token: Address,
        change: impl FnOnce(
            &mut VaultStorage,
            CollateralIndex,
            CollateralTotal,
        ) -> Result<LedgerUpdate, VaultError>,
    ) -> Result<bool, MarketError> {
        let mut listing = self.listings.setter(AddressKey(token));
        let mut word = listing.word();
        let index = index_in(word, token)?;
        let total = CollateralTotal {
            total: word.u128_at(TOTAL_AT),
            capped: word.u8_at(CAPPED_AT) != 0,
        };
        let update = change(&mut self.vault, index, total)?;
        word.set_u128(TOTAL_AT, update.total);
        listing.set_word(word);
        Ok(update.holds_collateral)
    }

    /// Rewrites part of `token`'s listing (administration).
    fn update_listing(&mut self, token: Address, change: impl FnOnce(&mut PackedWord)) {
        self.listings.setter(AddressKey(token)).update_word(change);
    }

    /// The total of collateral `token` over all accounts, token units.
    pub(crate) fn collateral_total(&self, token: Address) -> u128 {
        self.listing(token).u128_at(TOTAL_AT)
    }

    /// The index of collateral `token`, or `UnknownCollateral`.
    pub(crate) fn collateral_index(&self, token: Address) -> Result<CollateralIndex, MarketError> {
        index_in(self.listing(token), token)
    }

    /// The index and the liquidation bonus of collateral `token`, or
    /// `UnknownCollateral`.
    pub(crate) fn listed(&self, token: Address) -> Result<(CollateralIndex, Wad), MarketError> {
        let listing = self.listing(token);
        Ok((index_in(listing, token)?, wad(listing.u64_at(BONUS_AT))))
    }

    /// The token of collateral `index` (zero when unlisted).
    pub(crate) fn collateral_token(&self, index: CollateralIndex) -> Address {
        self.config(index).token()
    }

    /// The storage handle of collateral `index`'s configuration, at slot
    /// `COLLATERALS + 6 * index` (the slot map). Built from the constant
    /// once per use (it runs the nested `StorageType::new` of the
    /// configuration and its price source); an index is below 8, so every
    /// index has its slots (the SDK's `StorageArray` computed them in 256-bit
    /// arithmetic behind a bounds check).
    pub(crate) fn config(&self, index: CollateralIndex) -> CollateralConfig {
        // Below 22 + 8 * 6: no overflow.
        let slot = crate::slots::COLLATERALS
            .wrapping_add(usize::from(index.get()).wrapping_mul(CollateralConfig::REQUIRED_SLOTS));
        // SAFETY: collateral `index`'s own slots, as the slot map lays them out.
        #[allow(unsafe_code)]
        unsafe {
            crate::field(slot, 0, self.vm())
        }
    }

    /// The validated oracle price of collateral `index` now.
    pub(crate) fn price_of(&self, index: CollateralIndex) -> Result<Price, MarketError> {
        self.config(index).price(self.vm().block_timestamp())
    }

    /// Price, LTV and LT of collateral `index` (reads its oracle).
    pub(crate) fn collateral_risk(
        &self,
        index: CollateralIndex,
    ) -> Result<CollateralRisk, MarketError> {
        let config = self.config(index);
        let (ltv, liquidation_threshold) = config.factors();
        Ok(CollateralRisk {
            price: config.price(self.vm().block_timestamp())?,
            ltv,
            liquidation_threshold,
        })
    }

    /// Adds `amount` of liquidation fees to the reserves of collateral `index`.
    pub(crate) fn add_collateral_reserves(
        &mut self,
        index: CollateralIndex,
        amount: U256,
    ) -> Result<(), MarketError> {
        let mut config = self.config(index);
        let total = keel_math::checked_add(U256::from(config.reserves()), amount)?;
        config.set_reserves(keel_math::to_u128(total)?);
        Ok(())
    }

    /// Removes `amount` from the reserves of collateral `index`; returns false
    /// when the reserves are short.
    pub(crate) fn take_collateral_reserves(
        &mut self,
        index: CollateralIndex,
        amount: U256,
    ) -> bool {
        let mut config = self.config(index);
        let reserves = U256::from(config.reserves());
        if amount > reserves {
            return false;
        }
        config.set_reserves(keel_math::zero_floor_sub(reserves, amount).to::<u128>());
        true
    }

    /// The protocol's reserves of collateral `index`.
    pub(crate) fn collateral_reserves(&self, index: CollateralIndex) -> U256 {
        U256::from(self.config(index).reserves())
    }

    fn feed_config(&self, input: FeedInput) -> Result<Option<FeedConfig>, MarketError> {
        let (feed, heartbeat_seconds, min_answer, max_answer) = input;
        if keel_abi::is_zero_address(feed) {
            return Ok(None);
        }
        let band = (min_answer != 0 || max_answer != 0).then_some(AnswerBand {
            min_answer,
            max_answer,
        });
        // A feed without code would fail the decimals call with the less
        // telling `FeedCallFailed`.
        check_has_code(self.vm(), feed)?;
        let feed_decimals = read_decimals(self.vm(), feed)?;
        Ok(Some(FeedConfig {
            feed,
            feed_decimals,
            heartbeat_seconds,
            band,
        }))
    }

    fn price_source_config(
        &self,
        token: Address,
        collateral_feed: FeedInput,
        base_feed: FeedInput,
    ) -> Result<PriceSourceConfig, MarketError> {
        ensure_nonzero(collateral_feed.0)?;
        let collateral_feed = self
            .feed_config(collateral_feed)?
            .ok_or_else(crate::errors::zero_address)?;
        Ok(PriceSourceConfig {
            collateral_feed,
            base_feed: self.feed_config(base_feed)?,
            collateral_token_decimals: read_decimals(self.vm(), token)?,
            base_token_decimals: read_decimals(self.vm(), self.base_asset())?,
        })
    }

    fn configure_price_source(
        &mut self,
        index: CollateralIndex,
        config: &PriceSourceConfig,
    ) -> Result<Price, MarketError> {
        let now = self.vm().block_timestamp();
        Ok(self.config(index).price_source.configure(config, now)?)
    }

    fn store_risk(&mut self, index: CollateralIndex, risk: RiskInput) -> Result<(), MarketError> {
        validate_collateral_risk(&risk_params(risk))?;
        let mut slot = self.config(index);
        slot.risk.update_word(|word| {
            word.set_u64(LTV_AT, risk.0);
            word.set_u64(LIQUIDATION_THRESHOLD_AT, risk.1);
        });
        let token = slot.token();
        self.update_listing(token, |word| word.set_u64(BONUS_AT, risk.2));
        self.emit(CollateralRiskSet {
            token,
            ltv: risk.0,
            liquidationThreshold: risk.1,
            bonus: risk.2,
        });
        Ok(())
    }

    fn store_cap(&mut self, index: CollateralIndex, token: Address, cap: U256) {
        let cap_total = cap_to_u128(cap);
        self.vault.set_cap_total(index, cap_total);
        // A deposit reads the cap only when this flag says there is one.
        self.update_listing(token, |word| {
            word.set_u8(CAPPED_AT, u8::from(cap_total != u128::MAX));
        });
        self.emit(CollateralCapSet {
            token,
            cap: U256::from(cap_total),
        });
    }

    /// `addCollateral`: lists `token` at the next free index.
    pub(crate) fn list_collateral(
        &mut self,
        token: Address,
        risk: RiskInput,
        cap: U256,
        collateral_feed: FeedInput,
        base_feed: FeedInput,
    ) -> Result<u8, MarketError> {
        self.only_owner()?;
        ensure_nonzero(token)?;
        self.ensure_contract(token)?;
        if token == self.base_asset() || self.listing(token).u8_at(INDEX_AT) != 0 {
            return Err(MarketError::from(CollateralAlreadyListed { token }));
        }
        let count = self.collateral_count();
        if count >= MAX_COLLATERALS {
            return Err(MarketError::from(TooManyCollaterals {}));
        }
        let index = CollateralIndex::new(count)?;
        let config = self.price_source_config(token, collateral_feed, base_feed)?;
        validate_collateral_risk(&risk_params(risk))?;
        let price = self.configure_price_source(index, &config)?;
        self.config(index)
            .token
            .update_word(|word| word.set_address(TOKEN_AT, token));
        // The bonus is written by `store_risk` below.
        self.listings
            .setter(AddressKey(token))
            .set_word(PackedWord::low_byte(count.saturating_add(1)));
        self.update_control(|word| {
            word.set_u8(crate::control::COLLATERAL_COUNT_AT, count.saturating_add(1));
        });
        self.emit(CollateralListed {
            token,
            index: count,
            price: price.0,
        });
        self.store_risk(index, risk)?;
        self.store_cap(index, token, cap);
        Ok(count)
    }

    /// `setCollateralRisk`.
    pub(crate) fn update_collateral_risk(
        &mut self,
        token: Address,
        risk: RiskInput,
    ) -> Result<(), MarketError> {
        self.only_owner()?;
        let index = self.collateral_index(token)?;
        self.store_risk(index, risk)
    }

    /// `setCollateralCap`.
    pub(crate) fn update_collateral_cap(
        &mut self,
        token: Address,
        cap: U256,
    ) -> Result<(), MarketError> {
        self.only_owner()?;
        let index = self.collateral_index(token)?;
        self.store_cap(index, token, cap);
        Ok(())
    }

    /// `setCollateralPriceSource`.
    pub(crate) fn update_price_source(
        &mut self,
        token: Address,
        collateral_feed: FeedInput,
        base_feed: FeedInput,
    ) -> Result<(), MarketError> {
        self.only_owner()?;
        let index = self.collateral_index(token)?;
        let config = self.price_source_config(token, collateral_feed, base_feed)?;
        let price = self.configure_price_source(index, &config)?;
        self.emit(CollateralPriceSourceSet {
            token,
            price: price.0,
        });
        Ok(())
    }
}

//! `MockErc20`: a standard ERC-20 with mint, whose transfers can be switched
//! to misbehave the ways real tokens do.

use alloc::string::String;
use alloc::vec::Vec;

use alloy_primitives::{aliases::U16, aliases::U8, Address, Bytes, U256};
use stylus_sdk::call::call;
use stylus_sdk::prelude::*;
use stylus_sdk::storage::{StorageAddress, StorageBool, StorageBytes, StorageU16, StorageU8};

use crate::abi::{InvalidFailureMode, InvalidFee};
use crate::ledger::{invalid_receiver, revert_data, transfer_refused, Erc20Ledger, TokenError};

/// Basis points in one whole.
const BPS: u64 = 10_000;

/// How `transfer` and `transferFrom` fail when the token is told to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[repr(u8)]
pub enum FailureMode {
    /// Transfers behave normally (and revert with ERC-6093 errors when they cannot happen).
    None = 0,
    /// Every transfer returns `false` and moves nothing.
    ReturnFalse = 1,
    /// Every transfer reverts with `TransferRefused()`.
    Revert = 2,
}

impl FailureMode {
    fn from_u8(mode: u8) -> Option<Self> {
        [Self::None, Self::ReturnFalse, Self::Revert]
            .into_iter()
            .find(|known| *known as u8 == mode)
    }
}

/// Standard ERC-20 with mint and test switches: failure mode, a fee burnt on
/// every transfer, and a one-shot hook that calls out during a transfer.
#[storage]
#[cfg_attr(feature = "erc20", entrypoint)]
pub struct MockErc20 {
    ledger: Erc20Ledger,
    // The switches a plain transfer reads share one slot (1 + 2 + 1 + 20
    // bytes), so the mock costs about what a standard ERC-20 costs in
    // `keel gas`: one cold load more, not three.
    failure_mode: StorageU8,
    fee_bps: StorageU16,
    hook_armed: StorageBool,
    hook_target: StorageAddress,
    hook_data: StorageBytes,
}

crate::top_level_without_entrypoint!(MockErc20, "erc20");

#[public]
impl MockErc20 {
    /// Sets name, symbol and decimals.
    #[constructor]
    pub fn constructor(&mut self, name: String, symbol: String, decimals: u8) {
        self.ledger.init(name, symbol, decimals);
    }

    /// The token name.
    pub fn name(&self) -> String {
        self.ledger.name()
    }

    /// The token symbol.
    pub fn symbol(&self) -> String {
        self.ledger.symbol()
    }

    /// Decimals of the smallest unit.
    pub fn decimals(&self) -> u8 {
        self.ledger.decimals()
    }

    /// Tokens in existence.
    pub fn total_supply(&self) -> U256 {
        self.ledger.total_supply()
    }

    /// Tokens held by `account`.
    pub fn balance_of(&self, account: Address) -> U256 {
        self.ledger.balance_of(account)
    }

    /// Tokens `spender` may move for `owner`.
    pub fn allowance(&self, owner: Address, spender: Address) -> U256 {
        self.ledger.allowance(owner, spender)
    }

    /// Lets `spender` move `amount` of the caller's tokens.
    pub fn approve(&mut self, spender: Address, amount: U256) -> bool {
        let owner = self.vm().msg_sender();
        self.ledger.approve(owner, spender, amount);
        true
    }

    /// Moves `amount` from the caller to `to`, subject to the test switches.
    pub fn transfer(&mut self, to: Address, amount: U256) -> Result<bool, Vec<u8>> {
        let from = self.vm().msg_sender();
        self.transfer_with_switches(None, from, to, amount)
    }

    /// Moves `amount` from `from` to `to` using the caller's allowance,
    /// subject to the test switches.
    pub fn transfer_from(
        &mut self,
        from: Address,
        to: Address,
        amount: U256,
    ) -> Result<bool, Vec<u8>> {
        let spender = self.vm().msg_sender();
        self.transfer_with_switches(Some(spender), from, to, amount)
    }

    /// Creates `amount` tokens for `to`. Open to anyone (test-only).
    pub fn mint(&mut self, to: Address, amount: U256) -> Result<(), TokenError> {
        self.ledger.mint(to, amount)
    }

    /// Sets the [`FailureMode`] (0, 1 or 2).
    pub fn set_failure_mode(&mut self, mode: u8) -> Result<(), TokenError> {
        if FailureMode::from_u8(mode).is_none() {
            return Err(TokenError::InvalidFailureMode(InvalidFailureMode { mode }));
        }
        self.failure_mode.set(U8::from(mode));
        Ok(())
    }

    /// The current [`FailureMode`] as its number.
    pub fn failure_mode(&self) -> u8 {
        self.failure_mode.get().to()
    }

    /// Burns `fee_bps` / 10,000 of every transfer (rounded down) from the sender.
    pub fn set_fee_bps(&mut self, fee_bps: U256) -> Result<(), TokenError> {
        if fee_bps > U256::from(BPS) {
            return Err(TokenError::InvalidFee(InvalidFee { feeBps: fee_bps }));
        }
        self.fee_bps.set(U16::from(fee_bps.to::<u16>()));
        Ok(())
    }

    /// The transfer fee in basis points.
    pub fn fee_bps(&self) -> U256 {
        U256::from(self.fee_bps.get().to::<u16>())
    }

    /// Arms a one-shot hook: the next `transfer` or `transferFrom` first calls
    /// `target` (the token's caller when zero) with `data`, bubbling a revert.
    pub fn set_transfer_hook(&mut self, target: Address, data: Bytes) {
        self.hook_armed.set(true);
        self.hook_target.set(target);
        self.hook_data.set_bytes(data);
    }
}

impl MockErc20 {
    fn transfer_with_switches(
        &mut self,
        spender: Option<Address>,
        from: Address,
        to: Address,
        amount: U256,
    ) -> Result<bool, Vec<u8>> {
        self.run_transfer_hook()?;
        match FailureMode::from_u8(self.failure_mode()) {
            Some(FailureMode::ReturnFalse) => return Ok(false),
            Some(FailureMode::Revert) => return Err(revert_data(transfer_refused())),
            _ => {}
        }
        self.move_with_fee(spender, from, to, amount)
            .map_err(revert_data)?;
        Ok(true)
    }

    fn move_with_fee(
        &mut self,
        spender: Option<Address>,
        from: Address,
        to: Address,
        amount: U256,
    ) -> Result<(), TokenError> {
        if to.is_zero() {
            return Err(invalid_receiver(to));
        }
        if let Some(spender) = spender {
            self.ledger.spend_allowance(from, spender, amount)?;
        }
        self.ledger.require_balance(from, amount)?;
        let fee = fee_of(amount, self.fee_bps());
        let received = amount.saturating_sub(fee);
        self.ledger.move_tokens(from, to, received)?;
        if !fee.is_zero() {
            self.ledger.move_tokens(from, Address::ZERO, fee)?;
        }
        Ok(())
    }

    /// Fires the armed hook once: disarmed before the call, so a re-entrant
    /// transfer does not fire it again.
    fn run_transfer_hook(&mut self) -> Result<(), Vec<u8>> {
        if !self.hook_armed.get() {
            return Ok(());
        }
        self.hook_armed.set(false);
        let configured = self.hook_target.get();
        let target = if configured.is_zero() {
            self.vm().msg_sender()
        } else {
            configured
        };
        let data = self.hook_data.get_bytes();
        let vm = self.vm().clone();
        call(&vm, Call::new_mutating(self), target, &data)
            .map(|_| ())
            .map_err(Vec::from)
    }
}

/// `amount * fee_bps / 10,000` rounded down, exact for every `amount`: with
/// `amount = q * 10,000 + r` and `fee_bps <= 10,000`, `q * fee_bps <= amount`
/// and `r * fee_bps < 10,000^2`, so the saturating operations never saturate.
fn fee_of(amount: U256, fee_bps: U256) -> U256 {
    let bps = U256::from(BPS);
    let (whole, rest) = amount.div_rem(bps);
    let (rest_fee, _) = rest.saturating_mul(fee_bps).div_rem(bps);
    whole.saturating_mul(fee_bps).saturating_add(rest_fee)
}

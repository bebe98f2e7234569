//! `NoReturnErc20`: a USDT-style token whose `transfer`, `transferFrom` and
//! `approve` return no data (and revert when they cannot happen).

use alloc::string::String;

use alloy_primitives::{Address, U256};
use stylus_sdk::prelude::*;

use crate::ledger::{invalid_receiver, Erc20Ledger, TokenError};

/// ERC-20 without return values on its mutating functions.
#[storage]
#[cfg_attr(feature = "erc20-no-return", entrypoint)]
pub struct NoReturnErc20 {
    ledger: Erc20Ledger,
}

crate::top_level_without_entrypoint!(NoReturnErc20, "erc20-no-return");

#[public]
impl NoReturnErc20 {
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

    /// Lets `spender` move `amount` of the caller's tokens; returns nothing.
    pub fn approve(&mut self, spender: Address, amount: U256) {
        let owner = self.vm().msg_sender();
        self.ledger.approve(owner, spender, amount);
    }

    /// Moves `amount` from the caller to `to`; returns nothing.
    pub fn transfer(&mut self, to: Address, amount: U256) -> Result<(), TokenError> {
        let from = self.vm().msg_sender();
        self.checked_move(from, to, amount)
    }

    /// Moves `amount` from `from` to `to` with the caller's allowance; returns nothing.
    pub fn transfer_from(
        &mut self,
        from: Address,
        to: Address,
        amount: U256,
    ) -> Result<(), TokenError> {
        let spender = self.vm().msg_sender();
        self.ledger.spend_allowance(from, spender, amount)?;
        self.checked_move(from, to, amount)
    }

    /// Creates `amount` tokens for `to`. Open to anyone (test-only).
    pub fn mint(&mut self, to: Address, amount: U256) -> Result<(), TokenError> {
        self.ledger.mint(to, amount)
    }
}

impl NoReturnErc20 {
    fn checked_move(&mut self, from: Address, to: Address, amount: U256) -> Result<(), TokenError> {
        if to.is_zero() {
            return Err(invalid_receiver(to));
        }
        self.ledger.move_tokens(from, to, amount)
    }
}

//! The ERC-20 balance book shared by the token mocks, with checked arithmetic.

use alloc::string::String;
use alloc::vec::Vec;

use alloy_primitives::{Address, U256};
use stylus_sdk::prelude::*;
use stylus_sdk::storage::{StorageMap, StorageString, StorageU256, StorageU8};

use crate::abi::{
    Approval, ERC20InsufficientAllowance, ERC20InsufficientBalance, ERC20InvalidReceiver,
    InvalidFailureMode, InvalidFee, SupplyOverflow, Transfer, TransferRefused,
};

/// Errors of the token mocks.
#[derive(SolidityError, Debug, PartialEq, Eq)]
pub enum TokenError {
    /// See [`ERC20InsufficientBalance`].
    InsufficientBalance(ERC20InsufficientBalance),
    /// See [`ERC20InsufficientAllowance`].
    InsufficientAllowance(ERC20InsufficientAllowance),
    /// See [`ERC20InvalidReceiver`].
    InvalidReceiver(ERC20InvalidReceiver),
    /// See [`TransferRefused`].
    TransferRefused(TransferRefused),
    /// See [`SupplyOverflow`].
    SupplyOverflow(SupplyOverflow),
    /// See [`InvalidFee`].
    InvalidFee(InvalidFee),
    /// See [`InvalidFailureMode`].
    InvalidFailureMode(InvalidFailureMode),
}

/// Metadata, balances, allowances and supply of an ERC-20.
#[storage]
pub struct Erc20Ledger {
    name: StorageString,
    symbol: StorageString,
    decimals: StorageU8,
    total_supply: StorageU256,
    balances: StorageMap<Address, StorageU256>,
    allowances: StorageMap<Address, StorageMap<Address, StorageU256>>,
}

impl Erc20Ledger {
    /// Sets the metadata (constructor).
    pub fn init(&mut self, name: String, symbol: String, decimals: u8) {
        self.name.set_str(name);
        self.symbol.set_str(symbol);
        self.decimals
            .set(alloy_primitives::aliases::U8::from(decimals));
    }

    /// The token name.
    pub fn name(&self) -> String {
        self.name.get_string()
    }

    /// The token symbol.
    pub fn symbol(&self) -> String {
        self.symbol.get_string()
    }

    /// Decimals of the smallest unit.
    pub fn decimals(&self) -> u8 {
        self.decimals.get().to()
    }

    /// Tokens in existence.
    pub fn total_supply(&self) -> U256 {
        self.total_supply.get()
    }

    /// Tokens held by `account`.
    pub fn balance_of(&self, account: Address) -> U256 {
        self.balances.get(account)
    }

    /// Tokens `spender` may move for `owner`.
    pub fn allowance(&self, owner: Address, spender: Address) -> U256 {
        self.allowances.getter(owner).get(spender)
    }

    /// Sets an allowance and emits `Approval`.
    pub fn approve(&mut self, owner: Address, spender: Address, amount: U256) {
        self.allowances.setter(owner).insert(spender, amount);
        self.vm().log(Approval {
            owner,
            spender,
            value: amount,
        });
    }

    /// Uses `amount` of `spender`'s allowance from `owner`; the maximum
    /// allowance is infinite and never decreases.
    pub fn spend_allowance(
        &mut self,
        owner: Address,
        spender: Address,
        amount: U256,
    ) -> Result<(), TokenError> {
        let allowance = self.allowance(owner, spender);
        if allowance == U256::MAX {
            return Ok(());
        }
        let remaining = allowance
            .checked_sub(amount)
            .ok_or(TokenError::InsufficientAllowance(
                ERC20InsufficientAllowance {
                    spender,
                    allowance,
                    needed: amount,
                },
            ))?;
        self.allowances.setter(owner).insert(spender, remaining);
        Ok(())
    }

    /// Fails unless `account` holds at least `amount`.
    pub fn require_balance(&self, account: Address, amount: U256) -> Result<U256, TokenError> {
        let balance = self.balance_of(account);
        balance
            .checked_sub(amount)
            .ok_or(TokenError::InsufficientBalance(ERC20InsufficientBalance {
                sender: account,
                balance,
                needed: amount,
            }))
    }

    /// Moves tokens and emits `Transfer`; `to` = 0 burns them.
    pub fn move_tokens(
        &mut self,
        from: Address,
        to: Address,
        amount: U256,
    ) -> Result<(), TokenError> {
        let remaining = self.require_balance(from, amount)?;
        self.balances.insert(from, remaining);
        if to.is_zero() {
            // Cannot underflow: the supply is the sum of all balances.
            let supply = self.total_supply.get().saturating_sub(amount);
            self.total_supply.set(supply);
        } else {
            // Cannot overflow: the sum of all balances is the supply.
            let credited = self.balance_of(to).saturating_add(amount);
            self.balances.insert(to, credited);
        }
        self.vm().log(Transfer {
            from,
            to,
            value: amount,
        });
        Ok(())
    }

    /// Creates `amount` tokens for `to` and emits `Transfer` from zero.
    pub fn mint(&mut self, to: Address, amount: U256) -> Result<(), TokenError> {
        if to.is_zero() {
            return Err(invalid_receiver(to));
        }
        let supply = self
            .total_supply
            .get()
            .checked_add(amount)
            .ok_or(TokenError::SupplyOverflow(SupplyOverflow {}))?;
        self.total_supply.set(supply);
        // Cannot overflow: the balance is at most the supply.
        let balance = self.balance_of(to).saturating_add(amount);
        self.balances.insert(to, balance);
        self.vm().log(Transfer {
            from: Address::ZERO,
            to,
            value: amount,
        });
        Ok(())
    }
}

/// `ERC20InvalidReceiver(receiver)`.
pub fn invalid_receiver(receiver: Address) -> TokenError {
    TokenError::InvalidReceiver(ERC20InvalidReceiver { receiver })
}

/// `TransferRefused()`.
pub fn transfer_refused() -> TokenError {
    TokenError::TransferRefused(TransferRefused {})
}

/// Encodes a token error as revert data.
pub fn revert_data(error: TokenError) -> Vec<u8> {
    error.into()
}

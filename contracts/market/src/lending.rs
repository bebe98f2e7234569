//! Lenders' and borrowers' operations (docs/DESIGN.md section 5).
//!
//! Every operation takes the reentrancy lock, writes all state, and only
//! then moves tokens: a token that calls back finds the lock held and the
//! books final. Those that move base assets (supply, withdraw, borrow,
//! repay) and `withdrawCollateral` accrue interest first; `supplyCollateral`
//! and `setOperator` touch no base-asset total and do not accrue. Supply, repay and supplyCollateral may be done
//! for anyone; withdraw, withdrawCollateral and borrow need the caller to be
//! the account or one of its operators.

use alloy_primitives::{Address, U256};
use alloy_sol_types::sol;
use keel_debt::{Accrual, Quantity, Step};
use keel_math::PackedWord;
use keel_storage::{AddressKey, PackedSlot};
use keel_vault::{borrow_power_down, check_within_ltv};
use stylus_sdk::prelude::*;

use crate::control;
use crate::errors::{ensure_nonzero, MarketError, Unauthorized};
use crate::roles::Action;
use crate::KeelMarket;

sol! {
    /// Interest accrued: `interest` added to borrows, `toReserves` of it to reserves.
    #[derive(Debug, PartialEq, Eq)]
    event AccrueInterest(uint256 borrowRatePerSecond, uint256 interest, uint256 toReserves);
    /// `caller` supplied `assets` for `onBehalf`, minting `shares`.
    #[derive(Debug, PartialEq, Eq)]
    event Supply(address indexed caller, address indexed onBehalf, uint256 assets, uint256 shares);
    /// `caller` withdrew `assets` of `onBehalf` to `receiver`, burning `shares`.
    #[derive(Debug, PartialEq, Eq)]
    event Withdraw(address caller, address indexed onBehalf, address indexed receiver, uint256 assets, uint256 shares);
    /// `caller` borrowed `assets` for `onBehalf` to `receiver`, booking `shares`.
    #[derive(Debug, PartialEq, Eq)]
    event Borrow(address caller, address indexed onBehalf, address indexed receiver, uint256 assets, uint256 shares);
    /// `caller` repaid `assets` of the debt of `onBehalf`, burning `shares`.
    #[derive(Debug, PartialEq, Eq)]
    event Repay(address indexed caller, address indexed onBehalf, uint256 assets, uint256 shares);
    /// `caller` deposited `amount` of collateral `token` for `onBehalf`.
    #[derive(Debug, PartialEq, Eq)]
    event SupplyCollateral(address indexed caller, address indexed onBehalf, address indexed token, uint256 amount);
    /// `caller` withdrew `amount` of collateral `token` of `onBehalf` to `receiver`.
    #[derive(Debug, PartialEq, Eq)]
    event WithdrawCollateral(address caller, address indexed onBehalf, address receiver, address indexed token, uint256 amount);
    /// `owner` allowed or disallowed `operator` to act for it.
    #[derive(Debug, PartialEq, Eq)]
    event SetOperator(address indexed owner, address indexed operator, bool approved);
}

impl KeelMarket {
    /// Accrues interest to the current block and logs it.
    pub(crate) fn accrue(&mut self) -> Result<Accrual, MarketError> {
        let now = self.vm().block_timestamp();
        let accrual = self.debt.accrue(now)?;
        if accrual.interest != 0 {
            self.emit(AccrueInterest {
                borrowRatePerSecond: accrual.borrow_rate_per_second.0,
                interest: U256::from(accrual.interest),
                toReserves: U256::from(accrual.to_reserves),
            });
        }
        Ok(accrual)
    }

    /// Fails with `Unauthorized` unless the caller is `account` or its operator.
    pub(crate) fn ensure_authorized(&self, account: Address) -> Result<(), MarketError> {
        let caller = self.vm().msg_sender();
        if caller == account || self.is_operator(account, caller) {
            return Ok(());
        }
        Err(MarketError::from(Unauthorized { caller }))
    }

    /// Fails with `LtvExceeded` (or an oracle error) when the debt of
    /// `account` (rounded up) exceeds its borrow power (rounded down).
    pub(crate) fn ensure_within_ltv(&self, account: Address) -> Result<(), MarketError> {
        let debt_up = self.debt.debt_assets_up(account)?;
        if keel_math::is_zero(debt_up) {
            return Ok(());
        }
        let snapshot = self.vault.snapshot(account);
        let power = borrow_power_down(&snapshot, |index| self.collateral_risk(index))?;
        Ok(check_within_ltv(power, debt_up)?)
    }

    /// Blocks new borrows and collateral withdrawals while the L2 sequencer
    /// is down or recovering (docs/DESIGN.md section 7).
    fn ensure_sequencer_up(&self) -> Result<(), MarketError> {
        if self.control().u8_at(control::HAS_SEQUENCER_FEED_AT) == 0 {
            return Ok(());
        }
        Ok(self
            .sequencer
            .check_borrow_allowed(self.vm().block_timestamp())?)
    }

    pub(crate) fn do_supply(
        &mut self,
        assets: U256,
        on_behalf: Address,
    ) -> Result<Step, MarketError> {
        self.ensure_active(Action::Supply)?;
        ensure_nonzero(on_behalf)?;
        self.accrue()?;
        let step = self.debt.supply(on_behalf, assets)?;
        let caller = self.vm().msg_sender();
        self.pull_tokens(self.base_asset(), caller, U256::from(step.assets))?;
        self.emit(Supply {
            caller,
            onBehalf: on_behalf,
            assets: U256::from(step.assets),
            shares: U256::from(step.shares),
        });
        Ok(step)
    }

    pub(crate) fn do_withdraw(
        &mut self,
        quantity: Quantity,
        on_behalf: Address,
        receiver: Address,
    ) -> Result<Step, MarketError> {
        self.ensure_active(Action::Withdraw)?;
        self.ensure_authorized(on_behalf)?;
        ensure_nonzero(receiver)?;
        self.accrue()?;
        let step = self.debt.withdraw(on_behalf, quantity)?;
        self.push_tokens(self.base_asset(), receiver, U256::from(step.assets))?;
        self.emit(Withdraw {
            caller: self.vm().msg_sender(),
            onBehalf: on_behalf,
            receiver,
            assets: U256::from(step.assets),
            shares: U256::from(step.shares),
        });
        Ok(step)
    }

    pub(crate) fn do_borrow(
        &mut self,
        assets: U256,
        on_behalf: Address,
        receiver: Address,
    ) -> Result<Step, MarketError> {
        self.ensure_active(Action::Borrow)?;
        self.ensure_authorized(on_behalf)?;
        ensure_nonzero(receiver)?;
        self.ensure_sequencer_up()?;
        self.accrue()?;
        let step = self.debt.borrow(on_behalf, assets)?;
        self.ensure_within_ltv(on_behalf)?;
        self.push_tokens(self.base_asset(), receiver, U256::from(step.assets))?;
        self.emit(Borrow {
            caller: self.vm().msg_sender(),
            onBehalf: on_behalf,
            receiver,
            assets: U256::from(step.assets),
            shares: U256::from(step.shares),
        });
        Ok(step)
    }

    /// Repay is never paused and never checks the sequencer.
    pub(crate) fn do_repay(
        &mut self,
        quantity: Quantity,
        on_behalf: Address,
    ) -> Result<Step, MarketError> {
        ensure_nonzero(on_behalf)?;
        self.accrue()?;
        let step = self.debt.repay(on_behalf, quantity)?;
        let caller = self.vm().msg_sender();
        self.pull_tokens(self.base_asset(), caller, U256::from(step.assets))?;
        self.emit(Repay {
            caller,
            onBehalf: on_behalf,
            assets: U256::from(step.assets),
            shares: U256::from(step.shares),
        });
        Ok(step)
    }

    pub(crate) fn do_supply_collateral(
        &mut self,
        token: Address,
        amount: U256,
        on_behalf: Address,
    ) -> Result<(), MarketError> {
        self.ensure_active(Action::SupplyCollateral)?;
        ensure_nonzero(on_behalf)?;
        self.ledger_deposit(token, on_behalf, amount)?;
        let caller = self.vm().msg_sender();
        self.pull_tokens(token, caller, amount)?;
        self.emit(SupplyCollateral {
            caller,
            onBehalf: on_behalf,
            token,
            amount,
        });
        Ok(())
    }

    pub(crate) fn do_withdraw_collateral(
        &mut self,
        token: Address,
        amount: U256,
        on_behalf: Address,
        receiver: Address,
    ) -> Result<(), MarketError> {
        self.ensure_active(Action::WithdrawCollateral)?;
        self.ensure_authorized(on_behalf)?;
        ensure_nonzero(receiver)?;
        self.ledger_withdraw(token, on_behalf, amount)?;
        // Without debt no price is involved, so the sequencer does not matter.
        if self.debt.account(on_behalf).borrow != 0 {
            self.ensure_sequencer_up()?;
        }
        self.accrue()?;
        self.ensure_within_ltv(on_behalf)?;
        self.push_tokens(token, receiver, amount)?;
        self.emit(WithdrawCollateral {
            caller: self.vm().msg_sender(),
            onBehalf: on_behalf,
            receiver,
            token,
            amount,
        });
        Ok(())
    }

    pub(crate) fn do_set_operator(
        &mut self,
        operator: Address,
        approved: bool,
    ) -> Result<(), MarketError> {
        ensure_nonzero(operator)?;
        let owner = self.vm().msg_sender();
        self.operators
            .setter(AddressKey(owner))
            .setter(AddressKey(operator))
            .set_word(PackedWord::low_byte(u8::from(approved)));
        self.emit(SetOperator {
            owner,
            operator,
            approved,
        });
        Ok(())
    }
}

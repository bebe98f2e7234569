//! The market's events as compiled types: the list the ABI is built from.
//! Adding an event to `keel_market::events` means adding it here; `keel abi`
//! fails while an event declared in a market program's sources is missing.

use alloy_sol_types::{SolEvent, TopicList};
use keel_market::events;

/// What the compiled alloy type says about one event.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct TypedEvent {
    /// The event's name.
    pub name: &'static str,
    /// `SolEvent::SIGNATURE`, e.g. `Supply(address,address,uint256,uint256)`.
    pub signature: &'static str,
    /// Indexed parameters (topics beyond the signature hash).
    pub indexed: usize,
    /// Whether the event is anonymous (no signature topic).
    pub anonymous: bool,
}

impl TypedEvent {
    /// The facts of event type `E`, called `name`.
    pub fn of<E: SolEvent>(name: &'static str) -> Self {
        let topics = <E::TopicList as TopicList>::COUNT;
        let indexed = if E::ANONYMOUS {
            topics
        } else {
            topics.saturating_sub(1)
        };
        Self {
            name,
            signature: E::SIGNATURE,
            indexed,
            anonymous: E::ANONYMOUS,
        }
    }
}

macro_rules! typed_events {
    ($($event:ident),* $(,)?) => {
        vec![$(TypedEvent::of::<events::$event>(stringify!($event))),*]
    };
}

/// Every event of `keel_market::events`.
pub fn market_events() -> Vec<TypedEvent> {
    typed_events![
        CapsSet,
        RateModelSet,
        ReserveFactorSet,
        ReservesWithdrawn,
        SequencerFeedSet,
        CollateralCapSet,
        CollateralListed,
        CollateralPriceSourceSet,
        CollateralRiskSet,
        AccrueInterest,
        Borrow,
        Repay,
        SetOperator,
        Supply,
        SupplyCollateral,
        Withdraw,
        WithdrawCollateral,
        BadDebt,
        Liquidate,
        LiquidationParamsSet,
        OwnershipTransferStarted,
        OwnershipTransferred,
        GuardianSet,
        LiquidationGracePeriodSet,
        LiquidationPauseSet,
        PauseSet,
    ]
}

//! A compact log encoder for the market's [`events`](crate::events).
//!
//! Every market event has only static fields, so its log is topic 0 (the
//! event's signature hash), one topic per indexed field and one 32-byte data
//! word per other field. The SDK's `log` instantiates alloy's generic topic
//! and data encoders once per event type (about 470 bytes of wasm each, 26
//! events); here each event lists its fields once in the table below and
//! one shared routine lays out the words. A test checks every event against
//! alloy's encoding, and the struct literal it builds fails to compile when
//! the table misses a field.

use crate::KeelMarket;
use keel_abi::AbiWord;
use stylus_sdk::prelude::*;

/// Most words in a market log: Liquidate's four topics and five data words.
const MAX_WORDS: usize = 9;

/// A log's words, topics first, ready for the `emit_log` hostio.
pub(crate) struct LogWords {
    words: [[u8; 32]; MAX_WORDS],
    len: usize,
    topics: usize,
}

impl LogWords {
    /// Lays out topic 0 (the signature hash, big-endian limbs `h0..h3`),
    /// `topics` then `data`. Words beyond [`MAX_WORDS`] are dropped (no
    /// market event has that many; the table's test proves it).
    ///
    /// The hash comes as four scalar arguments: at the call site they are
    /// immediates in the code, which only the uncached start-up pays for
    /// (0.13 gas per byte). A 32-byte constant, or a tuple or array of
    /// limbs (passed by reference), would sit in static data and cost 24
    /// gas on every call, cached or not.
    #[inline(never)]
    fn new(h0: u64, h1: u64, h2: u64, h3: u64, topics: &[[u8; 32]], data: &[[u8; 32]]) -> Self {
        let mut hash = [0u8; 32];
        for (bytes, limb) in hash.as_chunks_mut::<8>().0.iter_mut().zip([h0, h1, h2, h3]) {
            *bytes = limb.to_be_bytes();
        }
        let mut words = [[0u8; 32]; MAX_WORDS];
        let len = words
            .iter_mut()
            .zip(core::iter::once(&hash).chain(topics).chain(data))
            .map(|(slot, word)| *slot = *word)
            .count();
        Self {
            words,
            len,
            topics: topics.len().saturating_add(1),
        }
    }

    /// The topics followed by the data, as `emit_log` takes them.
    pub(crate) fn bytes(&self) -> &[u8] {
        self.words
            .get(..self.len)
            .unwrap_or_default()
            .as_flattened()
    }
}

/// The big-endian 64-bit limbs of a 32-byte hash, split at compile time.
const fn limbs(hash: [u8; 32]) -> [u64; 4] {
    let mut limbs = [0u64; 4];
    let mut i = 0;
    while i < 32 {
        limbs[i / 8] = (limbs[i / 8] << 8) | hash[i] as u64;
        i = i.wrapping_add(1);
    }
    limbs
}

/// An event the market emits, with the layout of its log.
pub(crate) trait MarketEvent {
    /// The event's topics and data words.
    fn log_words(&self) -> LogWords;
}

impl KeelMarket {
    /// Emits `event` (alloy's encoding, without its generic encoder).
    pub(crate) fn emit<E: MarketEvent>(&self, event: E) {
        emit_log(self.vm(), &event.log_words());
    }
}

/// The `emit_log` hostio on `log`: one copy in the program instead of one in
/// each event's instantiation of [`KeelMarket::emit`].
#[inline(never)]
fn emit_log(vm: &stylus_sdk::host::VM, log: &LogWords) {
    vm.emit_log(log.bytes(), log.topics);
}

/// Implements [`MarketEvent`] from `Event { topics: [indexed fields], data:
/// [other fields] }` rows, each list in the event's declaration order.
macro_rules! market_events {
    ($($event:ident { topics: [$($topic:ident),*], data: [$($data:ident),*] }),* $(,)?) => {
        $(impl MarketEvent for crate::events::$event {
            fn log_words(&self) -> LogWords {
                use alloy_sol_types::SolEvent;
                const H: [u64; 4] = limbs(<crate::events::$event as SolEvent>::SIGNATURE_HASH.0);
                LogWords::new(
                    H[0], H[1], H[2], H[3],
                    &[$(self.$topic.word()),*],
                    &[$(self.$data.word()),*],
                )
            }
        })*

        /// One value of every event, with distinct non-zero fields: its
        /// name, its words and alloy's encoding.
        #[cfg(test)]
        fn every_event() -> alloc::vec::Vec<(&'static str, LogWords, alloy_primitives::LogData)> {
            use alloy_sol_types::SolEvent;
            use keel_abi::sample::Sample;
            alloc::vec![$({
                let event = crate::events::$event {
                    $($topic: Sample::sample(stringify!($topic)),)*
                    $($data: Sample::sample(stringify!($data)),)*
                };
                (stringify!($event), event.log_words(), event.encode_log_data())
            }),*]
        }
    };
}

market_events! {
    AccrueInterest { topics: [], data: [borrowRatePerSecond, interest, toReserves] },
    Supply { topics: [caller, onBehalf], data: [assets, shares] },
    Withdraw { topics: [onBehalf, receiver], data: [caller, assets, shares] },
    Borrow { topics: [onBehalf, receiver], data: [caller, assets, shares] },
    Repay { topics: [caller, onBehalf], data: [assets, shares] },
    SupplyCollateral { topics: [caller, onBehalf, token], data: [amount] },
    WithdrawCollateral { topics: [onBehalf, token], data: [caller, receiver, amount] },
    SetOperator { topics: [owner, operator], data: [approved] },
    Liquidate {
        topics: [liquidator, borrower, collateral],
        data: [receiver, repaidAssets, repaidShares, seizedCollateral, protocolFee]
    },
    BadDebt { topics: [borrower], data: [assets, shares, fromReserves, fromSuppliers] },
    LiquidationParamsSet {
        topics: [],
        data: [closeFactor, fullLiquidationHf, liquidationFee, minPartialLiquidationValue, dustThreshold]
    },
    RateModelSet {
        topics: [],
        data: [baseRatePerSecond, slopeBelowOptimalPerSecond, slopeAboveOptimalPerSecond, optimalUtilisation]
    },
    ReserveFactorSet { topics: [], data: [reserveFactor] },
    CapsSet { topics: [], data: [supplyCap, borrowCap] },
    SequencerFeedSet { topics: [], data: [feed, gracePeriodSeconds] },
    ReservesWithdrawn { topics: [asset, to], data: [amount] },
    CollateralListed { topics: [token], data: [index, price] },
    CollateralRiskSet { topics: [token], data: [ltv, liquidationThreshold, bonus] },
    CollateralCapSet { topics: [token], data: [cap] },
    CollateralPriceSourceSet { topics: [token], data: [price] },
    OwnershipTransferStarted { topics: [previousOwner, newOwner], data: [] },
    OwnershipTransferred { topics: [previousOwner, newOwner], data: [] },
    GuardianSet { topics: [guardian], data: [] },
    PauseSet { topics: [action], data: [paused] },
    LiquidationPauseSet { topics: [], data: [paused, resumesAt] },
    LiquidationGracePeriodSet { topics: [], data: [gracePeriodSeconds] },
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_event_logs_as_alloy_does() {
        let all = every_event();
        assert_eq!(all.len(), 26);
        for (name, words, expected) in all {
            let topics: alloc::vec::Vec<u8> = expected.topics().iter().flat_map(|t| t.0).collect();
            assert_eq!(words.topics, expected.topics().len(), "{name}");
            assert_eq!(
                words.bytes(),
                [topics, expected.data.to_vec()].concat(),
                "{name}"
            );
        }
    }

    #[test]
    fn words_beyond_the_buffer_are_dropped_not_a_panic() {
        let ten = [[7u8; 32]; 10];
        let log = LogWords::new(1, 2, 3, 4, &ten[..3], &ten[3..]);
        assert_eq!(log.bytes().len(), MAX_WORDS * 32);
        assert_eq!(log.topics, 4);
    }
}

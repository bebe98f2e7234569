//! The feed mocks: Chainlink aggregator and L2 sequencer uptime feed.

use alloy_primitives::{aliases::U80, I256, U256};
use keel_devnet::{assert_revert, native, Devnet};
use keel_mocks::abi::{
    AggregatorConstructor, AggregatorV3Interface, IMockAggregator, IMockSequencerUptimeFeed,
    NoDataPresent,
};
use keel_mocks::{MockAggregator, MockSequencerUptimeFeed};

use crate::alice;

fn price(value: i64) -> I256 {
    I256::try_from(value).unwrap()
}

#[test]
fn the_aggregator_reports_settable_rounds() {
    let mut devnet = Devnet::new();
    let args = AggregatorConstructor::constructorCall {
        decimals: 8,
        description: "ETH / USD".into(),
        answer: price(300_000_000_000),
    };
    let feed = devnet
        .deploy_with(alice(), native::<MockAggregator>(), &args)
        .unwrap();
    let deployed_at = U256::from(devnet.timestamp());
    assert_eq!(
        devnet
            .view(feed, &AggregatorV3Interface::decimalsCall {})
            .unwrap(),
        8
    );
    assert_eq!(
        devnet
            .view(feed, &AggregatorV3Interface::descriptionCall {})
            .unwrap(),
        "ETH / USD"
    );
    assert_eq!(
        devnet
            .view(feed, &AggregatorV3Interface::versionCall {})
            .unwrap(),
        U256::from(4)
    );

    let round = devnet
        .view(feed, &AggregatorV3Interface::latestRoundDataCall {})
        .unwrap();
    assert_eq!(
        (round.roundId, round.answer, round.updatedAt),
        (U80::from(1), price(300_000_000_000), deployed_at)
    );

    devnet.advance_time(60);
    devnet
        .call(
            alice(),
            feed,
            &IMockAggregator::setAnswerCall { answer: price(-1) },
        )
        .unwrap();
    let round = devnet
        .view(feed, &AggregatorV3Interface::latestRoundDataCall {})
        .unwrap();
    let now = deployed_at + U256::from(60);
    assert_eq!(
        (
            round.roundId,
            round.answer,
            round.startedAt,
            round.updatedAt,
            round.answeredInRound
        ),
        (U80::from(2), price(-1), now, now, U80::from(2))
    );

    let stale = IMockAggregator::setRoundDataCall {
        roundId: U80::from(7),
        answer: price(5),
        startedAt: U256::ZERO,
        updatedAt: U256::ZERO,
        answeredInRound: U80::from(6),
    };
    devnet.call(alice(), feed, &stale).unwrap();
    let round = devnet
        .view(
            feed,
            &AggregatorV3Interface::getRoundDataCall {
                roundId: U80::from(7),
            },
        )
        .unwrap();
    assert_eq!(
        (round.answer, round.updatedAt, round.answeredInRound),
        (price(5), U256::ZERO, U80::from(6))
    );
    let old = devnet.view(
        feed,
        &AggregatorV3Interface::getRoundDataCall {
            roundId: U80::from(2),
        },
    );
    assert_revert(
        old,
        &NoDataPresent {
            roundId: U80::from(2),
        },
    );

    devnet
        .call(
            alice(),
            feed,
            &IMockAggregator::setDecimalsCall { decimals: 18 },
        )
        .unwrap();
    assert_eq!(
        devnet
            .view(feed, &AggregatorV3Interface::decimalsCall {})
            .unwrap(),
        18
    );
}

#[test]
fn the_sequencer_feed_starts_uninitialised_and_reports_status_changes() {
    let mut devnet = Devnet::new();
    let feed = devnet.deploy(alice(), native::<MockSequencerUptimeFeed>());
    let fresh = devnet
        .view(feed, &AggregatorV3Interface::latestRoundDataCall {})
        .unwrap();
    assert_eq!(
        (fresh.roundId, fresh.answer, fresh.startedAt),
        (U80::ZERO, I256::ZERO, U256::ZERO)
    );
    assert_eq!(
        devnet
            .view(feed, &AggregatorV3Interface::decimalsCall {})
            .unwrap(),
        0
    );

    let went_down = U256::from(devnet.timestamp() - 30);
    devnet
        .call(
            alice(),
            feed,
            &IMockSequencerUptimeFeed::setStatusCall {
                isDown: true,
                startedAt: went_down,
            },
        )
        .unwrap();
    let down = devnet
        .view(feed, &AggregatorV3Interface::latestRoundDataCall {})
        .unwrap();
    assert_eq!(
        (down.roundId, down.answer, down.startedAt),
        (U80::from(1), I256::ONE, went_down)
    );
    assert_eq!(down.updatedAt, U256::from(devnet.timestamp()));

    devnet
        .call(
            alice(),
            feed,
            &IMockSequencerUptimeFeed::setStatusCall {
                isDown: false,
                startedAt: U256::from(devnet.timestamp()),
            },
        )
        .unwrap();
    let up = devnet
        .view(feed, &AggregatorV3Interface::latestRoundDataCall {})
        .unwrap();
    assert_eq!((up.roundId, up.answer), (U80::from(2), I256::ZERO));
}

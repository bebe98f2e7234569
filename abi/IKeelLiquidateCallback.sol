// SPDX-License-Identifier: MIT OR Apache-2.0
pragma solidity ^0.8.0;

/// What a flash liquidator implements. `IKeelMarket.liquidate` with non-empty
/// `data` sends the seized collateral to the receiver, then calls
/// `onKeelLiquidate` on its caller, then takes `repaidAssets` of the base
/// asset from the caller (approve the market before returning). The market is
/// locked during the callback: calling it from there reverts. Written by hand;
/// scripts/solc-check.js compiles it and checks its selector against the
/// market's `IKeelLiquidateCallback` (contracts/market/src/liquidate.rs).
interface IKeelLiquidateCallback {
    function onKeelLiquidate(uint256 repaidAssets, bytes calldata data) external;
}

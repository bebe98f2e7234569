//! The Solidity interfaces of the mocks: call types for tests and callers
//! (`alloy_sol_types::SolCall`), constructor argument types
//! (`SolConstructor`), and the events and errors the mocks emit.

use alloy_sol_types::sol;

sol! {
    /// Emitted when tokens move, including mint (`from` = 0) and the burnt fee (`to` = 0).
    #[derive(Debug, PartialEq, Eq)]
    event Transfer(address indexed from, address indexed to, uint256 value);
    /// Emitted when an allowance is set.
    #[derive(Debug, PartialEq, Eq)]
    event Approval(address indexed owner, address indexed spender, uint256 value);

    /// `sender` holds `balance`, less than the `needed` amount (ERC-6093).
    #[derive(Debug, PartialEq, Eq)]
    error ERC20InsufficientBalance(address sender, uint256 balance, uint256 needed);
    /// `spender` may move `allowance`, less than the `needed` amount (ERC-6093).
    #[derive(Debug, PartialEq, Eq)]
    error ERC20InsufficientAllowance(address spender, uint256 allowance, uint256 needed);
    /// Tokens cannot be sent to `receiver` (the zero address) (ERC-6093).
    #[derive(Debug, PartialEq, Eq)]
    error ERC20InvalidReceiver(address receiver);
    /// The token is in failure mode `REVERT`: every transfer reverts.
    #[derive(Debug, PartialEq, Eq)]
    error TransferRefused();
    /// Minting would overflow the total supply.
    #[derive(Debug, PartialEq, Eq)]
    error SupplyOverflow();
    /// A transfer fee above 10,000 basis points.
    #[derive(Debug, PartialEq, Eq)]
    error InvalidFee(uint256 feeBps);
    /// A failure mode other than 0, 1 or 2.
    #[derive(Debug, PartialEq, Eq)]
    error InvalidFailureMode(uint8 mode);
    /// A round id that is not the latest round.
    #[derive(Debug, PartialEq, Eq)]
    error NoDataPresent(uint80 roundId);
    /// A feed mock was given an answer beyond `int192` or a time beyond 64 bits.
    #[derive(Debug, PartialEq, Eq)]
    error RoundValueOutOfRange();

    /// The pool was asked about a token it does not hold.
    #[derive(Debug, PartialEq, Eq)]
    error PoolUnknownToken(address token);
    /// A swap would pay less than the caller's minimum.
    #[derive(Debug, PartialEq, Eq)]
    error PoolInsufficientOutput(uint256 amountOut, uint256 minAmountOut);
    /// A token transfer into or out of the pool failed.
    #[derive(Debug, PartialEq, Eq)]
    error PoolTransferFailed(address token);
    /// Pool arithmetic overflowed 256 bits.
    #[derive(Debug, PartialEq, Eq)]
    error PoolMathOverflow();

    /// Constructor of both token mocks.
    contract TokenConstructor {
        constructor(string name, string symbol, uint8 decimals);
    }

    /// The standard ERC-20 surface, with the `bool` returns of EIP-20.
    interface IERC20 {
        function name() external view returns (string);
        function symbol() external view returns (string);
        function decimals() external view returns (uint8);
        function totalSupply() external view returns (uint256);
        function balanceOf(address account) external view returns (uint256);
        function allowance(address owner, address spender) external view returns (uint256);
        function transfer(address to, uint256 amount) external returns (bool);
        function transferFrom(address from, address to, uint256 amount) external returns (bool);
        function approve(address spender, uint256 amount) external returns (bool);
    }

    /// The USDT-style surface of `NoReturnErc20`: the same selectors, no return data.
    interface IERC20NoReturn {
        function transfer(address to, uint256 amount) external;
        function transferFrom(address from, address to, uint256 amount) external;
        function approve(address spender, uint256 amount) external;
    }

    /// Test controls of the token mocks (anyone may call them).
    interface IMockErc20 {
        /// Creates `amount` tokens for `to` (both token mocks).
        function mint(address to, uint256 amount) external;
        /// 0 = normal, 1 = transfers return false and move nothing,
        /// 2 = transfers revert with `TransferRefused`.
        function setFailureMode(uint8 mode) external;
        function failureMode() external view returns (uint8);
        /// Burns `feeBps` / 10,000 of every transfer (rounded down).
        function setFeeBps(uint256 feeBps) external;
        function feeBps() external view returns (uint256);
        /// Arms a one-shot hook: the next transfer or transferFrom first calls
        /// `target` (the token's caller when zero) with `data`, and bubbles its revert.
        function setTransferHook(address target, bytes data) external;
    }

    /// Chainlink's `AggregatorV3Interface`.
    interface AggregatorV3Interface {
        function decimals() external view returns (uint8);
        function description() external view returns (string);
        function version() external view returns (uint256);
        function getRoundData(uint80 roundId) external view returns (
            uint80 roundId, int256 answer, uint256 startedAt, uint256 updatedAt, uint80 answeredInRound
        );
        function latestRoundData() external view returns (
            uint80 roundId, int256 answer, uint256 startedAt, uint256 updatedAt, uint80 answeredInRound
        );
    }

    /// Constructor of `MockAggregator`; round 1 starts at deployment.
    contract AggregatorConstructor {
        constructor(uint8 decimals, string description, int256 answer);
    }

    /// Test controls of `MockAggregator`.
    interface IMockAggregator {
        /// Starts the next round with `answer`, started and updated now.
        function setAnswer(int256 answer) external;
        /// Overwrites the latest round with arbitrary values (stale, future, zero...).
        function setRoundData(uint80 roundId, int256 answer, uint256 startedAt, uint256 updatedAt, uint80 answeredInRound) external;
        function setDecimals(uint8 decimals) external;
    }

    /// Test controls of `MockSequencerUptimeFeed` (an `AggregatorV3Interface`
    /// with 0 decimals whose answer is 0 when the sequencer is up, 1 when down).
    interface IMockSequencerUptimeFeed {
        /// Starts the next round: answer 1 if `isDown` else 0, `startedAt` as the
        /// time the status began, updated now.
        function setStatus(bool isDown, uint256 startedAt) external;
    }

    /// Constructor of `MockConstantProductPool`.
    contract PoolConstructor {
        constructor(address token0, address token1, uint256 feeBps);
    }

    /// `MockConstantProductPool`: an `x * y = k` pool with a fee in basis points.
    interface IConstantProductPool {
        function getReserves() external view returns (uint256, uint256);
        function getAmountOut(address tokenIn, uint256 amountIn) external view returns (uint256);
        function addLiquidity(uint256 amount0, uint256 amount1) external;
        function swap(address tokenIn, uint256 amountIn, uint256 minAmountOut, address to) external returns (uint256);
    }

    /// `onKeelLiquidate` came from another caller than the market.
    #[derive(Debug, PartialEq, Eq)]
    error CallbackNotFromMarket(address caller);
    /// A call of the flash liquidator to `target` reverted.
    #[derive(Debug, PartialEq, Eq)]
    error FlashCallFailed(address target);
    /// `MockFlashLiquidator.liquidate` was called by another account than its deployer.
    #[derive(Debug, PartialEq, Eq)]
    error NotFlashLiquidatorOwner(address caller);

    /// Constructor of `MockFlashLiquidator`.
    contract FlashLiquidatorConstructor {
        constructor(address market);
    }

    /// `MockFlashLiquidator`.
    interface IMockFlashLiquidator {
        function liquidate(address borrower, address collateral, uint256 maxRepayAssets, address pool, uint256 minSaleAssets)
            external returns (uint256, uint256);
        function onKeelLiquidate(uint256 repaidAssets, bytes data) external;
    }

    /// The two market entry points the flash liquidator calls (the mocks do
    /// not depend on the market's crates).
    interface IKeelFlashMarket {
        function baseAsset() external view returns (address);
        function liquidate(address borrower, address token, uint256 maxRepayAssets, address receiver, bytes data)
            external returns (uint256, uint256);
    }
}

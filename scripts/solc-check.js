// Compiles abi/IKeelMarket.sol with solc-js and checks that the interface
// solc sees is abi/KeelMarket.json: the same functions (signature, inputs'
// and outputs' types, state mutability), events (with indexed markers) and
// errors. Solidity integrators import the .sol; dapps and keel-bindings read
// the JSON; this keeps them one ABI.
//
// Usage: node scripts/solc-check.js <solc module dir>   (from the repository root)
// scripts/setup.sh installs the pinned solc-js; scripts/test.sh runs this.
"use strict";

const fs = require("fs");
const path = require("path");

const solc = require(path.resolve(process.argv[2]));
const SOL = "abi/IKeelMarket.sol";
const JSON_ABI = "abi/KeelMarket.json";
// The flash liquidator's callback, written by hand: its one function must be
// the signature the market calls (a unit test of keel-market's liquidate.rs
// pins the same string on the Rust side).
const CALLBACK_SOL = "abi/IKeelLiquidateCallback.sol";
const CALLBACK_SIGNATURE = "onKeelLiquidate(uint256,bytes)";

const input = {
  language: "Solidity",
  sources: {
    "IKeelMarket.sol": { content: fs.readFileSync(SOL, "utf8") },
    "IKeelLiquidateCallback.sol": { content: fs.readFileSync(CALLBACK_SOL, "utf8") },
  },
  settings: { outputSelection: { "*": { "*": ["abi", "evm.methodIdentifiers"] } } },
};
const output = JSON.parse(solc.compile(JSON.stringify(input)));
const diagnostics = output.errors || [];
for (const d of diagnostics) {
  console.error(d.formattedMessage || d.message);
}
if (diagnostics.some((d) => d.severity === "error")) {
  console.error(`solc ${solc.version()} does not compile ${SOL}`);
  process.exit(1);
}
const contract = output.contracts["IKeelMarket.sol"].IKeelMarket;
const callback = output.contracts["IKeelLiquidateCallback.sol"].IKeelLiquidateCallback;
const callbackSignatures = Object.keys(callback.evm.methodIdentifiers);
if (callbackSignatures.join() !== CALLBACK_SIGNATURE) {
  console.error(`${CALLBACK_SOL} declares ${callbackSignatures}, expected ${CALLBACK_SIGNATURE}`);
  process.exit(1);
}

// Canonical type: tuples expanded to their component types.
function type(param) {
  if (param.type.startsWith("tuple")) {
    const suffix = param.type.slice("tuple".length);
    return `(${param.components.map(type).join(",")})${suffix}`;
  }
  return param.type;
}

function describe(item) {
  const inputs = (item.inputs || [])
    .map((p) => (p.indexed ? `${type(p)} indexed` : type(p)))
    .join(",");
  const outputs = (item.outputs || []).map(type).join(",");
  const mutability = item.stateMutability || "";
  return `${item.type} ${item.name || ""}(${inputs}) ${mutability} -> (${outputs})`;
}

function items(abi) {
  return abi
    .filter((item) => ["function", "event", "error"].includes(item.type))
    .map(describe)
    .sort();
}

const fromSolc = items(contract.abi);
const fromJson = items(JSON.parse(fs.readFileSync(JSON_ABI, "utf8")));
const onlySolc = fromSolc.filter((x) => !fromJson.includes(x));
const onlyJson = fromJson.filter((x) => !fromSolc.includes(x));
if (onlySolc.length || onlyJson.length) {
  for (const x of onlySolc) console.error(`only in ${SOL}: ${x}`);
  for (const x of onlyJson) console.error(`only in ${JSON_ABI}: ${x}`);
  process.exit(1);
}
const warnings = diagnostics.length;
console.log(
  `solc ${solc.version()} compiles ${SOL}: ${fromSolc.length} items, ` +
    `the same as ${JSON_ABI}, and ${CALLBACK_SOL} ` +
    `(${warnings} warning${warnings === 1 ? "" : "s"})`
);

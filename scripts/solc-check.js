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

const input = {
  language: "Solidity",
  sources: { "IKeelMarket.sol": { content: fs.readFileSync(SOL, "utf8") } },
  settings: { outputSelection: { "*": { "*": ["abi"] } } },
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
    `the same as ${JSON_ABI} (${warnings} warning${warnings === 1 ? "" : "s"})`
);

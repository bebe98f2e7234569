// A script in another language against `keel node`, through viem (the
// TypeScript client dapps use): the chain id, a mock token's symbol and
// decimals read with eth_call, and, given a key, a `mint` signed by viem
// (EIP-1559, its gas estimated and its fees asked from the node) and
// confirmed by its receipt. Prints one JSON line.
//
// Usage: node scripts/node-rpc.mjs URL TOKEN_ADDRESS
//   KEEL_PRIVATE_KEY=0x... (optional) also mints 1 token to the key's account
//   KEEL_VIEM_DIR (optional) the npm prefix viem is installed in; default: the copy
//   scripts/setup.sh installs from scripts/js (target/tools/viem-VERSION)
import { createRequire } from 'node:module';
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const [url, token] = process.argv.slice(2);
if (!url || !token) {
  console.error('usage: node scripts/node-rpc.mjs URL TOKEN_ADDRESS');
  process.exit(2);
}

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const pinned = JSON.parse(readFileSync(join(root, 'scripts/js/package.json'))).dependencies.viem;
const viemDir = process.env.KEEL_VIEM_DIR ?? join(root, `target/tools/viem-${pinned}`);
const require = createRequire(join(viemDir, 'package.json'));
const { createPublicClient, createWalletClient, defineChain, http, parseAbi } = require('viem');
const { privateKeyToAccount } = require('viem/accounts');

const erc20 = parseAbi([
  'function symbol() view returns (string)',
  'function decimals() view returns (uint8)',
  'function balanceOf(address) view returns (uint256)',
  'function mint(address to, uint256 amount)',
]);
const transport = http(url);
const probe = createPublicClient({ transport });
const chain = defineChain({
  id: await probe.getChainId(),
  name: 'keel node',
  nativeCurrency: { name: 'Ether', symbol: 'ETH', decimals: 18 },
  rpcUrls: { default: { http: [url] } },
});
const client = createPublicClient({ chain, transport });
const read = (functionName, args = []) =>
  client.readContract({ address: token, abi: erc20, functionName, args });
const symbol = await read('symbol');
const decimals = await read('decimals');
const out = { chainId: chain.id, symbol, decimals };

if (process.env.KEEL_PRIVATE_KEY) {
  const account = privateKeyToAccount(process.env.KEEL_PRIVATE_KEY);
  const wallet = createWalletClient({ account, chain, transport });
  const before = await read('balanceOf', [account.address]);
  const amount = 10n ** BigInt(decimals);
  const hash = await wallet.writeContract({
    address: token,
    abi: erc20,
    functionName: 'mint',
    args: [account.address, amount],
  });
  const receipt = await client.waitForTransactionReceipt({ hash, pollingInterval: 50 });
  const after = await read('balanceOf', [account.address]);
  out.mint = { status: receipt.status, minted: (after - before).toString() };
}
console.log(JSON.stringify(out));

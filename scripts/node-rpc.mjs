// A script in another language against `keel node`, with nothing but
// Node's fetch: the chain id, and a mock token's symbol and decimals read
// with eth_call, printed as one JSON line. viem or ethers do the same with
// `http(URL)` / `new JsonRpcProvider(URL)`.
//
// Usage: node scripts/node-rpc.mjs http://127.0.0.1:8547 TOKEN_ADDRESS
const [url, token] = process.argv.slice(2);
if (!url || !token) {
  console.error('usage: node scripts/node-rpc.mjs URL TOKEN_ADDRESS');
  process.exit(2);
}

async function rpc(method, params = []) {
  const response = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ jsonrpc: '2.0', id: 1, method, params }),
  });
  const body = await response.json();
  if (body.error) throw new Error(`${method}: ${body.error.message}`);
  return body.result;
}

// ABI: a dynamic string is an offset word, a length word, then the bytes.
function decodeString(hex) {
  const words = hex.slice(2);
  const length = parseInt(words.slice(64, 128), 16);
  return Buffer.from(words.slice(128, 128 + 2 * length), 'hex').toString();
}

const SYMBOL = '0x95d89b41'; // symbol()
const DECIMALS = '0x313ce567'; // decimals()
const chainId = BigInt(await rpc('eth_chainId')).toString();
const symbol = decodeString(await rpc('eth_call', [{ to: token, data: SYMBOL }, 'latest']));
const decimals = Number(BigInt(await rpc('eth_call', [{ to: token, data: DECIMALS }, 'latest'])));
console.log(JSON.stringify({ chainId, symbol, decimals }));

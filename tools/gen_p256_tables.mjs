// Prints the two tables of src/ec_p256_wasm.c, affine points of P-256
// (FIPS 186-4 D.1.2.3), x and y as eight little-endian 32-bit words each:
//   G_COMB: for idx = 1..15 the sum over the set bits k of idx of
//           2^(64 k) G (mulgen's comb);
//   G_ODD:  G, 3G, 5G, ..., 15G (muladd's width-5 NAF).
//   node tools/gen_p256_tables.mjs
const p = 2n ** 256n - 2n ** 224n + 2n ** 192n + 2n ** 96n - 1n;
const G = [0x6b17d1f2e12c4247f8bce6e563a440f277037d812deb33a0f4a13945d898c296n,
  0x4fe342e2fe1a7f9b8ee7eb4a7c0f9e162bce33576b315ececbb6406837bf51f5n];
const mod = (a) => ((a % p) + p) % p;
function inv(a) {
  let r = 1n, b = mod(a), e = p - 2n;
  for (; e > 0n; e >>= 1n, b = b * b % p) if (e & 1n) r = r * b % p;
  return r;
}
function add(P, Q) {
  if (P === null) return Q;
  if (Q === null) return P;
  let l;
  if (P[0] === Q[0]) {
    if (mod(P[1] + Q[1]) === 0n) return null;
    l = mod(3n * P[0] * P[0] - 3n) * inv(2n * P[1]) % p;
  } else {
    l = mod(Q[1] - P[1]) * inv(Q[0] - P[0]) % p;
  }
  const x = mod(l * l - P[0] - Q[0]);
  return [x, mod(l * (P[0] - x) - P[1])];
}
function mul(k, P) {
  let R = null;
  for (let i = 255; i >= 0; i--) {
    R = add(R, R);
    if ((k >> BigInt(i)) & 1n) R = add(R, P);
  }
  return R;
}
const words = (v) => Array.from({ length: 8 }, (_, i) =>
  '0x' + ((v >> BigInt(32 * i)) & 0xffffffffn).toString(16).toUpperCase().padStart(8, '0'));
const entry = (k) => {
  const [x, y] = mul(k, G);
  return `\t{ { ${words(x).slice(0, 4).join(', ')},\n\t    ${words(x).slice(4).join(', ')} },\n` +
    `\t  { ${words(y).slice(0, 4).join(', ')},\n\t    ${words(y).slice(4).join(', ')} } },`;
};
const comb = [];
for (let idx = 1; idx < 16; idx++) {
  let k = 0n;
  for (let b = 0; b < 4; b++) if ((idx >> b) & 1) k += 1n << BigInt(64 * b);
  comb.push(entry(k));
}
const odd = [];
for (let k = 1n; k < 16n; k += 2n) odd.push(entry(k));
console.log(`G_COMB:\n${comb.join('\n')}\nG_ODD:\n${odd.join('\n')}`);

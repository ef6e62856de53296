// A direct BigInt transcription of Redis 7.2's d2string + fpconv_dtoa (uint64_t as BigInt
// masked to 64 bits). Slow (microseconds per call) but easy to check against the C line by
// line; the production code in src/protocol/resp/double.ts is tested against it.

const U64 = (1n << 64n) - 1n;
const FRAC_MASK = 0x000f_ffff_ffff_ffffn;
const HIDDEN_BIT = 0x0010_0000_0000_0000n;
const EXP_BIAS = 1023 + 52;
const N_POWERS = 87;
const STEP_POWERS = 8;
const FIRST_POWER = -348;
const EXP_MAX = -32;
const EXP_MIN = -60;
/** (double)(LLONG_MAX/2): double2ll's range. */
const LL_HALF = 4611686018427387904;

interface Fp {
  frac: bigint;
  exp: number;
}

/**
 * The cached powers of ten 10^(-348 + 8i), i < 87, as 64-bit normalised fractions rounded to
 * nearest with a binary exponent: the table in fpconv_powers.h, computed instead of copied.
 */
export const POWERS_TEN: readonly Fp[] = (() => {
  const table: Fp[] = [];
  for (let i = 0; i < N_POWERS; i++) {
    const k = FIRST_POWER + i * STEP_POWERS;
    let num = k >= 0 ? 10n ** BigInt(k) : 1n;
    let den = k >= 0 ? 1n : 10n ** BigInt(-k);
    // Scale num/den into [2^63, 2^64) by a power of two, then round to nearest.
    let e = 0;
    while (num < den << 63n) {
      num <<= 1n;
      e--;
    }
    while (num >= den << 64n) {
      den <<= 1n;
      e++;
    }
    let frac = num / den;
    if ((num % den) * 2n >= den) frac++;
    table.push({ frac, exp: e });
  }
  return table;
})();

const TENS: bigint[] = [];
for (let i = 19; i >= 0; i--) TENS.push(10n ** BigInt(i));

const f64 = new Float64Array(1);
const u64 = new BigUint64Array(f64.buffer);

function multiply(a: Fp, b: Fp): Fp {
  // fpconv rounds the 128-bit product's high half by adding 2^31 into the middle partial
  // sum; that equals adding 2^63 to the full product.
  return { frac: (a.frac * b.frac + (1n << 63n)) >> 64n, exp: a.exp + b.exp + 64 };
}

function cachedPow10(exp: number): { fp: Fp; k: number } {
  const approx = Math.trunc(-(exp + N_POWERS) * 0.30102999566398114);
  let idx = Math.trunc((approx - FIRST_POWER) / STEP_POWERS);
  for (;;) {
    const current = exp + POWERS_TEN[idx].exp + 64;
    if (current < EXP_MIN) idx++;
    else if (current > EXP_MAX) idx--;
    else return { fp: POWERS_TEN[idx], k: FIRST_POWER + idx * STEP_POWERS };
  }
}

function roundDigit(digits: number[], n: number, delta: bigint, rem: bigint, kappa: bigint, frac: bigint): void {
  while (
    rem < frac &&
    delta - rem >= kappa &&
    (((rem + kappa) & U64) < frac || frac - rem > ((rem + kappa - frac) & U64))
  ) {
    digits[n - 1]--;
    rem = (rem + kappa) & U64;
  }
}

/** grisu2's second result: the decimal exponent K, with |d| ~ digits * 10^K. */
let decimalExp = 0;

/** Grisu2: fills the digits of |d| (finite, non-zero), sets decimalExp, returns the digit count. */
function grisu2(d: number, digits: number[]): number {
  f64[0] = d;
  const bits = u64[0];
  let wFrac = bits & FRAC_MASK;
  let wExp = Number((bits >> 52n) & 0x7ffn);
  if (wExp !== 0) {
    wFrac += HIDDEN_BIT;
    wExp -= EXP_BIAS;
  } else {
    wExp = -EXP_BIAS + 1;
  }
  // Boundaries m+ and m-, normalised to upper's exponent.
  let uFrac = (wFrac << 1n) + 1n;
  let uExp = wExp - 1;
  while ((uFrac & (HIDDEN_BIT << 1n)) === 0n) {
    uFrac <<= 1n;
    uExp--;
  }
  uFrac = (uFrac << 10n) & U64;
  uExp -= 10;
  const lShift = wFrac === HIDDEN_BIT ? 2 : 1;
  let lFrac = (wFrac << BigInt(lShift)) - 1n;
  const lExp = wExp - lShift;
  lFrac = (lFrac << BigInt(lExp - uExp)) & U64;
  // Normalise w.
  while ((wFrac & HIDDEN_BIT) === 0n) {
    wFrac <<= 1n;
    wExp--;
  }
  wFrac <<= 11n;
  wExp -= 11;

  const { fp: cp, k } = cachedPow10(uExp);
  const w = multiply({ frac: wFrac, exp: wExp }, cp);
  const upper = multiply({ frac: uFrac, exp: uExp }, cp);
  const lower = multiply({ frac: lFrac, exp: uExp }, cp);
  lower.frac++;
  upper.frac--;
  let K = -k;

  // generate_digits
  const wfrac = (upper.frac - w.frac) & U64;
  let delta = (upper.frac - lower.frac) & U64;
  const shift = BigInt(-upper.exp);
  const one = 1n << shift;
  let part1 = upper.frac >> shift;
  let part2 = upper.frac & (one - 1n);
  let n = 0;
  let kappa = 10;
  for (let t = 10; kappa > 0; t++) {
    const div = TENS[t];
    const digit = part1 / div;
    if (digit !== 0n || n !== 0) digits[n++] = Number(digit);
    part1 -= digit * div;
    kappa--;
    const tmp = ((part1 << shift) + part2) & U64;
    if (tmp <= delta) {
      K += kappa;
      roundDigit(digits, n, delta, tmp, (div << shift) & U64, wfrac);
      decimalExp = K;
      return n;
    }
  }
  let unit = 18;
  for (;;) {
    part2 = (part2 * 10n) & U64;
    delta = (delta * 10n) & U64;
    kappa--;
    const digit = part2 >> shift;
    if (digit !== 0n || n !== 0) digits[n++] = Number(digit);
    part2 &= one - 1n;
    if (part2 < delta) {
      K += kappa;
      roundDigit(digits, n, delta, part2, one, (wfrac * TENS[unit]) & U64);
      decimalExp = K;
      return n;
    }
    unit--;
  }
}

const digitsScratch: number[] = new Array(24).fill(0);

/** emit_digits: lay out digits * 10^K as fpconv does. Writes ASCII to dst[pos...]; returns the new pos. */
function emitDigits(digits: number[], ndigits: number, dst: Uint8Array, pos: number, K: number, neg: boolean): number {
  let exp = Math.abs(K + ndigits - 1);
  if (K >= 0 && exp < ndigits + 7) {
    for (let i = 0; i < ndigits; i++) dst[pos++] = 48 + digits[i];
    for (let i = 0; i < K; i++) dst[pos++] = 48;
    return pos;
  }
  if (K < 0 && (K > -7 || exp < 4)) {
    let offset = ndigits - Math.abs(K);
    if (offset <= 0) {
      offset = -offset;
      dst[pos++] = 48;
      dst[pos++] = 46;
      for (let i = 0; i < offset; i++) dst[pos++] = 48;
      for (let i = 0; i < ndigits; i++) dst[pos++] = 48 + digits[i];
      return pos;
    }
    for (let i = 0; i < offset; i++) dst[pos++] = 48 + digits[i];
    dst[pos++] = 46;
    for (let i = offset; i < ndigits; i++) dst[pos++] = 48 + digits[i];
    return pos;
  }
  ndigits = Math.min(ndigits, 18 - (neg ? 1 : 0));
  dst[pos++] = 48 + digits[0];
  if (ndigits > 1) {
    dst[pos++] = 46;
    for (let i = 1; i < ndigits; i++) dst[pos++] = 48 + digits[i];
  }
  dst[pos++] = 101; // 'e'
  dst[pos++] = K + ndigits - 1 < 0 ? 45 : 43;
  let cent = 0;
  if (exp > 99) {
    cent = Math.trunc(exp / 100);
    dst[pos++] = 48 + cent;
    exp -= cent * 100;
  }
  if (exp > 9) {
    const dec = Math.trunc(exp / 10);
    dst[pos++] = 48 + dec;
    exp -= dec * 10;
  } else if (cent !== 0) {
    dst[pos++] = 48;
  }
  dst[pos++] = 48 + (exp % 10);
  return pos;
}

/** The most bytes writeDouble writes. */
export const MAX_DOUBLE_CHARS = 32;

function writeInteger(dst: Uint8Array, pos: number, v: number): number {
  if (v < 0) {
    dst[pos++] = 45;
    v = -v;
  }
  // |v| <= 2^62: beyond 2^53 every double is an integer, exactly printable by BigInt.
  if (v > Number.MAX_SAFE_INTEGER) {
    const s = BigInt(v).toString();
    for (let i = 0; i < s.length; i++) dst[pos++] = s.charCodeAt(i);
    return pos;
  }
  let digits = 1;
  for (let t = v; t >= 10; t = Math.floor(t / 10)) digits++;
  let q = pos + digits;
  const end = q;
  while (v >= 10) {
    const next = Math.floor(v / 10);
    dst[--q] = 48 + (v - next * 10);
    v = next;
  }
  dst[--q] = 48 + v;
  return end;
}

/** d2string into dst[pos...] (needs MAX_DOUBLE_CHARS bytes of room); returns the new pos. */
export function writeDouble(dst: Uint8Array, pos: number, d: number): number {
  if (d !== d) {
    dst[pos] = 110;
    dst[pos + 1] = 97;
    dst[pos + 2] = 110;
    return pos + 3;
  }
  if (d === 0) {
    if (1 / d < 0) dst[pos++] = 45;
    dst[pos] = 48;
    return pos + 1;
  }
  if (d >= -LL_HALF && d <= LL_HALF && Math.trunc(d) === d) return writeInteger(dst, pos, d);
  if (d === Infinity || d === -Infinity) {
    if (d < 0) dst[pos++] = 45;
    dst[pos] = 105;
    dst[pos + 1] = 110;
    dst[pos + 2] = 102;
    return pos + 3;
  }
  const neg = d < 0;
  if (neg) dst[pos++] = 45;
  const n = grisu2(neg ? -d : d, digitsScratch);
  return emitDigits(digitsScratch, n, dst, pos, decimalExp, neg);
}

const textBuf = new Uint8Array(MAX_DOUBLE_CHARS);

export function referenceFormatDouble(d: number): string {
  const end = writeDouble(textBuf, 0, d);
  return String.fromCharCode.apply(null, textBuf.subarray(0, end) as unknown as number[]);
}

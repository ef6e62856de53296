// Redis 7.2's text for a double (util.c d2string): "nan", "inf", "-inf", "0", "-0"; an
// integral value within +/-2^62 as integer digits (double2ll + ll2string); anything else
// through fpconv_dtoa, a Grisu2 conversion with its own layout (1e+20, 1.234e-5, 0.000001,
// 1e-7). JavaScript's String(n) is not a substitute: Grisu2 is not always shortest (Redis
// prints 6.42923 as 6.4292299999999996, about 0.1% of short decimals differ) and lays out
// exponents differently. So Grisu2 is reproduced here step for step. Its uint64_t values
// are held as two uint32 halves in plain numbers (hi, lo), which keeps it allocation-free;
// test/unit/resp/grisu-reference.ts is a BigInt transcription it is checked against.

const P32 = 4294967296;
const P52 = 4503599627370496;
const N_POWERS = 87;
const STEP_POWERS = 8;
const FIRST_POWER = -348;
const EXP_MAX = -32;
const EXP_MIN = -60;
/** (double)(LLONG_MAX/2): double2ll's range. */
const LL_HALF = 4611686018427387904;

/**
 * The cached powers of ten 10^(-348 + 8i), i < 87, as 64-bit normalised fractions rounded to
 * nearest, with binary exponents: fpconv_powers.h's table, computed here at load time.
 */
const POW_HI = new Float64Array(N_POWERS);
const POW_LO = new Float64Array(N_POWERS);
const POW_EXP = new Int32Array(N_POWERS);
for (let i = 0; i < N_POWERS; i++) {
  const k = FIRST_POWER + i * STEP_POWERS;
  let num = k >= 0 ? 10n ** BigInt(k) : 1n;
  let den = k >= 0 ? 1n : 10n ** BigInt(-k);
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
  POW_HI[i] = Number(frac >> 32n);
  POW_LO[i] = Number(frac & 0xffff_ffffn);
  POW_EXP[i] = e;
}

/** Exposed for tests: entry i of the cached powers as [frac, exp]. */
export function cachedPower(i: number): [bigint, number] {
  return [(BigInt(POW_HI[i]) << 32n) | BigInt(POW_LO[i]), POW_EXP[i]];
}

const f64 = new Float64Array(1);
const u32 = new Uint32Array(f64.buffer);
const LITTLE_ENDIAN = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;
const LO_WORD = LITTLE_ENDIAN ? 0 : 1;
const HI_WORD = LITTLE_ENDIAN ? 1 : 0;

// Results of the pair helpers: a uint64 as rh * 2^32 + rl.
let rh = 0;
let rl = 0;

/** The exact 64-bit product of two uint32 values. */
function mul32(x: number, y: number): void {
  const xh = x >>> 16;
  const xl = x & 0xffff;
  const t1 = xl * y; // < 2^48, exact
  const t2 = xh * y; // < 2^48, exact; the product is t2 * 2^16 + t1
  const t1h = Math.floor(t1 / P32);
  const t2h = Math.floor(t2 / 65536);
  let lo = t1 - t1h * P32 + (t2 - t2h * 65536) * 65536;
  let carry = 0;
  if (lo >= P32) {
    lo -= P32;
    carry = 1;
  }
  rl = lo;
  rh = t1h + t2h + carry;
}

/** fpconv's multiply: the high 64 bits of a 128-bit product, rounded (+2^63). */
function mulHigh(ah: number, al: number, bh: number, bl: number): void {
  mul32(ah, bl);
  const ahblH = rh;
  const ahblL = rl;
  mul32(al, bh);
  const albhH = rh;
  const albhL = rl;
  mul32(al, bl);
  const alblH = rh;
  mul32(ah, bh);
  const tmp = ahblL + albhL + alblH + 2147483648; // < 2^34
  const lo = rl + ahblH + albhH + Math.floor(tmp / P32);
  const carry = Math.floor(lo / P32);
  rl = lo - carry * P32;
  rh = rh + carry;
}

/** x * 2^k for an exact integer x (< 2^53) with a result below 2^64. */
function shl(x: number, k: number): void {
  const v = x * 2 ** k; // scaling by a power of two is exact
  rh = Math.floor(v / P32);
  rl = v - rh * P32;
}

function bitLength(x: number): number {
  return x >= P32 ? 64 - Math.clz32(Math.floor(x / P32)) : 32 - Math.clz32(x);
}

/** a < b for uint64 pairs. */
function lt(ah: number, al: number, bh: number, bl: number): boolean {
  return ah < bh || (ah === bh && al < bl);
}

/** a - b mod 2^64. */
function sub(ah: number, al: number, bh: number, bl: number): void {
  let lo = al - bl;
  let hi = ah - bh;
  if (lo < 0) {
    lo += P32;
    hi--;
  }
  rh = hi < 0 ? hi + P32 : hi;
  rl = lo;
}

/** a + b mod 2^64. */
function add(ah: number, al: number, bh: number, bl: number): void {
  let lo = al + bl;
  let hi = ah + bh;
  if (lo >= P32) {
    lo -= P32;
    hi++;
  }
  rh = hi >= P32 ? hi - P32 : hi;
  rl = lo;
}

/** a * 10 mod 2^64. */
function mul10(ah: number, al: number): void {
  const lo = al * 10;
  const carry = Math.floor(lo / P32);
  rl = lo - carry * P32;
  rh = (ah * 10 + carry) % P32;
}

/** a * b mod 2^64. */
function mulLow(ah: number, al: number, bh: number, bl: number): void {
  const cross = ((Math.imul(ah, bl) >>> 0) + (Math.imul(al, bh) >>> 0)) % P32;
  mul32(al, bl);
  rh = (rh + cross) % P32;
}

/** round_digit: step the last digit down while that brings it closer to w. */
function roundDigit(
  digits: Uint8Array,
  n: number,
  deltaH: number,
  deltaL: number,
  remH: number,
  remL: number,
  kapH: number,
  kapL: number,
  fracH: number,
  fracL: number,
): void {
  for (;;) {
    if (!lt(remH, remL, fracH, fracL)) return;
    sub(deltaH, deltaL, remH, remL);
    if (lt(rh, rl, kapH, kapL)) return; // delta - rem >= kappa fails
    add(remH, remL, kapH, kapL);
    const sumH = rh;
    const sumL = rl;
    if (!lt(sumH, sumL, fracH, fracL)) {
      // rem + kappa >= frac: step only if frac - rem > rem + kappa - frac
      sub(fracH, fracL, remH, remL);
      const aH = rh;
      const aL = rl;
      sub(sumH, sumL, fracH, fracL);
      if (!lt(rh, rl, aH, aL)) return;
    }
    digits[n - 1]--;
    remH = sumH;
    remL = sumL;
  }
}

/** grisu2's second result: the decimal exponent K, with |d| ~ digits * 10^K. */
let decimalExp = 0;

/** Grisu2 for a finite, positive d: fills digits (values 0-9), sets decimalExp, returns the count. */
function grisu2(d: number, digits: Uint8Array): number {
  f64[0] = d;
  const hi32 = u32[HI_WORD];
  const bexp = (hi32 >>> 20) & 0x7ff;
  let f = (hi32 & 0xfffff) * P32 + u32[LO_WORD];
  let e: number;
  if (bexp !== 0) {
    f += P52;
    e = bexp - 1075;
  } else {
    e = -1074;
  }
  // upper = (2f + 1) normalised so its top bit is bit 63: f * 2^(sh+1) + 2^sh.
  const sh = 63 - bitLength(f); // bitLength(2f + 1) = bitLength(f) + 1
  const uExp = e - 1 - sh;
  shl(f, sh + 1);
  let uH = rh;
  let uL = rl;
  if (sh >= 32) uH += 2 ** (sh - 32);
  else uL += 2 ** sh;
  // lower = (f << lShift) - 1, aligned to upper's exponent: f * 2^(lShift+L) - 2^L.
  const lShift = f === P52 ? 2 : 1;
  const L = e - lShift - uExp;
  shl(f, lShift + L);
  if (L >= 32) sub(rh, rl, 2 ** (L - 32), 0);
  else sub(rh, rl, 0, 2 ** L);
  let lH = rh;
  let lL = rl;
  // w normalised to bit 63.
  const wShift = 64 - bitLength(f);
  shl(f, wShift);
  let wH = rh;
  let wL = rl;

  // find_cachedpow10(upper.exp)
  const approx = Math.trunc(-(uExp + N_POWERS) * 0.30102999566398114);
  let idx = Math.trunc((approx - FIRST_POWER) / STEP_POWERS);
  for (;;) {
    const current = uExp + POW_EXP[idx] + 64;
    if (current < EXP_MIN) idx++;
    else if (current > EXP_MAX) idx--;
    else break;
  }
  const cH = POW_HI[idx];
  const cL = POW_LO[idx];
  let K = -(FIRST_POWER + idx * STEP_POWERS);
  const s = -(uExp + POW_EXP[idx] + 64); // -one.exp, in [32, 60]

  mulHigh(wH, wL, cH, cL);
  wH = rh;
  wL = rl;
  mulHigh(uH, uL, cH, cL);
  sub(rh, rl, 0, 1); // upper.frac--
  uH = rh;
  uL = rl;
  mulHigh(lH, lL, cH, cL);
  add(rh, rl, 0, 1); // lower.frac++
  lH = rh;
  lL = rl;

  // generate_digits
  sub(uH, uL, wH, wL);
  const wfH = rh;
  const wfL = rl;
  sub(uH, uL, lH, lL);
  let dH = rh;
  let dL = rl;
  const t = s - 32;
  const T = 2 ** t; // one.frac = T * 2^32
  let part1 = Math.floor(uH / T);
  let p2H = uH - part1 * T;
  let p2L = uL;
  let n = 0;
  let kappa = 10;
  for (let div = 1e9; kappa > 0; div /= 10) {
    const digit = Math.floor(part1 / div);
    if (digit !== 0 || n !== 0) digits[n++] = digit;
    part1 -= digit * div;
    kappa--;
    const tmpH = part1 * T + p2H;
    if (!lt(dH, dL, tmpH, p2L)) {
      decimalExp = K + kappa;
      roundDigit(digits, n, dH, dL, tmpH, p2L, (div * T) % P32, 0, wfH, wfL);
      return n;
    }
  }
  let unit = 10;
  for (;;) {
    mul10(p2H, p2L);
    p2H = rh;
    p2L = rl;
    mul10(dH, dL);
    dH = rh;
    dL = rl;
    kappa--;
    const digit = Math.floor(p2H / T);
    if (digit !== 0 || n !== 0) digits[n++] = digit;
    p2H -= digit * T;
    if (lt(p2H, p2L, dH, dL)) {
      decimalExp = K + kappa;
      const unitH = Math.floor(unit / P32);
      mulLow(wfH, wfL, unitH, unit - unitH * P32);
      roundDigit(digits, n, dH, dL, p2H, p2L, T, 0, rh, rl);
      return n;
    }
    unit *= 10;
  }
}

const digitsScratch = new Uint8Array(32);

/** emit_digits: lay out digits * 10^K as fpconv does. Writes ASCII to dst[pos...]; returns the new pos. */
function emitDigits(digits: Uint8Array, ndigits: number, dst: Uint8Array, pos: number, K: number, neg: boolean): number {
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
  ndigits = Math.min(ndigits, neg ? 17 : 18); // fpconv: minv(ndigits, 18 - neg)
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

/** ll2string for an integral |v| <= 2^62. */
function writeInteger(dst: Uint8Array, pos: number, v: number): number {
  if (v < 0) {
    dst[pos++] = 45;
    v = -v;
  }
  if (v > Number.MAX_SAFE_INTEGER) {
    // Every double beyond 2^53 is an integer; BigInt prints it exactly. Rare.
    const s = BigInt(v).toString();
    for (let i = 0; i < s.length; i++) dst[pos++] = s.charCodeAt(i);
    return pos;
  }
  let digits = 1;
  for (let t = v; t >= 10; t = Math.floor(t / 10)) digits++;
  const end = pos + digits;
  let q = end;
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
  if (d >= -LL_HALF && d <= LL_HALF && Math.trunc(d) === d) {
    if (d === 0 && 1 / d < 0) {
      dst[pos] = 45;
      dst[pos + 1] = 48;
      return pos + 2;
    }
    return writeInteger(dst, pos, d);
  }
  if (d !== d) {
    dst[pos] = 110;
    dst[pos + 1] = 97;
    dst[pos + 2] = 110;
    return pos + 3;
  }
  const neg = d < 0;
  if (neg) dst[pos++] = 45;
  if (d === Infinity || d === -Infinity) {
    dst[pos] = 105;
    dst[pos + 1] = 110;
    dst[pos + 2] = 102;
    return pos + 3;
  }
  const n = grisu2(neg ? -d : d, digitsScratch);
  return emitDigits(digitsScratch, n, dst, pos, decimalExp, neg);
}

const textBuf = new Uint8Array(MAX_DOUBLE_CHARS);

/** Redis's text for a double, e.g. for INCRBYFLOAT, or ZSCORE in RESP2. */
export function formatDouble(d: number): string {
  const end = writeDouble(textBuf, 0, d);
  let s = "";
  for (let i = 0; i < end; i++) s += String.fromCharCode(textBuf[i]);
  return s;
}

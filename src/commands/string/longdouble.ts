// INCRBYFLOAT in Redis is `long double` arithmetic: on x86-64 Linux that is the x87 80-bit
// extended format (64-bit significand). Redis parses both operands with strtold, adds, and
// prints the sum with "%.17Lf" before stripping trailing zeros. JS doubles cannot reproduce
// that (10.1 + 0.2 prints 10.299999999999999 from a double, 10.3 from Redis), so this module
// emulates the format exactly with BigInt: correctly rounded parse, one correctly rounded
// addition, and an exact decimal expansion rounded half-to-even at 17 fractional digits.
// The replies are then byte-identical to redis-server's. Cold path: allocation is fine here.

import { FloatKind, floatScan, scanFloat } from "../args.ts";

/** Significand bits of the x87 extended format, integer bit included. */
const PRECISION = 64;
/** Smallest exponent of a normal value 1.f * 2^e. */
const EMIN = -16382;
/** Largest exponent of a finite value. */
const EMAX = 16383;
/** Exponent of the significand's last bit for subnormals: value = mant * 2^ETINY. */
const ETINY = EMIN - (PRECISION - 1);
/** Largest `exp` of a finite value in mant * 2^exp form. */
const EXP_TOP = EMAX - (PRECISION - 1);
/** Redis's MAX_LONG_DOUBLE_CHARS: string2ld rejects inputs this long or longer. */
const MAX_LONG_DOUBLE_CHARS = 5 * 1024;

const TWO_P = 1n << BigInt(PRECISION);
const TWO_P1 = 1n << BigInt(PRECISION - 1);

/** value = (negative ? -1 : 1) * mant * 2^exp, or ±infinity. */
export interface LongDouble {
  negative: boolean;
  mant: bigint;
  exp: number;
  infinite: boolean;
}

function bitLength(x: bigint): number {
  if (x === 0n) return 0;
  const h = x.toString(16);
  return h.length * 4 - (Math.clz32(parseInt(h[0], 16)) - 28);
}

function zero(negative: boolean): LongDouble {
  return { negative, mant: 0n, exp: 0, infinite: false };
}

function infinity(negative: boolean): LongDouble {
  return { negative, mant: 0n, exp: 0, infinite: true };
}

/** Round num/den (num >= 0, den > 0) to the nearest extended value, ties to even. */
function roundQuotient(negative: boolean, num: bigint, den: bigint): LongDouble {
  if (num === 0n) return zero(negative);
  let e = bitLength(num) - bitLength(den) - PRECISION;
  if (e < ETINY) e = ETINY;
  for (;;) {
    let q: bigint;
    let r: bigint;
    let d: bigint;
    if (e >= 0) {
      d = den << BigInt(e);
      q = num / d;
      r = num - q * d;
    } else {
      const n = num << BigInt(-e);
      d = den;
      q = n / d;
      r = n - q * d;
    }
    if (q >= TWO_P) {
      e++;
      continue;
    }
    if (q < TWO_P1 && e > ETINY) {
      e--;
      continue;
    }
    const twice = r * 2n;
    if (twice > d || (twice === d && (q & 1n) === 1n)) q += 1n;
    if (q === TWO_P) {
      q = TWO_P1;
      e++;
    }
    if (e > EXP_TOP) return infinity(negative);
    if (q === 0n) return zero(negative);
    return { negative, mant: q, exp: e, infinite: false };
  }
}

function fromScaled(negative: boolean, mant: bigint, exp: number): LongDouble {
  return exp >= 0 ? roundQuotient(negative, mant << BigInt(exp), 1n) : roundQuotient(negative, mant, 1n << BigInt(-exp));
}

/**
 * strtold with Redis's string2ld checks. Returns null when Redis answers "value is not a
 * valid float": bad syntax, NaN, overflow to infinity, or a nonzero input that rounds to 0.
 */
export function parseLongDouble(buf: Uint8Array, off: number, len: number): LongDouble | null {
  if (len === 0 || len >= MAX_LONG_DOUBLE_CHARS) return null;
  const kind = scanFloat(buf, off, len);
  const s = floatScan;
  const negative = s.negative;
  if (kind === FloatKind.Infinity) return infinity(negative);
  if (kind === FloatKind.Decimal) {
    let digits = "";
    for (let k = s.intStart; k < s.intEnd; k++) digits += String.fromCharCode(buf[k]);
    for (let k = s.fracStart; k < s.fracEnd; k++) digits += String.fromCharCode(buf[k]);
    let exp10 = s.exp - (s.fracEnd - s.fracStart);
    let first = 0;
    while (first < digits.length && digits.charCodeAt(first) === 48) first++;
    let last = digits.length;
    while (last > first && digits.charCodeAt(last - 1) === 48) {
      last--;
      exp10++;
    }
    if (first === last) return zero(negative);
    const sig = digits.slice(first, last);
    // The value lies in [10^(exp10+n-1), 10^(exp10+n)). Extended range is about
    // [3.6e-4951, 1.19e4932]; far outside it, answer without building huge powers of ten.
    const magnitude = exp10 + sig.length;
    if (magnitude > 4934) return null;
    if (magnitude < -4953) return null;
    const m = BigInt(sig);
    const r = exp10 >= 0 ? roundQuotient(negative, m * 10n ** BigInt(exp10), 1n) : roundQuotient(negative, m, 10n ** BigInt(-exp10));
    if (r.infinite || r.mant === 0n) return null; // ERANGE
    return r;
  }
  if (kind === FloatKind.Hex) {
    let m = 0n;
    for (let k = s.intStart; k < s.intEnd; k++) m = (m << 4n) | BigInt(hexDigit(buf[k]));
    for (let k = s.fracStart; k < s.fracEnd; k++) m = (m << 4n) | BigInt(hexDigit(buf[k]));
    if (m === 0n) return zero(negative);
    const exp2 = s.exp - 4 * (s.fracEnd - s.fracStart);
    const magnitude = exp2 + bitLength(m);
    if (magnitude > EMAX + 2) return null;
    if (magnitude < ETINY - 2) return null;
    const r = fromScaled(negative, m, exp2);
    if (r.infinite || r.mant === 0n) return null;
    return r;
  }
  return null;
}

function hexDigit(b: number): number {
  if (b >= 48 && b <= 57) return b - 48;
  return (b | 0x20) - 87;
}

/** a + b rounded once to the extended format; infinite when the sum overflows or is NaN. */
export function addLongDouble(a: LongDouble, b: LongDouble): LongDouble {
  if (a.infinite || b.infinite) return infinity(a.infinite ? a.negative : b.negative);
  if (a.mant === 0n) return b.mant === 0n ? zero(a.negative && b.negative) : b;
  if (b.mant === 0n) return a;
  const e = a.exp < b.exp ? a.exp : b.exp;
  const av = (a.negative ? -a.mant : a.mant) << BigInt(a.exp - e);
  const bv = (b.negative ? -b.mant : b.mant) << BigInt(b.exp - e);
  const sum = av + bv;
  if (sum === 0n) return zero(false);
  const negative = sum < 0n;
  return fromScaled(negative, negative ? -sum : sum, e);
}

const SCALE = 10n ** 17n;

/**
 * Redis's ld2string(..., LD_STR_HUMAN): "%.17Lf", then trailing zeros and a trailing '.'
 * removed, and "-0" written as "0".
 */
export function formatLongDoubleHuman(x: LongDouble): string {
  if (x.infinite) return x.negative ? "-inf" : "inf";
  let q: bigint;
  if (x.exp >= 0) {
    q = (x.mant << BigInt(x.exp)) * SCALE;
  } else {
    const n = x.mant * SCALE;
    const sh = BigInt(-x.exp);
    q = n >> sh;
    const r = n - (q << sh);
    const twice = r << 1n;
    const d = 1n << sh;
    if (twice > d || (twice === d && (q & 1n) === 1n)) q += 1n;
  }
  let digits = q.toString();
  if (digits.length < 18) digits = "0".repeat(18 - digits.length) + digits;
  const intPart = digits.slice(0, digits.length - 17);
  let frac = digits.slice(digits.length - 17);
  let end = frac.length;
  while (end > 0 && frac.charCodeAt(end - 1) === 48) end--;
  frac = frac.slice(0, end);
  const out = (x.negative ? "-" : "") + intPart + (frac.length > 0 ? "." + frac : "");
  return out === "-0" ? "0" : out;
}

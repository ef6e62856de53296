// Scores as Redis 7.0 writes them. Its addReplyDouble prints "%.17g" (RESP2 as a bulk string,
// RESP3 as a ',' double), and ZSCAN's score strings come out the same way (ld2string "%.17Lg"
// of the same value, or the listpack's d2string text). Reply.double follows Redis 7.2's
// shortest-form d2string ("0.1" where 7.0 says "0.10000000000000001"), so the sorted-set
// family formats its own.
//
// "%.17g" is 17 significant digits, correctly rounded with ties to even (glibc rounds the
// exact binary value), trailing zeros dropped, exponent form when the exponent is below -4 or
// at least 17, exponents with at least two digits. JS's toExponential(16) gives the same 17
// digits except on an exact tie, which it rounds up; a tie needs the exact decimal expansion
// to be 18 significant digits ending in 5, which is rare and detected exactly below.

import type { Reply } from "../../protocol/resp/index.ts";

const f64 = new Float64Array(1);
const u32 = new Uint32Array(f64.buffer);
const LITTLE_ENDIAN = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;
const LO_WORD = LITTLE_ENDIAN ? 0 : 1;
const HI_WORD = LITTLE_ENDIAN ? 1 : 0;
const TEN_17 = 10n ** 17n;
const TEN_18 = 10n ** 18n;

/** Set by exactTie: the 17 digits and decimal exponent of a tie rounded half to even. */
let tieDigits = "";
let tieExp = 0;

/**
 * Whether a (finite, > 0) is exactly halfway between two 17-digit decimals. a = m * 2^-q with
 * m odd has the exact expansion m * 5^q * 10^-q, whose significant digits are those of
 * m * 5^q (odd, so no trailing zero): a tie when that has 18 digits.
 */
function exactTie(a: number): boolean {
  f64[0] = a;
  const hi = u32[HI_WORD];
  const bexp = (hi >>> 20) & 0x7ff;
  let m = (hi & 0xfffff) * 4294967296 + u32[LO_WORD];
  let e = bexp === 0 ? -1074 : bexp - 1075;
  if (bexp !== 0) m += 4503599627370496;
  while (m % 2 === 0) {
    m /= 2;
    e++;
  }
  if (e >= 0) return false; // integers of 18+ digits have an odd part too big for a double
  const q = -e;
  if (q > 25) return false; // 5^26 alone has 19 digits
  const approx = m * 5 ** q;
  if (approx < 0.99e17 || approx >= 1.01e18) return false;
  const n = BigInt(m) * 5n ** BigInt(q);
  if (n < TEN_17 || n >= TEN_18) return false;
  let d = n / 10n;
  if (d % 2n === 1n) d += 1n;
  let s = d.toString();
  let x = 17 - q;
  if (s.length === 18) {
    s = s.slice(0, 17);
    x++;
  }
  tieDigits = s;
  tieExp = x;
  return true;
}

/** "%g" layout of 17 significant digits with decimal exponent x. */
function layout(digits: string, x: number): string {
  let end = 17;
  while (end > 1 && digits.charCodeAt(end - 1) === 48) end--;
  if (x < -4 || x >= 17) {
    let s = end > 1 ? `${digits[0]}.${digits.slice(1, end)}` : digits[0];
    const ax = x < 0 ? -x : x;
    s += x < 0 ? "e-" : "e+";
    return ax < 10 ? `${s}0${ax}` : s + ax;
  }
  if (x >= 0) {
    if (end <= x + 1) return digits.slice(0, x + 1);
    return `${digits.slice(0, x + 1)}.${digits.slice(x + 1, end)}`;
  }
  return `0.${"0".repeat(-x - 1)}${digits.slice(0, end)}`;
}

/** printf("%.17g", d), with Redis's "inf"/"-inf" (and "nan", which no score can be). */
export function formatScore(d: number): string {
  if (d !== d) return "nan";
  if (d === Infinity) return "inf";
  if (d === -Infinity) return "-inf";
  if (d === 0) return 1 / d < 0 ? "-0" : "0";
  const neg = d < 0;
  const a = neg ? -d : d;
  // Integers below 10^17 print as themselves: String() for safe ones, toFixed(0) (exact
  // digits, where String() gives the shortest round-trip form) beyond 2^53.
  if (a < 1e17 && Math.floor(a) === a) return a <= Number.MAX_SAFE_INTEGER ? String(d) : d.toFixed(0);
  let s: string;
  if (exactTie(a)) {
    s = layout(tieDigits, tieExp);
  } else {
    const t = a.toExponential(16); // "d.dddddddddddddddde±x"
    s = layout(t[0] + t.slice(2, 18), Number(t.slice(19)));
  }
  return neg ? `-${s}` : s;
}

/** (double)(LLONG_MAX / 2): double2ll's range. */
const LL_HALF = 4611686018427387904;

/**
 * A score as a listpack holds it (what ZSCAN returns for a small zset): an integer when
 * double2ll takes it (integral, |d| <= 2^62), else d2string's "%.17g".
 */
export function formatListpackScore(d: number): string {
  if (Math.floor(d) === d && d >= -LL_HALF && d <= LL_HALF) {
    return Number.isSafeInteger(d) ? String(d === 0 ? 0 : d) : BigInt(d).toString();
  }
  return formatScore(d);
}

/** addReplyDouble as Redis 7.0 writes it: a bulk string in RESP2, a ',' double in RESP3. */
export function replyScore(r: Reply, d: number): void {
  const s = formatScore(d);
  if (r.proto !== 3) {
    r.bulkLatin1(s);
    return;
  }
  const n = s.length;
  r.ensure(n + 3);
  const buf = r.buf;
  let p = r.pos;
  buf[p++] = 44; // ','
  for (let i = 0; i < n; i++) buf[p++] = s.charCodeAt(i);
  buf[p++] = 13;
  buf[p++] = 10;
  r.pos = p;
}

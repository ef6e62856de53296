// Argument helpers for handlers. They read c.argv in place and allocate nothing on the
// paths a well-formed request takes; the "OrReply" variants write Redis's error reply and
// return NaN so a handler can `if (Number.isNaN(x)) return;`.

import type { Ctx } from "./types.ts";
import { bytesEqual, equalsIgnoreCase, parseDecimal, parseInt64, text, utf8 } from "../stdx/index.ts";
import { ERR_NOT_FLOAT, ERR_NOT_INTEGER } from "./errors.ts";

/** Lower-case option tokens, encoded once. */
export const Tok = {
  ex: utf8("ex"),
  px: utf8("px"),
  exat: utf8("exat"),
  pxat: utf8("pxat"),
  nx: utf8("nx"),
  xx: utf8("xx"),
  gt: utf8("gt"),
  lt: utf8("lt"),
  get: utf8("get"),
  keepttl: utf8("keepttl"),
  persist: utf8("persist"),
  match: utf8("match"),
  count: utf8("count"),
  type: utf8("type"),
  db: utf8("db"),
  replace: utf8("replace"),
  len: utf8("len"),
  idx: utf8("idx"),
  minmatchlen: utf8("minmatchlen"),
  withmatchlen: utf8("withmatchlen"),
} as const;

export const INT64_MAX = 9223372036854775807n;
export const INT64_MIN = -9223372036854775808n;
/** Redis's LONG_MAX / INT_MAX bounds for getLongFromObject / getIntFromObject. */
export const INT32_MAX = 2147483647;
export const INT32_MIN = -2147483648;

/** Case-insensitive compare of argument i with a lower-case token from `Tok`. */
export function argIs(c: Ctx, i: number, lower: Uint8Array): boolean {
  const a = c.argv;
  return equalsIgnoreCase(a.buf, a.off[i], a.len[i], lower);
}

/** Whether arguments i and j are the same bytes (RENAME/COPY same-key checks). */
export function argsEqual(c: Ctx, i: number, j: number): boolean {
  const a = c.argv;
  return bytesEqual(a.buf, a.off[i], a.len[i], a.buf, a.off[j], a.len[j]);
}

/** Argument i as a string; cold paths only (error texts). */
export function argText(c: Ctx, i: number): string {
  const a = c.argv;
  return text(a.buf, a.off[i], a.len[i]);
}

/** Argument i as an integer in the safe range (string2ll rules); NaN when invalid or beyond 2^53. No reply. */
export function argInt(c: Ctx, i: number): number {
  const a = c.argv;
  return parseDecimal(a.buf, a.off[i], a.len[i]);
}

/**
 * Argument i as a signed 64-bit integer (Redis's getLongLongFromObject), as a Number: exact
 * up to 2^53, rounded beyond (fine for ranges, counts and comparisons with lengths). NaN
 * when invalid or outside int64. No reply.
 */
export function argLongLong(c: Ctx, i: number): number {
  const a = c.argv;
  const v = parseDecimal(a.buf, a.off[i], a.len[i]);
  if (!Number.isNaN(v) || a.len[i] < 16) return v;
  const big = parseInt64(a.buf, a.off[i], a.len[i]);
  return big === null ? Number.NaN : Number(big);
}

/** argLongLong, replying "ERR value is not an integer or out of range" when invalid. */
export function argLongLongOrReply(c: Ctx, i: number): number {
  const v = argLongLong(c, i);
  if (Number.isNaN(v)) c.reply.error(ERR_NOT_INTEGER);
  return v;
}

/** Argument i as an exact int64; null when invalid. Slow path for values beyond 2^53. */
export function argInt64(c: Ctx, i: number): bigint | null {
  const a = c.argv;
  return parseInt64(a.buf, a.off[i], a.len[i]);
}

/**
 * Argument i as a C int (getIntFromObjectOrReply): replies `message` (default "ERR value is
 * not an integer or out of range") and returns NaN when invalid or outside int32.
 */
export function argIntOrReply(c: Ctx, i: number, message: string = ERR_NOT_INTEGER): number {
  const v = argInt(c, i);
  if (Number.isNaN(v) || v > INT32_MAX || v < INT32_MIN) {
    c.reply.error(message);
    return Number.NaN;
  }
  return v;
}

// ---- floats ------------------------------------------------------------------------------

/** What scanFloat found. */
export const FloatKind = { Invalid: 0, Decimal: 1, Hex: 2, Infinity: 3, NaN: 4 } as const;

/**
 * The result of the last scanFloat call (one shared object: no allocation per parse).
 * Decimal: digits are buf[intStart..intEnd) then buf[fracStart..fracEnd), times 10^exp.
 * Hex: the same with hex digits, times 2^exp.
 */
export const floatScan = {
  kind: 0 as number,
  negative: false,
  intStart: 0,
  intEnd: 0,
  fracStart: 0,
  fracEnd: 0,
  /** Decimal or binary exponent, saturated to ±EXP_SATURATE. */
  exp: 0,
};

const EXP_SATURATE = 1_000_000_000;

function isDigit(b: number): boolean {
  return b >= 48 && b <= 57;
}

function hexValue(b: number): number {
  if (b >= 48 && b <= 57) return b - 48;
  const l = b | 0x20;
  if (l >= 97 && l <= 102) return l - 87;
  return -1;
}

const INF = utf8("inf");
const INFINITY = utf8("infinity");
const NAN = utf8("nan");

/**
 * Classify bytes the way C's strtod/strtold would, requiring the whole input to be consumed
 * and no leading space (Redis's string2d/string2ld). Fills `floatScan` and returns its kind.
 */
export function scanFloat(buf: Uint8Array, off: number, len: number): number {
  const s = floatScan;
  s.kind = FloatKind.Invalid;
  s.negative = false;
  s.exp = 0;
  let i = off;
  const end = off + len;
  if (i < end && (buf[i] === 43 || buf[i] === 45)) {
    s.negative = buf[i] === 45;
    i++;
  }
  if (i >= end) return FloatKind.Invalid;
  const first = buf[i] | 0x20;
  if (first === 105 /* i */) {
    const n = end - i;
    if (equalsIgnoreCase(buf, i, n, INF) || equalsIgnoreCase(buf, i, n, INFINITY)) s.kind = FloatKind.Infinity;
    return s.kind;
  }
  if (first === 110 /* n */) {
    // "nan" or "nan(chars)": a valid parse whose value Redis rejects.
    if (end - i >= 3 && equalsIgnoreCase(buf, i, 3, NAN)) {
      if (end - i === 3) s.kind = FloatKind.NaN;
      else if (buf[i + 3] === 40 && buf[end - 1] === 41) {
        let ok = true;
        for (let k = i + 4; k < end - 1; k++) {
          const b = buf[k];
          if (!(isDigit(b) || ((b | 0x20) >= 97 && (b | 0x20) <= 122) || b === 95)) ok = false;
        }
        if (ok) s.kind = FloatKind.NaN;
      }
    }
    return s.kind;
  }
  const hex = buf[i] === 48 && i + 1 < end && (buf[i + 1] | 0x20) === 120;
  if (hex) {
    let j = i + 2;
    s.intStart = j;
    while (j < end && hexValue(buf[j]) >= 0) j++;
    s.intEnd = j;
    s.fracStart = s.fracEnd = j;
    if (j < end && buf[j] === 46) {
      j++;
      s.fracStart = j;
      while (j < end && hexValue(buf[j]) >= 0) j++;
      s.fracEnd = j;
    }
    // strtod would stop after the "0" of "0x" when no hex digit follows: trailing garbage.
    if (s.intEnd === s.intStart && s.fracEnd === s.fracStart) return FloatKind.Invalid;
    if (j < end && (buf[j] | 0x20) === 112 /* p */) {
      j = scanExponent(buf, j + 1, end);
      if (j < 0) return FloatKind.Invalid;
    }
    if (j !== end) return FloatKind.Invalid;
    s.kind = FloatKind.Hex;
    return s.kind;
  }
  let j = i;
  s.intStart = j;
  while (j < end && isDigit(buf[j])) j++;
  s.intEnd = j;
  s.fracStart = s.fracEnd = j;
  if (j < end && buf[j] === 46) {
    j++;
    s.fracStart = j;
    while (j < end && isDigit(buf[j])) j++;
    s.fracEnd = j;
  }
  if (s.intEnd === s.intStart && s.fracEnd === s.fracStart) return FloatKind.Invalid;
  if (j < end && (buf[j] | 0x20) === 101 /* e */) {
    j = scanExponent(buf, j + 1, end);
    if (j < 0) return FloatKind.Invalid;
  }
  if (j !== end) return FloatKind.Invalid;
  s.kind = FloatKind.Decimal;
  return s.kind;
}

/** Parses "[+-]digits" into floatScan.exp (saturating); returns the end index or -1. */
function scanExponent(buf: Uint8Array, j: number, end: number): number {
  let neg = false;
  if (j < end && (buf[j] === 43 || buf[j] === 45)) {
    neg = buf[j] === 45;
    j++;
  }
  if (j >= end || !isDigit(buf[j])) return -1;
  let e = 0;
  while (j < end && isDigit(buf[j])) {
    if (e < EXP_SATURATE) e = e * 10 + (buf[j] - 48);
    j++;
  }
  floatScan.exp = neg ? -e : e;
  return j;
}

const POW10 = [1, 10, 100, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11, 1e12, 1e13, 1e14, 1e15, 1e16, 1e17, 1e18, 1e19, 1e20, 1e21, 1e22];

/**
 * Parse a double with Redis's string2d rules (strtod, whole input, no leading space, NaN
 * rejected, overflow and underflow-to-zero rejected, "inf" accepted). NaN when invalid.
 */
export function parseDouble(buf: Uint8Array, off: number, len: number): number {
  const kind = scanFloat(buf, off, len);
  const s = floatScan;
  if (kind === FloatKind.Infinity) return s.negative ? -Infinity : Infinity;
  if (kind === FloatKind.Decimal) {
    // Clinger's fast path: at most 15 significant digits and a small power of ten are exact.
    let mant = 0;
    let digits = 0;
    let nonZero = false;
    for (let k = s.intStart; k < s.intEnd; k++) {
      const d = buf[k] - 48;
      if (d !== 0) nonZero = true;
      if (digits > 0 || d !== 0) digits++;
      mant = mant * 10 + d;
    }
    for (let k = s.fracStart; k < s.fracEnd; k++) {
      const d = buf[k] - 48;
      if (d !== 0) nonZero = true;
      if (digits > 0 || d !== 0) digits++;
      mant = mant * 10 + d;
    }
    const e = s.exp - (s.fracEnd - s.fracStart);
    let v: number;
    if (!nonZero) v = 0;
    else if (digits <= 15 && e >= -22 && e <= 22) v = e < 0 ? mant / POW10[-e] : mant * POW10[e];
    else v = Number(text(buf, s.intStart, s.fracEnd - s.intStart) + "e" + s.exp);
    if (nonZero && (v === 0 || !Number.isFinite(v))) return Number.NaN; // ERANGE
    return s.negative ? -v : v;
  }
  if (kind === FloatKind.Hex) {
    let m = 0n;
    for (let k = s.intStart; k < s.intEnd; k++) m = (m << 4n) | BigInt(hexValue(buf[k]));
    for (let k = s.fracStart; k < s.fracEnd; k++) m = (m << 4n) | BigInt(hexValue(buf[k]));
    if (m === 0n) return s.negative ? -0 : 0;
    let e2 = s.exp - 4 * (s.fracEnd - s.fracStart);
    // Round the mantissa to 53 bits (half to even), then scale exactly.
    const bits = m.toString(2).length;
    if (bits > 53) {
      const drop = BigInt(bits - 53);
      const half = 1n << (drop - 1n);
      const rem = m & ((1n << drop) - 1n);
      m >>= drop;
      if (rem > half || (rem === half && (m & 1n) === 1n)) m += 1n;
      e2 += bits - 53;
    }
    let v = Number(m);
    // Scale in steps so that 2^e2 itself never overflows or underflows on the way.
    while (e2 > 1000 && Number.isFinite(v)) {
      v *= 2 ** 1000;
      e2 -= 1000;
    }
    while (e2 < -1000 && v !== 0) {
      v *= 2 ** -1000;
      e2 += 1000;
    }
    v *= 2 ** e2;
    if (v === 0 || !Number.isFinite(v)) return Number.NaN;
    return s.negative ? -v : v;
  }
  return Number.NaN;
}

/** Argument i as a double (string2d rules); NaN when invalid. No reply. */
export function argFloat(c: Ctx, i: number): number {
  const a = c.argv;
  return parseDouble(a.buf, a.off[i], a.len[i]);
}

/** argFloat, replying "ERR value is not a valid float" when invalid. */
export function argFloatOrReply(c: Ctx, i: number): number {
  const v = argFloat(c, i);
  if (Number.isNaN(v)) c.reply.error(ERR_NOT_FLOAT);
  return v;
}

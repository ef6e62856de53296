// Parsing of score and lex intervals from arguments (t_zset.c zslParseRange,
// zslParseLexRange). Redis parses score bounds with plain strtod on the C string, not with
// the strict string2d used for scores: leading white space is allowed, overflow gives
// +/-inf, underflow gives 0, an empty bound ("" or "(") is 0, and the bound ends at the first
// NUL byte. Only NaN and trailing garbage are rejected. Lex bounds are "-", "+", "[value" or
// "(value"; "-" and "+" are checked with C string rules too ("+\0junk" is "+").

import type { Ctx } from "../types.ts";
import { FloatKind, floatScan, parseDouble, scanFloat } from "../args.ts";
import { latin1 } from "../../stdx/index.ts";
import { ZLexBound, type ZLexRange, type ZScoreRange } from "../../store/index.ts";

/** The intervals a command parses into (handlers are synchronous: one of each is enough). */
export const scoreRange: ZScoreRange = { min: 0, max: 0, minEx: false, maxEx: false };
export const lexRange: ZLexRange = { minKind: 0, min: "", minEx: false, maxKind: 0, max: "", maxEx: false };

function isSpace(b: number): boolean {
  return b === 32 || (b >= 9 && b <= 13);
}

/** strtod over a whole C string (buf[off..] up to len or a NUL byte); NaN when rejected. */
export function strtodWhole(buf: Uint8Array, off: number, len: number): number {
  let end = off;
  const limit = off + len;
  while (end < limit && buf[end] !== 0) end++;
  // The common case: what string2d accepts, strtod accepts with the same value.
  const fast = parseDouble(buf, off, end - off);
  if (!Number.isNaN(fast)) return fast;
  if (end === off) return 0; // no conversion, and the end pointer is at the NUL: accepted
  let p = off;
  while (p < end && isSpace(buf[p])) p++;
  const kind = scanFloat(buf, p, end - p);
  if (kind === FloatKind.Infinity) return floatScan.negative ? -Infinity : Infinity;
  if (kind === FloatKind.Decimal) return Number(latin1(buf, p, end - p)); // inf on overflow, 0 on underflow
  if (kind === FloatKind.Hex) {
    const v = parseDouble(buf, p, end - p);
    if (!Number.isNaN(v)) return v;
    // Out of range: parseDouble refuses what strtod clamps. Decide by magnitude.
    const s = floatScan;
    const bits = (s.intEnd - s.intStart) * 4 + s.exp;
    const clamped = bits > 0 ? Infinity : 0;
    return s.negative ? -clamped : clamped;
  }
  return Number.NaN; // invalid, NaN, or white space only
}

/** One score bound into (value, exclusive); false when invalid. */
function scoreBound(buf: Uint8Array, off: number, len: number, max: boolean, r: ZScoreRange): boolean {
  let ex = false;
  if (len > 0 && buf[off] === 40 /* ( */) {
    ex = true;
    off++;
    len--;
  }
  const v = strtodWhole(buf, off, len);
  if (Number.isNaN(v)) return false;
  if (max) {
    r.max = v;
    r.maxEx = ex;
  } else {
    r.min = v;
    r.minEx = ex;
  }
  return true;
}

/** zslParseRange of arguments minArg and maxArg into `scoreRange`; false when invalid (no reply). */
export function parseScoreRange(c: Ctx, minArg: number, maxArg: number): boolean {
  const a = c.argv;
  return scoreBound(a.buf, a.off[minArg], a.len[minArg], false, scoreRange) &&
    scoreBound(a.buf, a.off[maxArg], a.len[maxArg], true, scoreRange);
}

/** One lex bound; false when invalid. */
function lexBound(buf: Uint8Array, off: number, len: number, max: boolean, r: ZLexRange): boolean {
  if (len === 0) return false;
  const first = buf[off];
  let kind: number;
  let value = "";
  let ex: boolean;
  if (first === 43 /* + */ || first === 45 /* - */) {
    if (len > 1 && buf[off + 1] !== 0) return false;
    kind = first === 43 ? ZLexBound.Max : ZLexBound.Min;
    ex = true;
  } else if (first === 40 /* ( */ || first === 91 /* [ */) {
    kind = ZLexBound.Value;
    value = latin1(buf, off + 1, len - 1);
    ex = first === 40;
  } else {
    return false;
  }
  if (max) {
    r.maxKind = kind;
    r.max = value;
    r.maxEx = ex;
  } else {
    r.minKind = kind;
    r.min = value;
    r.minEx = ex;
  }
  return true;
}

/** zslParseLexRange of arguments minArg and maxArg into `lexRange`; false when invalid (no reply). */
export function parseLexRange(c: Ctx, minArg: number, maxArg: number): boolean {
  const a = c.argv;
  return lexBound(a.buf, a.off[minArg], a.len[minArg], false, lexRange) &&
    lexBound(a.buf, a.off[maxArg], a.len[maxArg], true, lexRange);
}

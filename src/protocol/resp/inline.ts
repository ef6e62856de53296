// Inline requests: a line not starting with '*', split like Redis's sdssplitargs.
//
// processInlineBuffer takes the line up to "\n" (dropping one "\r" before it) and splits it
// as a C string, so a NUL byte ends the arguments (the rest of the line is consumed and
// ignored). Redis finds the "\n" with strchr, which also stops at a NUL, so a line with a
// NUL never completes there; here it does. Redis replies "too big inline request" when more
// than PROTO_INLINE_MAX_SIZE bytes are buffered without a "\n"; a complete line longer
// than that is refused too, because Redis would have refused it had it arrived in smaller
// reads, and the outcome must not depend on how the bytes were split.

import { ERR_TOO_BIG_INLINE, ERR_UNBALANCED_QUOTES } from "./constants.ts";

/** The parser state inline parsing fills (RespParser implements it). */
export interface InlineSink {
  buf: Uint8Array;
  argc: number;
  scratch: Uint8Array;
  readonly limits: { maxInlineBytes: number };
  push(off: number, len: number): void;
  fail(error: string): number;
}

/** isspace() in the C locale: space, \t, \n, \v, \f, \r. */
function isSpace(b: number): boolean {
  return b === 32 || (b >= 9 && b <= 13);
}

/** An unquoted token ends at one of these (not at \v or \f, which isspace skips). */
function endsToken(b: number): boolean {
  return b === 32 || b === 10 || b === 13 || b === 9;
}

function hexValue(b: number): number {
  if (b >= 48 && b <= 57) return b - 48;
  if (b >= 97 && b <= 102) return b - 87;
  if (b >= 65 && b <= 70) return b - 55;
  return -1;
}

export function parseInline(p: InlineSink, buf: Uint8Array, start: number, end: number): number {
  const limit = start + p.limits.maxInlineBytes + 1;
  const stop = end < limit ? end : limit;
  let nl = start;
  while (nl < stop && buf[nl] !== 10) nl++;
  if (nl === stop) return stop === limit ? p.fail(ERR_TOO_BIG_INLINE) : 0;
  let lineEnd = nl;
  if (lineEnd > start && buf[lineEnd - 1] === 13) lineEnd--;
  let quoted = false;
  let i = start;
  for (; i < lineEnd; i++) {
    const b = buf[i];
    if (b === 0) break;
    if (b === 34 || b === 39) quoted = true;
  }
  const argEnd = i; // the C string ends at the first NUL
  if (quoted ? !splitQuoted(p, buf, start, argEnd) : !splitPlain(p, buf, start, argEnd)) {
    return p.fail(ERR_UNBALANCED_QUOTES);
  }
  return nl + 1 - start;
}

/** No quotes on the line: arguments are runs of bytes, pointing into the input. */
function splitPlain(p: InlineSink, buf: Uint8Array, from: number, to: number): boolean {
  p.buf = buf;
  let i = from;
  for (;;) {
    while (i < to && isSpace(buf[i])) i++;
    if (i >= to) return true;
    const tokenStart = i;
    while (i < to && !endsToken(buf[i])) i++;
    p.push(tokenStart, i - tokenStart);
    i++; // the byte that ended the token (or past the end)
  }
}

/**
 * sdssplitargs with quotes: "double" quotes with \xHH and \n \r \t \b \a escapes (any other
 * escaped byte stands for itself), 'single' quotes with only \' escaped, a closing quote
 * that must be followed by a space or the end. Every argument is written to the scratch
 * buffer. Returns false for unbalanced quotes.
 */
function splitQuoted(p: InlineSink, buf: Uint8Array, from: number, to: number): boolean {
  if (p.scratch.length < to - from) p.scratch = new Uint8Array(Math.max(1024, (to - from) * 2));
  const out = p.scratch;
  p.buf = out;
  let w = 0;
  let i = from;
  // at(k): the byte at k, or 0 past the end of the C string.
  const at = (k: number): number => (k < to ? buf[k] : 0);
  for (;;) {
    while (i < to && isSpace(buf[i])) i++;
    if (i >= to) return true;
    const tokenStart = w;
    let inDouble = false;
    let inSingle = false;
    let done = false;
    while (!done) {
      const c = at(i);
      if (inDouble) {
        if (c === 92 && at(i + 1) === 120 && hexValue(at(i + 2)) >= 0 && hexValue(at(i + 3)) >= 0) {
          out[w++] = hexValue(at(i + 2)) * 16 + hexValue(at(i + 3));
          i += 3;
        } else if (c === 92 && at(i + 1) !== 0) {
          i++;
          const e = buf[i];
          out[w++] = e === 110 ? 10 : e === 114 ? 13 : e === 116 ? 9 : e === 98 ? 8 : e === 97 ? 7 : e;
        } else if (c === 34) {
          if (at(i + 1) !== 0 && !isSpace(at(i + 1))) return false;
          done = true;
        } else if (c === 0) {
          return false;
        } else {
          out[w++] = c;
        }
      } else if (inSingle) {
        if (c === 92 && at(i + 1) === 39) {
          i++;
          out[w++] = 39;
        } else if (c === 39) {
          if (at(i + 1) !== 0 && !isSpace(at(i + 1))) return false;
          done = true;
        } else if (c === 0) {
          return false;
        } else {
          out[w++] = c;
        }
      } else if (c === 0 || endsToken(c)) {
        done = true;
      } else if (c === 34) {
        inDouble = true;
      } else if (c === 39) {
        inSingle = true;
      } else {
        out[w++] = c;
      }
      if (i < to) i++;
    }
    p.push(tokenStart, w - tokenStart);
  }
}

// Byte and ASCII helpers for the hot path: no strings are made unless a function says so.

const encoder = new TextEncoder();
const decoder = new TextDecoder();

export const CR = 13;
export const LF = 10;

/** UTF-8 bytes of a string; for constants and cold paths. */
export function utf8(text: string): Uint8Array {
  return encoder.encode(text);
}

/** A string from bytes; cold paths only (errors, admin commands). */
export function text(buf: Uint8Array, off = 0, len = buf.length - off): string {
  return decoder.decode(buf.subarray(off, off + len));
}

// Bun's Buffer methods, called on plain Uint8Arrays: true ISO-8859-1 both ways (TextDecoder's
// "latin1" is windows-1252, which maps 0x80-0x9f elsewhere).
const bufferProto = Buffer.prototype as unknown as {
  latin1Slice(this: Uint8Array, start: number, end: number): string;
  latin1Write(this: Uint8Array, s: string, off: number, len: number): number;
};
const LATIN1_LOOP_CHARS = 32;

/**
 * Bytes as a string of one char per byte (0-255). Collections (hash fields, set members,
 * list elements) hold their elements this way: a JS Map keys on them, and a one-byte string
 * is about half the memory of a Uint8Array of the same bytes.
 */
export function latin1(buf: Uint8Array, off: number, len: number): string {
  return len === 0 ? "" : bufferProto.latin1Slice.call(buf, off, off + len);
}

/** Write a latin1() string's bytes at buf[off]; the caller made room for s.length bytes. */
export function writeLatin1(buf: Uint8Array, off: number, s: string): void {
  const n = s.length;
  if (n <= LATIN1_LOOP_CHARS) {
    for (let i = 0; i < n; i++) buf[off + i] = s.charCodeAt(i);
  } else {
    bufferProto.latin1Write.call(buf, s, off, n);
  }
}

/** Lower-case an ASCII byte. */
export function lowerAscii(b: number): number {
  return b >= 65 && b <= 90 ? b | 0x20 : b;
}

/** Case-insensitive compare of bytes against a lower-case ASCII constant. */
export function equalsIgnoreCase(buf: Uint8Array, off: number, len: number, lower: Uint8Array): boolean {
  if (len !== lower.length) return false;
  for (let i = 0; i < len; i++) if (lowerAscii(buf[off + i]) !== lower[i]) return false;
  return true;
}

export function bytesEqual(a: Uint8Array, aOff: number, aLen: number, b: Uint8Array, bOff: number, bLen: number): boolean {
  if (aLen !== bLen) return false;
  for (let i = 0; i < aLen; i++) if (a[aOff + i] !== b[bOff + i]) return false;
  return true;
}

/** Sentinel returned by parseDecimal when the bytes are not a valid integer. */
export const NOT_AN_INTEGER = Number.NaN;

/**
 * Parse a base-10 integer the way Redis's string2ll does: optional '-', digits, no spaces,
 * no leading '+', no leading zeros (except "0"). Returns NaN when invalid or beyond
 * Number.MAX_SAFE_INTEGER (callers needing full 64-bit range use parseBigDecimal).
 */
export function parseDecimal(buf: Uint8Array, off: number, len: number): number {
  if (len === 0 || len > 20) return NOT_AN_INTEGER;
  let i = off;
  const end = off + len;
  let negative = false;
  if (buf[i] === 45) {
    negative = true;
    i++;
    if (i === end) return NOT_AN_INTEGER;
  }
  if (buf[i] === 48 && end - i > 1) return NOT_AN_INTEGER;
  if (negative && buf[i] === 48) return NOT_AN_INTEGER;
  let value = 0;
  for (; i < end; i++) {
    const d = buf[i] - 48;
    if (d < 0 || d > 9) return NOT_AN_INTEGER;
    value = value * 10 + d;
  }
  if (value > Number.MAX_SAFE_INTEGER) return NOT_AN_INTEGER;
  return negative ? -value : value;
}

const INT64_MAX = 9223372036854775807n;
const INT64_MIN = -9223372036854775808n;

/** Full signed 64-bit parse (string2ll); null when invalid or out of range. Cold-ish path. */
export function parseInt64(buf: Uint8Array, off: number, len: number): bigint | null {
  const fast = parseDecimal(buf, off, len);
  if (!Number.isNaN(fast)) return BigInt(fast);
  if (len === 0 || len > 20) return null;
  const s = text(buf, off, len);
  if (!/^-?[1-9][0-9]*$/.test(s)) return null;
  const v = BigInt(s);
  return v > INT64_MAX || v < INT64_MIN ? null : v;
}

/** Writes the decimal digits of an integer into buf at off; returns the new offset. */
export function writeDecimal(buf: Uint8Array, off: number, value: number): number {
  if (value === 0) {
    buf[off] = 48;
    return off + 1;
  }
  if (value < 0) {
    buf[off++] = 45;
    value = -value;
  }
  if (value > Number.MAX_SAFE_INTEGER) {
    const s = String(value);
    for (let i = 0; i < s.length; i++) buf[off++] = s.charCodeAt(i);
    return off;
  }
  let digits = 1;
  for (let v = value; v >= 10; v = Math.floor(v / 10)) digits++;
  let pos = off + digits;
  while (value >= 10) {
    const q = Math.floor(value / 10);
    buf[--pos] = 48 + (value - q * 10);
    value = q;
  }
  buf[--pos] = 48 + value;
  return off + digits;
}


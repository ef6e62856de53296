// Reply encoding straight into one growable byte buffer, in RESP2 or RESP3 as `proto` says,
// with Redis 7's byte-for-byte forms (networking.c addReply*). No strings are made for
// integers, lengths or doubles.

import type { Reply } from "./types.ts";
import {
  FALSE3,
  INF2,
  INF3,
  NAN2,
  NAN3,
  NEG_INF2,
  NEG_INF3,
  NULL3,
  NULL_ARRAY,
  NULL_BULK,
  OK,
  ONE,
  TRUE3,
  ZERO,
} from "./constants.ts";
import { MAX_DOUBLE_CHARS, writeDouble } from "./double.ts";
import { writeLatin1 } from "../../stdx/index.ts";

const encoder = new TextEncoder();
const INT64_MIN = -(2n ** 63n);
const INT64_MAX = 2n ** 63n - 1n;
/** Below this many bytes a copy loop beats subarray() + set() (see bench/resp.bench.ts). */
const SMALL_COPY_BYTES = 96;
/** Strings up to this many UTF-16 units are checked for ASCII and copied by hand. */
const SMALL_STRING_CHARS = 128;
/** "$" + up to 10 digits + CRLF: room for any header. */
const HEADER_ROOM = 16;

/** Decimal digits of a non-negative safe integer. */
function digitCount(v: number): number {
  let n = 1;
  while (v >= 10) {
    v = Math.floor(v / 10);
    n++;
  }
  return n;
}

export class ReplyWriter implements Reply {
  buf: Uint8Array;
  pos = 0;
  proto: 2 | 3 = 2;
  errors = 0;
  /** Told of every error reply (the server's error statistics); null: nobody. */
  onError: ((text: string) => void) | null = null;

  constructor(initialBytes = 64 * 1024) {
    this.buf = new Uint8Array(Math.max(64, initialBytes));
  }

  /** Forget everything written (pos = 0); the buffer is kept. */
  reset(): void {
    this.pos = 0;
  }

  /** The bytes written so far (a view, valid until the next write). */
  bytes(): Uint8Array {
    return this.buf.subarray(0, this.pos);
  }

  ensure(n: number): void {
    if (this.pos + n > this.buf.length) this.grow(this.pos + n);
  }

  private grow(need: number): void {
    let size = this.buf.length * 2;
    while (size < need) size *= 2;
    const next = new Uint8Array(size);
    next.set(this.buf.subarray(0, this.pos));
    this.buf = next;
  }

  raw(bytes: Uint8Array): void {
    const n = bytes.length;
    if (this.pos + n > this.buf.length) this.grow(this.pos + n);
    const buf = this.buf;
    let p = this.pos;
    if (n <= SMALL_COPY_BYTES) {
      for (let i = 0; i < n; i++) buf[p++] = bytes[i];
    } else {
      buf.set(bytes, p);
      p += n;
    }
    this.pos = p;
  }

  ok(): void {
    this.raw(OK);
  }

  simple(text: string): void {
    this.line(43, text);
  }

  error(text: string): void {
    this.line(45, text);
    this.errors++;
    if (this.onError !== null) this.onError(text);
  }

  integer(n: number): void {
    if (n === 0) this.raw(ZERO);
    else if (n === 1) this.raw(ONE);
    else this.header(58, n);
  }

  /**
   * An integer beyond 2^53: ":" while it fits in 64 bits (as Redis's long long replies);
   * a wider value is a RESP3 big number "(" or, in RESP2, a bulk string (addReplyBigNum).
   */
  bigInteger(n: bigint): void {
    const s = n.toString();
    if (n >= INT64_MIN && n <= INT64_MAX) {
      this.ensure(s.length + 3);
      this.buf[this.pos++] = 58;
      this.ascii(s);
      this.crlf();
    } else if (this.proto === 3) {
      this.ensure(s.length + 3);
      this.buf[this.pos++] = 40;
      this.ascii(s);
      this.crlf();
    } else {
      this.header(36, s.length);
      this.ensure(s.length + 2);
      this.ascii(s);
      this.crlf();
    }
  }

  bulk(src: Uint8Array, off: number, len: number): void {
    if (this.pos + len + HEADER_ROOM > this.buf.length) this.grow(this.pos + len + HEADER_ROOM);
    const buf = this.buf;
    let p = this.writeHeader(buf, this.pos, 36, len);
    if (len <= SMALL_COPY_BYTES) {
      for (let i = 0; i < len; i++) buf[p++] = src[off + i];
    } else {
      buf.set(off === 0 && len === src.length ? src : src.subarray(off, off + len), p);
      p += len;
    }
    buf[p] = 13;
    buf[p + 1] = 10;
    this.pos = p + 2;
  }

  bulkLatin1(s: string): void {
    const len = s.length;
    if (this.pos + len + HEADER_ROOM > this.buf.length) this.grow(this.pos + len + HEADER_ROOM);
    const buf = this.buf;
    const p = this.writeHeader(buf, this.pos, 36, len);
    writeLatin1(buf, p, s);
    buf[p + len] = 13;
    buf[p + len + 1] = 10;
    this.pos = p + len + 2;
  }

  bulkString(text: string): void {
    this.prefixedText(36, "", text);
  }

  nullBulk(): void {
    this.raw(this.proto === 3 ? NULL3 : NULL_BULK);
  }

  nullArray(): void {
    this.raw(this.proto === 3 ? NULL3 : NULL_ARRAY);
  }

  arrayHeader(n: number): void {
    this.header(42, n);
  }

  mapHeader(n: number): void {
    if (this.proto === 3) this.header(37, n);
    else this.header(42, n * 2);
  }

  setHeader(n: number): void {
    this.header(this.proto === 3 ? 126 : 42, n);
  }

  pushHeader(n: number): void {
    this.header(this.proto === 3 ? 62 : 42, n);
  }

  double(n: number): void {
    if (n === Infinity) return this.raw(this.proto === 3 ? INF3 : INF2);
    if (n === -Infinity) return this.raw(this.proto === 3 ? NEG_INF3 : NEG_INF2);
    if (n !== n) return this.raw(this.proto === 3 ? NAN3 : NAN2);
    this.ensure(MAX_DOUBLE_CHARS + HEADER_ROOM);
    const buf = this.buf;
    const p = this.pos;
    if (this.proto === 3) {
      buf[p] = 44; // ','
      const end = writeDouble(buf, p + 1, n);
      buf[end] = 13;
      buf[end + 1] = 10;
      this.pos = end + 2;
      return;
    }
    // RESP2: "$<len>\r\n<text>\r\n". The text is at most 2 digits long ("$24"), so write
    // it after a 2-digit header and close the gap when its length has 1 digit.
    const end = writeDouble(buf, p + 5, n);
    const len = end - (p + 5);
    let q = p;
    buf[q++] = 36;
    if (len >= 10) {
      buf[q++] = 48 + Math.floor(len / 10);
      buf[q++] = 48 + (len % 10);
      buf[q++] = 13;
      buf[q++] = 10;
      q = end;
    } else {
      buf[q++] = 48 + len;
      buf[q++] = 13;
      buf[q++] = 10;
      buf.copyWithin(q, p + 5, end);
      q += len;
    }
    buf[q] = 13;
    buf[q + 1] = 10;
    this.pos = q + 2;
  }

  boolean(b: boolean): void {
    if (this.proto === 3) this.raw(b ? TRUE3 : FALSE3);
    else this.raw(b ? ONE : ZERO);
  }

  verbatim(fmt: string, text: string): void {
    if (this.proto === 3) this.prefixedText(61, fmt + ":", text);
    else this.prefixedText(36, "", text);
  }

  /** "<type><n>\r\n". */
  private header(type: number, n: number): void {
    if (this.pos + 24 > this.buf.length) this.grow(this.pos + 24);
    this.pos = this.writeHeader(this.buf, this.pos, type, n);
  }

  private writeHeader(buf: Uint8Array, p: number, type: number, n: number): number {
    buf[p++] = type;
    if (n < 0) {
      buf[p++] = 45;
      n = -n;
    }
    if (n < 10) {
      buf[p++] = 48 + n;
    } else if (n <= 0x7fffffff) {
      // Int32 arithmetic: the common case of lengths and counts.
      const digits = n < 100 ? 2 : n < 1000 ? 3 : n < 10000 ? 4 : n < 100000 ? 5 : n < 1000000 ? 6 : n < 10000000 ? 7 : n < 100000000 ? 8 : n < 1000000000 ? 9 : 10;
      let q = p + digits;
      p = q;
      do {
        const next = (n / 10) | 0;
        buf[--q] = 48 + (n - next * 10);
        n = next;
      } while (n !== 0);
    } else if (n <= Number.MAX_SAFE_INTEGER) {
      let q = p + digitCount(n);
      p = q;
      do {
        const next = Math.floor(n / 10);
        buf[--q] = 48 + (n - next * 10);
        n = next;
      } while (n !== 0);
    } else {
      const s = String(n); // only reached for a caller passing an imprecise integer
      for (let i = 0; i < s.length; i++) buf[p++] = s.charCodeAt(i);
    }
    buf[p] = 13;
    buf[p + 1] = 10;
    return p + 2;
  }

  private crlf(): void {
    this.buf[this.pos] = 13;
    this.buf[this.pos + 1] = 10;
    this.pos += 2;
  }

  /** ASCII-only text; room must be ensured. */
  private ascii(s: string): void {
    const buf = this.buf;
    let p = this.pos;
    for (let i = 0; i < s.length; i++) buf[p++] = s.charCodeAt(i);
    this.pos = p;
  }

  /** "+text\r\n" or "-text\r\n", UTF-8, with CR and LF turned into spaces as Redis does. */
  private line(type: number, text: string): void {
    this.ensure(text.length * 3 + 3);
    const buf = this.buf;
    const start = this.pos + 1;
    buf[this.pos] = type;
    const end = start + this.encode(text, start);
    for (let i = start; i < end; i++) if (buf[i] === 13 || buf[i] === 10) buf[i] = 32;
    buf[end] = 13;
    buf[end + 1] = 10;
    this.pos = end + 2;
  }

  /** UTF-8 of text at buf[at...] (room ensured); returns the byte count. */
  private encode(text: string, at: number): number {
    const buf = this.buf;
    const n = text.length;
    if (n <= SMALL_STRING_CHARS) {
      let i = 0;
      for (; i < n; i++) {
        const c = text.charCodeAt(i);
        if (c >= 0x80) break;
        buf[at + i] = c;
      }
      if (i === n) return n;
    }
    return encoder.encodeInto(text, buf.subarray(at)).written;
  }

  /**
   * "<type><bytes>\r\n<prefix><text>\r\n", the length counting the prefix's bytes too (a
   * verbatim string's "txt:"). Short ASCII text is measured first; otherwise the text is
   * encoded after a header sized for its longest UTF-8 form and moved back if the real
   * header is shorter.
   */
  private prefixedText(type: number, prefix: string, text: string): void {
    const n = text.length;
    const maxBytes = prefix.length + n * 3;
    this.ensure(maxBytes + HEADER_ROOM);
    const buf = this.buf;
    const p = this.pos;
    if (n <= SMALL_STRING_CHARS) {
      // Assume ASCII (byte length = length) and copy; start over below at the first byte
      // that is not.
      let q = this.writeHeader(buf, p, type, prefix.length + n);
      for (let i = 0; i < prefix.length; i++) buf[q++] = prefix.charCodeAt(i);
      let i = 0;
      for (; i < n; i++) {
        const c = text.charCodeAt(i);
        if (c >= 0x80) break;
        buf[q++] = c;
      }
      if (i === n) {
        buf[q] = 13;
        buf[q + 1] = 10;
        this.pos = q + 2;
        return;
      }
    }
    const room = digitCount(maxBytes) + 3;
    let at = p + room;
    for (let i = 0; i < prefix.length; i++) buf[at++] = prefix.charCodeAt(i);
    const bytes = prefix.length + encoder.encodeInto(text, buf.subarray(at)).written;
    const dataStart = this.writeHeader(buf, p, type, bytes);
    if (dataStart !== p + room) buf.copyWithin(dataStart, p + room, p + room + bytes);
    const end = dataStart + bytes;
    buf[end] = 13;
    buf[end + 1] = 10;
    this.pos = end + 2;
  }
}

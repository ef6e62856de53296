// Pieces of meta replies, written straight into the reply buffer: return flags are " <c><value>",
// in the order the request named them.
import { type ByteSink, putDecimal, writeBytes } from "../../protocol/memcache/index.ts";
import { base64Encode, base64Length } from "./meta-base64.ts";

/** Two ASCII letters (a return code: HD, EN, NF, ...). */
export function putCode(r: ByteSink, a: number, b: number): void {
  r.ensure(2);
  r.buf[r.pos] = a;
  r.buf[r.pos + 1] = b;
  r.pos += 2;
}

/** " <flag><n>" for a non-negative integer below 2^53. */
export function putFlagNumber(r: ByteSink, flag: number, n: number): void {
  r.ensure(20);
  r.buf[r.pos] = 32;
  r.buf[r.pos + 1] = flag;
  r.pos += 2;
  putDecimal(r, n);
}

/** " <flag>-1" (t of an item that never expires). */
export function putFlagMinusOne(r: ByteSink, flag: number): void {
  r.ensure(4);
  r.buf[r.pos] = 32;
  r.buf[r.pos + 1] = flag;
  r.buf[r.pos + 2] = 45;
  r.buf[r.pos + 3] = 49;
  r.pos += 4;
}

/** " <flag>" alone (W, X, Z). */
export function putFlag(r: ByteSink, flag: number): void {
  r.ensure(2);
  r.buf[r.pos] = 32;
  r.buf[r.pos + 1] = flag;
  r.pos += 2;
}

/** " " and the token as the client sent it (O). */
export function putToken(r: ByteSink, src: Uint8Array, off: number, len: number): void {
  r.ensure(len + 1);
  r.buf[r.pos++] = 32;
  writeBytes(r, src, off, len);
}

/** " k<key>", or " k<base64 key> b" for a binary (b) key. */
export function putKey(r: ByteSink, key: Uint8Array, off: number, len: number, binary: boolean): void {
  putFlag(r, 107);
  if (!binary) {
    writeBytes(r, key, off, len);
    return;
  }
  r.ensure(base64Length(len) + 2);
  r.pos = base64Encode(key, off, len, r.buf, r.pos);
  r.buf[r.pos] = 32;
  r.buf[r.pos + 1] = 98;
  r.pos += 2;
}

/** The key alone, base64 for a binary key (me). */
export function putBareKey(r: ByteSink, key: Uint8Array, off: number, len: number, binary: boolean): void {
  if (!binary) return writeBytes(r, key, off, len);
  r.ensure(base64Length(len));
  r.pos = base64Encode(key, off, len, r.buf, r.pos);
}

/** The end of a reply line. */
export function putCrlf(r: ByteSink): void {
  r.ensure(2);
  r.buf[r.pos] = 13;
  r.buf[r.pos + 1] = 10;
  r.pos += 2;
}

/** ASCII text as it is. */
export function putAscii(r: ByteSink, text: string): void {
  r.ensure(text.length);
  const buf = r.buf;
  let p = r.pos;
  for (let i = 0; i < text.length; i++) buf[p++] = text.charCodeAt(i);
  r.pos = p;
}

/** "VA <size>" (the flags and the line's end follow). */
export function putValueHeader(r: ByteSink, size: number): void {
  r.ensure(20);
  r.buf[r.pos] = 86;
  r.buf[r.pos + 1] = 65;
  r.buf[r.pos + 2] = 32;
  r.pos += 3;
  putDecimal(r, size);
}

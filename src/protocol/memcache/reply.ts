// Memcache text replies, written into the server's shared reply buffer (the same byte
// buffer RESP replies use, so the connection's write path is one for both protocols).
import { utf8 } from "../../stdx/index.ts";

/** The growable byte buffer replies are written into (the RESP ReplyWriter is one). */
export interface ByteSink {
  buf: Uint8Array;
  pos: number;
  /** Make room for n more bytes. */
  ensure(n: number): void;
}
type Reply = ByteSink;

export const Replies = {
  STORED: utf8("STORED\r\n"),
  NOT_STORED: utf8("NOT_STORED\r\n"),
  EXISTS: utf8("EXISTS\r\n"),
  NOT_FOUND: utf8("NOT_FOUND\r\n"),
  DELETED: utf8("DELETED\r\n"),
  TOUCHED: utf8("TOUCHED\r\n"),
  END: utf8("END\r\n"),
  OK: utf8("OK\r\n"),
  RESET: utf8("RESET\r\n"),
  ERROR: utf8("ERROR\r\n"),
  BAD_FORMAT: utf8("CLIENT_ERROR bad command line format\r\n"),
  BAD_CHUNK: utf8("CLIENT_ERROR bad data chunk\r\n"),
  TOO_LARGE: utf8("SERVER_ERROR object too large for cache\r\n"),
  NO_MEMORY: utf8("SERVER_ERROR out of memory storing object\r\n"),
  BAD_EXPTIME: utf8("CLIENT_ERROR invalid exptime argument\r\n"),
  BAD_DELTA: utf8("CLIENT_ERROR invalid numeric delta argument\r\n"),
  NON_NUMERIC: utf8("CLIENT_ERROR cannot increment or decrement non-numeric value\r\n"),
  VALUE: utf8("VALUE "),
} as const;

/** ASCII text and CRLF. */
export function writeLine(r: Reply, text: string): void {
  r.ensure(text.length + 2);
  const buf = r.buf;
  let p = r.pos;
  for (let i = 0; i < text.length; i++) buf[p++] = text.charCodeAt(i) & 0xff;
  buf[p] = 13;
  buf[p + 1] = 10;
  r.pos = p + 2;
}

/** Bytes as they are (no CRLF). */
export function writeBytes(r: Reply, src: Uint8Array, off: number, len: number): void {
  r.ensure(len);
  const buf = r.buf;
  let p = r.pos;
  if (len <= 32) {
    for (let i = 0; i < len; i++) buf[p++] = src[off + i];
  } else {
    buf.set(src.subarray(off, off + len), p);
    p += len;
  }
  r.pos = p;
}

/** A non-negative integer below 2^53 in decimal (no CRLF); room must be ensured (16 bytes). */
export function putDecimal(r: Reply, n: number): void {
  const buf = r.buf;
  let p = r.pos;
  if (n < 10) {
    buf[p] = 48 + n;
    r.pos = p + 1;
    return;
  }
  let digits = 0;
  for (let v = n; v >= 1; v = Math.floor(v / 10)) digits++;
  p += digits;
  r.pos = p;
  for (let v = n; v >= 1; v = Math.floor(v / 10)) buf[--p] = 48 + (v % 10);
}

export function writeCrlf(r: Reply): void {
  r.ensure(2);
  r.buf[r.pos] = 13;
  r.buf[r.pos + 1] = 10;
  r.pos += 2;
}

/**
 * "VALUE <key> <flags> <bytes>[ <cas>]\r\n<data>\r\n": one hit of get, gets, gat, gats.
 * cas < 0 leaves the CAS out.
 */
export function writeValue(
  r: Reply, key: Uint8Array, keyOff: number, keyLen: number,
  flags: number, data: Uint8Array, dataOff: number, dataLen: number, cas: number,
): void {
  r.ensure(6 + keyLen + 60 + dataLen + 2);
  writeBytes(r, Replies.VALUE, 0, 6);
  writeBytes(r, key, keyOff, keyLen);
  r.buf[r.pos++] = 32;
  putDecimal(r, flags);
  r.buf[r.pos++] = 32;
  putDecimal(r, dataLen);
  if (cas >= 0) {
    r.buf[r.pos++] = 32;
    putDecimal(r, cas);
  }
  r.buf[r.pos++] = 13;
  r.buf[r.pos++] = 10;
  writeBytes(r, data, dataOff, dataLen);
  r.buf[r.pos++] = 13;
  r.buf[r.pos++] = 10;
}

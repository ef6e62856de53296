// Drives a RespParser the way the server does: parse every complete frame of the buffered
// bytes, keep the unparsed tail, wait for needBytes before parsing again.

import { RespParser, type RespLimits } from "../../../src/protocol/resp/index.ts";

/** A parsed command as latin1 strings (one char per byte), or a protocol error. */
export type Event = string[] | { error: string };

export function bytes(s: string): Uint8Array {
  return Uint8Array.from(s, (c) => c.charCodeAt(0) & 0xff);
}

export function latin1(buf: Uint8Array, off = 0, len = buf.length - off): string {
  let s = "";
  for (let i = 0; i < len; i++) s += String.fromCharCode(buf[off + i]);
  return s;
}

export function concat(...parts: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}

export function argvOf(p: RespParser): string[] {
  const out: string[] = [];
  for (let i = 0; i < p.argc; i++) out.push(latin1(p.buf, p.off[i], p.len[i]));
  return out;
}

export interface FeedResult {
  events: Event[];
  /** Bytes left unparsed at the end (a partial frame). */
  pending: number;
  /** How many parse() calls were made. */
  calls: number;
}

/**
 * Feed chunks through one parser. Frames with argc 0 (empty lines, *0, *-1) produce no
 * event, as Redis skips them. With honorNeedBytes, a partial frame is not parsed again
 * until needBytes have arrived.
 */
export function feed(parser: RespParser, chunks: Uint8Array[], honorNeedBytes = true): FeedResult {
  const events: Event[] = [];
  let pending: Uint8Array = new Uint8Array(0);
  let need = 0;
  let calls = 0;
  for (const chunk of chunks) {
    const buf = pending.length === 0 ? chunk : concat(pending, chunk);
    let start = 0;
    while (start < buf.length) {
      if (honorNeedBytes && need > buf.length - start) break;
      calls++;
      const n = parser.parse(buf, start, buf.length);
      if (n === 0) {
        need = parser.needBytes;
        break;
      }
      need = 0;
      if (n < 0) {
        events.push({ error: parser.error });
        return { events, pending: buf.length - start, calls };
      }
      if (parser.argc > 0) events.push(argvOf(parser));
      start += n;
    }
    pending = buf.slice(start);
  }
  return { events, pending: pending.length, calls };
}

export function parseAll(input: Uint8Array | string, limits?: RespLimits): FeedResult {
  const p = new RespParser(limits ?? { maxBulkBytes: 512 * 1024 * 1024 });
  return feed(p, [typeof input === "string" ? bytes(input) : input]);
}

/** Every way of cutting input in two, plus byte by byte. */
export function splits(input: Uint8Array): Uint8Array[][] {
  const out: Uint8Array[][] = [];
  for (let i = 0; i <= input.length; i++) out.push([input.subarray(0, i), input.subarray(i)]);
  const single: Uint8Array[] = [];
  for (let i = 0; i < input.length; i++) single.push(input.subarray(i, i + 1));
  out.push(single);
  return out;
}

export function resp(...args: (string | Uint8Array)[]): Uint8Array {
  const parts: Uint8Array[] = [bytes(`*${args.length}\r\n`)];
  for (const a of args) {
    const b = typeof a === "string" ? bytes(a) : a;
    parts.push(bytes(`$${b.length}\r\n`), b, bytes("\r\n"));
  }
  return concat(...parts);
}

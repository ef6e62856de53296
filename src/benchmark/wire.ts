// The bytes on the wire for each protocol: requests encoded into a caller's reused buffer,
// and replies parsed incrementally, in place, one at a time. A parse either returns where
// the reply ends or says it is not all here yet (the caller keeps the tail and tries again
// with more bytes). Nothing is allocated per request or per reply.
//
//   resp, resp3      *N\r\n$len\r\n...  (resp3 says HELLO 3 first)
//   memcache         get/set/delete lines, "ma <key> N0" for incr, "get k1 k2 ..." for mget
//   memcache_binary  24-byte headers; mget is GetKQ x n then a Noop
import type { Protocol } from "./config.ts";
import { type KeyChooser, type Rng, writeKey } from "./keys.ts";

/** What a request in flight is (kept per slot of a connection's FIFO). */
export const Kind = {
  Get: 0,
  Set: 1,
  Delete: 2,
  Incr: 3,
  Mget: 4,
  /** RESP3's HELLO 3 at connect; not measured. */
  Hello: 5,
  /** A SET of the prefill; not measured. */
  Prefill: 6,
} as const;
export type Kind = (typeof Kind)[keyof typeof Kind];

/** Reply outcomes (ReplyReader.status). */
export const Status = {
  Ok: 0,
  Hit: 1,
  Miss: 2,
  Error: 3,
} as const;

/** parse() results besides an end offset. */
export const INCOMPLETE = -1;
export const MALFORMED = -2;

const CR = 13;
const LF = 10;
const enc = new TextEncoder();
const bytes = (s: string) => enc.encode(s);

/** Write a non-negative integer in decimal at out[pos]; returns the new position. */
export function writeUint(out: Uint8Array, pos: number, n: number): number {
  if (n < 10) {
    out[pos] = 48 + n;
    return pos + 1;
  }
  let digits = 1;
  for (let x = n; x >= 10; x = Math.floor(x / 10)) digits++;
  let i = pos + digits - 1;
  for (let x = n; ; ) {
    const q = Math.floor(x / 10);
    out[i--] = 48 + (x - q * 10);
    if (q === 0) break;
    x = q;
  }
  return pos + digits;
}

function copyInto(out: Uint8Array, pos: number, src: Uint8Array): number {
  const n = src.length;
  if (n <= 16) for (let i = 0; i < n; i++) out[pos + i] = src[i]!;
  else out.set(src, pos);
  return pos + n;
}

// Binary protocol opcodes and statuses used here (protocol-binary.txt).
const OP_GET = 0x00;
const OP_SET = 0x01;
const OP_DELETE = 0x04;
const OP_INCREMENT = 0x05;
const OP_NOOP = 0x0a;
const OP_GETKQ = 0x0d;
const BIN_HEADER = 24;
const BIN_KEY_NOT_FOUND = 0x0001;

const P_RESP = 0;
const P_RESP3 = 1;
const P_MC = 2;
const P_MCBIN = 3;

function protocolCode(p: Protocol): number {
  return p === "resp" ? P_RESP : p === "resp3" ? P_RESP3 : p === "memcache" ? P_MC : P_MCBIN;
}

/** Random bytes to slice values from: generated once, copied with Buffer#copy (no views). */
export class ValuePool {
  readonly pool: Buffer;
  constructor(
    readonly minLength: number,
    readonly maxLength: number,
    private readonly rng: Rng,
  ) {
    const size = Math.max(maxLength + 4096, 65536);
    this.pool = Buffer.allocUnsafe(size);
    for (let i = 0; i < size; i += 4) {
      const r = rng.u32();
      this.pool[i] = r & 0xff;
      if (i + 1 < size) this.pool[i + 1] = (r >>> 8) & 0xff;
      if (i + 2 < size) this.pool[i + 2] = (r >>> 16) & 0xff;
      if (i + 3 < size) this.pool[i + 3] = r >>> 24;
    }
  }

  length(): number {
    return this.minLength === this.maxLength ? this.minLength : this.minLength + this.rng.below(this.maxLength - this.minLength + 1);
  }

  /** Copy `len` value bytes to out[pos]; returns pos + len. */
  copy(out: Uint8Array, pos: number, len: number): number {
    if (len === 0) return pos;
    const start = this.rng.below(this.pool.length - len + 1);
    if (len <= 32) {
      const pool = this.pool;
      for (let i = 0; i < len; i++) out[pos + i] = pool[start + i]!;
    } else {
      this.pool.copy(out, pos, start, start + len);
    }
    return pos + len;
  }
}

/** Encodes requests of every kind for one protocol. */
export class RequestWriter {
  private readonly p: number;
  /** The largest request write() can produce, for sizing buffers. */
  readonly maxRequestBytes: number;
  // RESP prefixes up to the key's bytes (the key length is fixed).
  private readonly respGet: Uint8Array;
  private readonly respSet: Uint8Array;
  private readonly respDel: Uint8Array;
  private readonly respIncr: Uint8Array;
  private readonly respMget: Uint8Array;
  private readonly respKeyHead: Uint8Array;
  private readonly hello = bytes("*2\r\n$5\r\nHELLO\r\n$1\r\n3\r\n");
  private readonly mcGet = bytes("get ");
  private readonly mcSet = bytes("set ");
  private readonly mcSetFlags = bytes(" 0 0 ");
  private readonly mcDelete = bytes("delete ");
  private readonly mcIncr = bytes("ma ");
  private readonly mcIncrFlags = bytes(" N0\r\n");

  constructor(
    protocol: Protocol,
    private readonly keyLength: number,
    private readonly mgetBatch: number,
    private readonly keys: KeyChooser,
    private readonly values: ValuePool,
  ) {
    this.p = protocolCode(protocol);
    const kl = `$${keyLength}\r\n`;
    this.respGet = bytes(`*2\r\n$3\r\nGET\r\n${kl}`);
    this.respSet = bytes(`*3\r\n$3\r\nSET\r\n${kl}`);
    this.respDel = bytes(`*2\r\n$3\r\nDEL\r\n${kl}`);
    this.respIncr = bytes(`*2\r\n$4\r\nINCR\r\n${kl}`);
    this.respMget = bytes(`*${mgetBatch + 1}\r\n$4\r\nMGET\r\n`);
    this.respKeyHead = bytes(kl);
    const set = 64 + keyLength + values.maxLength;
    const mget = 32 + mgetBatch * (BIN_HEADER + keyLength + 16);
    this.maxRequestBytes = Math.max(set, mget, 128);
  }

  /** Encode one request of `kind` at out[pos] (room for maxRequestBytes); returns the new position. */
  write(kind: number, out: Uint8Array, pos: number): number {
    switch (kind) {
      case Kind.Get:
        return this.get(out, pos, this.keys.next());
      case Kind.Set:
        return this.set(out, pos, this.keys.next());
      case Kind.Delete:
        return this.del(out, pos, this.keys.next());
      case Kind.Incr:
        return this.incr(out, pos, this.keys.next());
      case Kind.Mget:
        return this.mget(out, pos);
      default:
        throw new Error(`no request of kind ${kind}`);
    }
  }

  /** RESP3's HELLO 3. */
  writeHello(out: Uint8Array, pos: number): number {
    return copyInto(out, pos, this.hello);
  }

  get(out: Uint8Array, pos: number, key: number): number {
    const kl = this.keyLength;
    switch (this.p) {
      case P_MC:
        pos = copyInto(out, pos, this.mcGet);
        pos = writeKey(out, pos, kl, key);
        out[pos] = CR;
        out[pos + 1] = LF;
        return pos + 2;
      case P_MCBIN:
        pos = binHeader(out, pos, OP_GET, kl, 0, kl);
        return writeKey(out, pos, kl, key);
      default:
        pos = copyInto(out, pos, this.respGet);
        pos = writeKey(out, pos, kl, key);
        out[pos] = CR;
        out[pos + 1] = LF;
        return pos + 2;
    }
  }

  set(out: Uint8Array, pos: number, key: number): number {
    const kl = this.keyLength;
    const vl = this.values.length();
    switch (this.p) {
      case P_MC:
        pos = copyInto(out, pos, this.mcSet);
        pos = writeKey(out, pos, kl, key);
        pos = copyInto(out, pos, this.mcSetFlags);
        pos = writeUint(out, pos, vl);
        out[pos] = CR;
        out[pos + 1] = LF;
        pos = this.values.copy(out, pos + 2, vl);
        out[pos] = CR;
        out[pos + 1] = LF;
        return pos + 2;
      case P_MCBIN:
        pos = binHeader(out, pos, OP_SET, kl, 8, 8 + kl + vl);
        for (let i = 0; i < 8; i++) out[pos + i] = 0; // flags, expiry
        pos = writeKey(out, pos + 8, kl, key);
        return this.values.copy(out, pos, vl);
      default:
        pos = copyInto(out, pos, this.respSet);
        pos = writeKey(out, pos, kl, key);
        out[pos] = CR;
        out[pos + 1] = LF;
        out[pos + 2] = 36; // $
        pos = writeUint(out, pos + 3, vl);
        out[pos] = CR;
        out[pos + 1] = LF;
        pos = this.values.copy(out, pos + 2, vl);
        out[pos] = CR;
        out[pos + 1] = LF;
        return pos + 2;
    }
  }

  private del(out: Uint8Array, pos: number, key: number): number {
    const kl = this.keyLength;
    switch (this.p) {
      case P_MC:
        pos = copyInto(out, pos, this.mcDelete);
        pos = writeKey(out, pos, kl, key);
        out[pos] = CR;
        out[pos + 1] = LF;
        return pos + 2;
      case P_MCBIN:
        pos = binHeader(out, pos, OP_DELETE, kl, 0, kl);
        return writeKey(out, pos, kl, key);
      default:
        pos = copyInto(out, pos, this.respDel);
        pos = writeKey(out, pos, kl, key);
        out[pos] = CR;
        out[pos + 1] = LF;
        return pos + 2;
    }
  }

  /** INCR on the key's counter twin: the same index with 'n' as its first byte (never a data key). */
  private incr(out: Uint8Array, pos: number, key: number): number {
    const kl = this.keyLength;
    let k: number;
    switch (this.p) {
      case P_MC:
        pos = copyInto(out, pos, this.mcIncr);
        k = pos;
        pos = writeKey(out, pos, kl, key);
        out[k] = 110; // n
        return copyInto(out, pos, this.mcIncrFlags);
      case P_MCBIN:
        pos = binHeader(out, pos, OP_INCREMENT, kl, 20, 20 + kl);
        for (let i = 0; i < 20; i++) out[pos + i] = 0;
        out[pos + 7] = 1; // delta 1; initial 0; expiry 0 (create when missing)
        k = pos + 20;
        pos = writeKey(out, k, kl, key);
        out[k] = 110;
        return pos;
      default:
        pos = copyInto(out, pos, this.respIncr);
        k = pos;
        pos = writeKey(out, pos, kl, key);
        out[k] = 110;
        out[pos] = CR;
        out[pos + 1] = LF;
        return pos + 2;
    }
  }

  private mget(out: Uint8Array, pos: number): number {
    const kl = this.keyLength;
    const n = this.mgetBatch;
    switch (this.p) {
      case P_MC:
        pos = copyInto(out, pos, this.mcGet);
        for (let i = 0; i < n; i++) {
          if (i > 0) out[pos++] = 32;
          pos = writeKey(out, pos, kl, this.keys.next());
        }
        out[pos] = CR;
        out[pos + 1] = LF;
        return pos + 2;
      case P_MCBIN:
        for (let i = 0; i < n; i++) {
          pos = binHeader(out, pos, OP_GETKQ, kl, 0, kl);
          pos = writeKey(out, pos, kl, this.keys.next());
        }
        return binHeader(out, pos, OP_NOOP, 0, 0, 0);
      default:
        pos = copyInto(out, pos, this.respMget);
        for (let i = 0; i < n; i++) {
          pos = copyInto(out, pos, this.respKeyHead);
          pos = writeKey(out, pos, kl, this.keys.next());
          out[pos] = CR;
          out[pos + 1] = LF;
          pos += 2;
        }
        return pos;
    }
  }
}

/** A binary request header (magic 0x80, opaque and CAS 0); returns the position after it. */
function binHeader(out: Uint8Array, pos: number, opcode: number, keyLength: number, extrasLength: number, bodyLength: number): number {
  out[pos] = 0x80;
  out[pos + 1] = opcode;
  out[pos + 2] = keyLength >>> 8;
  out[pos + 3] = keyLength & 0xff;
  out[pos + 4] = extrasLength;
  out[pos + 5] = 0;
  out[pos + 6] = 0;
  out[pos + 7] = 0;
  out[pos + 8] = bodyLength >>> 24;
  out[pos + 9] = (bodyLength >>> 16) & 0xff;
  out[pos + 10] = (bodyLength >>> 8) & 0xff;
  out[pos + 11] = bodyLength & 0xff;
  for (let i = 12; i < BIN_HEADER; i++) out[pos + i] = 0;
  return pos + BIN_HEADER;
}

/**
 * Parses one reply at a time. After a parse that returned an end offset: `status` (Ok, Hit,
 * Miss, Error), and for multi-key reads `hits` and `misses`; for errors, `errorStart` and
 * `errorEnd` locate the error's text in the buffer.
 */
export class ReplyReader {
  private readonly p: number;
  status = 0;
  hits = 0;
  misses = 0;
  errorStart = 0;
  errorEnd = 0;

  constructor(protocol: Protocol) {
    this.p = protocolCode(protocol);
  }

  /** The reply at buf[off..end) for a request of `kind` (`keys` keys): its end, INCOMPLETE or MALFORMED. */
  parse(buf: Uint8Array, off: number, end: number, kind: number, keys: number): number {
    switch (this.p) {
      case P_MC:
        return this.parseMemcache(buf, off, end, kind, keys);
      case P_MCBIN:
        return this.parseBinary(buf, off, end, kind, keys);
      default:
        return this.parseResp(buf, off, end);
    }
  }

  // ---- RESP2 / RESP3 ----

  private parseResp(buf: Uint8Array, off: number, end: number): number {
    let p = off;
    if (p >= end) return INCOMPLETE;
    // An attribute (RESP3 '|') comes before the reply it describes.
    while (buf[p] === 124) {
      const next = skipResp(buf, p, end);
      if (next < 0) return next;
      p = next;
      if (p >= end) return INCOMPLETE;
    }
    const type = buf[p]!;
    const line = lineEnd(buf, p + 1, end);
    if (line < 0) return line;
    this.hits = 0;
    this.misses = 0;
    switch (type) {
      case 36: // $
      case 61: {
        // =
        const n = parseInt(buf, p + 1, line);
        if (n === BAD_INT) return MALFORMED;
        if (n < 0) {
          this.status = Status.Miss;
          return line + 2;
        }
        const stop = line + 2 + n + 2;
        if (stop > end) return INCOMPLETE;
        this.status = Status.Hit;
        return stop;
      }
      case 95: // _
        this.status = Status.Miss;
        return line + 2;
      case 45: // -
        this.status = Status.Error;
        this.errorStart = p;
        this.errorEnd = line;
        return line + 2;
      case 33: {
        // ! blob error
        const n = parseInt(buf, p + 1, line);
        if (n === BAD_INT || n < 0) return MALFORMED;
        const stop = line + 2 + n + 2;
        if (stop > end) return INCOMPLETE;
        this.status = Status.Error;
        this.errorStart = line + 2;
        this.errorEnd = line + 2 + n;
        return stop;
      }
      case 42: {
        // * : MGET counts its null and non-null elements
        const n = parseInt(buf, p + 1, line);
        if (n === BAD_INT) return MALFORMED;
        if (n < 0) {
          this.status = Status.Miss;
          return line + 2;
        }
        let q = line + 2;
        let hits = 0;
        let misses = 0;
        for (let i = 0; i < n; i++) {
          if (q >= end) return INCOMPLETE;
          const t = buf[q];
          const next = skipResp(buf, q, end);
          if (next < 0) return next;
          if (t === 95 || (t === 36 && buf[q + 1] === 45)) misses++;
          else hits++;
          q = next;
        }
        this.status = Status.Ok;
        this.hits = hits;
        this.misses = misses;
        return q;
      }
      case 43: // +
      case 58: // :
      case 44: // ,
      case 35: // #
      case 40: // (
        this.status = Status.Ok;
        return line + 2;
      case 37: // %
      case 126: // ~
      case 62: {
        // >
        const next = skipResp(buf, p, end);
        if (next >= 0) this.status = Status.Ok;
        return next;
      }
      default:
        return MALFORMED;
    }
  }

  // ---- memcache text ----

  private parseMemcache(buf: Uint8Array, off: number, end: number, kind: number, keys: number): number {
    let p = off;
    let hits = 0;
    for (;;) {
      const line = lineEnd(buf, p, end);
      if (line < 0) return line;
      const b0 = buf[p];
      const b1 = buf[p + 1];
      if (b0 === 86 && b1 === 65 && buf[p + 2] === 76 && buf[p + 3] === 85 && buf[p + 4] === 69 && buf[p + 5] === 32) {
        // VALUE <key> <flags> <bytes> [<cas>]
        let q = p + 6;
        while (q < line && buf[q] !== 32) q++; // key
        q++;
        while (q < line && buf[q] !== 32) q++; // flags
        q++;
        let n = 0;
        const start = q;
        while (q < line && buf[q] !== 32) {
          const d = buf[q]! - 48;
          if (d < 0 || d > 9) return MALFORMED;
          n = n * 10 + d;
          q++;
        }
        if (q === start) return MALFORMED;
        p = line + 2 + n + 2;
        if (p > end) return INCOMPLETE;
        hits++;
        continue;
      }
      if (b0 === 69 && b1 === 78 && buf[p + 2] === 68 && line === p + 3) {
        // END
        this.status = hits > 0 ? Status.Hit : Status.Miss;
        this.hits = hits;
        this.misses = keys - hits;
        return line + 2;
      }
      // One-line replies: STORED, DELETED, NOT_FOUND, HD, NF, a number, or an error.
      if ((b0 === 69 && b1 === 82) || (b0 === 67 && b1 === 76) || (b0 === 83 && b1 === 69)) {
        this.status = Status.Error;
        this.errorStart = p;
        this.errorEnd = line;
      } else if (kind === Kind.Get || kind === Kind.Mget) {
        return MALFORMED;
      } else {
        this.status = Status.Ok;
      }
      this.hits = 0;
      this.misses = 0;
      return line + 2;
    }
  }

  // ---- memcache binary ----

  private parseBinary(buf: Uint8Array, off: number, end: number, kind: number, keys: number): number {
    let p = off;
    let hits = 0;
    for (;;) {
      if (end - p < BIN_HEADER) return INCOMPLETE;
      if (buf[p] !== 0x81) return MALFORMED;
      const body = ((buf[p + 8]! << 24) | (buf[p + 9]! << 16) | (buf[p + 10]! << 8) | buf[p + 11]!) >>> 0;
      const next = p + BIN_HEADER + body;
      if (next > end) return INCOMPLETE;
      const op = buf[p + 1];
      const status = (buf[p + 6]! << 8) | buf[p + 7]!;
      if (kind === Kind.Mget && op === OP_GETKQ) {
        if (status === 0) hits++;
        p = next;
        continue;
      }
      if (kind === Kind.Mget && op === OP_NOOP) {
        this.status = hits > 0 ? Status.Hit : Status.Miss;
        this.hits = hits;
        this.misses = keys - hits;
        return next;
      }
      this.hits = 0;
      this.misses = 0;
      if (status === 0) this.status = kind === Kind.Get ? Status.Hit : Status.Ok;
      else if (status === BIN_KEY_NOT_FOUND) this.status = kind === Kind.Get ? Status.Miss : Status.Ok;
      else {
        this.status = Status.Error;
        // The error text is the body (after extras and key).
        const skip = buf[p + 4]! + ((buf[p + 2]! << 8) | buf[p + 3]!);
        this.errorStart = p + BIN_HEADER + skip;
        this.errorEnd = next;
      }
      return next;
    }
  }
}

const BAD_INT = Number.MIN_SAFE_INTEGER;

/** Index of the CR ending the line that starts at `from`; INCOMPLETE, or MALFORMED for a CR without LF. */
function lineEnd(buf: Uint8Array, from: number, end: number): number {
  for (let i = from; i < end; i++) {
    if (buf[i] === CR) return i + 1 >= end ? INCOMPLETE : buf[i + 1] === LF ? i : MALFORMED;
  }
  return INCOMPLETE;
}

function parseInt(buf: Uint8Array, from: number, to: number): number {
  let i = from;
  let neg = false;
  if (buf[i] === 45) {
    neg = true;
    i++;
  }
  if (i >= to) return BAD_INT;
  let n = 0;
  for (; i < to; i++) {
    const d = buf[i]! - 48;
    if (d < 0 || d > 9) return BAD_INT;
    n = n * 10 + d;
  }
  return neg ? -n : n;
}

/** The end of the RESP value at buf[p], INCOMPLETE or MALFORMED. */
function skipResp(buf: Uint8Array, p: number, end: number): number {
  if (p >= end) return INCOMPLETE;
  const type = buf[p];
  const line = lineEnd(buf, p + 1, end);
  if (line < 0) return line;
  switch (type) {
    case 43:
    case 45:
    case 58:
    case 95:
    case 44:
    case 35:
    case 40:
      return line + 2;
    case 36:
    case 61:
    case 33: {
      const n = parseInt(buf, p + 1, line);
      if (n === BAD_INT) return MALFORMED;
      if (n < 0) return line + 2;
      const stop = line + 2 + n + 2;
      return stop <= end ? stop : INCOMPLETE;
    }
    case 42:
    case 126:
    case 62:
    case 37:
    case 124: {
      let n = parseInt(buf, p + 1, line);
      if (n === BAD_INT) return MALFORMED;
      if (n < 0) return line + 2;
      if (type === 37 || type === 124) n *= 2;
      let q = line + 2;
      for (let i = 0; i < n; i++) {
        q = skipResp(buf, q, end);
        if (q < 0) return q;
      }
      return q;
    }
    default:
      return MALFORMED;
  }
}

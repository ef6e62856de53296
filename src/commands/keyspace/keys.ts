// KEYS, SCAN, RANDOMKEY: db.c keysCommand, scanGenericCommand, randomkeyCommand.
// Keys visited during a store.scan step are copied into one reusable byte pool, because the
// visitor's bytes are only valid during the call and the expiry/type checks that follow are
// store calls themselves. The visitors are created once; their inputs are module state.

import type { CommandSpec, Ctx } from "../types.ts";
import type { Reply } from "../../protocol/resp/index.ts";
import type { KeyVisitor } from "../../store/index.ts";
import { argIs, argLongLongOrReply, Tok } from "../args.ts";
import { ERR_INVALID_CURSOR, ERR_SYNTAX } from "../errors.ts";
import { equalsIgnoreCase, globMatch, writeDecimal } from "../../stdx/index.ts";
import { TYPE_NAME_BYTES } from "./types.ts";

/** A growable list of byte strings in one buffer. */
class KeyPool {
  bytes = new Uint8Array(64 * 1024);
  offs = new Int32Array(1024);
  lens = new Int32Array(1024);
  count = 0;
  used = 0;

  reset(): void {
    this.count = 0;
    this.used = 0;
  }

  push(buf: Uint8Array, off: number, len: number): void {
    if (this.used + len > this.bytes.length) {
      let size = this.bytes.length * 2;
      while (size < this.used + len) size *= 2;
      const next = new Uint8Array(size);
      next.set(this.bytes.subarray(0, this.used));
      this.bytes = next;
    }
    if (this.count === this.offs.length) {
      const offs = new Int32Array(this.count * 2);
      offs.set(this.offs);
      this.offs = offs;
      const lens = new Int32Array(this.count * 2);
      lens.set(this.lens);
      this.lens = lens;
    }
    this.bytes.set(buf.subarray(off, off + len), this.used);
    this.offs[this.count] = this.used;
    this.lens[this.count] = len;
    this.count++;
    this.used += len;
  }

  /** Give memory back after a big KEYS so one call does not pin it for the process's life. */
  shrink(): void {
    if (this.bytes.length > 1024 * 1024) this.bytes = new Uint8Array(64 * 1024);
    if (this.offs.length > 64 * 1024) {
      this.offs = new Int32Array(1024);
      this.lens = new Int32Array(1024);
    }
  }
}

const pool = new KeyPool();
let patBuf: Uint8Array = new Uint8Array(0);
let patOff = 0;
let patLen = 0;
let usePattern = false;

const collect: KeyVisitor = (buf, off, len) => {
  if (!usePattern || globMatch(patBuf, patOff, patLen, buf, off, len)) pool.push(buf, off, len);
};

function setPattern(c: Ctx, i: number): void {
  const a = c.argv;
  patBuf = a.buf;
  patOff = a.off[i];
  patLen = a.len[i];
  usePattern = !(patLen === 1 && patBuf[patOff] === 42);
}

/** Keys per store.scan step while KEYS walks the whole db. */
const KEYS_STEP = 1024;

function keys(c: Ctx): void {
  const s = c.store;
  const db = c.client.db;
  setPattern(c, 1);
  pool.reset();
  let cursor = 0;
  do {
    cursor = s.scan(db, cursor, KEYS_STEP, collect);
  } while (cursor !== 0);
  replyLiveKeys(c, db, -1);
  pool.shrink();
}

/**
 * Reply the pooled keys; when typeArg >= 0 only those of the type named by argv[typeArg]
 * (a key that expired meanwhile is dropped too, as Redis's expireIfNeeded in SCAN).
 */
function replyLiveKeys(c: Ctx, db: number, typeArg: number): void {
  const s = c.store;
  const a = c.argv;
  let live = 0;
  if (typeArg < 0) {
    // store.scan already skips expired keys; nothing else to filter.
    live = pool.count;
  } else {
    for (let k = 0; k < pool.count; k++) {
      const keep =
        s.peek(db, pool.bytes, pool.offs[k], pool.lens[k]) &&
        equalsIgnoreCase(a.buf, a.off[typeArg], a.len[typeArg], TYPE_NAME_BYTES[s.itemType]);
      if (keep) live++;
      else pool.lens[k] = -1;
    }
  }
  const r = c.reply;
  r.arrayHeader(live);
  for (let k = 0; k < pool.count; k++) {
    if (pool.lens[k] >= 0) r.bulk(pool.bytes, pool.offs[k], pool.lens[k]);
  }
}

/** SCAN's default COUNT. */
const SCAN_COUNT_DEFAULT = 10;
const ULONG_MAX = 18446744073709551615n;

/**
 * parseScanCursorOrReply: strtoul rules (optional sign, decimal digits, "" is 0, "-1" wraps
 * to 2^64-1, no leading space, nothing after). NaN after replying "ERR invalid cursor".
 */
/** What parseElementScanOptions read: COUNT (default 10) and the MATCH argument (-1: none). */
export const elementScan = { count: 10, matchArg: -1 };

/**
 * HSCAN, SSCAN and ZSCAN's options from argument 3 on: COUNT n (at least 1) and MATCH
 * pattern, in any order, the last one winning (TYPE is SCAN's alone). Fills elementScan;
 * false with Redis's error replied when malformed.
 */
export function parseElementScanOptions(c: Ctx): boolean {
  const a = c.argv;
  elementScan.count = 10;
  elementScan.matchArg = -1;
  for (let i = 3; i < a.argc; i += 2) {
    const hasValue = i + 1 < a.argc;
    if (hasValue && argIs(c, i, Tok.count)) {
      const count = argLongLongOrReply(c, i + 1);
      if (Number.isNaN(count)) return false;
      if (count < 1) {
        c.reply.error(ERR_SYNTAX);
        return false;
      }
      elementScan.count = count;
    } else if (hasValue && argIs(c, i, Tok.match)) {
      elementScan.matchArg = i + 1;
    } else {
      c.reply.error(ERR_SYNTAX);
      return false;
    }
  }
  return true;
}

export function cursorOrReply(c: Ctx, i: number): number {
  const a = c.argv;
  const buf = a.buf;
  let p = a.off[i];
  const end = p + a.len[i];
  if (p === end) return 0;
  let negative = false;
  if (buf[p] === 43 || buf[p] === 45) {
    negative = buf[p] === 45;
    p++;
  }
  if (p === end) {
    c.reply.error(ERR_INVALID_CURSOR);
    return Number.NaN;
  }
  let v = 0;
  let big: bigint | null = null;
  for (; p < end; p++) {
    const d = buf[p] - 48;
    if (d < 0 || d > 9) {
      c.reply.error(ERR_INVALID_CURSOR);
      return Number.NaN;
    }
    if (big === null) {
      const nv = v * 10 + d;
      if (nv > Number.MAX_SAFE_INTEGER) big = BigInt(v) * 10n + BigInt(d);
      else v = nv;
    } else {
      big = big * 10n + BigInt(d);
      if (big > ULONG_MAX) {
        c.reply.error(ERR_INVALID_CURSOR);
        return Number.NaN;
      }
    }
  }
  if (big === null) {
    if (!negative || v === 0) return v;
    big = BigInt(v);
  }
  if (negative) big = (ULONG_MAX + 1n - big) & ULONG_MAX;
  // Cursors the store hands out fit a double exactly; anything else is a client's guess.
  return Number(big);
}

const cursorDigits = new Uint8Array(24);

function scan(c: Ctx): void {
  const cursor = cursorOrReply(c, 1);
  if (Number.isNaN(cursor)) return;
  const a = c.argv;
  let count = SCAN_COUNT_DEFAULT;
  let matchArg = -1;
  let typeArg = -1;
  for (let i = 2; i < a.argc; ) {
    const remaining = a.argc - i;
    if (argIs(c, i, Tok.count) && remaining >= 2) {
      count = argLongLongOrReply(c, i + 1);
      if (Number.isNaN(count)) return;
      if (count < 1) {
        c.reply.error(ERR_SYNTAX);
        return;
      }
      i += 2;
    } else if (argIs(c, i, Tok.match) && remaining >= 2) {
      matchArg = i + 1;
      i += 2;
    } else if (argIs(c, i, Tok.type) && remaining >= 2) {
      typeArg = i + 1;
      i += 2;
    } else {
      c.reply.error(ERR_SYNTAX);
      return;
    }
  }
  if (matchArg >= 0) setPattern(c, matchArg);
  else usePattern = false;
  pool.reset();
  const db = c.client.db;
  const next = c.store.scan(db, cursor, count, collect);
  const r = c.reply;
  r.arrayHeader(2);
  const n = writeDecimal(cursorDigits, 0, next);
  r.bulk(cursorDigits, 0, n);
  replyLiveKeys(c, db, typeArg);
}

let randomReply: Reply | null = null;

const replyKey: KeyVisitor = (buf, off, len) => {
  randomReply!.bulk(buf, off, len);
};

function randomkey(c: Ctx): void {
  randomReply = c.reply;
  if (!c.store.randomKey(c.client.db, replyKey)) c.reply.nullBulk();
  randomReply = null;
}

export const KEYS: CommandSpec = {
  name: "keys",
  arity: 2,
  flags: ["readonly"],
  firstKey: 0,
  lastKey: 0,
  step: 0,
  acl: ["keyspace", "read", "slow", "dangerous"],
  group: "generic",
  summary: "Find all keys matching the given pattern",
  since: "1.0.0",
  complexity: "O(N) with N being the number of keys in the database, under the assumption that the key names in the database and the given pattern have limited length.",
  args: [
    { name: "pattern", type: "pattern" },
  ],
  handler: keys,
};

export const SCAN: CommandSpec = {
  name: "scan",
  arity: -2,
  flags: ["readonly"],
  firstKey: 0,
  lastKey: 0,
  step: 0,
  acl: ["keyspace", "read", "slow"],
  group: "generic",
  summary: "Incrementally iterate the keys space",
  since: "2.8.0",
  complexity: "O(1) for every call. O(N) for a complete iteration, including enough command calls for the cursor to return back to 0. N is the number of elements inside the collection.",
  args: [
    { name: "cursor", type: "integer" },
    { name: "pattern", type: "pattern", token: "MATCH", optional: true },
    { name: "count", type: "integer", token: "COUNT", optional: true },
    { name: "type", type: "string", token: "TYPE", optional: true },
  ],
  handler: scan,
};

export const RANDOMKEY: CommandSpec = {
  name: "randomkey",
  arity: 1,
  flags: ["readonly"],
  firstKey: 0,
  lastKey: 0,
  step: 0,
  acl: ["keyspace", "read", "slow"],
  group: "generic",
  summary: "Return a random key from the keyspace",
  since: "1.0.0",
  complexity: "O(1)",
  handler: randomkey,
};

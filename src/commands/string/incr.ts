// INCR, DECR, INCRBY, DECRBY: t_string.c incrDecrCommand. Values are signed 64-bit. The
// common case (everything within 2^53) runs on plain numbers and writes the digits into the
// session's scratch buffer; anything beyond takes the BigInt path with exact int64 checks.

import type { CommandSpec, Ctx } from "../types.ts";
import { ItemType, SetMode, SetStatus } from "../../store/index.ts";
import { Counter, counters } from "../../metrics/index.ts";
import { argInt, argInt64, INT64_MAX, INT64_MIN } from "../args.ts";
import { ERR_DECR_OVERFLOW, ERR_NOT_INTEGER, ERR_OVERFLOW, replyStoreStatus, WRONGTYPE } from "../errors.ts";
import { KeyEvent, keyModified } from "../keyspace/signal.ts";
import { parseDecimal, parseInt64, writeDecimal } from "../../stdx/index.ts";

/** Longest int64 in decimal: "-9223372036854775808". */
const INT64_DIGITS_MAX = 20;

/** Add a safe-integer `incr` to the key's value. */
function incrBy(c: Ctx, incr: number): void {
  const a = c.argv;
  const s = c.store;
  const db = c.client.db;
  let cur = 0;
  if (s.find(db, a.buf, a.off[1], a.len[1])) {
    if (s.itemType !== ItemType.String) {
      c.reply.error(WRONGTYPE);
      return;
    }
    cur = parseDecimal(s.buf, s.valueOffset, s.valueLength);
    if (Number.isNaN(cur)) {
      const big = parseInt64(s.buf, s.valueOffset, s.valueLength);
      if (big === null) {
        c.reply.error(ERR_NOT_INTEGER);
        return;
      }
      finishBig(c, big + BigInt(incr));
      return;
    }
  }
  const result = cur + incr;
  if (!Number.isSafeInteger(result)) {
    finishBig(c, BigInt(cur) + BigInt(incr));
    return;
  }
  const out = c.scratch(INT64_DIGITS_MAX);
  const n = writeDecimal(out, 0, result);
  if (store(c, out, n)) c.reply.integer(result);
}

/** Add an int64 `incr` beyond 2^53 to the key's value. */
function incrByBig(c: Ctx, incr: bigint): void {
  const a = c.argv;
  const s = c.store;
  let cur = 0n;
  if (s.find(c.client.db, a.buf, a.off[1], a.len[1])) {
    if (s.itemType !== ItemType.String) {
      c.reply.error(WRONGTYPE);
      return;
    }
    const v = parseInt64(s.buf, s.valueOffset, s.valueLength);
    if (v === null) {
      c.reply.error(ERR_NOT_INTEGER);
      return;
    }
    cur = v;
  }
  finishBig(c, cur + incr);
}

function finishBig(c: Ctx, result: bigint): void {
  if (result > INT64_MAX || result < INT64_MIN) {
    c.reply.error(ERR_OVERFLOW);
    return;
  }
  const digits = result.toString();
  const out = c.scratch(INT64_DIGITS_MAX);
  for (let i = 0; i < digits.length; i++) out[i] = digits.charCodeAt(i);
  if (!store(c, out, digits.length)) return;
  const asNumber = Number(result);
  if (Number.isSafeInteger(asNumber)) c.reply.integer(asNumber);
  else c.reply.bigInteger(result);
}

/** Write the new digits, keeping the key's expiry (Redis overwrites the value in place). */
function store(c: Ctx, out: Uint8Array, n: number): boolean {
  const a = c.argv;
  const db = c.client.db;
  const status = c.store.set(db, a.buf, a.off[1], a.len[1], out, 0, n, 0, 0, SetMode.KEEPTTL);
  if (status !== SetStatus.Stored) {
    replyStoreStatus(c, status);
    return false;
  }
  counters[Counter.cacheSets]++;
  keyModified(c, db, a.buf, a.off[1], a.len[1], KeyEvent.incrby);
  return true;
}

function incr(c: Ctx): void {
  incrBy(c, 1);
}

function decr(c: Ctx): void {
  incrBy(c, -1);
}

function incrby(c: Ctx): void {
  const v = argInt(c, 2);
  if (!Number.isNaN(v)) {
    incrBy(c, v);
    return;
  }
  const big = argInt64(c, 2);
  if (big === null) c.reply.error(ERR_NOT_INTEGER);
  else incrByBig(c, big);
}

function decrby(c: Ctx): void {
  const v = argInt(c, 2);
  if (!Number.isNaN(v)) {
    incrBy(c, v === 0 ? 0 : -v);
    return;
  }
  const big = argInt64(c, 2);
  if (big === null) c.reply.error(ERR_NOT_INTEGER);
  else if (big === INT64_MIN) c.reply.error(ERR_DECR_OVERFLOW);
  else incrByBig(c, -big);
}

export const INCR: CommandSpec = {
  name: "incr",
  arity: 2,
  flags: ["write", "denyoom", "fast"],
  firstKey: 1,
  lastKey: 1,
  step: 1,
  acl: ["write", "string", "fast"],
  group: "string",
  summary: "Increment the integer value of a key by one",
  since: "1.0.0",
  complexity: "O(1)",
  args: [
    { name: "key", type: "key" },
  ],
  handler: incr,
};

export const DECR: CommandSpec = {
  name: "decr",
  arity: 2,
  flags: ["write", "denyoom", "fast"],
  firstKey: 1,
  lastKey: 1,
  step: 1,
  acl: ["write", "string", "fast"],
  group: "string",
  summary: "Decrement the integer value of a key by one",
  since: "1.0.0",
  complexity: "O(1)",
  args: [
    { name: "key", type: "key" },
  ],
  handler: decr,
};

export const INCRBY: CommandSpec = {
  name: "incrby",
  arity: 3,
  flags: ["write", "denyoom", "fast"],
  firstKey: 1,
  lastKey: 1,
  step: 1,
  acl: ["write", "string", "fast"],
  group: "string",
  summary: "Increment the integer value of a key by the given amount",
  since: "1.0.0",
  complexity: "O(1)",
  args: [
    { name: "key", type: "key" },
    { name: "increment", type: "integer" },
  ],
  handler: incrby,
};

export const DECRBY: CommandSpec = {
  name: "decrby",
  arity: 3,
  flags: ["write", "denyoom", "fast"],
  firstKey: 1,
  lastKey: 1,
  step: 1,
  acl: ["write", "string", "fast"],
  group: "string",
  summary: "Decrement the integer value of a key by the given number",
  since: "1.0.0",
  complexity: "O(1)",
  args: [
    { name: "key", type: "key" },
    { name: "decrement", type: "integer" },
  ],
  handler: decrby,
};

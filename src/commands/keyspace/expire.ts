// EXPIRE, PEXPIRE, EXPIREAT, PEXPIREAT, TTL, PTTL, EXPIRETIME, PEXPIRETIME, PERSIST:
// expire.c expireGenericCommand (Redis 7.0 NX/XX/GT/LT rules) and ttlGenericCommand.

import type { CommandSpec, Ctx } from "../types.ts";
import { Counter, counters } from "../../metrics/index.ts";
import { argInt64, argIs, argText, INT64_MAX, INT64_MIN, Tok } from "../args.ts";
import {
  ERR_EXPIRE_GT_LT_COMPAT,
  ERR_EXPIRE_NX_COMPAT,
  ERR_NOT_INTEGER,
  errInvalidExpireTime,
  errUnsupportedOption,
} from "../errors.ts";
import { KeyEvent, keyModified } from "./signal.ts";
import { parseDecimal } from "../../stdx/index.ts";

const NX = 1;
const XX = 2;
const GT = 4;
const LT = 8;

const INT64_MAX_DIV_1000 = INT64_MAX / 1000n;
const INT64_MIN_DIV_1000 = INT64_MIN / 1000n;

/**
 * The absolute expiry in ms: argv[2] (seconds or ms) plus `basetime`. EXPIRE accepts
 * negative and zero values (they delete the key); only int64 overflow is an error.
 */
function whenOrReply(c: Ctx, seconds: boolean, basetime: number, name: string): number {
  const a = c.argv;
  const v = parseDecimal(a.buf, a.off[2], a.len[2]);
  if (!Number.isNaN(v)) {
    const ms = seconds ? v * 1000 : v;
    const when = ms + basetime;
    if (Number.isSafeInteger(ms) && Number.isSafeInteger(when)) return when;
  }
  const big = argInt64(c, 2);
  if (big === null) {
    c.reply.error(ERR_NOT_INTEGER);
    return Number.NaN;
  }
  let ms = big;
  if (seconds) {
    if (big > INT64_MAX_DIV_1000 || big < INT64_MIN_DIV_1000) {
      c.reply.error(errInvalidExpireTime(name));
      return Number.NaN;
    }
    ms = big * 1000n;
  }
  const base = BigInt(basetime);
  if (ms > INT64_MAX - base) {
    c.reply.error(errInvalidExpireTime(name));
    return Number.NaN;
  }
  // Beyond 2^53 ms the store keeps the expiry to double precision.
  return Number(ms + base);
}

function expireGeneric(c: Ctx, seconds: boolean, absolute: boolean, name: string): void {
  const a = c.argv;
  let flags = 0;
  for (let j = 3; j < a.argc; j++) {
    if (argIs(c, j, Tok.nx)) flags |= NX;
    else if (argIs(c, j, Tok.xx)) flags |= XX;
    else if (argIs(c, j, Tok.gt)) flags |= GT;
    else if (argIs(c, j, Tok.lt)) flags |= LT;
    else {
      c.reply.error(errUnsupportedOption(argText(c, j)));
      return;
    }
  }
  if (flags & NX && flags & (XX | GT | LT)) {
    c.reply.error(ERR_EXPIRE_NX_COMPAT);
    return;
  }
  if (flags & GT && flags & LT) {
    c.reply.error(ERR_EXPIRE_GT_LT_COMPAT);
    return;
  }
  const now = c.nowMs();
  const when = whenOrReply(c, seconds, absolute ? 0 : now, name);
  if (Number.isNaN(when)) return;
  const s = c.store;
  const db = c.client.db;
  if (!s.find(db, a.buf, a.off[1], a.len[1])) {
    c.reply.integer(0);
    return;
  }
  if (flags !== 0) {
    const current = s.itemExpiryMs === 0 ? -1 : s.itemExpiryMs;
    if (flags & NX && current !== -1) {
      c.reply.integer(0);
      return;
    }
    if (flags & XX && current === -1) {
      c.reply.integer(0);
      return;
    }
    // No expiry counts as an infinite one: GT never beats it, LT always does.
    if (flags & GT && (when <= current || current === -1)) {
      c.reply.integer(0);
      return;
    }
    if (flags & LT && current !== -1 && when >= current) {
      c.reply.integer(0);
      return;
    }
  }
  if (when <= now) {
    s.delete(db, a.buf, a.off[1], a.len[1]);
    counters[Counter.cacheDeletes]++;
    keyModified(c, db, a.buf, a.off[1], a.len[1], KeyEvent.del);
  } else {
    s.expire(db, a.buf, a.off[1], a.len[1], when);
    keyModified(c, db, a.buf, a.off[1], a.len[1], KeyEvent.expire);
  }
  c.reply.integer(1);
}

function expire(c: Ctx): void {
  expireGeneric(c, true, false, "expire");
}

function pexpire(c: Ctx): void {
  expireGeneric(c, false, false, "pexpire");
}

function expireat(c: Ctx): void {
  expireGeneric(c, true, true, "expireat");
}

function pexpireat(c: Ctx): void {
  expireGeneric(c, false, true, "pexpireat");
}

/** -2: no key, -1: no expiry, else the remaining (or absolute) time, rounded to seconds unless `ms`. */
function ttlGeneric(c: Ctx, ms: boolean, absolute: boolean): void {
  const a = c.argv;
  const s = c.store;
  if (!s.peek(c.client.db, a.buf, a.off[1], a.len[1])) {
    counters[Counter.cacheMisses]++;
    c.reply.integer(-2);
    return;
  }
  counters[Counter.cacheHits]++;
  const expiry = s.itemExpiryMs;
  if (expiry === 0) {
    c.reply.integer(-1);
    return;
  }
  let ttl = absolute ? expiry : expiry - c.nowMs();
  if (ttl < 0) ttl = 0;
  c.reply.integer(ms ? ttl : Math.floor((ttl + 500) / 1000));
}

function ttl(c: Ctx): void {
  ttlGeneric(c, false, false);
}

function pttl(c: Ctx): void {
  ttlGeneric(c, true, false);
}

function expiretime(c: Ctx): void {
  ttlGeneric(c, false, true);
}

function pexpiretime(c: Ctx): void {
  ttlGeneric(c, true, true);
}

function persist(c: Ctx): void {
  const a = c.argv;
  const s = c.store;
  const db = c.client.db;
  if (!s.find(db, a.buf, a.off[1], a.len[1]) || s.itemExpiryMs === 0) {
    c.reply.integer(0);
    return;
  }
  s.expire(db, a.buf, a.off[1], a.len[1], 0);
  keyModified(c, db, a.buf, a.off[1], a.len[1], KeyEvent.persist);
  c.reply.integer(1);
}

export const EXPIRE: CommandSpec = {
  name: "expire",
  arity: -3,
  flags: ["write", "fast"],
  firstKey: 1,
  lastKey: 1,
  step: 1,
  acl: ["keyspace", "write", "fast"],
  group: "generic",
  summary: "Set a key's time to live in seconds",
  since: "1.0.0",
  complexity: "O(1)",
  args: [
    { name: "key", type: "key" },
    { name: "seconds", type: "integer" },
    { name: "condition", type: "oneof", optional: true, arguments: [{ name: "nx", type: "pure-token", token: "NX" }, { name: "xx", type: "pure-token", token: "XX" }, { name: "gt", type: "pure-token", token: "GT" }, { name: "lt", type: "pure-token", token: "LT" }] },
  ],
  handler: expire,
};

export const PEXPIRE: CommandSpec = {
  name: "pexpire",
  arity: -3,
  flags: ["write", "fast"],
  firstKey: 1,
  lastKey: 1,
  step: 1,
  acl: ["keyspace", "write", "fast"],
  group: "generic",
  summary: "Set a key's time to live in milliseconds",
  since: "2.6.0",
  complexity: "O(1)",
  args: [
    { name: "key", type: "key" },
    { name: "milliseconds", type: "integer" },
    { name: "condition", type: "oneof", optional: true, arguments: [{ name: "nx", type: "pure-token", token: "NX" }, { name: "xx", type: "pure-token", token: "XX" }, { name: "gt", type: "pure-token", token: "GT" }, { name: "lt", type: "pure-token", token: "LT" }] },
  ],
  handler: pexpire,
};

export const EXPIREAT: CommandSpec = {
  name: "expireat",
  arity: -3,
  flags: ["write", "fast"],
  firstKey: 1,
  lastKey: 1,
  step: 1,
  acl: ["keyspace", "write", "fast"],
  group: "generic",
  summary: "Set the expiration for a key as a UNIX timestamp",
  since: "1.2.0",
  complexity: "O(1)",
  args: [
    { name: "key", type: "key" },
    { name: "unix-time-seconds", type: "unix-time" },
    { name: "condition", type: "oneof", optional: true, arguments: [{ name: "nx", type: "pure-token", token: "NX" }, { name: "xx", type: "pure-token", token: "XX" }, { name: "gt", type: "pure-token", token: "GT" }, { name: "lt", type: "pure-token", token: "LT" }] },
  ],
  handler: expireat,
};

export const PEXPIREAT: CommandSpec = {
  name: "pexpireat",
  arity: -3,
  flags: ["write", "fast"],
  firstKey: 1,
  lastKey: 1,
  step: 1,
  acl: ["keyspace", "write", "fast"],
  group: "generic",
  summary: "Set the expiration for a key as a UNIX timestamp specified in milliseconds",
  since: "2.6.0",
  complexity: "O(1)",
  args: [
    { name: "key", type: "key" },
    { name: "unix-time-milliseconds", type: "unix-time" },
    { name: "condition", type: "oneof", optional: true, arguments: [{ name: "nx", type: "pure-token", token: "NX" }, { name: "xx", type: "pure-token", token: "XX" }, { name: "gt", type: "pure-token", token: "GT" }, { name: "lt", type: "pure-token", token: "LT" }] },
  ],
  handler: pexpireat,
};

export const TTL: CommandSpec = {
  name: "ttl",
  arity: 2,
  flags: ["readonly", "fast"],
  firstKey: 1,
  lastKey: 1,
  step: 1,
  acl: ["keyspace", "read", "fast"],
  group: "generic",
  summary: "Get the time to live for a key in seconds",
  since: "1.0.0",
  complexity: "O(1)",
  args: [
    { name: "key", type: "key" },
  ],
  handler: ttl,
};

export const PTTL: CommandSpec = {
  name: "pttl",
  arity: 2,
  flags: ["readonly", "fast"],
  firstKey: 1,
  lastKey: 1,
  step: 1,
  acl: ["keyspace", "read", "fast"],
  group: "generic",
  summary: "Get the time to live for a key in milliseconds",
  since: "2.6.0",
  complexity: "O(1)",
  args: [
    { name: "key", type: "key" },
  ],
  handler: pttl,
};

export const EXPIRETIME: CommandSpec = {
  name: "expiretime",
  arity: 2,
  flags: ["readonly", "fast"],
  firstKey: 1,
  lastKey: 1,
  step: 1,
  acl: ["keyspace", "read", "fast"],
  group: "generic",
  summary: "Get the expiration Unix timestamp for a key",
  since: "7.0.0",
  complexity: "O(1)",
  args: [
    { name: "key", type: "key" },
  ],
  handler: expiretime,
};

export const PEXPIRETIME: CommandSpec = {
  name: "pexpiretime",
  arity: 2,
  flags: ["readonly", "fast"],
  firstKey: 1,
  lastKey: 1,
  step: 1,
  acl: ["keyspace", "read", "fast"],
  group: "generic",
  summary: "Get the expiration Unix timestamp for a key in milliseconds",
  since: "7.0.0",
  complexity: "O(1)",
  args: [
    { name: "key", type: "key" },
  ],
  handler: pexpiretime,
};

export const PERSIST: CommandSpec = {
  name: "persist",
  arity: 2,
  flags: ["write", "fast"],
  firstKey: 1,
  lastKey: 1,
  step: 1,
  acl: ["keyspace", "write", "fast"],
  group: "generic",
  summary: "Remove the expiration from a key",
  since: "2.2.0",
  complexity: "O(1)",
  args: [
    { name: "key", type: "key" },
  ],
  handler: persist,
};

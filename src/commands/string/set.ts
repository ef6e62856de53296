// SET, SETNX, SETEX, PSETEX: t_string.c setGenericCommand.

import type { CommandSpec, Ctx } from "../types.ts";
import { ItemType, SetMode, SetStatus } from "../../store/index.ts";
import { Counter, counters } from "../../metrics/index.ts";
import { replyStoreStatus, WRONGTYPE } from "../errors.ts";
import { KeyEvent, keyModified } from "../keyspace/signal.ts";
import { expiryMsOrReply, hasExpiry, isRelative, isSeconds, Opt, parsed, parseStringOptions } from "./common.ts";

/**
 * Store argv[valueIndex] at argv[1]. `flags` are Opt bits; `expireIndex` is 0 for no expiry.
 * SETNX answers :1/:0 (`intReply`), the others +OK / null.
 */
function setGeneric(c: Ctx, flags: number, valueIndex: number, expireIndex: number, name: string, intReply: boolean): void {
  let expiryMs = 0;
  if (expireIndex !== 0) {
    expiryMs = expiryMsOrReply(c, expireIndex, isSeconds(flags), isRelative(flags), name);
    if (Number.isNaN(expiryMs)) return;
  }
  const a = c.argv;
  const s = c.store;
  const r = c.reply;
  const db = c.client.db;
  const keyOff = a.off[1];
  const keyLen = a.len[1];
  // With GET the old value is answered first; if the write then fails the reply is rewound
  // to this mark so the client sees only the error, as Redis (which checks memory first).
  let mark = -1;
  if (flags & Opt.GET) {
    mark = r.pos;
    if (s.find(db, a.buf, keyOff, keyLen)) {
      counters[Counter.cacheHits]++;
      if (s.itemType !== ItemType.String) {
        r.error(WRONGTYPE);
        return;
      }
      r.bulk(s.buf, s.valueOffset, s.valueLength);
    } else {
      counters[Counter.cacheMisses]++;
      r.nullBulk();
    }
  }
  let mode = 0;
  if (flags & Opt.NX) mode |= SetMode.NX;
  if (flags & Opt.XX) mode |= SetMode.XX;
  if (flags & Opt.KEEPTTL) mode |= SetMode.KEEPTTL;
  const status = s.set(db, a.buf, keyOff, keyLen, a.buf, a.off[valueIndex], a.len[valueIndex], expiryMs, 0, mode);
  if (status === SetStatus.Stored) {
    counters[Counter.cacheSets]++;
    keyModified(c, db, a.buf, keyOff, keyLen, KeyEvent.set);
    if (expiryMs !== 0) keyModified(c, db, a.buf, keyOff, keyLen, KeyEvent.expire);
    // EXAT/PXAT at or before now: the key is already expired. Delete it at once, as Redis
    // 7.2's setGenericCommand does (checkAlreadyExpired: when <= now), rather than leave the
    // store an item whose expiry is not after the time it was written. The store itself
    // drops a write whose expiry is already past (and leaves the event to us), so the key
    // may be gone already: "expired" follows "set" and "expire" either way, as in Redis.
    if (expiryMs !== 0 && expiryMs <= c.nowMs()) {
      s.delete(db, a.buf, keyOff, keyLen);
      keyModified(c, db, a.buf, keyOff, keyLen, KeyEvent.expired);
    }
    if (mark >= 0) return;
    if (intReply) r.integer(1);
    else r.ok();
    return;
  }
  if (status === SetStatus.NotStored) {
    if (mark >= 0) return;
    if (intReply) r.integer(0);
    else r.nullBulk();
    return;
  }
  if (mark >= 0) r.pos = mark;
  replyStoreStatus(c, status);
}

function set(c: Ctx): void {
  if (c.argv.argc > 3 && !parseStringOptions(c, 3, true)) return;
  const flags = c.argv.argc > 3 ? parsed.flags : 0;
  setGeneric(c, flags, 2, hasExpiry(flags) ? parsed.expireIndex : 0, "set", false);
}

function setnx(c: Ctx): void {
  setGeneric(c, Opt.NX, 2, 0, "setnx", true);
}

function setex(c: Ctx): void {
  setGeneric(c, Opt.EX, 3, 2, "setex", false);
}

function psetex(c: Ctx): void {
  setGeneric(c, Opt.PX, 3, 2, "psetex", false);
}

export const SET: CommandSpec = {
  name: "set",
  arity: -3,
  flags: ["write", "denyoom"],
  firstKey: 1,
  lastKey: 1,
  step: 1,
  acl: ["write", "string", "slow"],
  group: "string",
  summary: "Set the string value of a key",
  since: "1.0.0",
  complexity: "O(1)",
  args: [
    { name: "key", type: "key" },
    { name: "value", type: "string" },
    { name: "condition", type: "oneof", optional: true, arguments: [{ name: "nx", type: "pure-token", token: "NX" }, { name: "xx", type: "pure-token", token: "XX" }] },
    { name: "get", type: "pure-token", token: "GET", optional: true },
    { name: "expiration", type: "oneof", optional: true, arguments: [{ name: "seconds", type: "integer", token: "EX" }, { name: "milliseconds", type: "integer", token: "PX" }, { name: "unix-time-seconds", type: "unix-time", token: "EXAT" }, { name: "unix-time-milliseconds", type: "unix-time", token: "PXAT" }, { name: "keepttl", type: "pure-token", token: "KEEPTTL" }] },
  ],
  handler: set,
};

export const SETNX: CommandSpec = {
  name: "setnx",
  arity: 3,
  flags: ["write", "denyoom", "fast"],
  firstKey: 1,
  lastKey: 1,
  step: 1,
  acl: ["write", "string", "fast"],
  group: "string",
  summary: "Set the value of a key, only if the key does not exist",
  since: "1.0.0",
  complexity: "O(1)",
  args: [
    { name: "key", type: "key" },
    { name: "value", type: "string" },
  ],
  handler: setnx,
};

export const SETEX: CommandSpec = {
  name: "setex",
  arity: 4,
  flags: ["write", "denyoom"],
  firstKey: 1,
  lastKey: 1,
  step: 1,
  acl: ["write", "string", "slow"],
  group: "string",
  summary: "Set the value and expiration of a key",
  since: "2.0.0",
  complexity: "O(1)",
  args: [
    { name: "key", type: "key" },
    { name: "seconds", type: "integer" },
    { name: "value", type: "string" },
  ],
  handler: setex,
};

export const PSETEX: CommandSpec = {
  name: "psetex",
  arity: 4,
  flags: ["write", "denyoom"],
  firstKey: 1,
  lastKey: 1,
  step: 1,
  acl: ["write", "string", "slow"],
  group: "string",
  summary: "Set the value and expiration in milliseconds of a key",
  since: "2.6.0",
  complexity: "O(1)",
  args: [
    { name: "key", type: "key" },
    { name: "milliseconds", type: "integer" },
    { name: "value", type: "string" },
  ],
  handler: psetex,
};

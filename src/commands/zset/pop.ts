// ZPOPMIN, ZPOPMAX, ZMPOP: t_zset.c genericZpopCommand and its callers. The pop-and-reply
// step and ZMPOP's parser are exported for the blocking forms (BZPOPMIN, BZPOPMAX, BZMPOP):
// they try once like these, and serve a parked client through zpopKeyAndReply.

import type { CommandSpec, Ctx } from "../types.ts";
import { ItemType, type ZSetNode, type ZSetObject } from "../../store/index.ts";
import { argIs, argLongLong } from "../args.ts";
import { ERR_SYNTAX, WRONGTYPE } from "../errors.ts";
import { utf8 } from "../../stdx/index.ts";
import { KeyEvent, keyModified } from "../keyspace/signal.ts";
import { ZEvent } from "./access.ts";
import { ERR_COUNT_POSITIVE, ERR_MUST_BE_POSITIVE, ERR_NUMKEYS } from "./errors.ts";
import { replyScore } from "./score.ts";
import { oneKey } from "./spec.ts";

const MIN = utf8("min");
const MAX = utf8("max");
const COUNT = utf8("count");

/** The reply shapes of the pop commands. */
export const ZPopShape = {
  /** [member, score, ...]: ZPOPMIN/ZPOPMAX without a count, or with one in RESP2. */
  Flat: 0,
  /** [[member, score], ...]: ZPOPMIN/ZPOPMAX with a count in RESP3. */
  Pairs: 1,
  /** [key, member, score]: BZPOPMIN/BZPOPMAX (one member). */
  KeyMemberScore: 2,
  /** [key, [[member, score], ...]]: ZMPOP/BZMPOP. */
  KeyPairs: 3,
} as const;
export type ZPopShape = (typeof ZPopShape)[keyof typeof ZPopShape];

/**
 * Pop up to `count` members (at least one) from the low end, or the high end with `max`,
 * of the non-empty zset `z` stored under key (db, bytes) at side-table `handle`, and write
 * the reply in `shape`. Deletes the key when it is emptied and signals "zpopmin"/"zpopmax".
 */
export function zpopAndReply(
  c: Ctx, db: number, key: Uint8Array, keyOff: number, keyLen: number, z: ZSetObject, handle: number,
  max: boolean, count: number, shape: ZPopShape,
): void {
  const r = c.reply;
  const n = Math.min(count, z.size);
  const nested = shape === ZPopShape.Pairs || shape === ZPopShape.KeyPairs;
  if (shape === ZPopShape.Flat) {
    r.arrayHeader(n * 2);
  } else if (shape === ZPopShape.Pairs) {
    r.arrayHeader(n);
  } else if (shape === ZPopShape.KeyMemberScore) {
    r.arrayHeader(n * 2 + 1);
    r.bulk(key, keyOff, keyLen);
  } else {
    r.arrayHeader(2);
    r.bulk(key, keyOff, keyLen);
    r.arrayHeader(n);
  }
  for (let i = 0; i < n; i++) {
    const x = z.pop(max) as ZSetNode;
    if (nested) r.arrayHeader(2);
    r.bulkLatin1(x.member);
    replyScore(r, x.score);
  }
  // Replied before the key goes: its bytes may be a slice of the arguments, still valid.
  const s = c.store;
  const emptied = z.size === 0;
  if (emptied) s.delete(db, key, keyOff, keyLen);
  else s.recharge(handle);
  keyModified(c, db, key, keyOff, keyLen, max ? ZEvent.zpopmax : ZEvent.zpopmin);
  if (emptied) keyModified(c, db, key, keyOff, keyLen, KeyEvent.del);
}

/**
 * zpopAndReply on whatever `key` holds, for serving a blocked client (BZPOPMIN/BZPOPMAX:
 * count 1 and KeyMemberScore; BZMPOP: its count and KeyPairs): false, writing nothing, when
 * the key is missing or holds another type; true once the pop is replied.
 */
export function zpopKeyAndReply(
  c: Ctx, db: number, key: Uint8Array, keyOff: number, keyLen: number, max: boolean, count: number, shape: ZPopShape,
): boolean {
  const s = c.store;
  if (!s.find(db, key, keyOff, keyLen) || s.itemType !== ItemType.ZSet) return false;
  const z = s.obj as ZSetObject;
  if (z.size === 0) return false;
  zpopAndReply(c, db, key, keyOff, keyLen, z, s.itemHandle, max, count, shape);
  return true;
}

function zpopGeneric(c: Ctx, max: boolean): void {
  const a = c.argv;
  if (a.argc > 3) {
    c.reply.error(ERR_SYNTAX);
    return;
  }
  let count = -1;
  if (a.argc === 3) {
    count = argLongLong(c, 2);
    if (Number.isNaN(count) || count < 0) {
      c.reply.error(ERR_MUST_BE_POSITIVE);
      return;
    }
  }
  const s = c.store;
  const db = c.client.db;
  if (!s.find(db, a.buf, a.off[1], a.len[1])) {
    c.reply.arrayHeader(0);
    return;
  }
  if (s.itemType !== ItemType.ZSet) {
    c.reply.error(WRONGTYPE);
    return;
  }
  if (count === 0) {
    c.reply.arrayHeader(0);
    return;
  }
  const shape = c.reply.proto === 3 && count !== -1 ? ZPopShape.Pairs : ZPopShape.Flat;
  zpopAndReply(c, db, a.buf, a.off[1], a.len[1], s.obj as ZSetObject, s.itemHandle, max, count === -1 ? 1 : count, shape);
}

function zpopmin(c: Ctx): void {
  zpopGeneric(c, false);
}

function zpopmax(c: Ctx): void {
  zpopGeneric(c, true);
}

/** What parseZmpop read: keys are arguments firstKey .. firstKey+numKeys-1. */
export const zmpopArgs = { numKeys: 0, firstKey: 0, max: false, count: 1 };

/**
 * Parse "numkeys key... MIN|MAX [COUNT count]" starting at argument numKeysArg into
 * zmpopArgs (zmpopGenericCommand; BZMPOP's arguments are the same after its timeout);
 * false with Redis's error replied when malformed.
 */
export function parseZmpop(c: Ctx, numKeysArg: number): boolean {
  const argc = c.argv.argc;
  const numKeys = argLongLong(c, numKeysArg);
  if (Number.isNaN(numKeys) || numKeys < 1) {
    c.reply.error(ERR_NUMKEYS);
    return false;
  }
  const whereArg = numKeysArg + numKeys + 1;
  if (whereArg >= argc) {
    c.reply.error(ERR_SYNTAX);
    return false;
  }
  let max: boolean;
  if (argIs(c, whereArg, MIN)) max = false;
  else if (argIs(c, whereArg, MAX)) max = true;
  else {
    c.reply.error(ERR_SYNTAX);
    return false;
  }
  let count = -1;
  for (let j = whereArg + 1; j < argc; j++) {
    if (count === -1 && argIs(c, j, COUNT) && j + 1 < argc) {
      j++;
      count = argLongLong(c, j);
      if (Number.isNaN(count) || count < 1) {
        c.reply.error(ERR_COUNT_POSITIVE);
        return false;
      }
    } else {
      c.reply.error(ERR_SYNTAX);
      return false;
    }
  }
  zmpopArgs.numKeys = numKeys;
  zmpopArgs.firstKey = numKeysArg + 1;
  zmpopArgs.max = max;
  zmpopArgs.count = count === -1 ? 1 : count;
  return true;
}

/** ZMPOP numkeys key [key ...] MIN|MAX [COUNT count]: the first key holding a zset is popped. */
function zmpop(c: Ctx): void {
  if (!parseZmpop(c, 1)) return;
  const a = c.argv;
  const s = c.store;
  const db = c.client.db;
  const last = zmpopArgs.firstKey + zmpopArgs.numKeys;
  for (let k = zmpopArgs.firstKey; k < last; k++) {
    if (!s.find(db, a.buf, a.off[k], a.len[k])) continue;
    if (s.itemType !== ItemType.ZSet) {
      c.reply.error(WRONGTYPE);
      return;
    }
    zpopAndReply(c, db, a.buf, a.off[k], a.len[k], s.obj as ZSetObject, s.itemHandle, zmpopArgs.max, zmpopArgs.count, ZPopShape.KeyPairs);
    return;
  }
  c.reply.nullArray();
}

export const ZPOPMIN: CommandSpec = {
  name: "zpopmin",
  arity: -2,
  flags: ["write", "fast"],
  ...oneKey,
  acl: ["write", "sortedset", "fast"],
  summary: "Remove and return members with the lowest scores in a sorted set",
  since: "5.0.0",
  complexity: "O(log(N)*M) with N being the number of elements in the sorted set, and M being the number of elements popped.",
  args: [
    { name: "key", type: "key" },
    { name: "count", type: "integer", optional: true },
  ],
  handler: zpopmin,
};

export const ZPOPMAX: CommandSpec = {
  name: "zpopmax",
  arity: -2,
  flags: ["write", "fast"],
  ...oneKey,
  acl: ["write", "sortedset", "fast"],
  summary: "Remove and return members with the highest scores in a sorted set",
  since: "5.0.0",
  complexity: "O(log(N)*M) with N being the number of elements in the sorted set, and M being the number of elements popped.",
  args: [
    { name: "key", type: "key" },
    { name: "count", type: "integer", optional: true },
  ],
  handler: zpopmax,
};

export const ZMPOP: CommandSpec = {
  name: "zmpop",
  arity: -4,
  flags: ["write"],
  firstKey: 0,
  numKeysArg: 1,
  lastKey: 0,
  step: 0,
  acl: ["write", "sortedset", "slow"],
  group: "sorted-set",
  summary: "Remove and return members with scores in a sorted set",
  since: "7.0.0",
  complexity: "O(K) + O(M*log(N)) where K is the number of provided keys, N being the number of elements in the sorted set, and M being the number of elements popped.",
  args: [
    { name: "numkeys", type: "integer" },
    { name: "key", type: "key", multiple: true },
    { name: "where", type: "oneof", arguments: [
      { name: "min", type: "pure-token", token: "MIN" },
      { name: "max", type: "pure-token", token: "MAX" },
    ] },
    { name: "count", type: "integer", token: "COUNT", optional: true },
  ],
  handler: zmpop,
};


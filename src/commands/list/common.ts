// What the list commands share: option tokens, LEFT/RIGHT parsing, integer arguments with
// Redis's messages, and committing a list addressed by key bytes (the pops and moves are
// also run for blocked clients, whose keys are not in argv).

import type { Ctx } from "../types.ts";
import type { ListObject } from "../../store/index.ts";
import { utf8 } from "../../stdx/index.ts";
import { argIs, argLongLong } from "../args.ts";
import { ERR_SYNTAX } from "../errors.ts";
import { KeyEvent, keyModified } from "../keyspace/signal.ts";

/** Lower-case option tokens of the list commands. */
export const ListTok = {
  left: utf8("left"),
  right: utf8("right"),
  before: utf8("before"),
  after: utf8("after"),
  rank: utf8("rank"),
  count: utf8("count"),
  maxlen: utf8("maxlen"),
} as const;

/** Keyspace event names, as t_list.c's notifyKeyspaceEvent calls send them. */
export const ListEvent = {
  lpush: "lpush",
  rpush: "rpush",
  lpop: "lpop",
  rpop: "rpop",
  linsert: "linsert",
  lset: "lset",
  lrem: "lrem",
  ltrim: "ltrim",
} as const;

/** Which end a LEFT|RIGHT argument names. */
export const End = { Invalid: -1, Right: 0, Left: 1 } as const;

/** getListPositionFromObjectOrReply: End.Left or End.Right, or End.Invalid with a syntax error replied. */
export function endOrReply(c: Ctx, i: number): number {
  if (argIs(c, i, ListTok.left)) return End.Left;
  if (argIs(c, i, ListTok.right)) return End.Right;
  c.reply.error(ERR_SYNTAX);
  return End.Invalid;
}

/**
 * getRangeLongFromObjectOrReply(min, LONG_MAX, message): argument i as a long of at least
 * `min`; NaN with `message` replied when it is not an integer or is below min.
 */
export function longAtLeastOrReply(c: Ctx, i: number, min: number, message: string): number {
  const v = argLongLong(c, i);
  if (Number.isNaN(v) || v < min) {
    c.reply.error(message);
    return Number.NaN;
  }
  return v;
}

/**
 * After elements were removed from `obj`, the list under `key` (at side-table `handle`):
 * charge its new size and signal `event`, or, when it is now empty, delete the key (Redis
 * never keeps an empty list) and signal `event` then "del", as commitObject does.
 */
export function commitShrunk(
  c: Ctx, db: number, key: Uint8Array, keyOff: number, keyLen: number, obj: ListObject, handle: number, event: string,
): void {
  if (obj.size > 0) {
    c.store.recharge(handle);
    keyModified(c, db, key, keyOff, keyLen, event);
    return;
  }
  c.store.delete(db, key, keyOff, keyLen);
  keyModified(c, db, key, keyOff, keyLen, event);
  keyModified(c, db, key, keyOff, keyLen, KeyEvent.del);
}

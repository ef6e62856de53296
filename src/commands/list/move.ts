// LMOVE, RPOPLPUSH: t_list.c lmoveGenericCommand. The move step is exported for the
// blocking forms (BLMOVE, BRPOPLPUSH) the server serves.

import type { CommandSpec, Ctx } from "../types.ts";
import { ItemType, ListObject, SetStatus } from "../../store/index.ts";
import { OOM, WRONGTYPE } from "../errors.ts";
import { KeyEvent, keyModified } from "../keyspace/signal.ts";
import { End, endOrReply, ListEvent } from "./common.ts";

/**
 * Move one element from the front (LEFT) or back of `srcObj`, the non-empty list under
 * `src` at side-table `srcHandle`, to the front or back of the list under `dst` (created
 * when missing; the same list when dst is src) and reply it as a bulk string. As Redis,
 * the destination's type is checked before anything is popped: WRONGTYPE leaves both
 * keys as they were. Signals "lpush"/"rpush" on dst, then "lpop"/"rpop" on src (and
 * "del" when that emptied it).
 */
export function moveAndReply(
  c: Ctx, db: number,
  src: Uint8Array, srcOff: number, srcLen: number, srcObj: ListObject, srcHandle: number,
  dst: Uint8Array, dstOff: number, dstLen: number, fromFront: boolean, toFront: boolean,
): void {
  const s = c.store;
  let dstObj: ListObject | null = null;
  let dstHandle = -1;
  if (s.find(db, dst, dstOff, dstLen)) {
    if (s.itemType !== ItemType.List) {
      c.reply.error(WRONGTYPE);
      return;
    }
    dstObj = s.obj as ListObject;
    dstHandle = s.itemHandle;
  }
  const value = fromFront ? srcObj.at(0) : srcObj.at(srcObj.size - 1);
  if (dstObj === null) {
    // Store the new destination before touching the source, so that finding no room for it
    // moves nothing. Making room may evict any key, the source included (and may hand its
    // side-table slot to the destination), so look the source up again.
    const created = new ListObject();
    created.pushBack(value);
    if (s.setObject(db, dst, dstOff, dstLen, created, ItemType.List, 0, 0) !== SetStatus.Stored) {
      c.reply.error(OOM);
      return;
    }
    const srcStill = s.find(db, src, srcOff, srcLen) && s.obj === srcObj;
    srcHandle = srcStill ? s.itemHandle : -1;
  } else if (toFront) {
    dstObj.pushFront(value);
  } else {
    dstObj.pushBack(value);
  }
  const popped = srcHandle >= 0;
  if (popped) {
    if (fromFront) srcObj.popFront();
    else srcObj.popBack();
    // The source shrank (or, when it is the destination, kept its size): charging it never
    // evicts. An emptied source cannot be the destination, which just gained an element.
    if (srcObj.size === 0) s.delete(db, src, srcOff, srcLen);
    else s.recharge(srcHandle);
  }
  // A grown destination is charged last: the room it makes may evict the source.
  if (dstObj !== null && dstHandle !== srcHandle) s.recharge(dstHandle);
  // Redis's order: the push on dst, then the pop on src, then src's "del" when emptied.
  keyModified(c, db, dst, dstOff, dstLen, toFront ? ListEvent.lpush : ListEvent.rpush);
  if (popped) {
    keyModified(c, db, src, srcOff, srcLen, fromFront ? ListEvent.lpop : ListEvent.rpop);
    if (srcObj.size === 0) keyModified(c, db, src, srcOff, srcLen, KeyEvent.del);
  }
  c.reply.bulkLatin1(value);
}

/**
 * moveAndReply on whatever `src` holds, for serving a blocked client: false, writing
 * nothing, when src is missing, holds another type or an empty list (the client keeps
 * waiting); true once a reply (the element, or WRONGTYPE for the destination) is written.
 */
export function moveKeyAndReply(
  c: Ctx, db: number, src: Uint8Array, srcOff: number, srcLen: number,
  dst: Uint8Array, dstOff: number, dstLen: number, fromFront: boolean, toFront: boolean,
): boolean {
  const s = c.store;
  if (!s.find(db, src, srcOff, srcLen) || s.itemType !== ItemType.List) return false;
  const obj = s.obj as ListObject;
  if (obj.size === 0) return false;
  moveAndReply(c, db, src, srcOff, srcLen, obj, s.itemHandle, dst, dstOff, dstLen, fromFront, toFront);
  return true;
}

/** LMOVE/RPOPLPUSH once the ends are known: a missing source answers nil. */
function move(c: Ctx, fromFront: boolean, toFront: boolean): void {
  const a = c.argv;
  const s = c.store;
  const db = c.client.db;
  if (!s.find(db, a.buf, a.off[1], a.len[1])) {
    c.reply.nullBulk();
    return;
  }
  if (s.itemType !== ItemType.List) {
    c.reply.error(WRONGTYPE);
    return;
  }
  moveAndReply(c, db, a.buf, a.off[1], a.len[1], s.obj as ListObject, s.itemHandle,
    a.buf, a.off[2], a.len[2], fromFront, toFront);
}

function lmove(c: Ctx): void {
  const from = endOrReply(c, 3);
  if (from === End.Invalid) return;
  const to = endOrReply(c, 4);
  if (to === End.Invalid) return;
  move(c, from === End.Left, to === End.Left);
}

const whereArg = (name: string) => ({
  name,
  type: "oneof" as const,
  arguments: [
    { name: "left", type: "pure-token" as const, token: "LEFT" },
    { name: "right", type: "pure-token" as const, token: "RIGHT" },
  ],
});

export const LMOVE: CommandSpec = {
  name: "lmove",
  arity: 5,
  flags: ["write", "denyoom"],
  firstKey: 1,
  lastKey: 2,
  step: 1,
  acl: ["write", "list", "slow"],
  group: "list",
  summary: "Pop an element from a list, push it to another list and return it",
  since: "6.2.0",
  complexity: "O(1)",
  args: [
    { name: "source", type: "key" },
    { name: "destination", type: "key" },
    whereArg("wherefrom"),
    whereArg("whereto"),
  ],
  handler: lmove,
};

export const RPOPLPUSH: CommandSpec = {
  name: "rpoplpush",
  arity: 3,
  flags: ["write", "denyoom"],
  firstKey: 1,
  lastKey: 2,
  step: 1,
  acl: ["write", "list", "slow"],
  group: "list",
  summary: "Remove the last element in a list, prepend it to another list and return it",
  since: "1.2.0",
  complexity: "O(1)",
  args: [
    { name: "source", type: "key" },
    { name: "destination", type: "key" },
  ],
  handler: (c) => move(c, false, true),
};

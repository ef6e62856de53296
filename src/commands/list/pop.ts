// LPOP, RPOP (t_list.c popGenericCommand) and the pop step they share with LMPOP and with
// the blocking pops the server serves (BLPOP, BRPOP, BLMPOP): pop from one end of a key's
// list, reply in the command's shape, delete the key when emptied, signal "lpop"/"rpop".

import type { CommandSpec, Ctx } from "../types.ts";
import { ItemType, type ListObject } from "../../store/index.ts";
import { errWrongArity, WRONGTYPE } from "../errors.ts";
import { argLongLong } from "../args.ts";
import { commitShrunk, ListEvent } from "./common.ts";
import { ERR_NOT_POSITIVE } from "./errors.ts";

/** The reply shapes of a pop from one key. */
export const PopShape = {
  /** LPOP/RPOP without a count: the element as a bulk string. */
  Element: 0,
  /** LPOP/RPOP with a count: an array of up to count elements. */
  Elements: 1,
  /** BLPOP/BRPOP: [key, element]. */
  KeyElement: 2,
  /** LMPOP/BLMPOP: [key, [up to count elements]]. */
  KeyElements: 3,
} as const;
export type PopShape = (typeof PopShape)[keyof typeof PopShape];

/**
 * Pop from the front (head, LEFT) or back of `obj`, the non-empty list stored under `key`
 * in `db` at side-table `handle`, and write the reply: one element for the Element and
 * KeyElement shapes, else min(count, size) elements in pop order. Deletes the key when the
 * list empties and signals "lpop"/"rpop".
 */
export function popAndReply(
  c: Ctx, db: number, key: Uint8Array, keyOff: number, keyLen: number,
  obj: ListObject, handle: number, fromFront: boolean, count: number, shape: PopShape,
): void {
  const r = c.reply;
  let n = 1;
  if (shape === PopShape.KeyElement || shape === PopShape.KeyElements) {
    r.arrayHeader(2);
    r.bulk(key, keyOff, keyLen);
  }
  if (shape === PopShape.Elements || shape === PopShape.KeyElements) {
    n = count < obj.size ? count : obj.size;
    r.arrayHeader(n);
  }
  for (let i = 0; i < n; i++) r.bulkLatin1((fromFront ? obj.popFront() : obj.popBack()) as string);
  commitShrunk(c, db, key, keyOff, keyLen, obj, handle, fromFront ? ListEvent.lpop : ListEvent.rpop);
}

/**
 * popAndReply on whatever `key` holds, for serving a blocked client: false, writing
 * nothing, when the key is missing, holds another type or an empty list (the client keeps
 * waiting); true once the pop is replied.
 */
export function popKeyAndReply(
  c: Ctx, db: number, key: Uint8Array, keyOff: number, keyLen: number, fromFront: boolean, count: number, shape: PopShape,
): boolean {
  const s = c.store;
  if (!s.find(db, key, keyOff, keyLen) || s.itemType !== ItemType.List) return false;
  const obj = s.obj as ListObject;
  if (obj.size === 0) return false;
  popAndReply(c, db, key, keyOff, keyLen, obj, s.itemHandle, fromFront, count, shape);
  return true;
}

function pop(c: Ctx, fromFront: boolean): void {
  const a = c.argv;
  if (a.argc > 3) {
    c.reply.error(errWrongArity(fromFront ? "lpop" : "rpop"));
    return;
  }
  const hasCount = a.argc === 3;
  let count = 1;
  if (hasCount) {
    count = argLongLong(c, 2);
    if (Number.isNaN(count) || count < 0) {
      c.reply.error(ERR_NOT_POSITIVE);
      return;
    }
  }
  const s = c.store;
  const db = c.client.db;
  if (!s.find(db, a.buf, a.off[1], a.len[1])) {
    if (hasCount) c.reply.nullArray();
    else c.reply.nullBulk();
    return;
  }
  if (s.itemType !== ItemType.List) {
    c.reply.error(WRONGTYPE);
    return;
  }
  if (count === 0) {
    c.reply.arrayHeader(0);
    return;
  }
  popAndReply(c, db, a.buf, a.off[1], a.len[1], s.obj as ListObject, s.itemHandle, fromFront, count,
    hasCount ? PopShape.Elements : PopShape.Element);
}

const popBase = {
  arity: -2,
  flags: ["write", "fast"],
  firstKey: 1,
  lastKey: 1,
  step: 1,
  acl: ["write", "list", "fast"],
  group: "list",
  since: "1.0.0",
  complexity: "O(N) where N is the number of elements returned",
  args: [
    { name: "key", type: "key" },
    { name: "count", type: "integer", optional: true },
  ],
} satisfies Partial<CommandSpec>;

export const LPOP: CommandSpec = {
  ...popBase,
  name: "lpop",
  summary: "Remove and get the first elements in a list",
  handler: (c) => pop(c, true),
};

export const RPOP: CommandSpec = {
  ...popBase,
  name: "rpop",
  summary: "Remove and get the last elements in a list",
  handler: (c) => pop(c, false),
};

// LREM, LTRIM: t_list.c lremCommand, ltrimCommand.

import type { CommandSpec, Ctx } from "../types.ts";
import { ItemType, type ListObject } from "../../store/index.ts";
import { latin1 } from "../../stdx/index.ts";
import { argLongLongOrReply } from "../args.ts";
import { commitObject, openObject } from "../object.ts";
import { ListEvent } from "./common.ts";

function lrem(c: Ctx): void {
  const count = argLongLongOrReply(c, 2);
  if (Number.isNaN(count)) return;
  const handle = openObject(c, 1, ItemType.List);
  if (handle === -2) return;
  if (handle === -1) {
    c.reply.integer(0);
    return;
  }
  const obj = c.store.obj as ListObject;
  const a = c.argv;
  // count > 0: the first count matches from the head; < 0: from the tail; 0: all.
  const removed = obj.removeEqual(latin1(a.buf, a.off[3], a.len[3]), Math.abs(count), count < 0);
  if (removed > 0) commitObject(c, c.client.db, 1, obj, handle, ItemType.List, ListEvent.lrem);
  c.reply.integer(removed);
}

function ltrim(c: Ctx): void {
  let start = argLongLongOrReply(c, 2);
  if (Number.isNaN(start)) return;
  let stop = argLongLongOrReply(c, 3);
  if (Number.isNaN(stop)) return;
  const handle = openObject(c, 1, ItemType.List);
  if (handle === -2) return;
  if (handle === -1) {
    c.reply.ok();
    return;
  }
  const obj = c.store.obj as ListObject;
  const n = obj.size;
  if (start < 0) start += n;
  if (stop < 0) stop += n;
  if (start < 0) start = 0;
  let dropFront: number;
  let dropBack: number;
  if (start > stop || start >= n) {
    // An empty range empties the list (and so deletes the key).
    dropFront = n;
    dropBack = 0;
  } else {
    if (stop >= n) stop = n - 1;
    dropFront = start;
    dropBack = n - stop - 1;
  }
  obj.dropFront(dropFront);
  obj.dropBack(dropBack);
  // Redis signals "ltrim" even when nothing was trimmed.
  commitObject(c, c.client.db, 1, obj, handle, ItemType.List, ListEvent.ltrim);
  c.reply.ok();
}

export const LREM: CommandSpec = {
  name: "lrem",
  arity: 4,
  flags: ["write"],
  firstKey: 1,
  lastKey: 1,
  step: 1,
  acl: ["write", "list", "slow"],
  group: "list",
  summary: "Remove elements from a list",
  since: "1.0.0",
  complexity: "O(N+M) where N is the length of the list and M is the number of elements removed.",
  args: [
    { name: "key", type: "key" },
    { name: "count", type: "integer" },
    { name: "element", type: "string" },
  ],
  handler: lrem,
};

export const LTRIM: CommandSpec = {
  name: "ltrim",
  arity: 4,
  flags: ["write"],
  firstKey: 1,
  lastKey: 1,
  step: 1,
  acl: ["write", "list", "slow"],
  group: "list",
  summary: "Trim a list to the specified range",
  since: "1.0.0",
  complexity: "O(N) where N is the number of elements to be removed by the operation.",
  args: [
    { name: "key", type: "key" },
    { name: "start", type: "integer" },
    { name: "stop", type: "integer" },
  ],
  handler: ltrim,
};

// LLEN, LINDEX, LRANGE: t_list.c llenCommand, lindexCommand, lrangeCommand (addListRangeReply).

import type { CommandSpec, Ctx } from "../types.ts";
import { ItemType, type ListObject } from "../../store/index.ts";
import { argLongLong, argLongLongOrReply } from "../args.ts";
import { ERR_NOT_INTEGER } from "../errors.ts";
import { readObject } from "../object.ts";

function llen(c: Ctx): void {
  const obj = readObject<ListObject>(c, 1, ItemType.List);
  if (obj === undefined) return;
  c.reply.integer(obj === null ? 0 : obj.size);
}

function lindex(c: Ctx): void {
  // Redis looks the key up before it parses the index: a missing key answers nil either way.
  const obj = readObject<ListObject>(c, 1, ItemType.List);
  if (obj === undefined) return;
  if (obj === null) {
    c.reply.nullBulk();
    return;
  }
  let index = argLongLong(c, 2);
  if (Number.isNaN(index)) {
    c.reply.error(ERR_NOT_INTEGER);
    return;
  }
  if (index < 0) index += obj.size;
  if (index < 0 || index >= obj.size) c.reply.nullBulk();
  else c.reply.bulkLatin1(obj.at(index));
}

function lrange(c: Ctx): void {
  const start = argLongLongOrReply(c, 2);
  if (Number.isNaN(start)) return;
  const stop = argLongLongOrReply(c, 3);
  if (Number.isNaN(stop)) return;
  const obj = readObject<ListObject>(c, 1, ItemType.List);
  if (obj === undefined) return;
  if (obj === null) {
    c.reply.arrayHeader(0);
    return;
  }
  replyRange(c, obj, start, stop);
}

/** addListRangeReply: elements start..stop inclusive, negative indexes from the tail, clamped. */
export function replyRange(c: Ctx, obj: ListObject, start: number, stop: number): void {
  const n = obj.size;
  if (start < 0) start += n;
  if (stop < 0) stop += n;
  if (start < 0) start = 0;
  if (start > stop || start >= n) {
    c.reply.arrayHeader(0);
    return;
  }
  if (stop >= n) stop = n - 1;
  const r = c.reply;
  r.arrayHeader(stop - start + 1);
  for (let i = start; i <= stop; i++) r.bulkLatin1(obj.at(i));
}

const keyArg = { name: "key", type: "key" } as const;

export const LLEN: CommandSpec = {
  name: "llen",
  arity: 2,
  flags: ["readonly", "fast"],
  firstKey: 1,
  lastKey: 1,
  step: 1,
  acl: ["read", "list", "fast"],
  group: "list",
  summary: "Get the length of a list",
  since: "1.0.0",
  complexity: "O(1)",
  args: [keyArg],
  handler: llen,
};

export const LINDEX: CommandSpec = {
  name: "lindex",
  arity: 3,
  flags: ["readonly"],
  firstKey: 1,
  lastKey: 1,
  step: 1,
  acl: ["read", "list", "slow"],
  group: "list",
  summary: "Get an element from a list by its index",
  since: "1.0.0",
  complexity:
    "O(N) where N is the number of elements to traverse to get to the element at index. This makes asking for the first or the last element of the list O(1).",
  args: [keyArg, { name: "index", type: "integer" }],
  handler: lindex,
};

export const LRANGE: CommandSpec = {
  name: "lrange",
  arity: 4,
  flags: ["readonly"],
  firstKey: 1,
  lastKey: 1,
  step: 1,
  acl: ["read", "list", "slow"],
  group: "list",
  summary: "Get a range of elements from a list",
  since: "1.0.0",
  complexity:
    "O(S+N) where S is the distance of start offset from HEAD for small lists, from nearest end (HEAD or TAIL) for large lists; and N is the number of elements in the specified range.",
  args: [keyArg, { name: "start", type: "integer" }, { name: "stop", type: "integer" }],
  handler: lrange,
};

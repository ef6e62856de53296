// LSET, LINSERT: t_list.c lsetCommand, linsertCommand.

import type { CommandSpec, Ctx } from "../types.ts";
import { ItemType, type ListObject } from "../../store/index.ts";
import { latin1 } from "../../stdx/index.ts";
import { argIs, argLongLongOrReply } from "../args.ts";
import { ERR_INDEX_OUT_OF_RANGE, ERR_NO_SUCH_KEY, ERR_SYNTAX } from "../errors.ts";
import { commitObject, openObject } from "../object.ts";
import { ListEvent, ListTok } from "./common.ts";

function lset(c: Ctx): void {
  // Redis looks the key up before it parses the index.
  const handle = openObject(c, 1, ItemType.List);
  if (handle === -2) return;
  if (handle === -1) {
    c.reply.error(ERR_NO_SUCH_KEY);
    return;
  }
  const obj = c.store.obj as ListObject;
  let index = argLongLongOrReply(c, 2);
  if (Number.isNaN(index)) return;
  if (index < 0) index += obj.size;
  if (index < 0 || index >= obj.size) {
    c.reply.error(ERR_INDEX_OUT_OF_RANGE);
    return;
  }
  const a = c.argv;
  obj.set(index, latin1(a.buf, a.off[3], a.len[3]));
  commitObject(c, c.client.db, 1, obj, handle, ItemType.List, ListEvent.lset);
  c.reply.ok();
}

function linsert(c: Ctx): void {
  let after: boolean;
  if (argIs(c, 2, ListTok.after)) after = true;
  else if (argIs(c, 2, ListTok.before)) after = false;
  else {
    c.reply.error(ERR_SYNTAX);
    return;
  }
  const handle = openObject(c, 1, ItemType.List);
  if (handle === -2) return;
  if (handle === -1) {
    c.reply.integer(0);
    return;
  }
  const obj = c.store.obj as ListObject;
  const a = c.argv;
  const pivot = obj.indexOf(latin1(a.buf, a.off[3], a.len[3]));
  if (pivot < 0) {
    c.reply.integer(-1);
    return;
  }
  obj.insertAt(after ? pivot + 1 : pivot, latin1(a.buf, a.off[4], a.len[4]));
  commitObject(c, c.client.db, 1, obj, handle, ItemType.List, ListEvent.linsert);
  c.reply.integer(obj.size);
}

export const LSET: CommandSpec = {
  name: "lset",
  arity: 4,
  flags: ["write", "denyoom"],
  firstKey: 1,
  lastKey: 1,
  step: 1,
  acl: ["write", "list", "slow"],
  group: "list",
  summary: "Set the value of an element in a list by its index",
  since: "1.0.0",
  complexity: "O(N) where N is the length of the list. Setting either the first or the last element of the list is O(1).",
  args: [
    { name: "key", type: "key" },
    { name: "index", type: "integer" },
    { name: "element", type: "string" },
  ],
  handler: lset,
};

export const LINSERT: CommandSpec = {
  name: "linsert",
  arity: 5,
  flags: ["write", "denyoom"],
  firstKey: 1,
  lastKey: 1,
  step: 1,
  acl: ["write", "list", "slow"],
  group: "list",
  summary: "Insert an element before or after another element in a list",
  since: "2.2.0",
  complexity:
    "O(N) where N is the number of elements to traverse before seeing the value pivot. This means that inserting somewhere on the left end on the list (head) can be considered O(1) and inserting somewhere on the right end (tail) is O(N).",
  args: [
    { name: "key", type: "key" },
    {
      name: "where",
      type: "oneof",
      arguments: [
        { name: "before", type: "pure-token", token: "BEFORE" },
        { name: "after", type: "pure-token", token: "AFTER" },
      ],
    },
    { name: "pivot", type: "string" },
    { name: "element", type: "string" },
  ],
  handler: linsert,
};

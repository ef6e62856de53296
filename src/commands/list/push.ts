// LPUSH, RPUSH, LPUSHX, RPUSHX: t_list.c pushGenericCommand.

import type { ArgDoc, CommandSpec, Ctx } from "../types.ts";
import { ItemType, ListObject } from "../../store/index.ts";
import { latin1 } from "../../stdx/index.ts";
import { commitObject, openObject } from "../object.ts";
import { ListEvent } from "./common.ts";

/** Push argv[2..] onto the key's list at the head (front) or tail; `existing`: only when the list exists (the X forms). */
function push(c: Ctx, front: boolean, existing: boolean): void {
  const handle = openObject(c, 1, ItemType.List);
  if (handle === -2) return;
  if (handle === -1 && existing) {
    c.reply.integer(0);
    return;
  }
  const obj = handle === -1 ? new ListObject() : (c.store.obj as ListObject);
  const a = c.argv;
  for (let i = 2; i < a.argc; i++) {
    const s = latin1(a.buf, a.off[i], a.len[i]);
    if (front) obj.pushFront(s);
    else obj.pushBack(s);
  }
  if (!commitObject(c, c.client.db, 1, obj, handle, ItemType.List, front ? ListEvent.lpush : ListEvent.rpush)) return;
  c.reply.integer(obj.size);
}

const pushArgs: ArgDoc[] = [
  { name: "key", type: "key" },
  { name: "element", type: "string", multiple: true },
];

const pushComplexity =
  "O(1) for each element added, so O(N) to add N elements when the command is called with multiple arguments.";

const pushBase = {
  arity: -3,
  flags: ["write", "denyoom", "fast"],
  firstKey: 1,
  lastKey: 1,
  step: 1,
  acl: ["write", "list", "fast"],
  group: "list",
  complexity: pushComplexity,
  args: pushArgs,
} satisfies Partial<CommandSpec>;

export const LPUSH: CommandSpec = {
  ...pushBase,
  name: "lpush",
  summary: "Prepend one or multiple elements to a list",
  since: "1.0.0",
  handler: (c) => push(c, true, false),
};

export const RPUSH: CommandSpec = {
  ...pushBase,
  name: "rpush",
  summary: "Append one or multiple elements to a list",
  since: "1.0.0",
  handler: (c) => push(c, false, false),
};

export const LPUSHX: CommandSpec = {
  ...pushBase,
  name: "lpushx",
  summary: "Prepend an element to a list, only if the list exists",
  since: "2.2.0",
  handler: (c) => push(c, true, true),
};

export const RPUSHX: CommandSpec = {
  ...pushBase,
  name: "rpushx",
  summary: "Append an element to a list, only if the list exists",
  since: "2.2.0",
  handler: (c) => push(c, false, true),
};

// SADD, SREM: t_set.c saddCommand, sremCommand.

import type { CommandSpec, Ctx } from "../types.ts";
import { ItemType, SetObject } from "../../store/index.ts";
import { commitObject, openObject } from "../object.ts";
import { latin1 } from "../../stdx/index.ts";
import { SetEvent } from "./common.ts";

function sadd(c: Ctx): void {
  const handle = openObject(c, 1, ItemType.Set);
  if (handle === -2) return;
  const set = handle < 0 ? new SetObject() : (c.store.obj as SetObject);
  const a = c.argv;
  let added = 0;
  for (let i = 2; i < a.argc; i++) {
    if (set.add(latin1(a.buf, a.off[i], a.len[i]))) added++;
  }
  if (added > 0 && !commitObject(c, c.client.db, 1, set, handle, ItemType.Set, SetEvent.sadd)) return;
  c.reply.integer(added);
}

function srem(c: Ctx): void {
  const handle = openObject(c, 1, ItemType.Set);
  if (handle === -2) return;
  if (handle === -1) {
    c.reply.integer(0);
    return;
  }
  const set = c.store.obj as SetObject;
  const a = c.argv;
  let removed = 0;
  for (let i = 2; i < a.argc; i++) {
    if (set.remove(latin1(a.buf, a.off[i], a.len[i]))) {
      removed++;
      if (set.size === 0) break;
    }
  }
  if (removed > 0) {
    const db = c.client.db;
    commitObject(c, db, 1, set, handle, ItemType.Set, SetEvent.srem);
  }
  c.reply.integer(removed);
}

export const SADD: CommandSpec = {
  name: "sadd",
  arity: -3,
  flags: ["write", "denyoom", "fast"],
  firstKey: 1,
  lastKey: 1,
  step: 1,
  acl: ["write", "set", "fast"],
  group: "set",
  summary: "Add one or more members to a set",
  since: "1.0.0",
  complexity: "O(1) for each element added, so O(N) to add N elements when the command is called with multiple arguments.",
  args: [
    { name: "key", type: "key" },
    { name: "member", type: "string", multiple: true },
  ],
  handler: sadd,
};

export const SREM: CommandSpec = {
  name: "srem",
  arity: -3,
  flags: ["write", "fast"],
  firstKey: 1,
  lastKey: 1,
  step: 1,
  acl: ["write", "set", "fast"],
  group: "set",
  summary: "Remove one or more members from a set",
  since: "1.0.0",
  complexity: "O(N) where N is the number of members to be removed.",
  args: [
    { name: "key", type: "key" },
    { name: "member", type: "string", multiple: true },
  ],
  handler: srem,
};

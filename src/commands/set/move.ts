// SMOVE: t_set.c smoveCommand.

import type { CommandSpec, Ctx } from "../types.ts";
import { ItemType, SetObject, SetStatus } from "../../store/index.ts";
import { commitObject, openObject } from "../object.ts";
import { keyModified } from "../keyspace/signal.ts";
import { OOM } from "../errors.ts";
import { latin1 } from "../../stdx/index.ts";
import { SetEvent } from "./common.ts";

function smove(c: Ctx): void {
  const a = c.argv;
  const s = c.store;
  const db = c.client.db;
  // A missing source answers 0 before the destination's type is looked at, as in Redis.
  let srcHandle = openObject(c, 1, ItemType.Set);
  if (srcHandle === -2) return;
  if (srcHandle === -1) {
    c.reply.integer(0);
    return;
  }
  const src = s.obj as SetObject;
  const dstHandle = openObject(c, 2, ItemType.Set);
  if (dstHandle === -2) return;
  const dst = dstHandle >= 0 ? (s.obj as SetObject) : null;
  const member = latin1(a.buf, a.off[3], a.len[3]);
  if (src === dst) {
    c.reply.integer(src.has(member) ? 1 : 0);
    return;
  }
  if (!src.has(member)) {
    c.reply.integer(0);
    return;
  }
  if (dst === null) {
    // Create the destination first: when there is no room for it nothing has changed yet.
    // Making room may evict keys (the source too), so the source is looked up again after.
    const created = new SetObject();
    created.add(member);
    if (s.setObject(db, a.buf, a.off[2], a.len[2], created, ItemType.Set, 0, 0) !== SetStatus.Stored) {
      c.reply.error(OOM);
      return;
    }
    srcHandle = openObject(c, 1, ItemType.Set);
    if (srcHandle >= 0 && s.obj === src) removeFromSource(c, src, srcHandle, member);
    keyModified(c, db, a.buf, a.off[2], a.len[2], SetEvent.sadd);
  } else {
    removeFromSource(c, src, srcHandle, member);
    // Removing never makes room by evicting, so the destination's handle still holds.
    if (dst.add(member)) commitObject(c, db, 2, dst, dstHandle, ItemType.Set, SetEvent.sadd);
  }
  c.reply.integer(1);
}

function removeFromSource(c: Ctx, src: SetObject, handle: number, member: string): void {
  src.remove(member);
  commitObject(c, c.client.db, 1, src, handle, ItemType.Set, SetEvent.srem);
}

export const SMOVE: CommandSpec = {
  name: "smove",
  arity: 4,
  flags: ["write", "fast"],
  firstKey: 1,
  lastKey: 2,
  step: 1,
  acl: ["write", "set", "fast"],
  group: "set",
  summary: "Move a member from one set to another",
  since: "1.0.0",
  complexity: "O(1)",
  args: [
    { name: "source", type: "key" },
    { name: "destination", type: "key" },
    { name: "member", type: "string" },
  ],
  handler: smove,
};

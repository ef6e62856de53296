// SPOP: t_set.c spopCommand, spopWithCountCommand.

import type { CommandSpec, Ctx } from "../types.ts";
import { compareIntText, ItemType, type SetObject } from "../../store/index.ts";
import { commitObject, openObject } from "../object.ts";
import { keyModified } from "../keyspace/signal.ts";
import { argLongLong } from "../args.ts";
import { ERR_SYNTAX } from "../errors.ts";
import { replyMembers, SetEvent } from "./common.ts";
import { ERR_COUNT_NOT_POSITIVE } from "./errors.ts";

/**
 * Redis's SPOP_MOVE_STRATEGY_MUL: when fewer than count/5 members would remain, Redis keeps
 * the survivors in a new set (an intset again if they allow it) and replies the popped ones
 * in the old set's order.
 */
const SPOP_MOVE_STRATEGY_MUL = 5;

/** Members popped by the current call (reused; emptied after each). */
const popped: string[] = [];

function spop(c: Ctx): void {
  const a = c.argv;
  if (a.argc === 3) {
    spopWithCount(c);
    return;
  }
  if (a.argc > 3) {
    c.reply.error(ERR_SYNTAX);
    return;
  }
  const handle = openObject(c, 1, ItemType.Set);
  if (handle === -2) return;
  if (handle === -1) {
    c.reply.nullBulk();
    return;
  }
  const set = c.store.obj as SetObject;
  const member = set.randomMember();
  set.remove(member);
  commitPop(c, set, handle);
  c.reply.bulkLatin1(member);
}

function spopWithCount(c: Ctx): void {
  const count = argLongLong(c, 2);
  if (Number.isNaN(count) || count < 0) {
    c.reply.error(ERR_COUNT_NOT_POSITIVE);
    return;
  }
  const handle = openObject(c, 1, ItemType.Set);
  if (handle === -2) return;
  const r = c.reply;
  if (handle === -1 || count === 0) {
    r.setHeader(0);
    return;
  }
  const set = c.store.obj as SetObject;
  const size = set.size;
  if (count >= size) {
    // The whole set, in its order; the key goes.
    replyMembers(c, set);
    const a = c.argv;
    const db = c.client.db;
    c.store.delete(db, a.buf, a.off[1], a.len[1]);
    keyModified(c, db, a.buf, a.off[1], a.len[1], SetEvent.spop);
    keyModified(c, db, a.buf, a.off[1], a.len[1], SetEvent.del);
    return;
  }
  r.setHeader(count);
  if ((size - count) * SPOP_MOVE_STRATEGY_MUL > count) {
    for (let k = 0; k < count; k++) {
      const member = set.randomMember();
      set.remove(member);
      r.bulkLatin1(member);
    }
  } else {
    const wasIntset = set.isIntset;
    for (let k = 0; k < count; k++) {
      const member = set.randomMember();
      set.remove(member);
      popped.push(member);
    }
    if (wasIntset) popped.sort(compareIntText);
    for (let k = 0; k < popped.length; k++) r.bulkLatin1(popped[k]);
    popped.length = 0;
    set.reencode();
  }
  commitPop(c, set, handle);
}

/** Charge the popped set (or delete it when emptied) and signal as Redis does. */
function commitPop(c: Ctx, set: SetObject, handle: number): void {
  commitObject(c, c.client.db, 1, set, handle, ItemType.Set, SetEvent.spop);
}

export const SPOP: CommandSpec = {
  name: "spop",
  arity: -2,
  flags: ["write", "fast"],
  firstKey: 1,
  lastKey: 1,
  step: 1,
  acl: ["write", "set", "fast"],
  group: "set",
  summary: "Remove and return one or multiple random members from a set",
  since: "1.0.0",
  complexity: "Without the count argument O(1), otherwise O(N) where N is the value of the passed count.",
  args: [
    { name: "key", type: "key" },
    { name: "count", type: "integer", optional: true },
  ],
  handler: spop,
};

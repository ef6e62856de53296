// LMPOP numkeys key [key ...] LEFT|RIGHT [COUNT count]: t_list.c lmpopGenericCommand and
// mpopGenericCommand. parseMpop is exported for BLMPOP, whose arguments are the same after
// its timeout.

import type { CommandSpec, Ctx } from "../types.ts";
import { ItemType, type ListObject } from "../../store/index.ts";
import { ERR_SYNTAX, WRONGTYPE } from "../errors.ts";
import { argIs } from "../args.ts";
import { End, endOrReply, ListTok, longAtLeastOrReply } from "./common.ts";
import { ERR_COUNT_NOT_POSITIVE, ERR_NUMKEYS } from "./errors.ts";
import { popAndReply, PopShape } from "./pop.ts";

/** What parseMpop read: keys are arguments firstKey .. firstKey+numKeys-1. */
export const mpopArgs = { numKeys: 0, firstKey: 0, fromFront: false, count: 1 };

/**
 * Parse "numkeys key... LEFT|RIGHT [COUNT count]" starting at argument numKeysArg into
 * mpopArgs; false with Redis's error replied when malformed.
 */
export function parseMpop(c: Ctx, numKeysArg: number): boolean {
  const argc = c.argv.argc;
  const numKeys = longAtLeastOrReply(c, numKeysArg, 1, ERR_NUMKEYS);
  if (Number.isNaN(numKeys)) return false;
  const whereArg = numKeysArg + numKeys + 1;
  if (whereArg >= argc) {
    c.reply.error(ERR_SYNTAX);
    return false;
  }
  const end = endOrReply(c, whereArg);
  if (end === End.Invalid) return false;
  let count = -1;
  for (let j = whereArg + 1; j < argc; j++) {
    if (count === -1 && j + 1 < argc && argIs(c, j, ListTok.count)) {
      j++;
      count = longAtLeastOrReply(c, j, 1, ERR_COUNT_NOT_POSITIVE);
      if (Number.isNaN(count)) return false;
    } else {
      c.reply.error(ERR_SYNTAX);
      return false;
    }
  }
  mpopArgs.numKeys = numKeys;
  mpopArgs.firstKey = numKeysArg + 1;
  mpopArgs.fromFront = end === End.Left;
  mpopArgs.count = count === -1 ? 1 : count;
  return true;
}

function lmpop(c: Ctx): void {
  if (!parseMpop(c, 1)) return;
  const a = c.argv;
  const s = c.store;
  const db = c.client.db;
  const last = mpopArgs.firstKey + mpopArgs.numKeys;
  for (let k = mpopArgs.firstKey; k < last; k++) {
    if (!s.find(db, a.buf, a.off[k], a.len[k])) continue;
    if (s.itemType !== ItemType.List) {
      c.reply.error(WRONGTYPE);
      return;
    }
    const obj = s.obj as ListObject;
    if (obj.size === 0) continue;
    popAndReply(c, db, a.buf, a.off[k], a.len[k], obj, s.itemHandle, mpopArgs.fromFront, mpopArgs.count, PopShape.KeyElements);
    return;
  }
  c.reply.nullArray();
}

export const LMPOP: CommandSpec = {
  name: "lmpop",
  arity: -4,
  flags: ["write"],
  firstKey: 0,
  numKeysArg: 1,
  lastKey: 0,
  step: 0,
  acl: ["write", "list", "slow"],
  group: "list",
  summary: "Pop elements from a list",
  since: "7.0.0",
  complexity: "O(N+M) where N is the number of provided keys and M is the number of elements returned.",
  args: [
    { name: "numkeys", type: "integer" },
    { name: "key", type: "key", multiple: true },
    {
      name: "where",
      type: "oneof",
      arguments: [
        { name: "left", type: "pure-token", token: "LEFT" },
        { name: "right", type: "pure-token", token: "RIGHT" },
      ],
    },
    { name: "count", type: "integer", token: "COUNT", optional: true },
  ],
  handler: lmpop,
};

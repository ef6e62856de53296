// LPOS key element [RANK rank] [COUNT num-matches] [MAXLEN len]: t_list.c lposCommand.

import type { CommandSpec, Ctx } from "../types.ts";
import { ItemType, type ListObject } from "../../store/index.ts";
import { latin1 } from "../../stdx/index.ts";
import { argInt64, argIs, argLongLongOrReply, INT64_MIN } from "../args.ts";
import { ERR_SYNTAX } from "../errors.ts";
import { readObject } from "../object.ts";
import { ListTok, longAtLeastOrReply } from "./common.ts";
import { ERR_COUNT_NEGATIVE, ERR_MAXLEN_NEGATIVE, ERR_RANK_ZERO } from "./errors.ts";

/** Match indexes gathered before the array header can be written; reused across calls. */
const matches: number[] = [];

function lpos(c: Ctx): void {
  const argc = c.argv.argc;
  let rank = 1;
  let count = -1; // -1: no COUNT option (reply a single index, not an array)
  let maxlen = 0; // 0: scan the whole list
  let rankIsLongMin = false;
  for (let j = 3; j < argc; j++) {
    const more = j + 1 < argc;
    if (more && argIs(c, j, ListTok.rank)) {
      rank = argLongLongOrReply(c, ++j);
      if (Number.isNaN(rank)) return;
      // Doubles round -2^63+1 to -2^63: tell LONG_MIN itself apart exactly.
      rankIsLongMin = rank < -Number.MAX_SAFE_INTEGER && argInt64(c, j) === INT64_MIN;
      if (rank === 0) {
        c.reply.error(ERR_RANK_ZERO);
        return;
      }
    } else if (more && argIs(c, j, ListTok.count)) {
      count = longAtLeastOrReply(c, ++j, 0, ERR_COUNT_NEGATIVE);
      if (Number.isNaN(count)) return;
    } else if (more && argIs(c, j, ListTok.maxlen)) {
      maxlen = longAtLeastOrReply(c, ++j, 0, ERR_MAXLEN_NEGATIVE);
      if (Number.isNaN(maxlen)) return;
    } else {
      c.reply.error(ERR_SYNTAX);
      return;
    }
  }
  const obj = readObject<ListObject>(c, 1, ItemType.List);
  if (obj === undefined) return;
  if (obj === null) {
    if (count !== -1) c.reply.arrayHeader(0);
    else c.reply.nullBulk();
    return;
  }
  // A negative rank counts matches from the tail. Redis negates it in a C long: RANK
  // LONG_MIN stays negative there, so every match qualifies and COUNT never stops the scan.
  const fromTail = rank < 0;
  if (fromTail) rank = -rank;
  const a = c.argv;
  const element = latin1(a.buf, a.off[2], a.len[2]);
  const n = obj.size;
  const scan = maxlen === 0 || maxlen > n ? n : maxlen;
  let matched = 0;
  matches.length = 0;
  for (let k = 0; k < scan; k++) {
    const index = fromTail ? n - 1 - k : k;
    if (obj.at(index) !== element) continue;
    matched++;
    if (!rankIsLongMin && matched < rank) continue;
    if (count === -1) {
      c.reply.integer(index);
      return;
    }
    matches.push(index);
    if (!rankIsLongMin && count !== 0 && matched - rank + 1 >= count) break;
  }
  if (count === -1) {
    c.reply.nullBulk();
    return;
  }
  c.reply.arrayHeader(matches.length);
  for (let i = 0; i < matches.length; i++) c.reply.integer(matches[i]);
  matches.length = 0;
}

export const LPOS: CommandSpec = {
  name: "lpos",
  arity: -3,
  flags: ["readonly"],
  firstKey: 1,
  lastKey: 1,
  step: 1,
  acl: ["read", "list", "slow"],
  group: "list",
  summary: "Return the index of matching elements on a list",
  since: "6.0.6",
  complexity:
    "O(N) where N is the number of elements in the list, for the average case. When searching for elements near the head or the tail of the list, or when the MAXLEN option is provided, the command may run in constant time.",
  args: [
    { name: "key", type: "key" },
    { name: "element", type: "string" },
    { name: "rank", type: "integer", token: "RANK", optional: true },
    { name: "num-matches", type: "integer", token: "COUNT", optional: true },
    { name: "len", type: "integer", token: "MAXLEN", optional: true },
  ],
  handler: lpos,
};

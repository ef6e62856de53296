// BITPOS: bitops.c bitposCommand. Looking for a clear bit past the end of the string finds
// the first bit after it (the string is taken as zero-padded on the right), unless an end
// was given: then the search is bounded and answers -1.

import type { CommandSpec, Ctx } from "../types.ts";
import { argLongLongOrReply } from "../args.ts";
import { ERR_SYNTAX } from "../errors.ts";
import { ERR_BITPOS_BIT } from "./errors.ts";
import { findBit } from "./bitmap.ts";
import { Found, findString } from "./string.ts";
import { clampRange, indexUnitOrReply, range } from "./unit.ts";

function bitpos(c: Ctx): void {
  const bit = argLongLongOrReply(c, 2);
  if (Number.isNaN(bit)) return;
  if (bit !== 0 && bit !== 1) {
    c.reply.error(ERR_BITPOS_BIT);
    return;
  }
  const found = findString(c, 1, true);
  if (found === Found.WrongType) return;
  if (found === Found.Missing) {
    // A missing key is an endless run of clear bits.
    c.reply.integer(bit === 1 ? -1 : 0);
    return;
  }
  const s = c.store;
  const buf = s.buf;
  const base = s.valueOffset;
  const strlen = s.valueLength;
  const argc = c.argv.argc;
  let isBit = 0;
  let endGiven = false;
  let start = 0;
  let end = strlen - 1;
  if (argc >= 4 && argc <= 6) {
    const from = argLongLongOrReply(c, 3);
    if (Number.isNaN(from)) return;
    if (argc === 6) {
      isBit = indexUnitOrReply(c, 5);
      if (isBit < 0) return;
    }
    let to = strlen - 1;
    if (argc >= 5) {
      to = argLongLongOrReply(c, 4);
      if (Number.isNaN(to)) return;
      endGiven = true;
    }
    clampRange(from, to, isBit ? strlen * 8 : strlen);
    start = range.start;
    end = range.end;
  } else if (argc !== 3) {
    c.reply.error(ERR_SYNTAX);
    return;
  }
  if (start > end) {
    // An empty range holds neither a 0 nor a 1.
    c.reply.integer(-1);
    return;
  }
  const fromBit = isBit ? start : start * 8;
  const toBit = isBit ? end : end * 8 + 7;
  const pos = findBit(buf, base, fromBit, toBit, bit);
  if (pos >= 0) c.reply.integer(pos);
  else if (bit === 1 || endGiven) c.reply.integer(-1);
  else c.reply.integer(toBit + 1);
}

export const BITPOS: CommandSpec = {
  name: "bitpos",
  arity: -3,
  flags: ["readonly"],
  firstKey: 1,
  lastKey: 1,
  step: 1,
  acl: ["read", "bitmap", "slow"],
  group: "bitmap",
  summary: "Find first bit set or clear in a string",
  since: "2.8.7",
  complexity: "O(N)",
  args: [
    { name: "key", type: "key" },
    { name: "bit", type: "integer" },
    {
      name: "index",
      type: "block",
      optional: true,
      arguments: [
        { name: "start", type: "integer" },
        {
          name: "end_index",
          type: "block",
          optional: true,
          arguments: [
            { name: "end", type: "integer" },
            {
              name: "index_unit",
              type: "oneof",
              optional: true,
              arguments: [
                { name: "byte", type: "pure-token", token: "BYTE" },
                { name: "bit", type: "pure-token", token: "BIT" },
              ],
            },
          ],
        },
      ],
    },
  ],
  handler: bitpos,
};

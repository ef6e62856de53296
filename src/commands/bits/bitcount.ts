// BITCOUNT: bitops.c bitcountCommand (Redis 7.0: the key is looked up before the range is
// parsed, so a missing key answers 0 whatever the arguments).

import type { CommandSpec, Ctx } from "../types.ts";
import { argLongLongOrReply } from "../args.ts";
import { ERR_SYNTAX } from "../errors.ts";
import { popcount, popcountByte } from "./bitmap.ts";
import { Found, findString } from "./string.ts";
import { clampRange, indexUnitOrReply, range } from "./unit.ts";

function bitcount(c: Ctx): void {
  const found = findString(c, 1, true);
  if (found === Found.WrongType) return;
  if (found === Found.Missing) {
    c.reply.integer(0);
    return;
  }
  const s = c.store;
  const buf = s.buf;
  const base = s.valueOffset;
  const strlen = s.valueLength;
  const argc = c.argv.argc;
  let start = 0;
  let end = strlen - 1;
  // Masks of the bits of the first and last byte that lie outside a BIT range.
  let firstMask = 0;
  let lastMask = 0;
  if (argc === 4 || argc === 5) {
    const from = argLongLongOrReply(c, 2);
    if (Number.isNaN(from)) return;
    const to = argLongLongOrReply(c, 3);
    if (Number.isNaN(to)) return;
    if (from < 0 && to < 0 && from > to) {
      c.reply.integer(0);
      return;
    }
    const isBit = argc === 5 ? indexUnitOrReply(c, 4) : 0;
    if (isBit < 0) return;
    clampRange(from, to, isBit ? strlen * 8 : strlen);
    start = range.start;
    end = range.end;
    if (isBit && start <= end) {
      firstMask = ~((1 << (8 - (start & 7))) - 1) & 0xff;
      lastMask = (1 << (7 - (end & 7))) - 1;
      start = (start - (start & 7)) / 8;
      end = (end - (end & 7)) / 8;
    }
  } else if (argc !== 2) {
    c.reply.error(ERR_SYNTAX);
    return;
  }
  if (start > end) {
    c.reply.integer(0);
    return;
  }
  let count = popcount(buf, base + start, end - start + 1);
  if (firstMask !== 0) count -= popcountByte(buf[base + start] & firstMask);
  if (lastMask !== 0) count -= popcountByte(buf[base + end] & lastMask);
  c.reply.integer(count);
}

export const BITCOUNT: CommandSpec = {
  name: "bitcount",
  arity: -2,
  flags: ["readonly"],
  firstKey: 1,
  lastKey: 1,
  step: 1,
  acl: ["read", "bitmap", "slow"],
  group: "bitmap",
  summary: "Count set bits in a string",
  since: "2.6.0",
  complexity: "O(N)",
  args: [
    { name: "key", type: "key" },
    {
      name: "index",
      type: "block",
      optional: true,
      arguments: [
        { name: "start", type: "integer" },
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
  handler: bitcount,
};

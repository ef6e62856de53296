// SRANDMEMBER: t_set.c srandmemberCommand, srandmemberWithCountCommand.

import type { CommandSpec, Ctx } from "../types.ts";
import { ItemType, type SetObject } from "../../store/index.ts";
import { readObject } from "../object.ts";
import { argInt64, argLongLong, INT64_MIN } from "../args.ts";
import { ERR_NOT_INTEGER, ERR_SYNTAX } from "../errors.ts";
import { ERR_COUNT_RANGE } from "./errors.ts";

/**
 * Redis's SRANDMEMBER_SUB_STRATEGY_MUL: when the count is more than a third of the set,
 * shuffle a copy of it; otherwise draw until enough distinct members came up.
 */
const SRANDMEMBER_SUB_STRATEGY_MUL = 3;

/** Scratch for one call (reused; emptied after each). */
const pool: string[] = [];
const drawn = new Set<string>();

function srandmember(c: Ctx): void {
  const a = c.argv;
  if (a.argc === 3) {
    srandmemberWithCount(c);
    return;
  }
  if (a.argc > 3) {
    c.reply.error(ERR_SYNTAX);
    return;
  }
  const set = readObject<SetObject>(c, 1, ItemType.Set);
  if (set === undefined) return;
  if (set === null) c.reply.nullBulk();
  else c.reply.bulkLatin1(set.randomMember());
}

function srandmemberWithCount(c: Ctx): void {
  const wanted = argLongLong(c, 2);
  if (Number.isNaN(wanted)) {
    c.reply.error(ERR_NOT_INTEGER);
    return;
  }
  // The range is -LONG_MAX..LONG_MAX: only LONG_MIN itself is refused. Near 2^63 a Number
  // is not exact, so look at the bytes again.
  if (wanted === -(2 ** 63) && argInt64(c, 2) === INT64_MIN) {
    c.reply.error(ERR_COUNT_RANGE);
    return;
  }
  const set = readObject<SetObject>(c, 1, ItemType.Set);
  if (set === undefined) return;
  const r = c.reply;
  if (set === null || wanted === 0) {
    r.arrayHeader(0);
    return;
  }
  if (wanted < 0) {
    // Members may repeat: every draw samples the whole set.
    const count = -wanted;
    r.arrayHeader(count);
    for (let k = 0; k < count; k++) r.bulkLatin1(set.randomMember());
    return;
  }
  const count = wanted;
  const members = set.ordered();
  const size = members.length;
  if (count >= size) {
    r.arrayHeader(size);
    for (let i = 0; i < size; i++) r.bulkLatin1(members[i]);
    return;
  }
  r.arrayHeader(count);
  if (count * SRANDMEMBER_SUB_STRATEGY_MUL > size) {
    // Partial Fisher-Yates over a copy: the first `count` slots end up a uniform sample.
    for (let i = 0; i < size; i++) pool.push(members[i]);
    for (let k = 0; k < count; k++) {
      const j = k + Math.floor(Math.random() * (size - k));
      const picked = pool[j];
      pool[j] = pool[k];
      r.bulkLatin1(picked);
    }
    pool.length = 0;
    return;
  }
  while (drawn.size < count) {
    const member = set.randomMember();
    if (drawn.has(member)) continue;
    drawn.add(member);
    r.bulkLatin1(member);
  }
  drawn.clear();
}

export const SRANDMEMBER: CommandSpec = {
  name: "srandmember",
  arity: -2,
  flags: ["readonly"],
  firstKey: 1,
  lastKey: 1,
  step: 1,
  acl: ["read", "set", "slow"],
  group: "set",
  summary: "Get one or multiple random members from a set",
  since: "1.0.0",
  complexity: "Without the count argument O(1), otherwise O(N) where N is the absolute value of the passed count.",
  args: [
    { name: "key", type: "key" },
    { name: "count", type: "integer", optional: true },
  ],
  handler: srandmember,
};

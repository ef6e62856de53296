// ZRANDMEMBER: t_zset.c zrandmemberCommand and zrandmemberWithCountCommand. A positive count
// gives distinct members (all of them, highest score first, when it covers the set, as
// Redis's iteration from the tail does), a negative one allows repeats.

import type { CommandSpec, Ctx } from "../types.ts";
import type { ZSetNode, ZSetObject } from "../../store/index.ts";
import { argInt, argInt64, argIs } from "../args.ts";
import { ERR_NOT_INTEGER, ERR_SYNTAX } from "../errors.ts";
import { utf8 } from "../../stdx/index.ts";
import { readZSet } from "./access.ts";
import { ERR_COUNT_RANGE, ERR_OUT_OF_RANGE } from "./errors.ts";
import { picked, replyMember, replyMembersHeader } from "./replies.ts";
import { oneKey } from "./spec.ts";

const WITHSCORES = utf8("withscores");
const LONG_MAX = 9223372036854775807n;
/** LONG_MAX / 2: WITHSCORES doubles the reply, so Redis bounds the count by it. */
const HALF_LONG_MAX = 4611686018427387903n;
/** ZRANDMEMBER_SUB_STRATEGY_MUL: below count * 3 >= size, copy the set and remove at random. */
const SUB_STRATEGY_MUL = 3;

function randomNode(z: ZSetObject): ZSetNode {
  return z.nodeAt(Math.floor(Math.random() * z.size)) as ZSetNode;
}

function withCount(c: Ctx, l: number, withScores: boolean): void {
  const z = readZSet(c, 1);
  if (z === undefined) return;
  if (z === null) {
    c.reply.arrayHeader(0);
    return;
  }
  const size = z.size;
  const uniq = l >= 0;
  const count = uniq ? l : -l;
  if (count === 0) {
    c.reply.arrayHeader(0);
    return;
  }
  if (!uniq || count === 1) {
    replyMembersHeader(c, count, withScores);
    for (let i = 0; i < count; i++) {
      const x = randomNode(z);
      replyMember(c, x.member, x.score, withScores);
    }
    return;
  }
  if (count >= size) {
    replyMembersHeader(c, size, withScores);
    for (let x = z.last(); x !== null; x = z.prev(x)) replyMember(c, x.member, x.score, withScores);
    return;
  }
  if (count * SUB_STRATEGY_MUL > size) {
    // Take everything, then drop random members until count are left.
    for (let x = z.first(); x !== null; x = z.next(x)) picked.push(x);
    for (let left = size; left > count; left--) {
      const i = Math.floor(Math.random() * left);
      picked[i] = picked[left - 1];
      picked.length = left - 1;
    }
  } else {
    // Few of many: draw until count distinct members came up.
    const seen = new Set<ZSetNode>();
    while (seen.size < count) {
      const x = randomNode(z);
      if (!seen.has(x)) {
        seen.add(x);
        picked.push(x);
      }
    }
  }
  replyMembersHeader(c, count, withScores);
  for (let i = 0; i < count; i++) replyMember(c, picked[i].member, picked[i].score, withScores);
  picked.length = 0;
}

function zrandmember(c: Ctx): void {
  const a = c.argv;
  if (a.argc >= 3) {
    // getRangeLongFromObjectOrReply(-LONG_MAX, LONG_MAX), then the syntax, then the range.
    let l = argInt(c, 2);
    let big: bigint | null = null;
    if (Number.isNaN(l)) {
      big = argInt64(c, 2);
      if (big === null) {
        c.reply.error(ERR_NOT_INTEGER);
        return;
      }
      if (big < -LONG_MAX) {
        c.reply.error(ERR_COUNT_RANGE);
        return;
      }
      l = Number(big);
    }
    if (a.argc > 4 || (a.argc === 4 && !argIs(c, 3, WITHSCORES))) {
      c.reply.error(ERR_SYNTAX);
      return;
    }
    const withScores = a.argc === 4;
    if (withScores && big !== null && (big > HALF_LONG_MAX || big < -HALF_LONG_MAX)) {
      c.reply.error(ERR_OUT_OF_RANGE);
      return;
    }
    withCount(c, l, withScores);
    return;
  }
  const z = readZSet(c, 1);
  if (z === undefined) return;
  if (z === null) c.reply.nullBulk();
  else c.reply.bulkLatin1(randomNode(z).member);
}

export const ZRANDMEMBER: CommandSpec = {
  name: "zrandmember",
  arity: -2,
  flags: ["readonly"],
  ...oneKey,
  acl: ["read", "sortedset", "slow"],
  summary: "Get one or multiple random elements from a sorted set",
  since: "6.2.0",
  complexity: "O(N) where N is the number of elements returned",
  args: [
    { name: "key", type: "key" },
    { name: "options", type: "block", optional: true, arguments: [
      { name: "count", type: "integer" },
      { name: "withscores", type: "pure-token", token: "WITHSCORES", optional: true },
    ] },
  ],
  handler: zrandmember,
};


// ZRANGE and its older forms (ZREVRANGE, ZRANGEBYSCORE, ZREVRANGEBYSCORE, ZRANGEBYLEX,
// ZREVRANGEBYLEX) and ZRANGESTORE: t_zset.c zrangeGenericCommand. One option parser and
// one walk per range kind; the walk picks nodes, then they are replied or stored.

import type { CommandSpec, Ctx } from "../types.ts";
import { ZSetObject, ZSET_LISTPACK_MAX_ENTRIES, type ZSetNode } from "../../store/index.ts";
import { argIs, argLongLongOrReply } from "../args.ts";
import { ERR_SYNTAX } from "../errors.ts";
import { utf8 } from "../../stdx/index.ts";
import { readZSet, storeResult, ZEvent } from "./access.ts";
import { ERR_LIMIT_NEEDS_BY, ERR_MIN_MAX_NOT_FLOAT, ERR_MIN_MAX_NOT_LEX, ERR_WITHSCORES_BYLEX } from "./errors.ts";
import { lexRange, parseLexRange, parseScoreRange, scoreRange } from "./ranges.ts";
import { picked, replyPicked } from "./replies.ts";
import { LIMIT_ARG, RANGE_COMPLEXITY, oneKey } from "./spec.ts";

const WITHSCORES = utf8("withscores");
const LIMIT = utf8("limit");
const REV = utf8("rev");
const BYLEX = utf8("bylex");
const BYSCORE = utf8("byscore");

const By = { Auto: 0, Rank: 1, Score: 2, Lex: 3 } as const;

/** Pick ranks start..end (Redis's index rules: negative from the end, clamped). */
function pickByRank(z: ZSetObject, start: number, end: number, reverse: boolean): void {
  const len = z.size;
  if (start < 0) start = len + start;
  if (end < 0) end = len + end;
  if (start < 0) start = 0;
  if (start > end || start >= len) return;
  if (end >= len) end = len - 1;
  let n = end - start + 1;
  let x = z.nodeAt(reverse ? len - 1 - start : start);
  while (n-- > 0 && x !== null) {
    picked.push(x);
    x = reverse ? z.prev(x) : z.next(x);
  }
}

/**
 * The LIMIT walk shared by the score and lex ranges: skip `offset` nodes from `x` (a negative
 * offset walks off the end, as Redis's `while (ln && offset--)` does), then pick up to
 * `limit` (negative: no limit) while `inside` holds.
 */
function pickFrom(z: ZSetObject, x: ZSetNode | null, offset: number, limit: number, reverse: boolean, inside: (x: ZSetNode) => boolean): void {
  if (offset < 0) return;
  for (; x !== null && offset > 0; offset--) x = reverse ? z.prev(x) : z.next(x);
  for (; x !== null && limit !== 0; limit--) {
    if (!inside(x)) break;
    picked.push(x);
    x = reverse ? z.prev(x) : z.next(x);
  }
}

const insideScoreForward = (x: ZSetNode): boolean => ZSetObject.scoreLteMax(x, scoreRange);
const insideScoreReverse = (x: ZSetNode): boolean => ZSetObject.scoreGteMin(x, scoreRange);
const insideLexForward = (x: ZSetNode): boolean => ZSetObject.lexLteMax(x, lexRange);
const insideLexReverse = (x: ZSetNode): boolean => ZSetObject.lexGteMin(x, lexRange);

/**
 * zrangeGenericCommand. `keyArg`: the source key (1, or 2 for ZRANGESTORE whose destination
 * is argument 1). `by` and `reverse` are fixed by the legacy commands; ZRANGE takes them from
 * its options.
 */
function zrangeGeneric(c: Ctx, keyArg: number, store: boolean, by: number, reverse: boolean | null): void {
  const a = c.argv;
  let withScores = false;
  let offset = 0;
  let limit = -1;
  for (let j = keyArg + 3; j < a.argc; j++) {
    const left = a.argc - j - 1;
    if (!store && argIs(c, j, WITHSCORES)) {
      withScores = true;
    } else if (argIs(c, j, LIMIT) && left >= 2) {
      offset = argLongLongOrReply(c, j + 1);
      if (Number.isNaN(offset)) return;
      limit = argLongLongOrReply(c, j + 2);
      if (Number.isNaN(limit)) return;
      j += 2;
    } else if (reverse === null && argIs(c, j, REV)) {
      reverse = true;
    } else if (by === By.Auto && argIs(c, j, BYLEX)) {
      by = By.Lex;
    } else if (by === By.Auto && argIs(c, j, BYSCORE)) {
      by = By.Score;
    } else {
      c.reply.error(ERR_SYNTAX);
      return;
    }
  }
  if (reverse === null) reverse = false;
  if (by === By.Auto) by = By.Rank;
  if (limit !== -1 && by === By.Rank) {
    c.reply.error(ERR_LIMIT_NEEDS_BY);
    return;
  }
  if (withScores && by === By.Lex) {
    c.reply.error(ERR_WITHSCORES_BYLEX);
    return;
  }
  // The reverse score and lex forms take "max min".
  let minArg = keyArg + 1;
  let maxArg = keyArg + 2;
  if (reverse && by !== By.Rank) {
    minArg = keyArg + 2;
    maxArg = keyArg + 1;
  }
  let start = 0;
  let end = 0;
  if (by === By.Rank) {
    start = argLongLongOrReply(c, minArg);
    if (Number.isNaN(start)) return;
    end = argLongLongOrReply(c, maxArg);
    if (Number.isNaN(end)) return;
  } else if (by === By.Score) {
    if (!parseScoreRange(c, minArg, maxArg)) {
      c.reply.error(ERR_MIN_MAX_NOT_FLOAT);
      return;
    }
  } else if (!parseLexRange(c, minArg, maxArg)) {
    c.reply.error(ERR_MIN_MAX_NOT_LEX);
    return;
  }

  const z = readZSet(c, keyArg);
  if (z === undefined) return;
  if (z !== null) {
    if (by === By.Rank) {
      pickByRank(z, start, end, reverse);
    } else if (by === By.Score) {
      // Past the end: nothing (genericZrangebyscoreCommand's early exit).
      if (!(offset > 0 && offset >= z.size)) {
        const x = reverse ? z.lastInScore(scoreRange) : z.firstInScore(scoreRange);
        pickFrom(z, x, offset, limit, reverse, reverse ? insideScoreReverse : insideScoreForward);
      }
    } else {
      const x = reverse ? z.lastInLex(lexRange) : z.firstInLex(lexRange);
      pickFrom(z, x, offset, limit, reverse, reverse ? insideLexReverse : insideLexForward);
    }
  }
  if (!store) {
    replyPicked(c, withScores);
    return;
  }
  // As zrangeResultBeginStore: a rank range longer than a listpack starts as a skiplist; the
  // rest start as a listpack and convert as they grow.
  const dst = new ZSetObject(by === By.Rank && picked.length > ZSET_LISTPACK_MAX_ENTRIES);
  for (let i = 0; i < picked.length; i++) dst.insert(picked[i].member, picked[i].score);
  picked.length = 0;
  storeResult(c, 1, dst, ZEvent.zrangestore);
}

function zrange(c: Ctx): void {
  zrangeGeneric(c, 1, false, By.Auto, null);
}

function zrangestore(c: Ctx): void {
  zrangeGeneric(c, 2, true, By.Auto, null);
}

function zrevrange(c: Ctx): void {
  zrangeGeneric(c, 1, false, By.Rank, true);
}

function zrangebyscore(c: Ctx): void {
  zrangeGeneric(c, 1, false, By.Score, false);
}

function zrevrangebyscore(c: Ctx): void {
  zrangeGeneric(c, 1, false, By.Score, true);
}

function zrangebylex(c: Ctx): void {
  zrangeGeneric(c, 1, false, By.Lex, false);
}

function zrevrangebylex(c: Ctx): void {
  zrangeGeneric(c, 1, false, By.Lex, true);
}

export const ZRANGE: CommandSpec = {
  name: "zrange",
  arity: -4,
  flags: ["readonly"],
  ...oneKey,
  acl: ["read", "sortedset", "slow"],
  summary: "Return a range of members in a sorted set",
  since: "1.2.0",
  complexity: "O(log(N)+M) with N being the number of elements in the sorted set and M the number of elements returned.",
  args: [
    { name: "key", type: "key" },
    { name: "start", type: "string" },
    { name: "stop", type: "string" },
    { name: "sortby", type: "oneof", optional: true, arguments: [
      { name: "byscore", type: "pure-token", token: "BYSCORE" },
      { name: "bylex", type: "pure-token", token: "BYLEX" },
    ] },
    { name: "rev", type: "pure-token", token: "REV", optional: true },
    LIMIT_ARG,
    { name: "withscores", type: "pure-token", token: "WITHSCORES", optional: true },
  ],
  handler: zrange,
};

export const ZRANGESTORE: CommandSpec = {
  name: "zrangestore",
  arity: -5,
  flags: ["write", "denyoom"],
  firstKey: 1,
  lastKey: 2,
  step: 1,
  acl: ["write", "sortedset", "slow"],
  group: "sorted-set",
  summary: "Store a range of members from sorted set into another key",
  since: "6.2.0",
  complexity: "O(log(N)+M) with N being the number of elements in the sorted set and M the number of elements stored into the destination key.",
  args: [
    { name: "dst", type: "key" },
    { name: "src", type: "key" },
    { name: "min", type: "string" },
    { name: "max", type: "string" },
    { name: "sortby", type: "oneof", optional: true, arguments: [
      { name: "byscore", type: "pure-token", token: "BYSCORE" },
      { name: "bylex", type: "pure-token", token: "BYLEX" },
    ] },
    { name: "rev", type: "pure-token", token: "REV", optional: true },
    LIMIT_ARG,
  ],
  handler: zrangestore,
};

export const ZREVRANGE: CommandSpec = {
  name: "zrevrange",
  arity: -4,
  flags: ["readonly"],
  ...oneKey,
  acl: ["read", "sortedset", "slow"],
  summary: "Return a range of members in a sorted set, by index, with scores ordered from high to low",
  since: "1.2.0",
  complexity: "O(log(N)+M) with N being the number of elements in the sorted set and M the number of elements returned.",
  args: [
    { name: "key", type: "key" },
    { name: "start", type: "integer" },
    { name: "stop", type: "integer" },
    { name: "withscores", type: "pure-token", token: "WITHSCORES", optional: true },
  ],
  handler: zrevrange,
};

export const ZRANGEBYSCORE: CommandSpec = {
  name: "zrangebyscore",
  arity: -4,
  flags: ["readonly"],
  ...oneKey,
  acl: ["read", "sortedset", "slow"],
  summary: "Return a range of members in a sorted set, by score",
  since: "1.0.5",
  complexity: RANGE_COMPLEXITY,
  args: [
    { name: "key", type: "key" },
    { name: "min", type: "double" },
    { name: "max", type: "double" },
    { name: "withscores", type: "pure-token", token: "WITHSCORES", optional: true },
    LIMIT_ARG,
  ],
  handler: zrangebyscore,
};

export const ZREVRANGEBYSCORE: CommandSpec = {
  name: "zrevrangebyscore",
  arity: -4,
  flags: ["readonly"],
  ...oneKey,
  acl: ["read", "sortedset", "slow"],
  summary: "Return a range of members in a sorted set, by score, with scores ordered from high to low",
  since: "2.2.0",
  complexity: RANGE_COMPLEXITY,
  args: [
    { name: "key", type: "key" },
    { name: "max", type: "double" },
    { name: "min", type: "double" },
    { name: "withscores", type: "pure-token", token: "WITHSCORES", optional: true },
    LIMIT_ARG,
  ],
  handler: zrevrangebyscore,
};

export const ZRANGEBYLEX: CommandSpec = {
  name: "zrangebylex",
  arity: -4,
  flags: ["readonly"],
  ...oneKey,
  acl: ["read", "sortedset", "slow"],
  summary: "Return a range of members in a sorted set, by lexicographical range",
  since: "2.8.9",
  complexity: RANGE_COMPLEXITY,
  args: [
    { name: "key", type: "key" },
    { name: "min", type: "string" },
    { name: "max", type: "string" },
    LIMIT_ARG,
  ],
  handler: zrangebylex,
};

export const ZREVRANGEBYLEX: CommandSpec = {
  name: "zrevrangebylex",
  arity: -4,
  flags: ["readonly"],
  ...oneKey,
  acl: ["read", "sortedset", "slow"],
  summary: "Return a range of members in a sorted set, by lexicographical range, ordered from higher to lower strings.",
  since: "2.8.9",
  complexity: RANGE_COMPLEXITY,
  args: [
    { name: "key", type: "key" },
    { name: "max", type: "string" },
    { name: "min", type: "string" },
    LIMIT_ARG,
  ],
  handler: zrevrangebylex,
};


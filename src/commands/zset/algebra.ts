// ZUNION, ZINTER, ZDIFF, their STORE forms, and ZINTERCARD: t_zset.c
// zunionInterDiffGenericCommand. Inputs may be sorted sets or plain sets (every member
// scoring 1). Sources are ordered by size (smallest first) except for ZDIFF, whose first key
// is the minuend; weights multiply scores (inf * 0 counts as 0), SUM of inf and -inf is 0, and
// each member's contributions are combined in that source order, as Redis does.

import type { ArgDoc, CommandSpec, Ctx } from "../types.ts";
import { ItemType, type SetObject, ZSetObject } from "../../store/index.ts";
import { argFloat, argIs, argLongLong, argLongLongOrReply } from "../args.ts";
import { ERR_SYNTAX, WRONGTYPE } from "../errors.ts";
import { utf8 } from "../../stdx/index.ts";
import { storeResult, ZEvent } from "./access.ts";
import { errAtLeastOneKey, ERR_LIMIT_NEGATIVE, ERR_WEIGHT_NOT_FLOAT } from "./errors.ts";
import { replyMember, replyMembersHeader } from "./replies.ts";

const Op = { Union: 0, Inter: 1, Diff: 2 } as const;
const Aggregate = { Sum: 0, Min: 1, Max: 2 } as const;

const WEIGHTS = utf8("weights");
const AGGREGATE = utf8("aggregate");
const SUM = utf8("sum");
const MIN = utf8("min");
const MAX = utf8("max");
const WITHSCORES = utf8("withscores");
const LIMIT = utf8("limit");

/** The inputs of the current command, in parallel arrays (reused; emptied after each). */
const srcZSet: (ZSetObject | null)[] = [];
const srcSet: (SetObject | null)[] = [];
const srcWeight: number[] = [];
const srcSize: number[] = [];
/** Source indexes in processing order. */
const order: number[] = [];

function clearSources(): void {
  srcZSet.length = 0;
  srcSet.length = 0;
  srcWeight.length = 0;
  srcSize.length = 0;
  order.length = 0;
}

/** zunionInterAggregate. */
function aggregate(target: number, val: number, how: number): number {
  if (how === Aggregate.Sum) {
    const sum = target + val;
    return Number.isNaN(sum) ? 0 : sum;
  }
  if (how === Aggregate.Min) return val < target ? val : target;
  return val > target ? val : target;
}

/** The score of `member` in source i, or undefined when it is not there. */
function scoreIn(i: number, member: string): number | undefined {
  const z = srcZSet[i];
  if (z !== null) return z.score(member);
  const set = srcSet[i];
  return set !== null && set.has(member) ? 1 : undefined;
}

/** Calls fn for every (member, score) of source i. */
function forEachIn(i: number, fn: (member: string, score: number) => void): void {
  const z = srcZSet[i];
  if (z !== null) {
    for (let x = z.last(); x !== null; x = z.prev(x)) fn(x.member, x.score);
    return;
  }
  const set = srcSet[i];
  if (set !== null) for (const m of set.toArray()) fn(m, 1);
}

/**
 * Parses and runs one command. `dstArg`: the destination argument (STORE forms) or -1;
 * `numkeysArg`: where numkeys is; `cardOnly`: ZINTERCARD.
 */
function zsetAlgebra(c: Ctx, name: string, dstArg: number, numkeysArg: number, op: number, cardOnly: boolean): void {
  const a = c.argv;
  const setnum = argLongLongOrReply(c, numkeysArg);
  if (Number.isNaN(setnum)) return;
  if (setnum < 1) {
    c.reply.error(errAtLeastOneKey(name));
    return;
  }
  if (setnum > a.argc - (numkeysArg + 1)) {
    c.reply.error(ERR_SYNTAX);
    return;
  }
  const s = c.store;
  const db = c.client.db;
  clearSources();
  let j = numkeysArg + 1;
  for (let i = 0; i < setnum; i++, j++) {
    let z: ZSetObject | null = null;
    let set: SetObject | null = null;
    if (s.find(db, a.buf, a.off[j], a.len[j])) {
      if (s.itemType === ItemType.ZSet) z = s.obj as ZSetObject;
      else if (s.itemType === ItemType.Set) set = s.obj as SetObject;
      else {
        clearSources();
        c.reply.error(WRONGTYPE);
        return;
      }
    }
    srcZSet.push(z);
    srcSet.push(set);
    srcWeight.push(1);
    srcSize.push(z !== null ? z.size : set !== null ? set.size : 0);
    order.push(i);
  }

  let how: number = Aggregate.Sum;
  let withScores = false;
  let limit = 0;
  while (j < a.argc) {
    const remaining = a.argc - j;
    if (op !== Op.Diff && !cardOnly && remaining >= setnum + 1 && argIs(c, j, WEIGHTS)) {
      j++;
      for (let i = 0; i < setnum; i++, j++) {
        const w = argFloat(c, j);
        if (Number.isNaN(w)) {
          clearSources();
          c.reply.error(ERR_WEIGHT_NOT_FLOAT);
          return;
        }
        srcWeight[i] = w;
      }
    } else if (op !== Op.Diff && !cardOnly && remaining >= 2 && argIs(c, j, AGGREGATE)) {
      j++;
      if (argIs(c, j, SUM)) how = Aggregate.Sum;
      else if (argIs(c, j, MIN)) how = Aggregate.Min;
      else if (argIs(c, j, MAX)) how = Aggregate.Max;
      else {
        clearSources();
        c.reply.error(ERR_SYNTAX);
        return;
      }
      j++;
    } else if (dstArg < 0 && !cardOnly && argIs(c, j, WITHSCORES)) {
      j++;
      withScores = true;
    } else if (cardOnly && remaining >= 2 && argIs(c, j, LIMIT)) {
      j++;
      limit = argLongLong(c, j);
      if (Number.isNaN(limit) || limit < 0) {
        clearSources();
        c.reply.error(ERR_LIMIT_NEGATIVE);
        return;
      }
      j++;
    } else {
      clearSources();
      c.reply.error(ERR_SYNTAX);
      return;
    }
  }
  // Smallest first (a stable sort, as glibc's qsort is in practice for these sizes).
  if (op !== Op.Diff) order.sort((x, y) => srcSize[x] - srcSize[y]);

  if (cardOnly) {
    c.reply.integer(interCard(setnum, limit));
    clearSources();
    return;
  }
  const dst = new ZSetObject(true);
  if (op === Op.Inter) inter(setnum, how, dst);
  else if (op === Op.Union) union(setnum, how, dst);
  else diff(setnum, dst);
  clearSources();

  if (dstArg >= 0) {
    dst.shrinkToListpackIfSmall();
    storeResult(c, dstArg, dst, op === Op.Union ? ZEvent.zunionstore : op === Op.Inter ? ZEvent.zinterstore : ZEvent.zdiffstore);
    return;
  }
  replyMembersHeader(c, dst.size, withScores);
  for (let x = dst.first(); x !== null; x = dst.next(x)) replyMember(c, x.member, x.score, withScores);
}

// The operations keep their state in module variables so the per-member callbacks are
// created once.
let opSetnum = 0;
let opHow = 0;
let opDst: ZSetObject | null = null;
let opCount = 0;
let opLimit = 0;
let opAcc: Map<string, number> | null = null;

/** Score of a member of the first source across the others, or undefined when one lacks it. */
function interScore(member: string, score0: number): number | undefined {
  let score = srcWeight[order[0]] * score0;
  if (Number.isNaN(score)) score = 0;
  for (let k = 1; k < opSetnum; k++) {
    const i = order[k];
    const v = scoreIn(i, member);
    if (v === undefined) return undefined;
    score = aggregate(score, v * srcWeight[i], opHow);
  }
  return score;
}

const interVisit = (member: string, score0: number): void => {
  const score = interScore(member, score0);
  if (score !== undefined) (opDst as ZSetObject).insert(member, score);
};

function inter(setnum: number, how: number, dst: ZSetObject): void {
  opSetnum = setnum;
  opHow = how;
  opDst = dst;
  if (srcSize[order[0]] > 0) forEachIn(order[0], interVisit);
  opDst = null;
}

/** ZINTERCARD counts up to its LIMIT (0: no limit); once there, the rest is skipped. */
const cardVisit = (member: string, score0: number): void => {
  if (opLimit > 0 && opCount >= opLimit) return;
  if (interScore(member, score0) !== undefined) opCount++;
};

function interCard(setnum: number, limit: number): number {
  opSetnum = setnum;
  opHow = Aggregate.Sum;
  opCount = 0;
  opLimit = limit;
  if (srcSize[order[0]] > 0) forEachIn(order[0], cardVisit);
  return opCount;
}

let opWeight = 1;

const unionVisit = (member: string, score0: number): void => {
  let score = opWeight * score0;
  if (Number.isNaN(score)) score = 0;
  const acc = opAcc as Map<string, number>;
  const cur = acc.get(member);
  acc.set(member, cur === undefined ? score : aggregate(cur, score, opHow));
};

function union(setnum: number, how: number, dst: ZSetObject): void {
  opHow = how;
  const acc = new Map<string, number>();
  opAcc = acc;
  for (let k = 0; k < setnum; k++) {
    const i = order[k];
    if (srcSize[i] === 0) continue;
    opWeight = srcWeight[i];
    forEachIn(i, unionVisit);
  }
  opAcc = null;
  for (const [member, score] of acc) dst.insert(member, score);
}

const diffVisit = (member: string, score0: number): void => {
  for (let k = 1; k < opSetnum; k++) if (scoreIn(order[k], member) !== undefined) return;
  (opDst as ZSetObject).insert(member, score0);
};

function diff(setnum: number, dst: ZSetObject): void {
  opSetnum = setnum;
  opDst = dst;
  if (srcSize[order[0]] > 0) forEachIn(order[0], diffVisit);
  opDst = null;
}

function zunion(c: Ctx): void {
  zsetAlgebra(c, "zunion", -1, 1, Op.Union, false);
}

function zinter(c: Ctx): void {
  zsetAlgebra(c, "zinter", -1, 1, Op.Inter, false);
}

function zdiff(c: Ctx): void {
  zsetAlgebra(c, "zdiff", -1, 1, Op.Diff, false);
}

function zunionstore(c: Ctx): void {
  zsetAlgebra(c, "zunionstore", 1, 2, Op.Union, false);
}

function zinterstore(c: Ctx): void {
  zsetAlgebra(c, "zinterstore", 1, 2, Op.Inter, false);
}

function zdiffstore(c: Ctx): void {
  zsetAlgebra(c, "zdiffstore", 1, 2, Op.Diff, false);
}

function zintercard(c: Ctx): void {
  zsetAlgebra(c, "zintercard", -1, 1, Op.Inter, true);
}

/** ZUNION and ZINTER's (and their STORE forms') WEIGHTS and AGGREGATE arguments. */
const WEIGHTS_AGGREGATE: ArgDoc[] = [
  { name: "weight", type: "integer", token: "WEIGHTS", optional: true, multiple: true },
  { name: "aggregate", type: "oneof", token: "AGGREGATE", optional: true, arguments: [
    { name: "sum", type: "pure-token", token: "SUM" },
    { name: "min", type: "pure-token", token: "MIN" },
    { name: "max", type: "pure-token", token: "MAX" },
  ] },
];
/** Keys after a numkeys argument at 1 (ZUNION, ZINTER, ZDIFF, ZINTERCARD). */
const keysAfterNumkeys = { firstKey: 0, numKeysArg: 1, lastKey: 0, step: 0 } as const;
/** A destination key, then numkeys and its keys (the STORE forms). */
const destinationThenNumkeys = { firstKey: 1, numKeysArg: 2, lastKey: 1, step: 1 } as const;

export const ZUNION: CommandSpec = {
  name: "zunion",
  arity: -3,
  flags: ["readonly"],
  ...keysAfterNumkeys,
  acl: ["read", "sortedset", "slow"],
  group: "sorted-set",
  summary: "Add multiple sorted sets",
  since: "6.2.0",
  complexity: "O(N)+O(M*log(M)) with N being the sum of the sizes of the input sorted sets, and M being the number of elements in the resulting sorted set.",
  args: [
    { name: "numkeys", type: "integer" },
    { name: "key", type: "key", multiple: true },
    ...WEIGHTS_AGGREGATE,
    { name: "withscores", type: "pure-token", token: "WITHSCORES", optional: true },
  ],
  handler: zunion,
};

export const ZINTER: CommandSpec = {
  name: "zinter",
  arity: -3,
  flags: ["readonly"],
  ...keysAfterNumkeys,
  acl: ["read", "sortedset", "slow"],
  group: "sorted-set",
  summary: "Intersect multiple sorted sets",
  since: "6.2.0",
  complexity: "O(N*K)+O(M*log(M)) worst case with N being the smallest input sorted set, K being the number of input sorted sets and M being the number of elements in the resulting sorted set.",
  args: [
    { name: "numkeys", type: "integer" },
    { name: "key", type: "key", multiple: true },
    ...WEIGHTS_AGGREGATE,
    { name: "withscores", type: "pure-token", token: "WITHSCORES", optional: true },
  ],
  handler: zinter,
};

export const ZDIFF: CommandSpec = {
  name: "zdiff",
  arity: -3,
  flags: ["readonly"],
  ...keysAfterNumkeys,
  acl: ["read", "sortedset", "slow"],
  group: "sorted-set",
  summary: "Subtract multiple sorted sets",
  since: "6.2.0",
  complexity: "O(L + (N-K)log(N)) worst case where L is the total number of elements in all the sets, N is the size of the first set, and K is the size of the result set.",
  args: [
    { name: "numkeys", type: "integer" },
    { name: "key", type: "key", multiple: true },
    { name: "withscores", type: "pure-token", token: "WITHSCORES", optional: true },
  ],
  handler: zdiff,
};

export const ZUNIONSTORE: CommandSpec = {
  name: "zunionstore",
  arity: -4,
  flags: ["write", "denyoom"],
  ...destinationThenNumkeys,
  acl: ["write", "sortedset", "slow"],
  group: "sorted-set",
  summary: "Add multiple sorted sets and store the resulting sorted set in a new key",
  since: "2.0.0",
  complexity: "O(N)+O(M log(M)) with N being the sum of the sizes of the input sorted sets, and M being the number of elements in the resulting sorted set.",
  args: [
    { name: "destination", type: "key" },
    { name: "numkeys", type: "integer" },
    { name: "key", type: "key", multiple: true },
    ...WEIGHTS_AGGREGATE,
  ],
  handler: zunionstore,
};

export const ZINTERSTORE: CommandSpec = {
  name: "zinterstore",
  arity: -4,
  flags: ["write", "denyoom"],
  ...destinationThenNumkeys,
  acl: ["write", "sortedset", "slow"],
  group: "sorted-set",
  summary: "Intersect multiple sorted sets and store the resulting sorted set in a new key",
  since: "2.0.0",
  complexity: "O(N*K)+O(M*log(M)) worst case with N being the smallest input sorted set, K being the number of input sorted sets and M being the number of elements in the resulting sorted set.",
  args: [
    { name: "destination", type: "key" },
    { name: "numkeys", type: "integer" },
    { name: "key", type: "key", multiple: true },
    ...WEIGHTS_AGGREGATE,
  ],
  handler: zinterstore,
};

export const ZDIFFSTORE: CommandSpec = {
  name: "zdiffstore",
  arity: -4,
  flags: ["write", "denyoom"],
  ...destinationThenNumkeys,
  acl: ["write", "sortedset", "slow"],
  group: "sorted-set",
  summary: "Subtract multiple sorted sets and store the resulting sorted set in a new key",
  since: "6.2.0",
  complexity: "O(L + (N-K)log(N)) worst case where L is the total number of elements in all the sets, N is the size of the first set, and K is the size of the result set.",
  args: [
    { name: "destination", type: "key" },
    { name: "numkeys", type: "integer" },
    { name: "key", type: "key", multiple: true },
  ],
  handler: zdiffstore,
};

export const ZINTERCARD: CommandSpec = {
  name: "zintercard",
  arity: -3,
  flags: ["readonly"],
  ...keysAfterNumkeys,
  acl: ["read", "sortedset", "slow"],
  group: "sorted-set",
  summary: "Intersect multiple sorted sets and return the cardinality of the result",
  since: "7.0.0",
  complexity: "O(N*K) worst case with N being the smallest input sorted set, K being the number of input sorted sets.",
  args: [
    { name: "numkeys", type: "integer" },
    { name: "key", type: "key", multiple: true },
    { name: "limit", type: "integer", token: "LIMIT", optional: true },
  ],
  handler: zintercard,
};


// ZREM, ZREMRANGEBYRANK, ZREMRANGEBYSCORE, ZREMRANGEBYLEX: t_zset.c zremCommand and
// zremrangeGenericCommand. The range is parsed before the key is looked up; an emptied
// sorted set's key is deleted.

import type { CommandSpec, Ctx } from "../types.ts";
import type { ZSetObject } from "../../store/index.ts";
import { argLongLongOrReply } from "../args.ts";
import { latin1 } from "../../stdx/index.ts";
import { commitZSet, openZSet, ZEvent } from "./access.ts";
import { ERR_MIN_MAX_NOT_FLOAT, ERR_MIN_MAX_NOT_LEX } from "./errors.ts";
import { lexRange, parseLexRange, parseScoreRange, scoreRange } from "./ranges.ts";
import { oneKey } from "./spec.ts";

function zrem(c: Ctx): void {
  const handle = openZSet(c, 1);
  if (handle === -2) return;
  if (handle === -1) {
    c.reply.integer(0);
    return;
  }
  const z = c.store.obj as ZSetObject;
  const a = c.argv;
  let deleted = 0;
  for (let j = 2; j < a.argc; j++) {
    if (z.remove(latin1(a.buf, a.off[j], a.len[j]))) deleted++;
    if (z.size === 0) break;
  }
  if (deleted > 0) commitZSet(c, 1, z, handle, ZEvent.zrem);
  c.reply.integer(deleted);
}

const Kind = { Rank: 0, Score: 1, Lex: 2 } as const;

function zremrangeGeneric(c: Ctx, kind: number): void {
  let start = 0;
  let end = 0;
  if (kind === Kind.Rank) {
    start = argLongLongOrReply(c, 2);
    if (Number.isNaN(start)) return;
    end = argLongLongOrReply(c, 3);
    if (Number.isNaN(end)) return;
  } else if (kind === Kind.Score) {
    if (!parseScoreRange(c, 2, 3)) {
      c.reply.error(ERR_MIN_MAX_NOT_FLOAT);
      return;
    }
  } else if (!parseLexRange(c, 2, 3)) {
    c.reply.error(ERR_MIN_MAX_NOT_LEX);
    return;
  }
  const handle = openZSet(c, 1);
  if (handle === -2) return;
  if (handle === -1) {
    c.reply.integer(0);
    return;
  }
  const z = c.store.obj as ZSetObject;
  let deleted: number;
  let event: string;
  if (kind === Kind.Rank) {
    const len = z.size;
    if (start < 0) start = len + start;
    if (end < 0) end = len + end;
    if (start < 0) start = 0;
    if (start > end || start >= len) {
      c.reply.integer(0);
      return;
    }
    if (end >= len) end = len - 1;
    deleted = z.removeRangeByRank(start, end);
    event = ZEvent.zremrangebyrank;
  } else if (kind === Kind.Score) {
    deleted = z.removeRangeByScore(scoreRange);
    event = ZEvent.zremrangebyscore;
  } else {
    deleted = z.removeRangeByLex(lexRange);
    event = ZEvent.zremrangebylex;
  }
  if (deleted > 0) commitZSet(c, 1, z, handle, event);
  c.reply.integer(deleted);
}

function zremrangebyrank(c: Ctx): void {
  zremrangeGeneric(c, Kind.Rank);
}

function zremrangebyscore(c: Ctx): void {
  zremrangeGeneric(c, Kind.Score);
}

function zremrangebylex(c: Ctx): void {
  zremrangeGeneric(c, Kind.Lex);
}

export const ZREM: CommandSpec = {
  name: "zrem",
  arity: -3,
  flags: ["write", "fast"],
  ...oneKey,
  acl: ["write", "sortedset", "fast"],
  summary: "Remove one or more members from a sorted set",
  since: "1.2.0",
  complexity: "O(M*log(N)) with N being the number of elements in the sorted set and M the number of elements to be removed.",
  args: [
    { name: "key", type: "key" },
    { name: "member", type: "string", multiple: true },
  ],
  handler: zrem,
};

export const ZREMRANGEBYRANK: CommandSpec = {
  name: "zremrangebyrank",
  arity: 4,
  flags: ["write"],
  ...oneKey,
  acl: ["write", "sortedset", "slow"],
  summary: "Remove all members in a sorted set within the given indexes",
  since: "2.0.0",
  complexity: "O(log(N)+M) with N being the number of elements in the sorted set and M the number of elements removed by the operation.",
  args: [
    { name: "key", type: "key" },
    { name: "start", type: "integer" },
    { name: "stop", type: "integer" },
  ],
  handler: zremrangebyrank,
};

export const ZREMRANGEBYSCORE: CommandSpec = {
  name: "zremrangebyscore",
  arity: 4,
  flags: ["write"],
  ...oneKey,
  acl: ["write", "sortedset", "slow"],
  summary: "Remove all members in a sorted set within the given scores",
  since: "1.2.0",
  complexity: "O(log(N)+M) with N being the number of elements in the sorted set and M the number of elements removed by the operation.",
  args: [
    { name: "key", type: "key" },
    { name: "min", type: "double" },
    { name: "max", type: "double" },
  ],
  handler: zremrangebyscore,
};

export const ZREMRANGEBYLEX: CommandSpec = {
  name: "zremrangebylex",
  arity: 4,
  flags: ["write"],
  ...oneKey,
  acl: ["write", "sortedset", "slow"],
  summary: "Remove all members in a sorted set between the given lexicographical range",
  since: "2.8.9",
  complexity: "O(log(N)+M) with N being the number of elements in the sorted set and M the number of elements removed by the operation.",
  args: [
    { name: "key", type: "key" },
    { name: "min", type: "string" },
    { name: "max", type: "string" },
  ],
  handler: zremrangebylex,
};


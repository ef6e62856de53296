// ZSCORE, ZMSCORE, ZCARD, ZRANK, ZREVRANK, ZCOUNT, ZLEXCOUNT: the read-only lookups of
// t_zset.c (zscoreCommand, zmscoreCommand, zcardCommand, zrankGenericCommand,
// zcountCommand, zlexcountCommand).

import type { CommandSpec, Ctx } from "../types.ts";
import type { ZSetObject } from "../../store/index.ts";
import { latin1 } from "../../stdx/index.ts";
import { readZSet } from "./access.ts";
import { ERR_MIN_MAX_NOT_FLOAT, ERR_MIN_MAX_NOT_LEX } from "./errors.ts";
import { lexRange, parseLexRange, parseScoreRange, scoreRange } from "./ranges.ts";
import { replyScore } from "./score.ts";
import { oneKey } from "./spec.ts";

function memberArg(c: Ctx, i: number): string {
  const a = c.argv;
  return latin1(a.buf, a.off[i], a.len[i]);
}

function zscore(c: Ctx): void {
  const z = readZSet(c, 1);
  if (z === undefined) return;
  const score = z === null ? undefined : z.score(memberArg(c, 2));
  if (score === undefined) c.reply.nullBulk();
  else replyScore(c.reply, score);
}

function zmscore(c: Ctx): void {
  const z = readZSet(c, 1);
  if (z === undefined) return;
  const a = c.argv;
  c.reply.arrayHeader(a.argc - 2);
  for (let j = 2; j < a.argc; j++) {
    const score = z === null ? undefined : z.score(memberArg(c, j));
    if (score === undefined) c.reply.nullBulk();
    else replyScore(c.reply, score);
  }
}

function zcard(c: Ctx): void {
  const z = readZSet(c, 1);
  if (z === undefined) return;
  c.reply.integer(z === null ? 0 : z.size);
}

function zrankGeneric(c: Ctx, reverse: boolean): void {
  const z = readZSet(c, 1);
  if (z === undefined) return;
  const rank = z === null ? -1 : z.rank(memberArg(c, 2), reverse);
  if (rank < 0) c.reply.nullBulk();
  else c.reply.integer(rank);
}

function zrank(c: Ctx): void {
  zrankGeneric(c, false);
}

function zrevrank(c: Ctx): void {
  zrankGeneric(c, true);
}

/** The zset for ZCOUNT/ZLEXCOUNT after their range parsed: null replies 0 (missing key). */
function countTarget(c: Ctx): ZSetObject | null | undefined {
  const z = readZSet(c, 1);
  if (z === null) c.reply.integer(0);
  return z;
}

function zcount(c: Ctx): void {
  if (!parseScoreRange(c, 2, 3)) {
    c.reply.error(ERR_MIN_MAX_NOT_FLOAT);
    return;
  }
  const z = countTarget(c);
  if (z) c.reply.integer(z.countInScore(scoreRange));
}

function zlexcount(c: Ctx): void {
  if (!parseLexRange(c, 2, 3)) {
    c.reply.error(ERR_MIN_MAX_NOT_LEX);
    return;
  }
  const z = countTarget(c);
  if (z) c.reply.integer(z.countInLex(lexRange));
}

export const ZSCORE: CommandSpec = {
  name: "zscore",
  arity: 3,
  flags: ["readonly", "fast"],
  ...oneKey,
  acl: ["read", "sortedset", "fast"],
  summary: "Get the score associated with the given member in a sorted set",
  since: "1.2.0",
  complexity: "O(1)",
  args: [
    { name: "key", type: "key" },
    { name: "member", type: "string" },
  ],
  handler: zscore,
};

export const ZMSCORE: CommandSpec = {
  name: "zmscore",
  arity: -3,
  flags: ["readonly", "fast"],
  ...oneKey,
  acl: ["read", "sortedset", "fast"],
  summary: "Get the score associated with the given members in a sorted set",
  since: "6.2.0",
  complexity: "O(N) where N is the number of members being requested.",
  args: [
    { name: "key", type: "key" },
    { name: "member", type: "string", multiple: true },
  ],
  handler: zmscore,
};

export const ZCARD: CommandSpec = {
  name: "zcard",
  arity: 2,
  flags: ["readonly", "fast"],
  ...oneKey,
  acl: ["read", "sortedset", "fast"],
  summary: "Get the number of members in a sorted set",
  since: "1.2.0",
  complexity: "O(1)",
  args: [
    { name: "key", type: "key" },
  ],
  handler: zcard,
};

export const ZRANK: CommandSpec = {
  name: "zrank",
  arity: 3,
  flags: ["readonly", "fast"],
  ...oneKey,
  acl: ["read", "sortedset", "fast"],
  summary: "Determine the index of a member in a sorted set",
  since: "2.0.0",
  complexity: "O(log(N))",
  args: [
    { name: "key", type: "key" },
    { name: "member", type: "string" },
  ],
  handler: zrank,
};

export const ZREVRANK: CommandSpec = {
  name: "zrevrank",
  arity: 3,
  flags: ["readonly", "fast"],
  ...oneKey,
  acl: ["read", "sortedset", "fast"],
  summary: "Determine the index of a member in a sorted set, with scores ordered from high to low",
  since: "2.0.0",
  complexity: "O(log(N))",
  args: [
    { name: "key", type: "key" },
    { name: "member", type: "string" },
  ],
  handler: zrevrank,
};

export const ZCOUNT: CommandSpec = {
  name: "zcount",
  arity: 4,
  flags: ["readonly", "fast"],
  ...oneKey,
  acl: ["read", "sortedset", "fast"],
  summary: "Count the members in a sorted set with scores within the given values",
  since: "2.0.0",
  complexity: "O(log(N)) with N being the number of elements in the sorted set.",
  args: [
    { name: "key", type: "key" },
    { name: "min", type: "double" },
    { name: "max", type: "double" },
  ],
  handler: zcount,
};

export const ZLEXCOUNT: CommandSpec = {
  name: "zlexcount",
  arity: 4,
  flags: ["readonly", "fast"],
  ...oneKey,
  acl: ["read", "sortedset", "fast"],
  summary: "Count the number of members in a sorted set between a given lexicographical range",
  since: "2.8.9",
  complexity: "O(log(N)) with N being the number of elements in the sorted set.",
  args: [
    { name: "key", type: "key" },
    { name: "min", type: "string" },
    { name: "max", type: "string" },
  ],
  handler: zlexcount,
};


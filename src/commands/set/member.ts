// SISMEMBER, SMISMEMBER, SCARD, SMEMBERS: t_set.c sismemberCommand, smismemberCommand,
// scardCommand, and sinterCommand (which serves SMEMBERS in Redis 7.0).

import type { CommandSpec, Ctx } from "../types.ts";
import { ItemType, type SetObject } from "../../store/index.ts";
import { readObject } from "../object.ts";
import { latin1 } from "../../stdx/index.ts";
import { replyMembers } from "./common.ts";

function sismember(c: Ctx): void {
  const set = readObject<SetObject>(c, 1, ItemType.Set);
  if (set === undefined) return;
  const a = c.argv;
  c.reply.integer(set !== null && set.has(latin1(a.buf, a.off[2], a.len[2])) ? 1 : 0);
}

function smismember(c: Ctx): void {
  const set = readObject<SetObject>(c, 1, ItemType.Set);
  if (set === undefined) return;
  const a = c.argv;
  const r = c.reply;
  r.arrayHeader(a.argc - 2);
  for (let i = 2; i < a.argc; i++) {
    r.integer(set !== null && set.has(latin1(a.buf, a.off[i], a.len[i])) ? 1 : 0);
  }
}

function scard(c: Ctx): void {
  const set = readObject<SetObject>(c, 1, ItemType.Set);
  if (set === undefined) return;
  c.reply.integer(set === null ? 0 : set.size);
}

function smembers(c: Ctx): void {
  const set = readObject<SetObject>(c, 1, ItemType.Set);
  if (set === undefined) return;
  if (set === null) c.reply.setHeader(0);
  else replyMembers(c, set);
}

export const SISMEMBER: CommandSpec = {
  name: "sismember",
  arity: 3,
  flags: ["readonly", "fast"],
  firstKey: 1,
  lastKey: 1,
  step: 1,
  acl: ["read", "set", "fast"],
  group: "set",
  summary: "Determine if a given value is a member of a set",
  since: "1.0.0",
  complexity: "O(1)",
  args: [
    { name: "key", type: "key" },
    { name: "member", type: "string" },
  ],
  handler: sismember,
};

export const SMISMEMBER: CommandSpec = {
  name: "smismember",
  arity: -3,
  flags: ["readonly", "fast"],
  firstKey: 1,
  lastKey: 1,
  step: 1,
  acl: ["read", "set", "fast"],
  group: "set",
  summary: "Returns the membership associated with the given elements for a set",
  since: "6.2.0",
  complexity: "O(N) where N is the number of elements being checked for membership",
  args: [
    { name: "key", type: "key" },
    { name: "member", type: "string", multiple: true },
  ],
  handler: smismember,
};

export const SCARD: CommandSpec = {
  name: "scard",
  arity: 2,
  flags: ["readonly", "fast"],
  firstKey: 1,
  lastKey: 1,
  step: 1,
  acl: ["read", "set", "fast"],
  group: "set",
  summary: "Get the number of members in a set",
  since: "1.0.0",
  complexity: "O(1)",
  args: [
    { name: "key", type: "key" },
  ],
  handler: scard,
};

export const SMEMBERS: CommandSpec = {
  name: "smembers",
  arity: 2,
  flags: ["readonly"],
  firstKey: 1,
  lastKey: 1,
  step: 1,
  acl: ["read", "set", "slow"],
  group: "set",
  summary: "Get all the members in a set",
  since: "1.0.0",
  complexity: "O(N) where N is the set cardinality.",
  args: [
    { name: "key", type: "key" },
  ],
  handler: smembers,
};

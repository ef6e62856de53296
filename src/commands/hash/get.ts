// HGET, HMGET, HEXISTS, HSTRLEN, HLEN: t_hash.c hgetCommand, hmgetCommand, hexistsCommand,
// hstrlenCommand, hlenCommand.

import type { CommandSpec, Ctx } from "../types.ts";
import { elementArg, readHash } from "./common.ts";

function hget(c: Ctx): void {
  const h = readHash(c);
  if (h === undefined) return;
  const value = h === null ? undefined : h.get(elementArg(c, 2));
  if (value === undefined) c.reply.nullBulk();
  else c.reply.bulkLatin1(value);
}

function hmget(c: Ctx): void {
  const h = readHash(c);
  if (h === undefined) return;
  const argc = c.argv.argc;
  const r = c.reply;
  r.arrayHeader(argc - 2);
  for (let i = 2; i < argc; i++) {
    const value = h === null ? undefined : h.get(elementArg(c, i));
    if (value === undefined) r.nullBulk();
    else r.bulkLatin1(value);
  }
}

function hexists(c: Ctx): void {
  const h = readHash(c);
  if (h === undefined) return;
  c.reply.integer(h !== null && h.has(elementArg(c, 2)) ? 1 : 0);
}

function hstrlen(c: Ctx): void {
  const h = readHash(c);
  if (h === undefined) return;
  const value = h === null ? undefined : h.get(elementArg(c, 2));
  c.reply.integer(value === undefined ? 0 : value.length);
}

function hlen(c: Ctx): void {
  const h = readHash(c);
  if (h === undefined) return;
  c.reply.integer(h === null ? 0 : h.size);
}

const KEY_FIELD_ARGS = [
  { name: "key", type: "key" as const },
  { name: "field", type: "string" as const },
];

export const HGET: CommandSpec = {
  name: "hget",
  arity: 3,
  flags: ["readonly", "fast"],
  firstKey: 1,
  lastKey: 1,
  step: 1,
  acl: ["read", "hash", "fast"],
  group: "hash",
  summary: "Get the value of a hash field",
  since: "2.0.0",
  complexity: "O(1)",
  args: KEY_FIELD_ARGS,
  handler: hget,
};

export const HMGET: CommandSpec = {
  name: "hmget",
  arity: -3,
  flags: ["readonly", "fast"],
  firstKey: 1,
  lastKey: 1,
  step: 1,
  acl: ["read", "hash", "fast"],
  group: "hash",
  summary: "Get the values of all the given hash fields",
  since: "2.0.0",
  complexity: "O(N) where N is the number of fields being requested.",
  args: [
    { name: "key", type: "key" },
    { name: "field", type: "string", multiple: true },
  ],
  handler: hmget,
};

export const HEXISTS: CommandSpec = {
  name: "hexists",
  arity: 3,
  flags: ["readonly", "fast"],
  firstKey: 1,
  lastKey: 1,
  step: 1,
  acl: ["read", "hash", "fast"],
  group: "hash",
  summary: "Determine if a hash field exists",
  since: "2.0.0",
  complexity: "O(1)",
  args: KEY_FIELD_ARGS,
  handler: hexists,
};

export const HSTRLEN: CommandSpec = {
  name: "hstrlen",
  arity: 3,
  flags: ["readonly", "fast"],
  firstKey: 1,
  lastKey: 1,
  step: 1,
  acl: ["read", "hash", "fast"],
  group: "hash",
  summary: "Get the length of the value of a hash field",
  since: "3.2.0",
  complexity: "O(1)",
  args: KEY_FIELD_ARGS,
  handler: hstrlen,
};

export const HLEN: CommandSpec = {
  name: "hlen",
  arity: 2,
  flags: ["readonly", "fast"],
  firstKey: 1,
  lastKey: 1,
  step: 1,
  acl: ["read", "hash", "fast"],
  group: "hash",
  summary: "Get the number of fields in a hash",
  since: "2.0.0",
  complexity: "O(1)",
  args: [{ name: "key", type: "key" }],
  handler: hlen,
};

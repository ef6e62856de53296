// HSET, HMSET, HSETNX: t_hash.c hsetCommand, hsetnxCommand.

import type { CommandSpec, Ctx } from "../types.ts";
import { errWrongArity } from "../errors.ts";
import { commitHash, elementArg, openedHash, openHash } from "./common.ts";

/** HSET replies the number of new fields, HMSET +OK. */
function hsetGeneric(c: Ctx, name: string, replyCreated: boolean): void {
  const a = c.argv;
  if ((a.argc & 1) === 1) {
    c.reply.error(errWrongArity(name));
    return;
  }
  const handle = openHash(c);
  if (handle === -2) return;
  const h = openedHash(c, handle);
  let created = 0;
  for (let i = 2; i < a.argc; i += 2) {
    if (h.set(elementArg(c, i), elementArg(c, i + 1))) created++;
  }
  if (!commitHash(c, h, handle, "hset")) return;
  if (replyCreated) c.reply.integer(created);
  else c.reply.ok();
}

function hset(c: Ctx): void {
  hsetGeneric(c, "hset", true);
}

function hmset(c: Ctx): void {
  hsetGeneric(c, "hmset", false);
}

function hsetnx(c: Ctx): void {
  const handle = openHash(c);
  if (handle === -2) return;
  const h = openedHash(c, handle);
  const field = elementArg(c, 2);
  if (h.has(field)) {
    c.reply.integer(0);
    return;
  }
  h.set(field, elementArg(c, 3));
  if (!commitHash(c, h, handle, "hset")) return;
  c.reply.integer(1);
}

const FIELD_VALUE_ARGS = [
  { name: "key", type: "key" as const },
  {
    name: "field_value",
    type: "block" as const,
    multiple: true,
    arguments: [
      { name: "field", type: "string" as const },
      { name: "value", type: "string" as const },
    ],
  },
];

export const HSET: CommandSpec = {
  name: "hset",
  arity: -4,
  flags: ["write", "denyoom", "fast"],
  firstKey: 1,
  lastKey: 1,
  step: 1,
  acl: ["write", "hash", "fast"],
  group: "hash",
  summary: "Set the string value of a hash field",
  since: "2.0.0",
  complexity: "O(1) for each field/value pair added, so O(N) to add N field/value pairs when the command is called with multiple field/value pairs.",
  args: FIELD_VALUE_ARGS,
  handler: hset,
};

export const HMSET: CommandSpec = {
  name: "hmset",
  arity: -4,
  flags: ["write", "denyoom", "fast"],
  firstKey: 1,
  lastKey: 1,
  step: 1,
  acl: ["write", "hash", "fast"],
  group: "hash",
  summary: "Set multiple hash fields to multiple values",
  since: "2.0.0",
  complexity: "O(N) where N is the number of fields being set.",
  args: FIELD_VALUE_ARGS,
  handler: hmset,
};

export const HSETNX: CommandSpec = {
  name: "hsetnx",
  arity: 4,
  flags: ["write", "denyoom", "fast"],
  firstKey: 1,
  lastKey: 1,
  step: 1,
  acl: ["write", "hash", "fast"],
  group: "hash",
  summary: "Set the value of a hash field, only if the field does not exist",
  since: "2.0.0",
  complexity: "O(1)",
  args: [
    { name: "key", type: "key" },
    { name: "field", type: "string" },
    { name: "value", type: "string" },
  ],
  handler: hsetnx,
};

// SINTER, SINTERCARD, SINTERSTORE: t_set.c sinterGenericCommand and its callers.

import type { CommandSpec, Ctx } from "../types.ts";
import { SetObject } from "../../store/index.ts";
import { argIs, argLongLong } from "../args.ts";
import { ERR_SYNTAX } from "../errors.ts";
import { LIMIT_TOKEN, lookupSets, SetEvent, storeResult } from "./common.ts";
import { ERR_LIMIT_NEGATIVE, ERR_NUMKEYS, ERR_NUMKEYS_TOO_MANY } from "./errors.ts";

/** The sets of the current call and what it found (reused; emptied after each). */
const sets: (SetObject | null)[] = [];
const found: string[] = [];

/**
 * Intersect `sets` (none missing): walk the smallest (the first of equal sizes) in its order
 * and keep what every other set has, pushing it to `out` and adding it to `into` when given.
 * Stops at `limit` members when limit > 0. Returns how many were kept.
 */
function intersect(limit: number, out: string[] | null, into: SetObject | null): number {
  let first = 0;
  for (let j = 1; j < sets.length; j++) if (sets[j]!.size < sets[first]!.size) first = j;
  const base = sets[first]!;
  const members = base.ordered();
  let kept = 0;
  next: for (let i = 0; i < members.length; i++) {
    const m = members[i];
    for (let j = 0; j < sets.length; j++) {
      const other = sets[j]!;
      if (other !== base && !other.has(m)) continue next;
    }
    kept++;
    if (out !== null) out.push(m);
    if (into !== null) into.add(m);
    if (kept === limit) break;
  }
  return kept;
}

function sinter(c: Ctx): void {
  const missing = lookupSets(c, 1, c.argv.argc - 1, sets);
  if (missing < 0) return;
  const r = c.reply;
  if (missing === 0) intersect(0, found, null);
  r.setHeader(found.length);
  for (let i = 0; i < found.length; i++) r.bulkLatin1(found[i]);
  found.length = 0;
  sets.length = 0;
}

function sintercard(c: Ctx): void {
  const a = c.argv;
  const numkeys = argLongLong(c, 1);
  if (Number.isNaN(numkeys) || numkeys < 1) {
    c.reply.error(ERR_NUMKEYS);
    return;
  }
  if (numkeys > a.argc - 2) {
    c.reply.error(ERR_NUMKEYS_TOO_MANY);
    return;
  }
  let limit = 0;
  for (let i = 2 + numkeys; i < a.argc; i++) {
    if (argIs(c, i, LIMIT_TOKEN) && i + 1 < a.argc) {
      i++;
      limit = argLongLong(c, i);
      if (Number.isNaN(limit) || limit < 0) {
        c.reply.error(ERR_LIMIT_NEGATIVE);
        return;
      }
    } else {
      c.reply.error(ERR_SYNTAX);
      return;
    }
  }
  const missing = lookupSets(c, 2, 1 + numkeys, sets);
  if (missing < 0) return;
  c.reply.integer(missing === 0 ? intersect(limit, null, null) : 0);
  sets.length = 0;
}

function sinterstore(c: Ctx): void {
  const missing = lookupSets(c, 2, c.argv.argc - 1, sets);
  if (missing < 0) return;
  const result = new SetObject();
  if (missing === 0) intersect(0, null, result);
  sets.length = 0;
  storeResult(c, 1, result, SetEvent.sinterstore);
}

export const SINTER: CommandSpec = {
  name: "sinter",
  arity: -2,
  flags: ["readonly"],
  firstKey: 1,
  lastKey: -1,
  step: 1,
  acl: ["read", "set", "slow"],
  group: "set",
  summary: "Intersect multiple sets",
  since: "1.0.0",
  complexity: "O(N*M) worst case where N is the cardinality of the smallest set and M is the number of sets.",
  args: [
    { name: "key", type: "key", multiple: true },
  ],
  handler: sinter,
};

export const SINTERCARD: CommandSpec = {
  name: "sintercard",
  arity: -3,
  flags: ["readonly"],
  firstKey: 0,
  numKeysArg: 1,
  lastKey: 0,
  step: 0,
  acl: ["read", "set", "slow"],
  group: "set",
  summary: "Intersect multiple sets and return the cardinality of the result",
  since: "7.0.0",
  complexity: "O(N*M) worst case where N is the cardinality of the smallest set and M is the number of sets.",
  args: [
    { name: "numkeys", type: "integer" },
    { name: "key", type: "key", multiple: true },
    { name: "limit", type: "integer", token: "LIMIT", optional: true },
  ],
  handler: sintercard,
};

export const SINTERSTORE: CommandSpec = {
  name: "sinterstore",
  arity: -3,
  flags: ["write", "denyoom"],
  firstKey: 1,
  lastKey: -1,
  step: 1,
  acl: ["write", "set", "slow"],
  group: "set",
  summary: "Intersect multiple sets and store the resulting set in a key",
  since: "1.0.0",
  complexity: "O(N*M) worst case where N is the cardinality of the smallest set and M is the number of sets.",
  args: [
    { name: "destination", type: "key" },
    { name: "key", type: "key", multiple: true },
  ],
  handler: sinterstore,
};

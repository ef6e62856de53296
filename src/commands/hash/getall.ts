// HKEYS, HVALS, HGETALL: t_hash.c genericHgetallCommand. Entries come in slot order, which is
// Redis's listpack order while the hash is small.

import type { CommandSpec, Ctx } from "../types.ts";
import { readHash } from "./common.ts";

const KEYS = 1;
const VALUES = 2;

function hgetallGeneric(c: Ctx, what: number): void {
  const h = readHash(c);
  if (h === undefined) return;
  const r = c.reply;
  const both = what === (KEYS | VALUES);
  const n = h === null ? 0 : h.size;
  // HGETALL is a map (RESP3 "%"), the others a flat array.
  if (both) r.mapHeader(n);
  else r.arrayHeader(n);
  if (h === null) return;
  const slots = h.slotCount;
  for (let slot = 0; slot < slots; slot++) {
    const field = h.fieldAt(slot);
    if (field === null) continue;
    if ((what & KEYS) !== 0) r.bulkLatin1(field);
    if ((what & VALUES) !== 0) r.bulkLatin1(h.valueAt(slot));
  }
}

function hkeys(c: Ctx): void {
  hgetallGeneric(c, KEYS);
}

function hvals(c: Ctx): void {
  hgetallGeneric(c, VALUES);
}

function hgetall(c: Ctx): void {
  hgetallGeneric(c, KEYS | VALUES);
}

const KEY_ARGS = [{ name: "key", type: "key" as const }];

export const HKEYS: CommandSpec = {
  name: "hkeys",
  arity: 2,
  flags: ["readonly"],
  firstKey: 1,
  lastKey: 1,
  step: 1,
  acl: ["read", "hash", "slow"],
  group: "hash",
  summary: "Get all the fields in a hash",
  since: "2.0.0",
  complexity: "O(N) where N is the size of the hash.",
  args: KEY_ARGS,
  handler: hkeys,
};

export const HVALS: CommandSpec = {
  name: "hvals",
  arity: 2,
  flags: ["readonly"],
  firstKey: 1,
  lastKey: 1,
  step: 1,
  acl: ["read", "hash", "slow"],
  group: "hash",
  summary: "Get all the values in a hash",
  since: "2.0.0",
  complexity: "O(N) where N is the size of the hash.",
  args: KEY_ARGS,
  handler: hvals,
};

export const HGETALL: CommandSpec = {
  name: "hgetall",
  arity: 2,
  flags: ["readonly"],
  firstKey: 1,
  lastKey: 1,
  step: 1,
  acl: ["read", "hash", "slow"],
  group: "hash",
  summary: "Get all the fields and values in a hash",
  since: "2.0.0",
  complexity: "O(N) where N is the size of the hash.",
  args: KEY_ARGS,
  handler: hgetall,
};

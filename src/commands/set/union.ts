// SUNION, SUNIONSTORE, SDIFF, SDIFFSTORE: t_set.c sunionDiffGenericCommand and its callers.
//
// The result is built the way Redis builds it (an empty intset that members are added to,
// and for one of the two diff algorithms removed from), because that history decides its
// encoding: a diff that added a non-integer and removed it again stays a hashtable.

import type { CommandSpec, Ctx } from "../types.ts";
import { SetObject } from "../../store/index.ts";
import { lookupSets, replyMembers, SetEvent, storeResult } from "./common.ts";

/** The sets of the current call (reused; emptied after each). */
const sets: (SetObject | null)[] = [];

function union(): SetObject {
  const result = new SetObject();
  for (let j = 0; j < sets.length; j++) {
    const set = sets[j];
    if (set === null) continue;
    const members = set.ordered();
    for (let i = 0; i < members.length; i++) result.add(members[i]);
  }
  return result;
}

function diff(): SetObject {
  const result = new SetObject();
  const first = sets[0];
  if (first === null) return result;
  // Subtracting the first set from itself leaves nothing.
  for (let j = 1; j < sets.length; j++) if (sets[j] === first) return result;
  // Redis's choice: walk the first set probing the others (cheaper constant, favoured by
  // halving its estimate), or add the first set and remove every other set's members.
  let walkWork = 0;
  let sweepWork = 0;
  for (let j = 0; j < sets.length; j++) {
    const set = sets[j];
    if (set === null) continue;
    walkWork += first.size;
    sweepWork += set.size;
  }
  walkWork = Math.floor(walkWork / 2);
  if (walkWork <= sweepWork) {
    const members = first.ordered();
    next: for (let i = 0; i < members.length; i++) {
      const m = members[i];
      for (let j = 1; j < sets.length; j++) {
        const other = sets[j];
        if (other !== null && other.has(m)) continue next;
      }
      result.add(m);
    }
    return result;
  }
  for (let j = 0; j < sets.length; j++) {
    const set = sets[j];
    if (set === null) continue;
    const members = set.ordered();
    if (j === 0) for (let i = 0; i < members.length; i++) result.add(members[i]);
    else for (let i = 0; i < members.length; i++) result.remove(members[i]);
    if (result.size === 0) break;
  }
  return result;
}

/** Union (or diff) of the sets under arguments first..argc-1; null when WRONGTYPE was replied. */
function combine(c: Ctx, first: number, isDiff: boolean): SetObject | null {
  if (lookupSets(c, first, c.argv.argc - 1, sets) < 0) return null;
  const result = isDiff ? diff() : union();
  sets.length = 0;
  return result;
}

function sunion(c: Ctx): void {
  const result = combine(c, 1, false);
  if (result !== null) replyMembers(c, result);
}

function sdiff(c: Ctx): void {
  const result = combine(c, 1, true);
  if (result !== null) replyMembers(c, result);
}

function sunionstore(c: Ctx): void {
  const result = combine(c, 2, false);
  if (result !== null) storeResult(c, 1, result, SetEvent.sunionstore);
}

function sdiffstore(c: Ctx): void {
  const result = combine(c, 2, true);
  if (result !== null) storeResult(c, 1, result, SetEvent.sdiffstore);
}

export const SUNION: CommandSpec = {
  name: "sunion",
  arity: -2,
  flags: ["readonly"],
  firstKey: 1,
  lastKey: -1,
  step: 1,
  acl: ["read", "set", "slow"],
  group: "set",
  summary: "Add multiple sets",
  since: "1.0.0",
  complexity: "O(N) where N is the total number of elements in all given sets.",
  args: [
    { name: "key", type: "key", multiple: true },
  ],
  handler: sunion,
};

export const SUNIONSTORE: CommandSpec = {
  name: "sunionstore",
  arity: -3,
  flags: ["write", "denyoom"],
  firstKey: 1,
  lastKey: -1,
  step: 1,
  acl: ["write", "set", "slow"],
  group: "set",
  summary: "Add multiple sets and store the resulting set in a key",
  since: "1.0.0",
  complexity: "O(N) where N is the total number of elements in all given sets.",
  args: [
    { name: "destination", type: "key" },
    { name: "key", type: "key", multiple: true },
  ],
  handler: sunionstore,
};

export const SDIFF: CommandSpec = {
  name: "sdiff",
  arity: -2,
  flags: ["readonly"],
  firstKey: 1,
  lastKey: -1,
  step: 1,
  acl: ["read", "set", "slow"],
  group: "set",
  summary: "Subtract multiple sets",
  since: "1.0.0",
  complexity: "O(N) where N is the total number of elements in all given sets.",
  args: [
    { name: "key", type: "key", multiple: true },
  ],
  handler: sdiff,
};

export const SDIFFSTORE: CommandSpec = {
  name: "sdiffstore",
  arity: -3,
  flags: ["write", "denyoom"],
  firstKey: 1,
  lastKey: -1,
  step: 1,
  acl: ["write", "set", "slow"],
  group: "set",
  summary: "Subtract multiple sets and store the resulting set in a key",
  since: "1.0.0",
  complexity: "O(N) where N is the total number of elements in all given sets.",
  args: [
    { name: "destination", type: "key" },
    { name: "key", type: "key", multiple: true },
  ],
  handler: sdiffstore,
};

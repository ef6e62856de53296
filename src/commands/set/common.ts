// What the set commands share: keyspace event names, looking several sets up at once, and
// replying a set's members in its order.

import type { Ctx } from "../types.ts";
import { ItemType, type SetObject } from "../../store/index.ts";
import { readObject, storeObject } from "../object.ts";
import { utf8 } from "../../stdx/index.ts";

/** Keyspace event names, as t_set.c's notifyKeyspaceEvent calls send them. */
export const SetEvent = {
  sadd: "sadd",
  srem: "srem",
  spop: "spop",
  sinterstore: "sinterstore",
  sunionstore: "sunionstore",
  sdiffstore: "sdiffstore",
  /** Sent after the event of the command that emptied (and so deleted) a set. */
  del: "del",
} as const;

export const LIMIT_TOKEN = utf8("limit");

/**
 * Look up the sets under arguments first..last (inclusive) into `out` (null for a missing
 * key, which counts as an empty set). Returns how many were missing, or -1 with WRONGTYPE
 * replied when a key holds another type (every key is checked, as Redis 7.0 does).
 */
export function lookupSets(c: Ctx, first: number, last: number, out: (SetObject | null)[]): number {
  out.length = 0;
  let missing = 0;
  for (let i = first; i <= last; i++) {
    const set = readObject<SetObject>(c, i, ItemType.Set);
    if (set === undefined) {
      out.length = 0;
      return -1;
    }
    if (set === null) missing++;
    out.push(set);
  }
  return missing;
}

/** The set's members as a set reply ("~" in RESP3), in its order (ascending while an intset). */
export function replyMembers(c: Ctx, set: SetObject): void {
  const members = set.ordered();
  const r = c.reply;
  r.setHeader(members.length);
  for (let i = 0; i < members.length; i++) r.bulkLatin1(members[i]);
}

/**
 * The STORE forms' ending: `result` replaces the key under argument `keyArg` (value and TTL),
 * or deletes it when empty, then the reply is its size. Nothing is replied after -OOM.
 */
export function storeResult(c: Ctx, keyArg: number, result: SetObject, event: string): void {
  const a = c.argv;
  const empty = result.size === 0;
  if (!storeObject(c, c.client.db, a.buf, a.off[keyArg], a.len[keyArg], result, ItemType.Set, empty ? SetEvent.del : event)) return;
  c.reply.integer(result.size);
}

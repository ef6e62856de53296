// What the hash handlers share: the key's hash for reading or writing, fields as latin1
// strings, and the memory check of Redis's denyoom commands.

import type { Ctx } from "../types.ts";
import { HashObject, ItemType } from "../../store/index.ts";
import { latin1 } from "../../stdx/index.ts";
import { Counter, counters } from "../../metrics/index.ts";
import { commitObject, openObject, readObject } from "../object.ts";

/** Argument i as a latin1 string: how fields and values are held. */
export function elementArg(c: Ctx, i: number): string {
  const a = c.argv;
  return latin1(a.buf, a.off[i], a.len[i]);
}

/**
 * The hash under argument 1; null when missing; undefined with WRONGTYPE replied. Counts a
 * keyspace hit or miss, as Redis's lookupKeyRead does.
 */
export function readHash(c: Ctx): HashObject | null | undefined {
  const h = readObject<HashObject>(c, 1, ItemType.Hash);
  counters[h === null ? Counter.cacheMisses : Counter.cacheHits]++;
  return h;
}

/** For a write: the hash under argument 1's handle, -1 when missing, -2 with WRONGTYPE replied. */
export function openHash(c: Ctx): number {
  return openObject(c, 1, ItemType.Hash);
}

/** The hash openHash found (handle >= 0, right after it), or a new empty one (handle -1). */
export function openedHash(c: Ctx, handle: number): HashObject {
  return handle >= 0 ? (c.store.obj as HashObject) : new HashObject();
}

/**
 * After a change to the hash of openHash: store it when new, charge it, delete the key when
 * it emptied, signal `event`. False, with -OOM replied, when a new hash found no room.
 */
export function commitHash(c: Ctx, h: HashObject, handle: number, event: string): boolean {
  return commitObject(c, c.client.db, 1, h, handle, ItemType.Hash, event);
}

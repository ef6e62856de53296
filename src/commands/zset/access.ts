// Finding, committing and storing sorted sets: the object.ts steps bound to the zset type,
// plus the keyspace event names t_zset.c sends.

import type { Ctx } from "../types.ts";
import { ItemType, type ZSetObject } from "../../store/index.ts";
import { commitObject, openObject, readObject, storeObject } from "../object.ts";
import { KeyEvent, keyModified } from "../keyspace/signal.ts";

/** notifyKeyspaceEvent names of Redis 7.0's t_zset.c. */
export const ZEvent = {
  zadd: "zadd",
  zincr: "zincr",
  zrem: "zrem",
  zpopmin: "zpopmin",
  zpopmax: "zpopmax",
  zremrangebyrank: "zremrangebyrank",
  zremrangebyscore: "zremrangebyscore",
  zremrangebylex: "zremrangebylex",
  zunionstore: "zunionstore",
  zinterstore: "zinterstore",
  zdiffstore: "zdiffstore",
  zrangestore: "zrangestore",
} as const;

/** The zset under argument `keyArg` for a read: null when missing, undefined after WRONGTYPE. */
export function readZSet(c: Ctx, keyArg: number): ZSetObject | null | undefined {
  return readObject<ZSetObject>(c, keyArg, ItemType.ZSet);
}

/** For a write: the handle (object in c.store.obj), -1 when missing, -2 after WRONGTYPE. */
export function openZSet(c: Ctx, keyArg: number): number {
  return openObject(c, keyArg, ItemType.ZSet);
}

/**
 * After a change: store / charge / delete-when-empty, and signal `event` (then "del" when the
 * key went, as Redis does). False after -OOM.
 */
export function commitZSet(c: Ctx, keyArg: number, z: ZSetObject, handle: number, event: string): boolean {
  return commitObject(c, c.client.db, keyArg, z, handle, ItemType.ZSet, event);
}

/**
 * The STORE commands' ending: a non-empty result replaces the destination (argument
 * `dstArg`, any type, TTL dropped) and its size is replied; an empty one deletes the
 * destination ("del" event) and replies 0.
 */
export function storeResult(c: Ctx, dstArg: number, z: ZSetObject, event: string): void {
  const a = c.argv;
  const db = c.client.db;
  const off = a.off[dstArg];
  const len = a.len[dstArg];
  if (z.size === 0) {
    if (c.store.delete(db, a.buf, off, len)) keyModified(c, db, a.buf, off, len, KeyEvent.del);
    c.reply.integer(0);
    return;
  }
  if (!storeObject(c, db, a.buf, off, len, z, ItemType.ZSet, event)) return;
  c.reply.integer(z.size);
}

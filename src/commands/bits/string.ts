// Reading and rewriting the string value a bit command works on. Items are immutable once
// written, so a bit write builds the whole new value in scratch (a copy of the old one,
// zero-padded as far as the write reaches: bitops.c lookupStringForBitCommand) and stores
// it as a new item that keeps the key's expiry, as APPEND and SETRANGE do.

import type { Ctx } from "../types.ts";
import { ItemType, SetMode, SetStatus } from "../../store/index.ts";
import { Counter, counters } from "../../metrics/index.ts";
import { replyStoreStatus, WRONGTYPE } from "../errors.ts";
import { checkStringLength } from "../string/common.ts";

/** What findString saw. */
export const Found = { WrongType: -1, Missing: 0, String: 1 } as const;

/**
 * Look up the key in argument `keyArg`: Found.String leaves its bytes in the store's
 * registers (c.store.buf / valueOffset / valueLength); Found.WrongType has replied WRONGTYPE.
 * `read` counts the lookup as a cache hit or miss.
 */
export function findString(c: Ctx, keyArg: number, read: boolean): number {
  const a = c.argv;
  const s = c.store;
  if (!s.find(c.client.db, a.buf, a.off[keyArg], a.len[keyArg])) {
    if (read) counters[Counter.cacheMisses]++;
    return Found.Missing;
  }
  if (read) counters[Counter.cacheHits]++;
  if (s.itemType !== ItemType.String) {
    c.reply.error(WRONGTYPE);
    return Found.WrongType;
  }
  return Found.String;
}

/** The value being rewritten: scratch bytes [0, len), and the length it had before. */
export const rewrite = { buf: new Uint8Array(0) as Uint8Array, len: 0, oldLen: 0 };

/**
 * Copy the value just found (or nothing, when `found` is Found.Missing) into scratch,
 * zero-padded to at least `minLen` bytes, and describe it in `rewrite`. False, with the
 * error replied, when the padded value would be over the size limit.
 */
export function beginRewrite(c: Ctx, found: number, minLen: number): boolean {
  const s = c.store;
  const oldLen = found === Found.String ? s.valueLength : 0;
  const len = minLen > oldLen ? minLen : oldLen;
  if (len > oldLen && !checkStringLength(c, len)) return false;
  const out = c.scratch(len);
  if (oldLen > 0) out.set(s.buf.subarray(s.valueOffset, s.valueOffset + oldLen), 0);
  out.fill(0, oldLen, len);
  rewrite.buf = out;
  rewrite.len = len;
  rewrite.oldLen = oldLen;
  return true;
}

/**
 * Store the rewritten value under argument `keyArg`, keeping the key's expiry. False, with
 * the error replied (-OOM, or the size limit via the store's TooLarge), when it was refused;
 * replies already written from `replyMark` on (BITFIELD's) are then taken back first.
 */
export function commitRewrite(c: Ctx, keyArg: number, replyMark = -1): boolean {
  const a = c.argv;
  const status = c.store.set(
    c.client.db, a.buf, a.off[keyArg], a.len[keyArg], rewrite.buf, 0, rewrite.len, 0, 0, SetMode.KEEPTTL,
  );
  if (status !== SetStatus.Stored) {
    if (replyMark >= 0) c.reply.pos = replyMark;
    replyStoreStatus(c, status as SetStatus);
    return false;
  }
  counters[Counter.cacheSets]++;
  return true;
}

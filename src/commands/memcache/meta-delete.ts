// md <key> <flags>*: memcached's meta delete. HD (deleted; suppressed by q), NF (missing),
// EX (C did not match), with O and k echoed. I marks the item stale with a new CAS instead of
// deleting it (T then sets its TTL), so the next mg wins the recache token. x (memcached
// 1.6.21+, refused by 1.6.18) replaces the value with an empty one, flags F and TTL T.
import { MAX_KEY_BYTES, Replies, type TextParser } from "../../protocol/memcache/index.ts";
import { SetMode, SetStatus } from "../../store/index.ts";
import type { Ctx } from "../types.ts";
import { McStat, mcStats } from "./counters.ts";
import { EXPIRED, expiryMs } from "./expiry.ts";
import { flags, MAX_META_TOKENS, MetaErr, preparse } from "./meta-flags.ts";
import { opaqueTooLong, peekString, putOpaqueAndKey } from "./meta-item.ts";
import { ItemState, setItemState } from "./meta-state.ts";
import { putCode, putCrlf } from "./meta-write.ts";
import { MC_DB } from "./storage.ts";

const EMPTY = new Uint8Array(0);

const Outcome = { Deleted: 0, NotFound: 1, Exists: 2, NotStored: 3, NoMemory: 4 } as const;

export function metaDelete(c: Ctx, p: TextParser): void {
  const r = c.reply;
  const n = p.ntokens;
  if (n < 2) return r.raw(Replies.ERROR);
  if (p.len[1] > MAX_KEY_BYTES) return r.raw(MetaErr.BAD_FORMAT);
  if (n >= MAX_META_TOKENS) return r.raw(MetaErr.TOO_MANY_FLAGS);
  // md (and ma) answer every flag error with one text.
  if (!preparse(p, 2, true)) return r.raw(MetaErr.INVALID_OR_DUPLICATE);
  if (opaqueTooLong(p, 2)) return r.raw(MetaErr.OPAQUE_TOO_LONG);
  const outcome = remove(c);
  if (outcome === Outcome.NoMemory) return r.raw(MetaErr.OUT_OF_MEMORY);
  if (outcome === Outcome.Deleted && flags.noReply) return;
  switch (outcome) {
    case Outcome.Deleted: putCode(r, 72, 68); break; // HD
    case Outcome.NotFound: putCode(r, 78, 70); break; // NF
    case Outcome.Exists: putCode(r, 69, 88); break; // EX
    default: putCode(r, 78, 83); // NS
  }
  putOpaqueAndKey(r, p, 2);
  putCrlf(r);
}

function remove(c: Ctx): number {
  const f = flags;
  const store = c.store;
  if (!peekString(store, f.key, f.keyOff, f.keyLen)) {
    mcStats[McStat.delete_misses]++;
    return Outcome.NotFound;
  }
  if (f.hasCas && store.itemCas !== f.reqCas) {
    mcStats[McStat.delete_misses]++;
    return Outcome.Exists;
  }
  if (f.removeValue) {
    const outcome = emptyValue(c);
    if (outcome !== Outcome.Deleted || !f.setStale) return outcome;
    // The emptied item is the one to mark: its CAS is new already.
    if (store.peek(MC_DB, f.key, f.keyOff, f.keyLen)) setItemState(store.itemCas, ItemState.Stale);
    return Outcome.Deleted;
  }
  if (f.setStale) return invalidate(c);
  mcStats[McStat.delete_hits]++;
  store.delete(MC_DB, f.key, f.keyOff, f.keyLen);
  return Outcome.Deleted;
}

/** x: the item stays with an empty value, client flags F (0) and TTL T (none). */
function emptyValue(c: Ctx): number {
  const f = flags;
  const exp = expiryMs(f.exptime, c.nowMs());
  const status = c.store.set(MC_DB, f.key, f.keyOff, f.keyLen, EMPTY, 0, 0, exp === EXPIRED ? 0 : exp, f.clientFlags, 0);
  if (status === SetStatus.OutOfMemory) return Outcome.NoMemory;
  if (status !== SetStatus.Stored) return Outcome.NotStored;
  if (exp === EXPIRED) c.store.delete(MC_DB, f.key, f.keyOff, f.keyLen);
  if (!f.setStale) mcStats[McStat.delete_hits]++;
  return Outcome.Deleted;
}

/**
 * I: the item stays, marked stale, with a new CAS (rewritten in place of itself, flags kept)
 * and a recache token nobody holds; T gives it a new TTL.
 */
function invalidate(c: Ctx): number {
  const f = flags;
  const store = c.store;
  const len = store.valueLength;
  setItemState(store.itemCas, 0); // the rewrite gives it a new CAS
  const value = c.scratch(len);
  value.set(store.buf.subarray(store.valueOffset, store.valueOffset + len));
  const exp = f.newTtl ? expiryMs(f.exptime, c.nowMs()) : 0;
  if (exp === EXPIRED) {
    store.delete(MC_DB, f.key, f.keyOff, f.keyLen);
    return Outcome.Deleted;
  }
  const mode = SetMode.XX | (f.newTtl ? 0 : SetMode.KEEPTTL);
  const status = store.set(MC_DB, f.key, f.keyOff, f.keyLen, value, 0, len, exp, store.itemFlags, mode);
  if (status === SetStatus.OutOfMemory) return Outcome.NoMemory;
  if (status !== SetStatus.Stored) return Outcome.NotStored;
  if (store.peek(MC_DB, f.key, f.keyOff, f.keyLen)) setItemState(store.itemCas, ItemState.Stale);
  return Outcome.Deleted;
}

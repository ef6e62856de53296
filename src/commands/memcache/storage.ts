// What memcache's storage, arithmetic and touch commands do to the store, shared by the
// text, meta and binary protocols. Keys live in database 0, the RESP keyspace's default.
import { ItemType, SetMode, SetStatus } from "../../store/index.ts";
import type { Ctx } from "../types.ts";
import { McStat, mcStats } from "./counters.ts";
import { EXPIRED, expiryMs, RELATIVE_EXPTIME_MAX_SECS } from "./expiry.ts";

export const MC_DB = 0;
const U64_MAX = (1n << 64n) - 1n;

/**
 * set (mode 0), add (NX), replace (XX) or cas (CAS, with `cas`) of one value, as memcached
 * does: an exptime already past stores nothing a reader will see.
 */
export function storeValue(
  c: Ctx, mode: number, key: Uint8Array, keyOff: number, keyLen: number,
  value: Uint8Array, valueOff: number, valueLen: number, flags: number, exptime: number, cas: number,
): SetStatus {
  const store = c.store;
  const exp = expiryMs(exptime, c.nowMs());
  if ((mode & SetMode.CAS) !== 0) store.casExpected = cas;
  const status = store.set(MC_DB, key, keyOff, keyLen, value, valueOff, valueLen, exp === EXPIRED ? 0 : exp, flags >>> 0, mode);
  if (status === SetStatus.Stored && exp === EXPIRED) store.delete(MC_DB, key, keyOff, keyLen);
  count(mode, status);
  return status;
}

function count(mode: number, status: SetStatus): void {
  mcStats[McStat.cmd_set]++;
  if (status === SetStatus.Stored) mcStats[McStat.total_items]++;
  else if (status === SetStatus.TooLarge) mcStats[McStat.store_too_large]++;
  else if (status === SetStatus.OutOfMemory) mcStats[McStat.store_no_memory]++;
  if ((mode & SetMode.CAS) === 0) return;
  if (status === SetStatus.Stored) mcStats[McStat.cas_hits]++;
  else if (status === SetStatus.Exists) mcStats[McStat.cas_badval]++;
  else if (status === SetStatus.NotFound) mcStats[McStat.cas_misses]++;
}

/**
 * append/prepend: the existing value grows, keeping its flags and expiry. A missing key (or
 * one holding a non-string type) is NotStored; a `cas` above 0 must match the item's CAS (binary).
 */
export function concatValue(
  c: Ctx, prepend: boolean, key: Uint8Array, keyOff: number, keyLen: number,
  value: Uint8Array, valueOff: number, valueLen: number, cas: number,
): SetStatus {
  const store = c.store;
  mcStats[McStat.cmd_set]++;
  if (!store.find(MC_DB, key, keyOff, keyLen) || store.itemType !== ItemType.String) return SetStatus.NotStored;
  if (cas > 0 && store.itemCas !== cas) return SetStatus.Exists;
  const oldLen = store.valueLength;
  const total = oldLen + valueLen;
  if (total > c.server.maxValueSizeBytes) {
    mcStats[McStat.store_too_large]++;
    return SetStatus.TooLarge;
  }
  const tmp = c.scratch(total);
  const at = prepend ? valueLen : 0;
  tmp.set(store.buf.subarray(store.valueOffset, store.valueOffset + oldLen), at);
  tmp.set(value.subarray(valueOff, valueOff + valueLen), prepend ? 0 : oldLen);
  const status = store.set(MC_DB, key, keyOff, keyLen, tmp, 0, total, 0, 0, SetMode.XX | SetMode.KEEPTTL | SetMode.KEEPFLAGS);
  if (status === SetStatus.Stored) mcStats[McStat.total_items]++;
  return status;
}

export const Arith = { Ok: 0, NotFound: 1, NonNumeric: 2, NoMemory: 3 } as const;
export type Arith = (typeof Arith)[keyof typeof Arith];

/** The value incr/decr left, valid after an Arith.Ok. */
export const arithResult = { value: 0n, cas: 0 };

/** incr wraps at 2^64, decr stops at 0 (memcached); the value must be unsigned decimal digits. */
export function arith(c: Ctx, incr: boolean, key: Uint8Array, keyOff: number, keyLen: number, delta: bigint): Arith {
  const store = c.store;
  if (!store.find(MC_DB, key, keyOff, keyLen)) {
    mcStats[incr ? McStat.incr_misses : McStat.decr_misses]++;
    return Arith.NotFound;
  }
  const current = store.itemType === ItemType.String ? readU64(store.buf, store.valueOffset, store.valueLength) : -1n;
  if (current < 0n) return Arith.NonNumeric;
  mcStats[incr ? McStat.incr_hits : McStat.decr_hits]++;
  let next = incr ? (current + delta) & U64_MAX : current - delta;
  if (next < 0n) next = 0n;
  const digits = next.toString();
  const tmp = c.scratch(digits.length);
  for (let i = 0; i < digits.length; i++) tmp[i] = digits.charCodeAt(i);
  const status = store.set(MC_DB, key, keyOff, keyLen, tmp, 0, digits.length, 0, 0, SetMode.XX | SetMode.KEEPTTL | SetMode.KEEPFLAGS);
  if (status !== SetStatus.Stored) return status === SetStatus.NotStored ? Arith.NotFound : Arith.NoMemory;
  store.peek(MC_DB, key, keyOff, keyLen);
  arithResult.value = next;
  arithResult.cas = store.itemCas;
  return Arith.Ok;
}

/** An unsigned 64-bit decimal (1-20 digits, at most 2^64-1), or -1n. */
export function readU64(buf: Uint8Array, off: number, len: number): bigint {
  if (len === 0 || len > 20) return -1n;
  let small = 0;
  for (let i = off; i < off + len; i++) {
    const d = buf[i] - 48;
    if (d < 0 || d > 9) return -1n;
    if (i - off < 15) small = small * 10 + d;
  }
  if (len <= 15) return BigInt(small);
  let v = 0n;
  for (let i = off; i < off + len; i++) v = v * 10n + BigInt(buf[i] - 48);
  return v > U64_MAX ? -1n : v;
}

/** touch/gat: a new exptime for a live key; false when missing. */
export function touchKey(c: Ctx, key: Uint8Array, keyOff: number, keyLen: number, exptime: number): boolean {
  const store = c.store;
  const exp = expiryMs(exptime, c.nowMs());
  mcStats[McStat.cmd_touch]++;
  const found = exp === EXPIRED ? store.delete(MC_DB, key, keyOff, keyLen) : store.expire(MC_DB, key, keyOff, keyLen, exp);
  mcStats[found ? McStat.touch_hits : McStat.touch_misses]++;
  return found;
}

export function deleteKey(c: Ctx, key: Uint8Array, keyOff: number, keyLen: number): boolean {
  const found = c.store.delete(MC_DB, key, keyOff, keyLen);
  mcStats[found ? McStat.delete_hits : McStat.delete_misses]++;
  return found;
}

/** A live string item (memcache sees no other type); the store's registers hold it. */
export function findString(c: Ctx, key: Uint8Array, keyOff: number, keyLen: number): boolean {
  return c.store.find(MC_DB, key, keyOff, keyLen) && c.store.itemType === ItemType.String;
}

/**
 * flush_all's delay in ms for its exptime argument (text or binary): beyond 30 days it is a
 * Unix time; 0, a negative one or a time already past flushes now (0).
 */
export function flushDelayMs(exptime: number, nowMs: number): number {
  if (exptime > RELATIVE_EXPTIME_MAX_SECS) return Math.max(0, exptime * 1000 - nowMs);
  return exptime > 0 ? exptime * 1000 : 0;
}

/** The LFU counter a freshly written item starts at (the store's LFU_INIT, Redis's LFU_INIT_VAL). */
const LFU_INIT_COUNTER = 5;

/**
 * Whether the item of the last find/peek was read since it was written: memcached's
 * ITEM_FETCHED (mg's h flag, me's fetch=). StoreApi does not expose the store's own
 * per-item "visited" bit, so this infers it from the LFU counter: a write resets it to
 * LFU_INIT and the first hit always increments it (probability 1 at LFU_INIT), so a counter
 * above LFU_INIT means "read since written" until a minute of idleness decays it back.
 */
export function itemFetched(c: Ctx): boolean {
  return c.store.itemFreq() > LFU_INIT_COUNTER;
}

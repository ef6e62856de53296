// What the meta commands share about an item: its TTL as memcached reports it, setting it,
// and the O/k return flags every reply line can carry.
import type { ByteSink, TextParser } from "../../protocol/memcache/index.ts";
import { ItemType, type StoreApi } from "../../store/index.ts";
import { EXPIRED } from "./expiry.ts";
import { flags, MAX_OPAQUE_BYTES } from "./meta-flags.ts";
import { putKey, putToken } from "./meta-write.ts";
import { MC_DB } from "./storage.ts";

/**
 * Seconds left, as memcached's `t` reports it: -1 for no expiry. Rounded up, so an item set
 * with T100 reports 100 until a second has passed, as memcached's one-second clock does.
 * An expiry already past (T-1 on this request) reports 0 where memcached prints its
 * unsigned wrap-around of a negative number.
 */
export function ttlSeconds(expiryMs: number, nowMs: number): number {
  if (expiryMs === 0) return -1;
  if (expiryMs === EXPIRED || expiryMs <= nowMs) return 0;
  return Math.ceil((expiryMs - nowMs) / 1000);
}

/** Give a live item a new absolute expiry (0: none); EXPIRED removes it. */
export function applyExpiry(store: StoreApi, key: Uint8Array, off: number, len: number, expiryMs: number): void {
  if (expiryMs === EXPIRED) store.delete(MC_DB, key, off, len);
  else store.expire(MC_DB, key, off, len, expiryMs);
}

/** A string item without bumping its access metadata (memcached's DONT_UPDATE fetch). */
export function peekString(store: StoreApi, key: Uint8Array, off: number, len: number): boolean {
  return store.peek(MC_DB, key, off, len) && store.itemType === ItemType.String;
}

/** Whether some O token from `first` on is longer than memcached allows. */
export function opaqueTooLong(p: TextParser, first: number): boolean {
  const { buf, off, len } = p;
  for (let i = first; i < p.ntokens; i++) if (buf[off[i]] === 79 && len[i] > MAX_OPAQUE_BYTES) return true;
  return false;
}

/** The O and k return flags in request order (the flags a miss or a status line carries). */
export function putOpaqueAndKey(r: ByteSink, p: TextParser, first: number): void {
  const { buf, off, len } = p;
  const f = flags;
  for (let i = first; i < p.ntokens; i++) {
    const o = buf[off[i]];
    if (o === 79) putToken(r, buf, off[i], len[i]);
    else if (o === 107) putKey(r, f.key, f.keyOff, f.keyLen, f.keyBinary);
  }
}

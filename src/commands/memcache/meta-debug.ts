// me <key> [b]: memcached's meta debug line,
// "ME <key> exp=<e> la=<secs> cas=<cas> fetch=<yes|no> cls=<class> size=<bytes>", or EN.
//
// exp is memcached's own arithmetic (now - expiry), so a live item shows minus its remaining
// seconds, and -1 when it never expires. Crucible's segments have no slab classes and its
// items another layout, so size and cls are what memcached 1.6 (64-bit, CAS on, default
// -n 48 -f 1.25, 1 MiB pages) would use for this item: ITEM_ntotal, and the smallest slab
// class whose chunk holds it (the largest class for bigger, chunked items). fetch is
// inferred from the store's access metadata (see itemFetched).
import { MAX_KEY_BYTES, putDecimal, Replies, type TextParser } from "../../protocol/memcache/index.ts";
import { utf8 } from "../../stdx/index.ts";
import type { Ctx } from "../types.ts";
import { McStat, mcStats } from "./counters.ts";
import { decodeKeyOnly, flags } from "./meta-flags.ts";
import { peekString, ttlSeconds } from "./meta-item.ts";
import { putAscii, putBareKey, putCrlf } from "./meta-write.ts";
import { itemFetched } from "./storage.ts";

const ME = utf8("ME ");
const EN = utf8("EN\r\n");

/** sizeof(item) on a 64-bit memcached 1.6. */
const ITEM_HEADER_BYTES = 48;
/** The CAS memcached stores in every item (use_cas). */
const CAS_BYTES = 8;

/** Chunk sizes of memcached's default slab classes (class i at index i - 1). */
const SLAB_CHUNK_SIZES = defaultSlabClasses();

function defaultSlabClasses(): number[] {
  const factor = 1.25;
  const chunkMax = 512 * 1024; // slab_chunk_size_max: half the 1 MiB page
  const sizes: number[] = [];
  let size = ITEM_HEADER_BYTES + 48; // sizeof(item) + chunk_size
  while (sizes.length < 62 && size < chunkMax / factor) {
    if (size % 8 !== 0) size += 8 - (size % 8);
    sizes.push(size);
    size = Math.floor(size * factor);
  }
  sizes.push(chunkMax);
  return sizes;
}

function slabClass(itemBytes: number): number {
  for (let i = 0; i < SLAB_CHUNK_SIZES.length; i++) if (itemBytes <= SLAB_CHUNK_SIZES[i]) return i + 1;
  return SLAB_CHUNK_SIZES.length;
}

export function metaDebug(c: Ctx, p: TextParser): void {
  const r = c.reply;
  const n = p.ntokens;
  if (n < 2 || p.len[1] > MAX_KEY_BYTES) return r.raw(Replies.BAD_FORMAT);
  // Only a second token that is exactly "b" makes the key base64 (memcached looks at no other).
  const binary = n >= 3 && p.len[2] === 1 && p.buf[p.off[2]] === 98;
  if (binary && !decodeKeyOnly(p)) return r.raw(Replies.BAD_FORMAT);
  const key = binary ? flags.key : p.buf;
  const keyOff = binary ? flags.keyOff : p.off[1];
  const keyLen = binary ? flags.keyLen : p.len[1];
  mcStats[McStat.cmd_meta]++;
  const store = c.store;
  if (!peekString(store, key, keyOff, keyLen)) return r.raw(EN);
  const valueLen = store.valueLength;
  const size = ITEM_HEADER_BYTES + keyLen + 1 + (store.itemFlags !== 0 ? 4 : 0) + valueLen + 2 + CAS_BYTES;
  const ttl = ttlSeconds(store.itemExpiryMs, c.nowMs());
  r.raw(ME);
  putBareKey(r, key, keyOff, keyLen, binary);
  putAscii(r, ttl < 0 ? " exp=-1" : ttl === 0 ? " exp=0" : " exp=-");
  r.ensure(120);
  if (ttl > 0) putDecimal(r, ttl);
  putAscii(r, " la=");
  putDecimal(r, Math.floor(store.itemIdleMs() / 1000));
  putAscii(r, " cas=");
  putDecimal(r, store.itemCas);
  putAscii(r, itemFetched(c) ? " fetch=yes cls=" : " fetch=no cls=");
  putDecimal(r, slabClass(size));
  putAscii(r, " size=");
  putDecimal(r, size);
  putCrlf(r);
}

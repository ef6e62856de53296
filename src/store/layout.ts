// Item layout inside a segment. Items are 8-byte aligned; the header is four u32 words
// (16 bytes), optionally followed by extension words, then the key, then the value:
//
//   word 0  meta    bits  0-15 key length
//                   bits 16-23 physical database
//                   bit  24    F_FLAGS   a u32 of memcache flags follows the header
//                   bit  25    F_CAS     an explicit 64-bit CAS follows (set when the item moved)
//                   bit  26    F_EXTEXP  a 64-bit absolute expiry follows
//                   bit  27    F_LARGE   the value lives in the large-value side table
//                   bit  28    F_DEAD    overwritten or deleted; the bytes wait for reclaim
//                   bits 29-31 item type (ItemType)
//   word 1  value length in bytes, or the side-table handle when F_LARGE
//   word 2  access  bits 0-22 last access, seconds on the store's clock (wraps at 97 days)
//                   bit  23    visited since written or last moved (S3-FIFO)
//                   bits 24-31 LFU counter (Redis's logarithmic counter)
//   word 3  expiry  0 = none; EXPIRY_EXT = read the extension; otherwise the expiry in ms
//                   relative to the segment's open time (a segment's items all expire
//                   within 2^32 ms of it, see Store.allocate)
//   [flags u32] [cas lo, hi] [expiry lo, hi]   (present per the bits above, in that order)
//   (type 7 with F_DEAD is a filler: dead gap of word-1 bytes, see FILLER_META)
//   key bytes, value bytes, padding to 8.
//
// The CAS of an item without F_CAS is implicit: its segment's CAS base (a range reserved
// when the segment was opened) plus its offset in 8-byte units, unique per write. The
// 16 + 16 + 32 byte test item is 64 bytes.

export const HEADER_BYTES = 16;
export const W_META = 0;
export const W_VALUE = 1;
export const W_ACCESS = 2;
export const W_EXPIRY = 3;

export const KEY_LEN_MASK = 0xffff;
export const MAX_KEY_BYTES = 0xffff;
export const DB_SHIFT = 16;
export const MAX_DATABASES = 256;
/** Key length and database together: a single compare rejects most tag collisions. */
export const KEY_DB_MASK = 0xffffff;
export const F_FLAGS = 1 << 24;
export const F_CAS = 1 << 25;
export const F_EXTEXP = 1 << 26;
export const F_LARGE = 1 << 27;
export const F_DEAD = 1 << 28;
export const TYPE_SHIFT = 29;

export const EXPIRY_EXT = 0xffffffff;
/** Largest expiry delta written in word 3 (EXPIRY_EXT is reserved). */
export const EXPIRY_DELTA_MAX = 0xfffffffe;
/** Items whose TTL is above this take the 64-bit extension (keeps word 3 in range, see allocate). */
export const COMPACT_TTL_MAX_MS = 0x7fffffff;

export const ACCESS_TIME_MASK = 0x7fffff;
export const ACCESS_VISITED = 1 << 23;
export const LFU_SHIFT = 24;

export const TWO_32 = 4294967296;

/** Bytes of extension words for a meta word. */
export function extBytes(meta: number): number {
  return ((meta >>> 22) & 12) + ((meta >>> 23) & 8);
}

/**
 * A filler: dead bytes left behind when an item shrank in place (RENAME to a shorter key).
 * Type 7 is no ItemType; word 1 holds the filler's size (8 or more).
 */
export const FILLER_META = 0xf0000000;

/** Total (aligned) size of an item from its first two header words. */
export function itemBytes(meta: number, valueWord: number): number {
  if (meta >>> TYPE_SHIFT === 7) return valueWord;
  const value = (meta & F_LARGE) === 0 ? valueWord : 0;
  return (HEADER_BYTES + extBytes(meta) + (meta & KEY_LEN_MASK) + value + 7) & ~7;
}

/** Word index of the CAS extension (valid when F_CAS). */
export function casWord(p: number, meta: number): number {
  return p + 4 + ((meta >>> 24) & 1);
}

/** Word index of the expiry extension (valid when F_EXTEXP). */
export function expiryWord(p: number, meta: number): number {
  return p + 4 + ((meta >>> 24) & 1) + ((meta >>> 24) & 2);
}

export function readU64(u32: Uint32Array, w: number): number {
  return u32[w + 1] * TWO_32 + u32[w];
}

export function writeU64(u32: Uint32Array, w: number, v: number): void {
  u32[w] = v >>> 0;
  u32[w + 1] = Math.floor(v / TWO_32);
}

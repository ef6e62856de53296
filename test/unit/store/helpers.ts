// Shared helpers for the store tests: a seeded PRNG, byte helpers, and a full consistency
// check of the store's internal books (hashtable <-> segments <-> counters).

import { Store, type StoreOptions } from "../../../src/store/index.ts";
import { manualClock } from "../../../src/stdx/index.ts";
import { BUCKET_WORD_SHIFT, WORDS_PER_BUCKET } from "../../../src/store/hashtable.ts";
import { NONE } from "../../../src/store/segments.ts";
import {
  DB_SHIFT,
  F_DEAD,
  F_LARGE,
  W_EXPIRY,
  W_VALUE,
  itemBytes,
} from "../../../src/store/layout.ts";

export const enc = new TextEncoder();
export const dec = new TextDecoder();

export function b(text: string): Uint8Array {
  return enc.encode(text);
}

/** mulberry32: small, fast, seeded. */
export function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export type TestClock = ReturnType<typeof manualClock>;

export function makeStore(over: Partial<StoreOptions> = {}): { store: Store; clock: TestClock } {
  const clock = manualClock();
  const store = new Store({
    heapSizeBytes: 1 << 20,
    segmentSizeBytes: 64 << 10,
    hashtablePower: 12,
    maxValueSizeBytes: 1 << 20,
    eviction: "noeviction",
    databases: 16,
    nowMs: clock,
    ...over,
  });
  return { store, clock };
}

/** The found value as a fresh copy. */
export function value(store: Store): Uint8Array {
  return store.buf.slice(store.valueOffset, store.valueOffset + store.valueLength);
}

export function get(store: Store, db: number, key: Uint8Array): Uint8Array | null {
  return store.find(db, key, 0, key.length) ? value(store) : null;
}

export function set(store: Store, db: number, key: Uint8Array, val: Uint8Array, expiryMs = 0, flags = 0, mode = 0): number {
  return store.set(db, key, 0, key.length, val, 0, val.length, expiryMs, flags, mode);
}

export function equalBytes(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

/** Every key a full scan of db returns, as hex strings. */
export function scanAll(store: Store, db: number, count = 10): string[] {
  const out: string[] = [];
  let cursor = 0;
  do {
    cursor = store.scan(db, cursor, count, (buf, off, len) => {
      out.push(Buffer.from(buf.subarray(off, off + len)).toString("hex"));
    });
  } while (cursor !== 0);
  return out;
}

/** Cross-check hashtable, segments, large values and counters; throws on the first mismatch. */
export function checkInvariants(store: Store): void {
  const { ht, segs, arena, large } = store;
  const shift = store.segShift;
  const dbs = store.dbKeys.length;
  const keys = new Float64Array(dbs);
  const expires = new Float64Array(dbs);
  const seen = new Set<string>();
  let slots = 0;
  let largeLive = 0;
  for (let mb = 0; mb < ht.mainBuckets; mb++) {
    let bkt = mb;
    do {
      for (let i = bkt << BUCKET_WORD_SHIFT, e = i + WORDS_PER_BUCKET; i < e; i += 2) {
        const w0 = ht.words[i];
        if (w0 === 0) continue;
        const lo = ht.words[i + 1];
        const seg = ((w0 & 0xff) << (32 - shift)) | (lo >>> shift);
        const off = (lo & ((1 << shift) - 1)) << 3;
        if (segs.stream[seg] === NONE) throw new Error(`slot ${i} points into free segment ${seg}`);
        if (off >= segs.write[seg]) throw new Error(`slot ${i} points past the write offset of segment ${seg}`);
        const id = `${seg}:${off}`;
        if (seen.has(id)) throw new Error(`two slots point at ${id}`);
        seen.add(id);
        const u32 = arena.chunkU32[arena.segChunk[seg]];
        const p = (arena.segBase[seg] + off) >>> 2;
        const meta = u32[p];
        if ((meta & F_DEAD) !== 0) throw new Error(`slot ${i} points at a dead item ${id}`);
        const pdb = (meta >>> DB_SHIFT) & 0xff;
        keys[pdb]++;
        if (u32[p + W_EXPIRY] !== 0) {
          expires[pdb]++;
          const exp = store.expiryAt(u32, p, seg);
          if (exp > segs.maxExpiry[seg]) throw new Error(`item ${id} expires after its segment's maxExpiry`);
        } else if (segs.maxExpiry[seg] !== Infinity) {
          throw new Error(`item ${id} has no expiry but its segment's maxExpiry is ${segs.maxExpiry[seg]}`);
        }
        if ((meta & F_LARGE) !== 0) {
          largeLive++;
          if (!large.values[u32[p + W_VALUE]]) throw new Error(`item ${id} has a freed large value`);
        }
        slots++;
      }
      bkt = ht.next[bkt];
    } while (bkt !== 0);
  }
  for (let d = 0; d < dbs; d++) {
    if (keys[d] !== store.dbKeys[d]) throw new Error(`db ${d}: ${keys[d]} keys in the table, counter says ${store.dbKeys[d]}`);
    if (expires[d] !== store.dbExpires[d]) throw new Error(`db ${d}: ${expires[d]} expires in the table, counter says ${store.dbExpires[d]}`);
  }
  if (largeLive !== large.count) throw new Error(`${largeLive} large items linked, side table holds ${large.count}`);
  let liveItems = 0;
  let liveBytes = 0;
  let used = 0;
  for (let seg = 0; seg < segs.count; seg++) {
    if (segs.stream[seg] === NONE) continue;
    used++;
    if (segs.busy[seg] !== 0) throw new Error(`segment ${seg} left busy`);
    const u32 = arena.chunkU32[arena.segChunk[seg]];
    const base = arena.segBase[seg];
    let items = 0;
    let bytes = 0;
    for (let pos = base; pos < base + segs.write[seg]; ) {
      const p = pos >>> 2;
      const size = itemBytes(u32[p], u32[p + W_VALUE]);
      if (size < 8 || size % 8 !== 0) throw new Error(`segment ${seg}: bad item size ${size} at ${pos - base}`);
      if ((u32[p] & F_DEAD) === 0) {
        items++;
        bytes += size;
        if (!seen.has(`${seg}:${pos - base}`)) throw new Error(`live item ${seg}:${pos - base} has no slot`);
      }
      pos += size;
    }
    if (items !== segs.items[seg]) throw new Error(`segment ${seg}: ${items} live items, counter ${segs.items[seg]}`);
    if (bytes !== segs.live[seg]) throw new Error(`segment ${seg}: ${bytes} live bytes, counter ${segs.live[seg]}`);
    if (segs.write[seg] > store.segSize) throw new Error(`segment ${seg} overfilled`);
    if (items === 0 && !segs.isOpen(seg)) throw new Error(`sealed segment ${seg} is empty but not free`);
    liveItems += items;
    liveBytes += bytes;
  }
  if (used !== segs.used) throw new Error(`${used} segments in use, counter ${segs.used}`);
  if (used + segs.freeCount !== segs.count) throw new Error(`free list size mismatch`);
  if (liveItems !== slots) throw new Error(`${liveItems} live items, ${slots} slots`);
  if (liveBytes !== store.liveBytes) throw new Error(`${liveBytes} live bytes, counter ${store.liveBytes}`);
  if (segs.used * store.segSize + large.bytes > store.capacity) throw new Error(`over capacity`);
}

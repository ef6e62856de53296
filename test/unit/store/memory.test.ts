import { describe, expect, test } from "bun:test";
import { SetStatus } from "../../../src/store/index.ts";
import { b, checkInvariants, equalBytes, get, makeStore, prng, set } from "./helpers.ts";

function fill(len: number, byte: number): Uint8Array {
  return new Uint8Array(len).fill(byte);
}

describe("memory bounds", () => {
  for (const eviction of ["fifo", "random", "s3fifo"] as const) {
    test(`sustained overwrite load stays within heap_size (${eviction})`, () => {
      const heap = 32 * 16384;
      const { store, clock } = makeStore({ heapSizeBytes: heap, segmentSizeBytes: 16384, eviction, maxValueSizeBytes: 20000 });
      const r = prng(eviction.length);
      let stored = 0;
      for (let i = 0; i < 60000; i++) {
        const k = b(`key:${Math.floor(r() * 20000)}`);
        const len = r() < 0.01 ? 5000 + Math.floor(r() * 10000) : Math.floor(r() * 400);
        const exp = r() < 0.3 ? clock() + Math.floor(r() * 5000) : 0;
        expect(set(store, 0, k, fill(len, i & 0xff), exp)).toBe(SetStatus.Stored);
        stored++;
        if (i % 100 === 0) clock.advance(50);
        if (i % 1000 === 0) {
          store.tick();
          const s = store.stats();
          expect(s.usedBytes).toBeLessThanOrEqual(heap);
          expect(s.liveBytes).toBeLessThanOrEqual(heap);
          expect(s.segmentsFree).toBeGreaterThanOrEqual(0);
        }
      }
      const s = store.stats();
      expect(s.evictedKeys).toBeGreaterThan(0);
      expect(s.usedBytes).toBeLessThanOrEqual(heap);
      checkInvariants(store);
      expect(stored).toBe(60000);
    });
  }

  test("noeviction: overwriting the same keys never runs out of memory", () => {
    const heap = 32 * 16384;
    const { store } = makeStore({ heapSizeBytes: heap, segmentSizeBytes: 16384, eviction: "noeviction" });
    const r = prng(7);
    // About 60% of the heap live, then overwrite it 40 times over with varying sizes.
    const keys = 1000;
    const current = new Map<number, Uint8Array>();
    for (let i = 0; i < keys; i++) {
      const v = fill(200 + (i % 200), i & 0xff);
      expect(set(store, 0, b(`key:${i}`), v)).toBe(SetStatus.Stored);
      current.set(i, v);
    }
    for (let round = 0; round < 40; round++) {
      for (let j = 0; j < keys; j++) {
        const i = Math.floor(r() * keys);
        const v = fill(200 + Math.floor(r() * 200), (round + j) & 0xff);
        expect(set(store, 0, b(`key:${i}`), v)).toBe(SetStatus.Stored);
        current.set(i, v);
      }
    }
    expect(store.stats().compactedSegments).toBeGreaterThan(0);
    expect(store.stats().evictedKeys).toBe(0);
    for (const [i, v] of current) expect(equalBytes(get(store, 0, b(`key:${i}`))!, v)).toBe(true);
    checkInvariants(store);
  });

  test("noeviction: tiny heap, one segment, overwrite forever", () => {
    const { store } = makeStore({ heapSizeBytes: 4096, segmentSizeBytes: 4096, eviction: "noeviction" });
    for (let i = 0; i < 5000; i++) {
      expect(set(store, 0, b(`k${i % 10}`), fill(100, i & 0xff))).toBe(SetStatus.Stored);
    }
    for (let i = 0; i < 10; i++) expect(get(store, 0, b(`k${i}`))).toEqual(fill(100, (4990 + i) & 0xff));
    checkInvariants(store);
  });

  test("noeviction: answers OutOfMemory when genuinely full, keeps everything, recovers after deletes", () => {
    const heap = 16 * 4096;
    const { store } = makeStore({ heapSizeBytes: heap, segmentSizeBytes: 4096, eviction: "noeviction" });
    let n = 0;
    for (; n < 10000; n++) {
      const st = set(store, 0, b(`key:${n}`), fill(100, n & 0xff));
      if (st === SetStatus.OutOfMemory) break;
      expect(st).toBe(SetStatus.Stored);
    }
    expect(n).toBeGreaterThan(400);
    expect(n).toBeLessThan(10000);
    // Full: further new keys are refused, and an overwrite that grows too.
    expect(set(store, 0, b("another"), fill(100, 1))).toBe(SetStatus.OutOfMemory);
    for (let i = 0; i < n; i++) expect(get(store, 0, b(`key:${i}`))).toEqual(fill(100, i & 0xff));
    expect(store.dbSize(0)).toBe(n);
    // Like Redis over maxmemory, a packed-full heap refuses even an overwrite (the new
    // version needs room before the old one dies). Deleting makes room again, and from then
    // on overwrites run forever (compaction reclaims the old versions).
    for (let i = 1; i < n; i += 3) expect(store.delete(0, b(`key:${i}`), 0, b(`key:${i}`).length)).toBe(true);
    for (let round = 0; round < 20; round++) {
      for (let i = 0; i < n; i += 3) expect(set(store, 0, b(`key:${i}`), fill(100, round))).toBe(SetStatus.Stored);
    }
    for (let i = 0; i < 100; i++) expect(set(store, 0, b(`new:${i}`), fill(100, 9))).toBe(SetStatus.Stored);
    for (let i = 0; i < n; i += 3) expect(get(store, 0, b(`key:${i}`))).toEqual(fill(100, 19));
    checkInvariants(store);
  });

  test("large values live in the side table, counted against heap_size", () => {
    const heap = 8 << 20;
    const { store } = makeStore({ heapSizeBytes: heap, segmentSizeBytes: 1 << 20, maxValueSizeBytes: 64 << 20, eviction: "noeviction" });
    const big = new Uint8Array(3 << 20);
    for (let i = 0; i < big.length; i++) big[i] = (i * 31) & 0xff;
    expect(set(store, 0, b("big"), big, 0, 42)).toBe(SetStatus.Stored);
    expect(store.find(0, b("big"), 0, 3)).toBe(true);
    expect(store.valueLength).toBe(big.length);
    expect(store.itemFlags).toBe(42);
    expect(equalBytes(store.buf.subarray(store.valueOffset, store.valueOffset + store.valueLength), big)).toBe(true);
    expect(store.stats().liveBytes).toBeGreaterThan(3 << 20);
    // Two more do not fit next to it (8 MiB heap, one segment for stubs).
    expect(set(store, 0, b("big2"), big)).toBe(SetStatus.Stored);
    expect(set(store, 0, b("big3"), big)).toBe(SetStatus.OutOfMemory);
    // Overwriting a large value with another never runs out.
    for (let i = 0; i < 20; i++) expect(set(store, 0, b("big"), big.subarray(0, (3 << 20) - i))).toBe(SetStatus.Stored);
    expect(get(store, 0, b("big"))!.length).toBe((3 << 20) - 19);
    // Bigger than max_value_size; bigger than the heap.
    expect(set(store, 0, b("huge"), new Uint8Array(65 << 20))).toBe(SetStatus.TooLarge);
    expect(set(store, 0, b("huge"), new Uint8Array(20 << 20))).toBe(SetStatus.OutOfMemory);
    // Replaced by a small value: the side allocation is released.
    expect(set(store, 0, b("big2"), b("small"))).toBe(SetStatus.Stored);
    expect(store.large.count).toBe(1);
    expect(store.delete(0, b("big"), 0, 3)).toBe(true);
    expect(store.large.count).toBe(0);
    expect(store.large.bytes).toBe(0);
    checkInvariants(store);
  });

  test("large values are evicted with their stubs under an evicting policy", () => {
    const { store } = makeStore({ heapSizeBytes: 8 << 20, segmentSizeBytes: 1 << 20, maxValueSizeBytes: 4 << 20, eviction: "fifo" });
    const big = fill(1 << 20, 5);
    for (let i = 0; i < 30; i++) expect(set(store, 0, b(`big${i}`), big)).toBe(SetStatus.Stored);
    const s = store.stats();
    expect(s.evictedKeys).toBeGreaterThan(0);
    expect(s.usedBytes + store.large.bytes).toBeLessThanOrEqual(8 << 20);
    expect(get(store, 0, b("big29"))).toEqual(big);
    checkInvariants(store);
  });

  test("a value read from the store itself can be written back while eviction runs", () => {
    const { store } = makeStore({ heapSizeBytes: 8 * 4096, segmentSizeBytes: 4096, eviction: "fifo" });
    const v = fill(300, 3);
    set(store, 0, b("src"), v);
    for (let i = 0; i < 500; i++) {
      if (!store.find(0, b("src"), 0, 3)) set(store, 0, b("src"), v);
      store.find(0, b("src"), 0, 3);
      // Hand the store its own bytes (the buf register) as the value.
      expect(store.set(0, b(`dst${i}`), 0, `dst${i}`.length, store.buf, store.valueOffset, store.valueLength, 0, 0, 0)).toBe(0);
      const got = get(store, 0, b(`dst${i}`));
      expect(got).toEqual(v);
    }
    checkInvariants(store);
  });
});

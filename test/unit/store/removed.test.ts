// Store.onRemoved: keys the store drops by itself (TTL passed, eviction) are reported once
// each, with their logical db and reason, after the removal is complete; removals a caller
// asked for (DEL, an overwrite, a write with an expiry already past) are not.

import { describe, expect, test } from "bun:test";
import { type EvictionPolicy, REASON_EVICTED, REASON_EXPIRED, type Store } from "../../../src/store/index.ts";
import { b, checkInvariants, dec, get, makeStore, set } from "./helpers.ts";

interface Report {
  db: number;
  key: string;
  reason: number;
}

/** Record every report; `check` runs inside the listener (the store must be consistent there). */
function listen(store: Store, check?: () => void): Report[] {
  const out: Report[] = [];
  store.onRemoved = (db, key, off, len, reason) => {
    out.push({ db, key: dec.decode(key.subarray(off, off + len)), reason });
    check?.();
  };
  return out;
}

describe("Store.onRemoved", () => {
  test("a lazily expired key is reported on the read that finds it expired", () => {
    const { store, clock } = makeStore();
    const got = listen(store, () => checkInvariants(store));
    set(store, 0, b("k"), b("v"), clock() + 10);
    set(store, 3, b("h"), b("v"), clock() + 10);
    clock.advance(11);
    expect(got).toEqual([]);
    expect(get(store, 0, b("k"))).toBeNull();
    expect(store.delete(3, b("h"), 0, 1)).toBe(false);
    expect(got).toEqual([
      { db: 0, key: "k", reason: REASON_EXPIRED },
      { db: 3, key: "h", reason: REASON_EXPIRED },
    ]);
    expect(get(store, 0, b("k"))).toBeNull();
    expect(got.length).toBe(2);
  });

  test("removals a caller asked for are not reported", () => {
    const { store, clock } = makeStore();
    const got = listen(store);
    set(store, 0, b("k"), b("v"));
    set(store, 0, b("k"), b("w"));
    expect(store.delete(0, b("k"), 0, 1)).toBe(true);
    set(store, 0, b("k"), b("v"));
    expect(set(store, 0, b("k"), b("w"), clock() - 1)).toBe(0);
    expect(get(store, 0, b("k"))).toBeNull();
    set(store, 0, b("k"), b("v"));
    expect(store.expire(0, b("k"), 0, 1, clock() - 5)).toBe(true);
    expect(get(store, 0, b("k"))).toBeNull();
    set(store, 0, b("k"), b("v"));
    store.flushAll();
    expect(got).toEqual([]);
    // Past-expiry writes still count as expired keys, as before.
    expect(store.stats().expiredKeys).toBe(2);
  });

  test("tick() reports every key of the segments it frees, under the db's SELECT number", () => {
    const { store, clock } = makeStore({ heapSizeBytes: 64 * 4096, segmentSizeBytes: 4096 });
    const got = listen(store, () => checkInvariants(store));
    const v = new Uint8Array(100);
    for (let i = 0; i < 600; i++) set(store, 1, b(`k${i}`), v, clock() + 1000 + (i % 50));
    set(store, 1, b("keep"), v);
    store.swapDb(1, 2);
    clock.advance(2000);
    for (let i = 0; i < 20; i++) store.tick();
    expect(store.stats().expiredSegments).toBeGreaterThan(0);
    expect(got.length).toBe(600);
    expect(new Set(got.map((r) => r.key)).size).toBe(600);
    for (const r of got) {
      expect(r.db).toBe(2);
      expect(r.reason).toBe(REASON_EXPIRED);
      expect(r.key).toMatch(/^k\d+$/);
    }
    expect(store.dbSize(2)).toBe(1);
  });

  for (const eviction of ["fifo", "random", "s3fifo"] as EvictionPolicy[]) {
    test(`${eviction}: each evicted key is reported once, as evicted, and is gone`, () => {
      const { store, clock } = makeStore({ heapSizeBytes: 16 * 4096, segmentSizeBytes: 4096, eviction });
      const got = listen(store, () => checkInvariants(store));
      const v = new Uint8Array(200);
      const written = new Set<string>();
      for (let i = 0; i < 2000; i++) {
        const k = `key:${i}`;
        written.add(k);
        set(store, 0, b(k), v);
        // Reads mark items visited, so S3-FIFO keeps some and moves them.
        if (i % 3 === 0) get(store, 0, b(`key:${i >> 1}`));
      }
      const evicted = got.filter((r) => r.reason === REASON_EVICTED);
      expect(evicted.length).toBe(store.stats().evictedKeys);
      expect(evicted.length).toBeGreaterThan(1000);
      expect(new Set(evicted.map((r) => r.key)).size).toBe(evicted.length);
      for (const r of evicted) {
        expect(written.has(r.key)).toBe(true);
        expect(get(store, 0, b(r.key))).toBeNull();
      }
      expect(store.dbSize(0) + evicted.length).toBe(2000);
      // Once their TTL has passed, keys are reported as expired whichever way they go (the
      // allocator reclaiming or evicting their segment, or a read); each key once.
      got.length = 0;
      for (let i = 0; i < 50; i++) set(store, 0, b(`ttl:${i}`), v, clock() + 5);
      const before = got.length;
      clock.advance(10);
      for (let i = 0; i < 2000; i++) set(store, 0, b(`more:${i}`), v);
      for (let i = 0; i < 50; i++) expect(get(store, 0, b(`ttl:${i}`))).toBeNull();
      const ttl = got.filter((r) => r.key.startsWith("ttl:"));
      expect(ttl.map((r) => r.key).sort()).toEqual(Array.from({ length: 50 }, (_, i) => `ttl:${i}`).sort());
      for (const r of got.slice(before)) if (r.key.startsWith("ttl:")) expect(r.reason).toBe(REASON_EXPIRED);
      expect(got.slice(before).some((r) => r.reason === REASON_EXPIRED)).toBe(true);
    });
  }

  test("a null listener is the default", () => {
    const { store } = makeStore();
    expect(store.onRemoved).toBeNull();
  });
});

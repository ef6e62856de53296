import { describe, expect, test } from "bun:test";
import { SetMode, SetStatus } from "../../../src/store/index.ts";
import { b, checkInvariants, get, makeStore, set } from "./helpers.ts";

describe("CAS", () => {
  test("every write gets a new unique CAS", () => {
    const { store } = makeStore({ heapSizeBytes: 16 * 4096, segmentSizeBytes: 4096, eviction: "fifo" });
    const seen = new Set<number>();
    for (let i = 0; i < 5000; i++) {
      set(store, 0, b(`k${i % 37}`), new Uint8Array(i % 90));
      expect(seen.has(store.itemCas)).toBe(false);
      seen.add(store.itemCas);
      store.find(0, b(`k${i % 37}`), 0, `k${i % 37}`.length);
      expect(store.itemCas).toBeGreaterThan(0);
      seen.add(store.itemCas);
    }
    expect(seen.size).toBe(5000);
  });

  test("CAS mode: NotFound, Exists, Stored; the CAS changes on write", () => {
    const { store } = makeStore();
    store.casExpected = 1;
    expect(set(store, 0, b("k"), b("v"), 0, 0, SetMode.CAS)).toBe(SetStatus.NotFound);
    set(store, 0, b("k"), b("v"));
    store.find(0, b("k"), 0, 1);
    const cas = store.itemCas;
    store.casExpected = cas + 1;
    expect(set(store, 0, b("k"), b("w"), 0, 0, SetMode.CAS)).toBe(SetStatus.Exists);
    store.casExpected = cas;
    expect(set(store, 0, b("k"), b("w"), 0, 0, SetMode.CAS)).toBe(SetStatus.Stored);
    expect(get(store, 0, b("k"))).toEqual(b("w"));
    expect(store.itemCas).not.toBe(cas);
    expect(set(store, 0, b("k"), b("x"), 0, 0, SetMode.CAS)).toBe(SetStatus.Exists);
  });

  test("CAS survives compaction moves and TTL moves", () => {
    const { store, clock } = makeStore({ heapSizeBytes: 8 * 4096, segmentSizeBytes: 4096, eviction: "noeviction" });
    set(store, 0, b("watched"), b("payload"), clock() + 100_000, 77);
    store.find(0, b("watched"), 0, 7);
    const cas = store.itemCas;
    // Churn other keys so the segment holding "watched" gets compacted.
    // ~70% of the heap live, overwritten at random: dead bytes everywhere, no free segment.
    let x = 1;
    for (let i = 0; i < 6000; i++) {
      x = (Math.imul(x, 1103515245) + 12345) >>> 0;
      expect(set(store, 0, b(`churn${x % 200}`), new Uint8Array(100))).toBe(SetStatus.Stored);
    }
    expect(store.stats().compactedSegments).toBeGreaterThan(0);
    expect(get(store, 0, b("watched"))).toEqual(b("payload"));
    expect(store.itemCas).toBe(cas);
    expect(store.itemFlags).toBe(77);
    expect(store.itemExpiryMs).toBe(clock() + 100_000);
    // A TTL change that moves the item keeps its CAS too (memcache touch).
    expect(store.expire(0, b("watched"), 0, 7, clock() + 30 * 86_400_000)).toBe(true);
    store.find(0, b("watched"), 0, 7);
    expect(store.itemCas).toBe(cas);
    store.casExpected = cas;
    expect(set(store, 0, b("watched"), b("new"), 0, 0, SetMode.CAS)).toBe(SetStatus.Stored);
    checkInvariants(store);
  });
});

describe("LFU and idle time", () => {
  test("OBJECT FREQ: starts at 5, grows logarithmically with hits, decays per idle minute", () => {
    const { store, clock } = makeStore();
    set(store, 0, b("k"), b("v"));
    store.peek(0, b("k"), 0, 1);
    expect(store.itemFreq()).toBe(5);
    store.find(0, b("k"), 0, 1);
    expect(store.itemFreq()).toBe(6); // the first hit always counts
    for (let i = 0; i < 1000; i++) store.find(0, b("k"), 0, 1);
    const f = store.itemFreq();
    expect(f).toBeGreaterThan(8);
    expect(f).toBeLessThan(40);
    clock.advance(3 * 60_000);
    store.peek(0, b("k"), 0, 1);
    expect(store.itemFreq()).toBe(f - 3);
    clock.advance(1000 * 60_000);
    store.peek(0, b("k"), 0, 1);
    expect(store.itemFreq()).toBe(0);
  });

  test("OBJECT IDLETIME: grows with the clock, reset by find, not by peek", () => {
    const { store, clock } = makeStore();
    set(store, 0, b("k"), b("v"));
    clock.advance(5000);
    store.peek(0, b("k"), 0, 1);
    expect(store.itemIdleMs()).toBe(5000);
    store.find(0, b("k"), 0, 1);
    expect(store.itemIdleMs()).toBe(0);
    clock.advance(2000);
    store.peek(0, b("k"), 0, 1);
    expect(store.itemIdleMs()).toBe(2000);
  });
});

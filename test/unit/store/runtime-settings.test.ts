// The store settings CONFIG SET changes on a running server: the eviction policy
// (maxmemory-policy), lfu-log-factor and lfu-decay-time; and what MEMORY PURGE asks of it.

import { describe, expect, test } from "bun:test";
import { SetStatus } from "../../../src/store/index.ts";
import { b, checkInvariants, get, makeStore, set } from "./helpers.ts";

describe("LFU tuning", () => {
  test("lfu-log-factor 0 counts every hit; the default grows logarithmically", () => {
    const { store } = makeStore();
    set(store, 0, b("k"), b("v"));
    store.lfuLogFactor = 0;
    for (let i = 0; i < 20; i++) store.find(0, b("k"), 0, 1);
    expect(store.itemFreq()).toBe(25);
    store.lfuLogFactor = 10;
    for (let i = 0; i < 20; i++) store.find(0, b("k"), 0, 1);
    expect(store.itemFreq()).toBeLessThan(30);
  });

  test("lfu-decay-time: one off per period of idleness; 0 never decays", () => {
    const { store, clock } = makeStore();
    set(store, 0, b("k"), b("v"));
    store.lfuLogFactor = 0;
    for (let i = 0; i < 10; i++) store.find(0, b("k"), 0, 1);
    expect(store.itemFreq()).toBe(15);
    clock.advance(6 * 60_000);
    store.lfuDecaySeconds = 0;
    store.peek(0, b("k"), 0, 1);
    expect(store.itemFreq()).toBe(15);
    store.lfuDecaySeconds = 2 * 60;
    expect(store.itemFreq()).toBe(12);
    store.lfuDecaySeconds = 60;
    expect(store.itemFreq()).toBe(9);
  });
});

describe("setEviction", () => {
  test("noeviction refuses writes on a full heap; switching to an evicting policy makes room at once, and back", () => {
    const { store } = makeStore({ eviction: "noeviction" });
    const value = new Uint8Array(1000).fill(120);
    let i = 0;
    while (set(store, 0, b(`k${i}`), value) === SetStatus.Stored) i++;
    expect(i).toBeGreaterThan(100);
    expect(set(store, 0, b("more"), value)).toBe(SetStatus.OutOfMemory);
    store.setEviction("fifo");
    expect(store.options.eviction).toBe("fifo");
    expect(set(store, 0, b("more"), value)).toBe(SetStatus.Stored);
    expect(get(store, 0, b("more"))).not.toBeNull();
    expect(store.evictedKeys).toBeGreaterThan(0);
    store.setEviction("s3fifo");
    for (let j = 0; j < 200; j++) expect(set(store, 0, b(`s${j}`), value)).toBe(SetStatus.Stored);
    store.setEviction("noeviction");
    let refused = false;
    for (let j = 0; j < 2000 && !refused; j++) refused = set(store, 0, b(`n${j}`), value) === SetStatus.OutOfMemory;
    expect(refused).toBe(true);
    checkInvariants(store);
    expect(() => store.setEviction("lru" as never)).toThrow(/unknown eviction policy/);
  });
});

describe("purge helpers", () => {
  test("free segments are reported and hold nothing; written bytes count only appended items", () => {
    const { store, clock } = makeStore({ eviction: "fifo" });
    const total = store.segs.count;
    let free = 0;
    store.forEachFreeSegment(() => free++);
    expect(free).toBe(total);
    expect(store.writtenBytes()).toBe(0);
    for (let i = 0; i < 100; i++) set(store, 0, b(`t${i}`), new Uint8Array(2000), clock() + 1000);
    for (let i = 0; i < 10; i++) set(store, 0, b(`p${i}`), new Uint8Array(100));
    expect(store.writtenBytes()).toBeGreaterThan(100 * 2000);
    expect(store.writtenBytes()).toBeLessThanOrEqual(store.stats().usedBytes);
    free = 0;
    store.forEachFreeSegment((view, offset, length) => {
      expect(offset + length).toBeLessThanOrEqual(view.byteLength);
      free++;
    });
    expect(free).toBe(store.stats().segmentsFree);
    clock.advance(5000);
    expect(store.reclaimAllExpired()).toBeGreaterThan(0);
    expect(store.dbSize(0)).toBe(10);
    for (let i = 0; i < 10; i++) expect(get(store, 0, b(`p${i}`))).not.toBeNull();
    checkInvariants(store);
  });
});

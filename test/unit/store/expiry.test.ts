import { describe, expect, test } from "bun:test";
import { SetMode, SetStatus } from "../../../src/store/index.ts";
import { b, checkInvariants, get, makeStore, set } from "./helpers.ts";

describe("expiry", () => {
  test("exact to the millisecond (alive at the expiry ms, gone after, as Redis)", () => {
    const { store, clock } = makeStore();
    const t = clock() + 1000;
    set(store, 0, b("k"), b("v"), t);
    expect(store.expiresCount(0)).toBe(1);
    clock.advance(999);
    expect(get(store, 0, b("k"))).toEqual(b("v"));
    expect(store.itemExpiryMs).toBe(t);
    clock.advance(1);
    expect(store.peek(0, b("k"), 0, 1)).toBe(true);
    clock.advance(1);
    expect(store.peek(0, b("k"), 0, 1)).toBe(false);
    expect(store.find(0, b("k"), 0, 1)).toBe(false);
    expect(store.dbSize(0)).toBe(0);
    expect(store.expiresCount(0)).toBe(0);
    expect(store.stats().expiredKeys).toBe(1);
    checkInvariants(store);
  });

  test("every read path refuses an expired item", () => {
    const { store, clock } = makeStore();
    for (const k of ["a", "b", "c", "d", "e", "f"]) set(store, 0, b(k), b("v"), clock() + 10);
    clock.advance(11);
    expect(store.find(0, b("a"), 0, 1)).toBe(false);
    expect(store.delete(0, b("b"), 0, 1)).toBe(false);
    expect(store.expire(0, b("c"), 0, 1, clock() + 1000)).toBe(false);
    expect(store.rename(0, b("d"), 0, 1, b("x"), 0, 1, false)).toBe(false);
    expect(store.copy(0, b("e"), 0, 1, 1, b("e"), 0, 1, false)).toBe(false);
    expect(set(store, 0, b("f"), b("w"), 0, 0, SetMode.XX)).toBe(SetStatus.NotStored);
    expect(set(store, 0, b("f"), b("w"), 0, 0, SetMode.NX)).toBe(SetStatus.Stored);
    let seen = 0;
    store.scan(0, 0, 100, () => seen++);
    expect(seen).toBe(1);
    expect(store.randomKey(0, () => {})).toBe(true);
    checkInvariants(store);
  });

  test("a write with an expiry already past deletes the key", () => {
    const { store, clock } = makeStore();
    set(store, 0, b("k"), b("v"));
    expect(set(store, 0, b("k"), b("w"), clock() - 1)).toBe(SetStatus.Stored);
    expect(get(store, 0, b("k"))).toBeNull();
    set(store, 0, b("k"), b("v"));
    expect(store.expire(0, b("k"), 0, 1, clock() - 5)).toBe(true);
    expect(get(store, 0, b("k"))).toBeNull();
    expect(store.dbSize(0)).toBe(0);
  });

  test("tick() reclaims whole expired segments without any read", () => {
    const { store, clock } = makeStore({ heapSizeBytes: 64 * 4096, segmentSizeBytes: 4096 });
    const v = new Uint8Array(100);
    for (let i = 0; i < 600; i++) expect(set(store, 0, b(`k${i}`), v, clock() + 1000 + (i % 50))).toBe(0);
    for (let i = 0; i < 50; i++) set(store, 0, b(`keep${i}`), v);
    const before = store.stats();
    expect(before.segmentsTotal - before.segmentsFree).toBeGreaterThan(16);
    clock.advance(2000);
    store.tick();
    const one = store.stats();
    // Bounded work: at most 8 segments per call.
    expect(one.expiredSegments).toBeGreaterThan(0);
    expect(one.expiredSegments).toBeLessThanOrEqual(8);
    for (let i = 0; i < 20; i++) store.tick();
    const after = store.stats();
    expect(after.expiredKeys).toBe(600);
    expect(after.items).toBe(50);
    expect(store.dbSize(0)).toBe(50);
    expect(store.expiresCount(0)).toBe(0);
    // Only the segments of the persistent keys remain.
    expect(after.segmentsTotal - after.segmentsFree).toBeLessThanOrEqual(3);
    checkInvariants(store);
    for (let i = 0; i < 50; i++) expect(get(store, 0, b(`keep${i}`))).toEqual(v);
  });

  test("tick() leaves segments alone while any item in them lives", () => {
    const { store, clock } = makeStore({ heapSizeBytes: 16 * 4096, segmentSizeBytes: 4096 });
    set(store, 0, b("short"), b("v"), clock() + 100);
    set(store, 0, b("long"), b("v"), clock() + 110);
    clock.advance(105);
    store.tick();
    expect(store.stats().expiredSegments).toBe(0);
    expect(get(store, 0, b("long"))).toEqual(b("v"));
    clock.advance(10);
    store.tick();
    expect(store.stats().expiredSegments).toBe(1);
    expect(store.stats().items).toBe(0);
  });

  test("expire in place within the bucket bound, re-append beyond it, CAS kept", () => {
    const { store, clock } = makeStore();
    set(store, 0, b("k"), b("value"), clock() + 10_000);
    store.peek(0, b("k"), 0, 1);
    const cas = store.itemCas;
    const used = store.stats().usedBytes;
    const live = store.stats().liveBytes;
    // Slightly later: in place (same bytes, same place).
    expect(store.expire(0, b("k"), 0, 1, clock() + 10_500)).toBe(true);
    expect(store.stats().liveBytes).toBe(live);
    store.peek(0, b("k"), 0, 1);
    expect(store.itemExpiryMs).toBe(clock() + 10_500);
    expect(store.itemCas).toBe(cas);
    // Much later: moved to another TTL stream, CAS preserved.
    expect(store.expire(0, b("k"), 0, 1, clock() + 86_400_000)).toBe(true);
    expect(store.stats().usedBytes).toBeGreaterThan(used);
    expect(get(store, 0, b("k"))).toEqual(b("value"));
    expect(store.itemExpiryMs).toBe(clock() + 86_400_000);
    expect(store.itemCas).toBe(cas);
    // Persist: moved to the no-TTL stream.
    expect(store.expire(0, b("k"), 0, 1, 0)).toBe(true);
    expect(store.expiresCount(0)).toBe(0);
    expect(get(store, 0, b("k"))).toEqual(b("value"));
    expect(store.itemExpiryMs).toBe(0);
    expect(store.itemCas).toBe(cas);
    // And back.
    expect(store.expire(0, b("k"), 0, 1, clock() + 5)).toBe(true);
    expect(store.expiresCount(0)).toBe(1);
    clock.advance(6);
    expect(get(store, 0, b("k"))).toBeNull();
    expect(store.expire(0, b("missing"), 0, 7, clock() + 5)).toBe(false);
    checkInvariants(store);
  });

  test("far expiries (beyond 2^32 ms) are exact", () => {
    const { store, clock } = makeStore();
    const far = clock() + 200 * 86_400_000 + 123;
    set(store, 0, b("far"), b("v"), far);
    expect(get(store, 0, b("far"))).toEqual(b("v"));
    expect(store.itemExpiryMs).toBe(far);
    set(store, 0, b("near"), b("v"), clock() + 1000);
    expect(store.expire(0, b("near"), 0, 4, far + 1)).toBe(true);
    store.peek(0, b("near"), 0, 4);
    expect(store.itemExpiryMs).toBe(far + 1);
    clock.set(far);
    expect(get(store, 0, b("far"))).toEqual(b("v"));
    clock.set(far + 1);
    expect(get(store, 0, b("far"))).toBeNull();
    expect(get(store, 0, b("near"))).toEqual(b("v"));
    checkInvariants(store);
  });

  test("KEEPTTL keeps the expiry, a plain SET clears it", () => {
    const { store, clock } = makeStore();
    const t = clock() + 5000;
    set(store, 0, b("k"), b("v1"), t);
    expect(set(store, 0, b("k"), b("v2"), 0, 0, SetMode.KEEPTTL)).toBe(SetStatus.Stored);
    expect(get(store, 0, b("k"))).toEqual(b("v2"));
    expect(store.itemExpiryMs).toBe(t);
    expect(store.expiresCount(0)).toBe(1);
    set(store, 0, b("k"), b("v3"));
    store.peek(0, b("k"), 0, 1);
    expect(store.itemExpiryMs).toBe(0);
    expect(store.expiresCount(0)).toBe(0);
  });

  test("a clock that steps backwards never resurrects nor loses items", () => {
    const { store, clock } = makeStore({ heapSizeBytes: 16 * 4096, segmentSizeBytes: 4096 });
    const start = clock();
    for (let i = 0; i < 100; i++) set(store, 0, b(`k${i}`), b("v"), start + 1000);
    clock.set(start - 60_000);
    for (let i = 100; i < 200; i++) set(store, 0, b(`k${i}`), b("v"), start - 59_000);
    for (let i = 0; i < 200; i++) expect(get(store, 0, b(`k${i}`))).toEqual(b("v"));
    store.tick();
    clock.set(start + 2000);
    store.tick();
    for (let i = 0; i < 200; i++) expect(get(store, 0, b(`k${i}`))).toBeNull();
    checkInvariants(store);
  });
});

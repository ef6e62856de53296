import { describe, expect, test } from "bun:test";
import { SetMode, SetStatus, ItemType } from "../../../src/store/index.ts";
import { b, checkInvariants, get, makeStore, scanAll, set } from "./helpers.ts";

const hex = (k: Uint8Array) => Buffer.from(k).toString("hex");

describe("keys", () => {
  test("binary keys: every byte value, every position, odd lengths, the empty key", () => {
    const { store } = makeStore({ hashtablePower: 10 });
    const keys: Uint8Array[] = [new Uint8Array(0)];
    for (let v = 0; v < 256; v++) keys.push(new Uint8Array([v]));
    for (let v = 0; v < 256; v++) {
      const k = new Uint8Array(1 + (v % 37));
      for (let i = 0; i < k.length; i++) k[i] = (v + i * 97) & 0xff;
      k[v % k.length] = v;
      keys.push(k);
    }
    keys.push(new Uint8Array(1000).fill(0), new Uint8Array(1001).fill(0), new Uint8Array(1000).fill(255));
    const unique = new Map(keys.map((k) => [hex(k), k]));
    let i = 0;
    for (const k of unique.values()) {
      expect(set(store, 0, k, b(`v${i++}`))).toBe(SetStatus.Stored);
    }
    i = 0;
    for (const k of unique.values()) {
      expect(get(store, 0, k)).toEqual(b(`v${i++}`));
      // One byte different (or one longer) must miss.
      const other = new Uint8Array(k.length + 1);
      other.set(k);
      expect(unique.has(hex(other)) || get(store, 0, other) === null).toBe(true);
    }
    expect(store.dbSize(0)).toBe(unique.size);
    expect(scanAll(store, 0).sort()).toEqual([...unique.keys()].sort());
    checkInvariants(store);
  });

  test("keys are found from any offset in the caller's buffer", () => {
    const { store } = makeStore();
    const buf = b("xxhello-worldyy");
    expect(store.set(0, buf, 2, 11, buf, 0, 2, 0, 0, 0)).toBe(SetStatus.Stored);
    for (let shift = 0; shift < 8; shift++) {
      const other = new Uint8Array(11 + shift);
      other.set(b("hello-world"), shift);
      expect(store.find(0, other, shift, 11)).toBe(true);
      expect(store.valueLength).toBe(2);
    }
  });

  test("keys longer than 65535 bytes are refused", () => {
    const { store } = makeStore({ segmentSizeBytes: 1 << 20, heapSizeBytes: 4 << 20 });
    expect(set(store, 0, new Uint8Array(65536), b("v"))).toBe(SetStatus.TooLarge);
    expect(set(store, 0, new Uint8Array(65535).fill(1), b("v"))).toBe(SetStatus.Stored);
    expect(get(store, 0, new Uint8Array(65535).fill(1))).toEqual(b("v"));
  });

  test("flags and types round-trip; NX, XX, KEEPFLAGS", () => {
    const { store } = makeStore();
    expect(set(store, 0, b("k"), b("v"), 0, 0xffffffff)).toBe(SetStatus.Stored);
    store.find(0, b("k"), 0, 1);
    expect(store.itemFlags).toBe(0xffffffff);
    expect(store.itemType).toBe(ItemType.String);
    expect(set(store, 0, b("k"), b("w"), 0, 1, SetMode.NX)).toBe(SetStatus.NotStored);
    expect(set(store, 0, b("nope"), b("w"), 0, 1, SetMode.XX)).toBe(SetStatus.NotStored);
    expect(set(store, 0, b("k"), b("w"), 0, 7, SetMode.XX | SetMode.KEEPFLAGS)).toBe(SetStatus.Stored);
    store.find(0, b("k"), 0, 1);
    expect(store.itemFlags).toBe(0xffffffff);
    for (const t of [ItemType.Hash, ItemType.List, ItemType.Set, ItemType.ZSet, ItemType.Stream]) {
      expect(store.set(0, b("t"), 0, 1, b("h"), 0, 1, 0, 3, 0, t)).toBe(SetStatus.Stored);
      expect(store.peek(0, b("t"), 0, 1)).toBe(true);
      expect(store.itemType).toBe(t);
      expect(store.itemFlags).toBe(3);
    }
    checkInvariants(store);
  });
});

describe("databases", () => {
  test("the same key in different databases is independent", () => {
    const { store } = makeStore();
    for (let db = 0; db < 16; db++) set(store, db, b("k"), b(`db${db}`));
    for (let db = 0; db < 16; db++) {
      expect(get(store, db, b("k"))).toEqual(b(`db${db}`));
      expect(store.dbSize(db)).toBe(1);
    }
    expect(store.delete(3, b("k"), 0, 1)).toBe(true);
    expect(get(store, 3, b("k"))).toBeNull();
    expect(get(store, 4, b("k"))).toEqual(b("db4"));
  });

  test("swapdb swaps contents, sizes and expires counts in O(1)", () => {
    const { store, clock } = makeStore();
    for (let i = 0; i < 100; i++) set(store, 0, b(`a${i}`), b("A"), i < 10 ? clock() + 10_000 : 0);
    for (let i = 0; i < 5; i++) set(store, 1, b(`b${i}`), b("B"));
    store.swapDb(0, 1);
    expect(store.dbSize(0)).toBe(5);
    expect(store.dbSize(1)).toBe(100);
    expect(store.expiresCount(1)).toBe(10);
    expect(store.expiresCount(0)).toBe(0);
    expect(get(store, 0, b("b3"))).toEqual(b("B"));
    expect(get(store, 1, b("a3"))).toEqual(b("A"));
    expect(get(store, 0, b("a3"))).toBeNull();
    // Writes after the swap land in the swapped database.
    set(store, 0, b("new"), b("N"));
    store.swapDb(0, 1);
    expect(get(store, 1, b("new"))).toEqual(b("N"));
    expect(store.dbSize(1)).toBe(6);
    expect(scanAll(store, 1).length).toBe(6);
    checkInvariants(store);
  });

  test("flushDb empties one database only; flushAll everything", () => {
    const { store, clock } = makeStore({ heapSizeBytes: 64 * 4096, segmentSizeBytes: 4096, hashtablePower: 6 });
    for (let i = 0; i < 300; i++) {
      set(store, 0, b(`k${i}`), b("zero"), i % 2 ? clock() + 5000 : 0);
      set(store, 1, b(`k${i}`), b("one"));
    }
    store.flushDb(0);
    expect(store.dbSize(0)).toBe(0);
    expect(store.expiresCount(0)).toBe(0);
    expect(store.dbSize(1)).toBe(300);
    expect(get(store, 0, b("k1"))).toBeNull();
    expect(get(store, 1, b("k1"))).toEqual(b("one"));
    checkInvariants(store);
    store.flushAll();
    expect(store.dbSize(1)).toBe(0);
    expect(store.stats().segmentsFree).toBe(store.stats().segmentsTotal);
    expect(store.stats().hashtableOverflowBuckets).toBe(0);
    set(store, 1, b("again"), b("x"));
    expect(get(store, 1, b("again"))).toEqual(b("x"));
    checkInvariants(store);
  });
});

describe("rename and copy", () => {
  test("rename keeps value, TTL and flags, overwrites the target, honours NX", () => {
    const { store, clock } = makeStore();
    const t = clock() + 60_000;
    set(store, 0, b("src"), b("value"), t, 9);
    set(store, 0, b("dst"), b("old"));
    expect(store.rename(0, b("src"), 0, 3, b("dst"), 0, 3, true)).toBe(false);
    expect(store.renameTargetExisted).toBe(true);
    expect(store.rename(0, b("src"), 0, 3, b("dst"), 0, 3, false)).toBe(true);
    expect(get(store, 0, b("src"))).toBeNull();
    expect(get(store, 0, b("dst"))).toEqual(b("value"));
    expect(store.itemExpiryMs).toBe(t);
    expect(store.itemFlags).toBe(9);
    expect(store.dbSize(0)).toBe(1);
    expect(store.expiresCount(0)).toBe(1);
    expect(store.rename(0, b("missing"), 0, 7, b("x"), 0, 1, false)).toBe(false);
    expect(store.renameTargetExisted).toBe(false);
    checkInvariants(store);
  });

  test("rename to shorter and longer keys, small and large values", () => {
    const { store } = makeStore({ heapSizeBytes: 4 << 20, segmentSizeBytes: 64 << 10, maxValueSizeBytes: 1 << 20 });
    const big = new Uint8Array(100_000).fill(8);
    for (const v of [b(""), b("small value"), new Uint8Array(300).fill(1), big]) {
      set(store, 0, b("a-long-key-name"), v);
      expect(store.rename(0, b("a-long-key-name"), 0, 15, b("k"), 0, 1, false)).toBe(true);
      expect(get(store, 0, b("k"))).toEqual(v);
      expect(store.rename(0, b("k"), 0, 1, b("an-even-longer-key-name"), 0, 23, false)).toBe(true);
      expect(get(store, 0, b("an-even-longer-key-name"))).toEqual(v);
      expect(get(store, 0, b("k"))).toBeNull();
      expect(store.rename(0, b("an-even-longer-key-name"), 0, 23, b("same-length-key-name-xx"), 0, 23, false)).toBe(true);
      expect(get(store, 0, b("same-length-key-name-xx"))).toEqual(v);
      expect(store.delete(0, b("same-length-key-name-xx"), 0, 23)).toBe(true);
      checkInvariants(store);
    }
    expect(store.large.count).toBe(0);
    expect(store.stats().items).toBe(0);
  });

  test("copy across databases, with and without replace, large values duplicated", () => {
    const { store, clock } = makeStore({ heapSizeBytes: 4 << 20, segmentSizeBytes: 64 << 10, maxValueSizeBytes: 1 << 20 });
    const t = clock() + 1000;
    set(store, 0, b("k"), b("v"), t, 4);
    expect(store.copy(0, b("k"), 0, 1, 0, b("k"), 0, 1, true)).toBe(false);
    expect(store.copy(0, b("k"), 0, 1, 5, b("k"), 0, 1, false)).toBe(true);
    expect(get(store, 5, b("k"))).toEqual(b("v"));
    expect(store.itemExpiryMs).toBe(t);
    expect(store.itemFlags).toBe(4);
    set(store, 5, b("k"), b("other"));
    expect(store.copy(0, b("k"), 0, 1, 5, b("k"), 0, 1, false)).toBe(false);
    expect(get(store, 5, b("k"))).toEqual(b("other"));
    expect(store.copy(0, b("k"), 0, 1, 5, b("k"), 0, 1, true)).toBe(true);
    expect(get(store, 5, b("k"))).toEqual(b("v"));
    const big = new Uint8Array(200_000).fill(3);
    set(store, 0, b("big"), big);
    expect(store.copy(0, b("big"), 0, 3, 1, b("big2"), 0, 4, false)).toBe(true);
    expect(store.large.count).toBe(2);
    store.delete(0, b("big"), 0, 3);
    expect(get(store, 1, b("big2"))).toEqual(big);
    checkInvariants(store);
  });
});

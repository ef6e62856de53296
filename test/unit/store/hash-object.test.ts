// HashObject against a reference model: a JS Map (insertion-ordered, updates in place,
// deletes close the gap), which is exactly the order a Redis listpack keeps. Seeded random
// operations, with the invariants checked after each: contents, order, size, the byte
// estimate, hole density, encoding, random access, scans and clones.

import { describe, expect, test } from "bun:test";
import {
  HASH_BASE_BYTES,
  HASH_ENTRY_OVERHEAD_BYTES,
  HASH_HOLE_BYTES,
  HASH_MAX_LISTPACK_ENTRIES,
  HASH_MAX_LISTPACK_VALUE_BYTES,
  HashObject,
} from "../../../src/store/index.ts";

/** mulberry32: a small seeded PRNG, so a failure replays. */
function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function expectedBytes(model: Map<string, string>, h: HashObject): number {
  let bytes = HASH_BASE_BYTES;
  for (const [f, v] of model) bytes += HASH_ENTRY_OVERHEAD_BYTES + f.length + v.length;
  return bytes + (h.slotCount - h.size) * HASH_HOLE_BYTES;
}

function checkInvariants(h: HashObject, model: Map<string, string>, listpack: boolean): void {
  expect(h.size).toBe(model.size);
  expect([...h.entries()]).toEqual([...model.entries()]);
  for (const [f, v] of model) {
    expect(h.get(f)).toBe(v);
    expect(h.has(f)).toBe(true);
  }
  expect(h.bytes).toBe(expectedBytes(model, h));
  // Holes never outnumber live entries, so a random probe hits half the time at least.
  expect(h.slotCount - h.size).toBeLessThanOrEqual(h.size);
  if (h.size > 0) expect(h.fieldAt(h.slotCount - 1)).not.toBeNull();
  expect(h.encoding()).toBe(listpack ? "listpack" : "hashtable");
}

function fullScan(h: HashObject, count: number): string[] {
  const seen: string[] = [];
  let cursor = 0;
  let calls = 0;
  do {
    cursor = h.scan(cursor, count, (f) => seen.push(f));
    calls++;
    expect(calls).toBeLessThan(100_000);
  } while (cursor !== 0);
  return seen;
}

describe("HashObject", () => {
  test("set, get, update in place, delete keeps the order of the rest", () => {
    const h = new HashObject();
    expect(h.set("a", "1")).toBe(true);
    expect(h.set("b", "2")).toBe(true);
    expect(h.set("c", "3")).toBe(true);
    expect(h.set("a", "10")).toBe(false);
    expect([...h.entries()]).toEqual([["a", "10"], ["b", "2"], ["c", "3"]]);
    expect(h.delete("b")).toBe(true);
    expect(h.delete("b")).toBe(false);
    expect(h.get("b")).toBeUndefined();
    h.set("b", "4");
    expect([...h.entries()]).toEqual([["a", "10"], ["c", "3"], ["b", "4"]]);
    expect(h.size).toBe(3);
    expect(h.encoding()).toBe("listpack");
  });

  test("binary-safe fields and values, the empty string included", () => {
    const h = new HashObject();
    const bin = "\x00\xff\r\n\x80";
    h.set("", "");
    h.set(bin, bin);
    expect(h.get("")).toBe("");
    expect(h.get(bin)).toBe(bin);
    expect(h.has("\x00")).toBe(false);
    expect(h.delete("")).toBe(true);
    expect([...h.entries()]).toEqual([[bin, bin]]);
  });

  test("encoding: listpack up to 512 entries of at most 64 bytes, then hashtable for good", () => {
    const h = new HashObject();
    for (let i = 0; i < HASH_MAX_LISTPACK_ENTRIES; i++) h.set(`f${i}`, "v");
    expect(h.encoding()).toBe("listpack");
    h.set("f0", "x".repeat(HASH_MAX_LISTPACK_VALUE_BYTES));
    expect(h.encoding()).toBe("listpack");
    h.set("one-more", "v");
    expect(h.encoding()).toBe("hashtable");
    for (let i = 0; i < 100; i++) h.delete(`f${i}`);
    expect(h.encoding()).toBe("hashtable");

    const v = new HashObject();
    v.set("a", "x".repeat(HASH_MAX_LISTPACK_VALUE_BYTES + 1));
    expect(v.encoding()).toBe("hashtable");
    const f = new HashObject();
    f.set("y".repeat(HASH_MAX_LISTPACK_VALUE_BYTES + 1), "a");
    expect(f.encoding()).toBe("hashtable");
    expect(f.clone().encoding()).toBe("hashtable");
  });

  test("bytes return to the base when emptied", () => {
    const h = new HashObject();
    expect(h.bytes).toBe(HASH_BASE_BYTES);
    for (let i = 0; i < 500; i++) h.set(`field-${i}`, `value-${i}`);
    expect(h.bytes).toBeGreaterThan(HASH_BASE_BYTES + 500 * HASH_ENTRY_OVERHEAD_BYTES);
    for (let i = 499; i >= 0; i -= 2) h.delete(`field-${i}`);
    for (let i = 0; i < 500; i += 2) h.delete(`field-${i}`);
    expect(h.size).toBe(0);
    expect(h.slotCount).toBe(0);
    expect(h.bytes).toBe(HASH_BASE_BYTES);
  });

  test("clone is deep and independent", () => {
    const h = new HashObject();
    for (let i = 0; i < 10; i++) h.set(`f${i}`, `v${i}`);
    h.delete("f3");
    const c = h.clone();
    expect([...c.entries()]).toEqual([...h.entries()]);
    expect(c.bytes).toBe(h.bytes - (h.slotCount - h.size) * HASH_HOLE_BYTES);
    c.set("f0", "changed");
    c.delete("f1");
    c.set("new", "x");
    expect(h.get("f0")).toBe("v0");
    expect(h.get("f1")).toBe("v1");
    expect(h.has("new")).toBe(false);
    h.delete("f2");
    expect(c.get("f2")).toBe("v2");
  });

  test("random access: live slots only, distinct samples, listpack samples in order", () => {
    const h = new HashObject();
    for (let i = 0; i < 300; i++) h.set(`f${i}`, `v${i}`);
    for (let i = 0; i < 300; i += 3) h.delete(`f${i}`);
    const hits = new Set<string>();
    for (let k = 0; k < 5000; k++) {
      const f = h.fieldAt(h.randomSlot());
      expect(f).not.toBeNull();
      hits.add(f as string);
    }
    expect(hits.size).toBe(h.size);
    for (const count of [1, 5, 50, 100, 199]) {
      const out: number[] = [];
      h.randomDistinctSlots(count, out);
      expect(out.length).toBe(count);
      expect(new Set(out).size).toBe(count);
      for (const s of out) expect(h.fieldAt(s)).not.toBeNull();
    }
    const small = new HashObject();
    for (let i = 0; i < 20; i++) small.set(`f${i}`, "v");
    for (let k = 0; k < 50; k++) {
      const out: number[] = [];
      small.randomDistinctSlots(7, out);
      expect(out).toEqual([...out].sort((a, b) => a - b));
      expect(new Set(out).size).toBe(7);
    }
  });

  test("scan: a listpack hash in one call, in order, with cursor 0", () => {
    const h = new HashObject();
    for (let i = 0; i < 50; i++) h.set(`f${i}`, `v${i}`);
    const seen: [string, string][] = [];
    expect(h.scan(0, 1, (f, v) => seen.push([f, v]))).toBe(0);
    expect(seen).toEqual([...h.entries()]);
  });

  test("scan: every field present for the whole scan is returned despite deletes, adds and compactions", () => {
    for (const seed of [1, 2, 3, 4, 5]) {
      const rnd = prng(seed);
      const h = new HashObject();
      for (let i = 0; i < 2000; i++) h.set(`f${i}`, "v");
      const present = new Set<string>([...h.entries()].map(([f]) => f));
      const removed = new Set<string>();
      const seen = new Set<string>();
      let next = 2000;
      let cursor = 0;
      let calls = 0;
      do {
        cursor = h.scan(cursor, 1 + Math.floor(rnd() * 20), (f) => seen.add(f));
        // Between calls: delete a lot (forcing compactions) and add some.
        for (let k = 0; k < 40; k++) {
          const f = `f${Math.floor(rnd() * next)}`;
          if (h.delete(f)) removed.add(f);
        }
        for (let k = 0; k < 5; k++) h.set(`f${next++}`, "v");
        calls++;
        expect(calls).toBeLessThan(10_000);
      } while (cursor !== 0);
      for (const f of present) if (!removed.has(f)) expect(seen.has(f)).toBe(true);
    }
  });

  test("scan: a full scan without changes returns every field exactly once", () => {
    const h = new HashObject();
    for (let i = 0; i < 1000; i++) h.set(`f${i}`, "v");
    for (let i = 0; i < 1000; i += 7) h.delete(`f${i}`);
    for (const count of [1, 10, 1000]) {
      const seen = fullScan(h, count);
      expect(seen.length).toBe(h.size);
      expect(new Set(seen)).toEqual(new Set([...h.entries()].map(([f]) => f)));
    }
    // A cursor beyond the slots (the hash shrank) resumes at the end.
    const seen: string[] = [];
    expect(h.scan(1e12, 5000, (f) => seen.push(f))).toBe(0);
    expect(seen.length).toBe(h.size);
  });

  test("seeded random operations match the reference model", () => {
    for (const seed of [11, 22, 33, 44]) {
      const rnd = prng(seed);
      const h = new HashObject();
      const model = new Map<string, string>();
      let listpack = true;
      // A small field pool so that updates and deletes hit; sometimes a big pool to grow.
      const poolSize = seed % 2 === 0 ? 40 : 700;
      for (let step = 0; step < 4000; step++) {
        const field = `f${Math.floor(rnd() * poolSize)}`;
        const r = rnd();
        if (r < 0.5) {
          const long = rnd() < 0.01;
          const value = long ? "L".repeat(65 + Math.floor(rnd() * 50)) : String(Math.floor(rnd() * 1e6));
          const isNew = !model.has(field);
          model.set(field, value);
          if (value.length > HASH_MAX_LISTPACK_VALUE_BYTES || model.size > HASH_MAX_LISTPACK_ENTRIES) listpack = false;
          expect(h.set(field, value)).toBe(isNew);
        } else if (r < 0.9) {
          expect(h.delete(field)).toBe(model.delete(field));
        } else if (r < 0.95 && model.size > 0) {
          const f = h.fieldAt(h.randomSlot());
          expect(model.has(f as string)).toBe(true);
        } else if (model.size > 1) {
          const count = 1 + Math.floor(rnd() * (model.size - 1));
          const out: number[] = [];
          h.randomDistinctSlots(count, out);
          expect(new Set(out.map((s) => h.fieldAt(s))).size).toBe(count);
        }
        if (step % 10 === 0 || model.size < 3) checkInvariants(h, model, listpack);
      }
      checkInvariants(h, model, listpack);
      const seen = fullScan(h, 7);
      expect(new Set(seen)).toEqual(new Set(model.keys()));
      const copy = h.clone();
      for (const f of [...model.keys()]) h.delete(f);
      expect(h.bytes).toBe(HASH_BASE_BYTES);
      expect(copy.size).toBe(model.size);
      expect([...copy.entries()]).toEqual([...model.entries()]);
    }
  });
});

// SetObject against a reference model: seeded random operations, invariants checked after
// each (members, size, bytes, Redis 7.0's encoding and its reply order), the SCAN guarantee
// under concurrent changes, clone independence, and the integer rules of the intset.

import { describe, expect, test } from "bun:test";
import {
  compareIntText,
  isInt64Text,
  SET_BASE_BYTES,
  SET_MAX_INTSET_ENTRIES,
  SET_MEMBER_OVERHEAD_BYTES,
  SetObject,
} from "../../../src/store/index.ts";
import { prng } from "./helpers.ts";

/** string2ll's rules, the slow and obvious way. */
function referenceIsInt(s: string): boolean {
  if (!/^(0|-?[1-9][0-9]*)$/.test(s)) return false;
  const v = BigInt(s);
  return v >= -(2n ** 63n) && v < 2n ** 63n;
}

/** What Redis 7.0 would do: an intset while every member added was an integer and it never held more than 512. */
class Model {
  readonly members = new Set<string>();
  intset = true;

  add(m: string): boolean {
    if (this.members.has(m)) return false;
    this.members.add(m);
    if (!referenceIsInt(m) || this.members.size > SET_MAX_INTSET_ENTRIES) this.intset = false;
    return true;
  }

  remove(m: string): boolean {
    return this.members.delete(m);
  }

  bytes(): number {
    let n = SET_BASE_BYTES;
    for (const m of this.members) n += m.length + SET_MEMBER_OVERHEAD_BYTES;
    return n;
  }
}

function numericOrder(a: string, b: string): number {
  const x = BigInt(a);
  const y = BigInt(b);
  return x < y ? -1 : x > y ? 1 : 0;
}

function check(set: SetObject, model: Model): void {
  expect(set.size).toBe(model.members.size);
  expect(set.bytes).toBe(model.bytes());
  expect(set.encoding()).toBe(model.intset ? "intset" : "hashtable");
  const arr = set.toArray();
  expect([...arr].sort()).toEqual([...model.members].sort());
  if (model.intset) expect(arr).toEqual([...model.members].sort(numericOrder));
}

function memberPool(r: () => number): string {
  const x = r();
  if (x < 0.55) return String(Math.floor(r() * 60) - 20);
  if (x < 0.65) return ["9223372036854775807", "-9223372036854775808", "9223372036854775808", "-0", "007", "+1", "1e3", ""][Math.floor(r() * 8)];
  if (x < 0.8) return String.fromCharCode(97 + Math.floor(r() * 6));
  // Binary members: any byte, NUL and 0xff included.
  let s = "";
  const n = 1 + Math.floor(r() * 4);
  for (let i = 0; i < n; i++) s += String.fromCharCode(Math.floor(r() * 256));
  return s;
}

describe("integer text", () => {
  test("isInt64Text follows string2ll", () => {
    const cases = [
      "0", "-0", "00", "01", "-01", "1", "-1", "+1", " 1", "1 ", "", "-", "12a", "9223372036854775807", "9223372036854775808",
      "-9223372036854775808", "-9223372036854775809", "18446744073709551616", "99999999999999999999", "-99999999999999999999",
      "1000000000000000000", "-1000000000000000000", "123456789012345678901", "\u00001", "1.0", "1e3",
    ];
    for (const s of cases) expect(`${s}:${isInt64Text(s)}`).toBe(`${s}:${referenceIsInt(s)}`);
    const r = prng(7);
    for (let i = 0; i < 5000; i++) {
      const len = 1 + Math.floor(r() * 21);
      let s = r() < 0.3 ? "-" : "";
      for (let k = 0; k < len; k++) s += String.fromCharCode(r() < 0.97 ? 48 + Math.floor(r() * 10) : 32 + Math.floor(r() * 90));
      expect(`${s}:${isInt64Text(s)}`).toBe(`${s}:${referenceIsInt(s)}`);
    }
  });

  test("compareIntText is numeric order", () => {
    const r = prng(11);
    const values: string[] = ["0", "-1", "1", "9223372036854775807", "-9223372036854775808", "10", "-10", "9", "-9"];
    for (let i = 0; i < 300; i++) {
      const big = BigInt(Math.floor(r() * 2 ** 53)) * BigInt(1 + Math.floor(r() * 1000));
      const v = r() < 0.5 ? -big : big;
      if (v >= -(2n ** 63n) && v < 2n ** 63n) values.push(String(v));
    }
    for (const a of values) {
      for (const b of values.slice(0, 40)) expect(Math.sign(compareIntText(a, b))).toBe(numericOrder(a, b));
    }
  });
});

describe("SetObject", () => {
  test("random operations against the model", () => {
    for (const seed of [1, 2, 3, 4, 5]) {
      const r = prng(seed);
      const set = new SetObject();
      const model = new Model();
      for (let step = 0; step < 3000; step++) {
        const x = r();
        const m = memberPool(r);
        if (x < 0.45) expect(set.add(m)).toBe(model.add(m));
        else if (x < 0.8) expect(set.remove(m)).toBe(model.remove(m));
        else if (x < 0.9) expect(set.has(m)).toBe(model.members.has(m));
        else if (set.size > 0) expect(model.members.has(set.randomMember())).toBe(true);
        check(set, model);
      }
    }
  });

  test("an integer set turns into a hashtable at 513 members or a non-integer, and never back", () => {
    const set = new SetObject();
    for (let i = SET_MAX_INTSET_ENTRIES; i >= 1; i--) set.add(String(i));
    expect(set.encoding()).toBe("intset");
    expect(set.toArray().slice(0, 3)).toEqual(["1", "2", "3"]);
    set.add("0");
    expect(set.encoding()).toBe("hashtable");
    set.remove("0");
    set.remove("1");
    expect(set.encoding()).toBe("hashtable");

    const mixed = new SetObject();
    mixed.add("5");
    mixed.add("x");
    mixed.remove("x");
    expect(mixed.encoding()).toBe("hashtable");
    mixed.reencode();
    expect(mixed.encoding()).toBe("intset");
    mixed.add("y");
    mixed.reencode();
    expect(mixed.encoding()).toBe("hashtable");
  });

  test("bytes return to the base when emptied", () => {
    const set = new SetObject();
    expect(set.bytes).toBe(SET_BASE_BYTES);
    const r = prng(99);
    const added: string[] = [];
    for (let i = 0; i < 2000; i++) {
      const m = memberPool(r) + i;
      set.add(m);
      added.push(m);
    }
    expect(set.bytes).toBeGreaterThan(SET_BASE_BYTES + 2000 * SET_MEMBER_OVERHEAD_BYTES);
    for (const m of added) set.remove(m);
    expect(set.size).toBe(0);
    expect(set.bytes).toBe(SET_BASE_BYTES);
  });

  test("a clone is independent", () => {
    const set = new SetObject();
    for (const m of ["3", "1", "2"]) set.add(m);
    const copy = set.clone();
    expect(copy.toArray()).toEqual(["1", "2", "3"]);
    copy.add("x");
    copy.remove("1");
    set.add("0");
    expect(set.toArray()).toEqual(["0", "1", "2", "3"]);
    expect(set.encoding()).toBe("intset");
    expect(copy.encoding()).toBe("hashtable");
    expect([...copy.toArray()].sort()).toEqual(["2", "3", "x"]);
    expect(copy.bytes).toBe(SET_BASE_BYTES + 3 * SET_MEMBER_OVERHEAD_BYTES + 3);
    expect(set.bytes).toBe(SET_BASE_BYTES + 4 * SET_MEMBER_OVERHEAD_BYTES + 4);
  });

  test("an intset is scanned whole in one step, in order", () => {
    const set = new SetObject();
    for (const m of ["10", "-3", "7"]) set.add(m);
    const out: string[] = [];
    expect(set.scan(0, 1, out)).toBe(0);
    expect(out).toEqual(["-3", "7", "10"]);
  });

  test("scan returns every member present for the whole scan, under concurrent changes", () => {
    for (const seed of [21, 22, 23, 24]) {
      const r = prng(seed);
      const set = new SetObject();
      for (let i = 0; i < 400; i++) set.add(`m${i}`);
      const initial = set.toArray();
      const removed = new Set<string>();
      const seen = new Set<string>();
      const out: string[] = [];
      let cursor = 0;
      let steps = 0;
      let next = 1000;
      do {
        out.length = 0;
        cursor = set.scan(cursor, 1 + Math.floor(r() * 20), out);
        for (const m of out) seen.add(m);
        for (let k = 0; k < 8; k++) {
          if (r() < 0.5) set.add(`n${next++}`);
          else {
            const victim = set.randomMember();
            set.remove(victim);
            removed.add(victim);
          }
        }
        steps++;
        expect(steps).toBeLessThan(10_000);
      } while (cursor !== 0);
      for (const m of initial) if (!removed.has(m)) expect(seen.has(m)).toBe(true);
    }
  });

  test("a cursor beyond the end resumes at the end", () => {
    const set = new SetObject();
    for (let i = 0; i < 30; i++) set.add(`m${i}`);
    const out: string[] = [];
    expect(set.scan(1_000_000, 100, out)).toBe(0);
    expect(out.length).toBe(30);
  });
});

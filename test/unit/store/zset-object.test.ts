// ZSetObject against a plain reference model (a Map sorted on demand): seeded random
// operations, every query compared, the skiplist's order, ranks and links checked, bytes
// back to the base when emptied, clones independent, ZSCAN's guarantee under churn.

import { describe, expect, test } from "bun:test";
import { ZLexBound, type ZLexRange, type ZScoreRange, ZSetNode, ZSetObject } from "../../../src/store/index.ts";

/** mulberry32: a small seeded PRNG. */
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

type Entry = [string, number];

function byScoreThenMember(a: Entry, b: Entry): number {
  if (a[1] !== b[1]) return a[1] < b[1] ? -1 : 1;
  return a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0;
}

function sorted(model: Map<string, number>): Entry[] {
  return [...model.entries()].sort(byScoreThenMember);
}

function inScore(s: number, r: ZScoreRange): boolean {
  return (r.minEx ? s > r.min : s >= r.min) && (r.maxEx ? s < r.max : s <= r.max);
}

function lexCmp(kind: number, v: string, m: string): number {
  if (kind === ZLexBound.Min) return -1;
  if (kind === ZLexBound.Max) return 1;
  return v < m ? -1 : v > m ? 1 : 0;
}

function inLex(m: string, r: ZLexRange): boolean {
  const lo = lexCmp(r.minKind, r.min, m); // bound vs member
  const hi = lexCmp(r.maxKind, r.max, m);
  return (r.minEx ? lo < 0 : lo <= 0) && (r.maxEx ? hi > 0 : hi >= 0);
}

/** Everything the structure answers, checked against the model. */
function check(z: ZSetObject, model: Map<string, number>): void {
  const want = sorted(model);
  expect(z.size).toBe(want.length);
  expect(z.toArray()).toEqual(want.map((e) => e[0]));
  // Links both ways, scores, ranks, element by rank.
  let x = z.first();
  let prev: ZSetNode | null = null;
  for (let i = 0; i < want.length; i++) {
    expect(x).not.toBeNull();
    expect(x!.member).toBe(want[i][0]);
    expect(Object.is(x!.score, want[i][1]) || x!.score === want[i][1]).toBe(true);
    expect(z.prev(x!)).toBe(prev);
    expect(z.nodeAt(i)).toBe(x);
    expect(z.rank(want[i][0], false)).toBe(i);
    expect(z.rank(want[i][0], true)).toBe(want.length - 1 - i);
    expect(z.score(want[i][0])).toBe(want[i][1]);
    prev = x;
    x = z.next(x!);
  }
  expect(x).toBeNull();
  expect(z.last()).toBe(prev);
  expect(z.nodeAt(want.length)).toBeNull();
  expect(z.nodeAt(-1)).toBeNull();
}

const MEMBERS = ["", "a", "aa", "ab", "b", "\x00", "\x00\x01", "\xff", "\xfe\xff", "z", "zz", "m\x80", "m\x7f"];

function randomMember(rnd: () => number): string {
  if (rnd() < 0.3) return MEMBERS[Math.floor(rnd() * MEMBERS.length)];
  const n = Math.floor(rnd() * 4);
  let s = "";
  for (let i = 0; i < n; i++) s += String.fromCharCode(rnd() < 0.5 ? 97 + Math.floor(rnd() * 4) : Math.floor(rnd() * 256));
  return s + Math.floor(rnd() * 200);
}

function randomScore(rnd: () => number): number {
  const r = rnd();
  if (r < 0.05) return rnd() < 0.5 ? Infinity : -Infinity;
  if (r < 0.4) return Math.floor(rnd() * 5); // many ties: order by member
  return Math.round((rnd() * 200 - 100) * 8) / 8;
}

function randomScoreRange(rnd: () => number): ZScoreRange {
  const a = randomScore(rnd);
  const b = randomScore(rnd);
  return { min: Math.min(a, b) - (rnd() < 0.1 ? 5 : 0), max: rnd() < 0.1 ? Math.min(a, b) : Math.max(a, b), minEx: rnd() < 0.4, maxEx: rnd() < 0.4 };
}

function randomLexRange(rnd: () => number): ZLexRange {
  const kind = (): number => {
    const r = rnd();
    return r < 0.15 ? ZLexBound.Min : r < 0.3 ? ZLexBound.Max : ZLexBound.Value;
  };
  const minKind = kind();
  const maxKind = kind();
  let min = randomMember(rnd);
  let max = randomMember(rnd);
  if (rnd() < 0.7 && min > max) [min, max] = [max, min];
  return { minKind, min, minEx: rnd() < 0.4, maxKind, max, maxEx: rnd() < 0.4 };
}

describe("ZSetObject", () => {
  test("random operations against a reference model", () => {
    for (const seed of [1, 2, 3]) {
      const rnd = prng(seed);
      const z = new ZSetObject();
      const model = new Map<string, number>();
      const base = z.bytes;
      for (let step = 0; step < 4000; step++) {
        const op = rnd();
        if (op < 0.4) {
          const m = randomMember(rnd);
          const s = randomScore(rnd);
          const isNew = !model.has(m);
          expect(z.set(m, s)).toBe(isNew);
          model.set(m, s);
        } else if (op < 0.55) {
          const m = rnd() < 0.7 && model.size > 0 ? [...model.keys()][Math.floor(rnd() * model.size)] : randomMember(rnd);
          expect(z.remove(m)).toBe(model.delete(m));
        } else if (op < 0.6) {
          const max = rnd() < 0.5;
          const want = sorted(model);
          const popped = z.pop(max);
          if (want.length === 0) expect(popped).toBeNull();
          else {
            const e = max ? want[want.length - 1] : want[0];
            expect(popped!.member).toBe(e[0]);
            expect(popped!.score).toBe(e[1]);
            model.delete(e[0]);
          }
        } else if (op < 0.65) {
          const r = randomScoreRange(rnd);
          const want = sorted(model).filter((e) => inScore(e[1], r));
          expect(z.countInScore(r)).toBe(want.length);
          expect(z.firstInScore(r)?.member).toBe(want[0]?.[0]);
          expect(z.lastInScore(r)?.member).toBe(want[want.length - 1]?.[0]);
          if (rnd() < 0.3) {
            expect(z.removeRangeByScore(r)).toBe(want.length);
            for (const e of want) model.delete(e[0]);
          }
        } else if (op < 0.7) {
          // Lex ranges are meaningful when all scores are equal; the walk is defined anyway.
          const r = randomLexRange(rnd);
          const all = sorted(model);
          if (all.every((e) => e[1] === all[0][1])) {
            const want = all.filter((e) => inLex(e[0], r));
            expect(z.countInLex(r)).toBe(want.length);
            expect(z.firstInLex(r)?.member).toBe(want[0]?.[0]);
            expect(z.lastInLex(r)?.member).toBe(want[want.length - 1]?.[0]);
            if (rnd() < 0.3) {
              expect(z.removeRangeByLex(r)).toBe(want.length);
              for (const e of want) model.delete(e[0]);
            }
          }
        } else if (op < 0.73) {
          const all = sorted(model);
          const a = Math.floor(rnd() * (all.length + 2));
          const b = a + Math.floor(rnd() * 5);
          const end = Math.min(b, all.length - 1);
          if (a <= end) {
            expect(z.removeRangeByRank(a, end)).toBe(end - a + 1);
            for (const e of all.slice(a, end + 1)) model.delete(e[0]);
          }
        } else if (op < 0.75) {
          // Same-score world for the lex checks above: flatten every score.
          for (const m of [...model.keys()]) {
            z.set(m, 7);
            model.set(m, 7);
          }
        }
        if (step % 50 === 0) check(z, model);
        if (z.size === 0) expect(z.bytes).toBe(base);
      }
      check(z, model);
      for (const m of [...model.keys()]) z.remove(m);
      expect(z.size).toBe(0);
      expect(z.bytes).toBe(base);
      expect(z.first()).toBeNull();
      expect(z.last()).toBeNull();
    }
  });

  test("order is (score, member bytes), members compared as unsigned bytes", () => {
    const z = new ZSetObject();
    for (const m of ["b", "a", "\xff", "\x00", "ab", "", "\x80", "a\x00"]) z.set(m, 1);
    z.set("first", 0);
    z.set("last", 2);
    expect(z.toArray()).toEqual(["first", "", "\x00", "a", "a\x00", "ab", "b", "\x80", "\xff", "last"]);
    // JS string order on latin1 strings is memcmp order (then length).
    const bytes = (s: string) => Buffer.from(s, "latin1");
    const ms = ["", "\x00", "a", "a\x00", "ab", "b", "\x80", "\xff", "\xff\x00"];
    for (const x of ms) for (const y of ms) expect(Math.sign(x < y ? -1 : x > y ? 1 : 0)).toBe(Math.sign(Buffer.compare(bytes(x), bytes(y))));
  });

  test("encoding: listpack up to 128 members of at most 64 bytes, then skiplist for good", () => {
    const z = new ZSetObject();
    for (let i = 0; i < 128; i++) z.set(`m${i}`, i);
    expect(z.encoding()).toBe("listpack");
    z.set("m129", 1);
    expect(z.encoding()).toBe("skiplist");
    for (let i = 0; i < 120; i++) z.remove(`m${i}`);
    expect(z.encoding()).toBe("skiplist");
    const w = new ZSetObject();
    w.set("x".repeat(64), 1);
    expect(w.encoding()).toBe("listpack");
    w.set("x".repeat(65), 1);
    expect(w.encoding()).toBe("skiplist");
  });

  test("-0: stored as 0 in the listpack form, kept in the skiplist form", () => {
    const lp = new ZSetObject();
    lp.set("a", -0);
    expect(Object.is(lp.score("a"), 0)).toBe(true);
    const sl = new ZSetObject(true);
    sl.set("a", -0);
    expect(Object.is(sl.score("a"), -0)).toBe(true);
    sl.shrinkToListpackIfSmall();
    expect(sl.encoding()).toBe("listpack");
    expect(Object.is(sl.score("a"), 0)).toBe(true);
    const big = new ZSetObject(true);
    big.set("y".repeat(65), -0);
    big.shrinkToListpackIfSmall();
    expect(big.encoding()).toBe("skiplist");
  });

  test("lex ranges over mixed scores: the listpack form scans in order, as Redis's listpack does", () => {
    const rnd = prng(11);
    const boundCmp = (ak: number, a: string, bk: number, b: string): number =>
      ak === bk && ak !== ZLexBound.Value ? 0 : ak === ZLexBound.Min || bk === ZLexBound.Max ? -1 : ak === ZLexBound.Max || bk === ZLexBound.Min ? 1 : a < b ? -1 : a > b ? 1 : 0;
    for (let round = 0; round < 300; round++) {
      const z = new ZSetObject();
      const model = new Map<string, number>();
      const n = Math.floor(rnd() * 12);
      for (let i = 0; i < n; i++) {
        const m = randomMember(rnd).slice(0, 10);
        const s = Math.floor(rnd() * 4);
        z.set(m, s);
        model.set(m, s);
      }
      expect(z.encoding()).toBe("listpack");
      const all = sorted(model).map((e) => e[0]);
      const r = randomLexRange(rnd);
      const gteMin = (m: string) => (r.minEx ? lexCmp(r.minKind, r.min, m) < 0 : lexCmp(r.minKind, r.min, m) <= 0);
      const lteMax = (m: string) => (r.maxEx ? lexCmp(r.maxKind, r.max, m) > 0 : lexCmp(r.maxKind, r.max, m) >= 0);
      // zzlIsInLexRange, then zzlFirstInLexRange / zzlLastInLexRange, then walks while inside.
      const k = boundCmp(r.minKind, r.min, r.maxKind, r.max);
      const overlaps = !(k > 0 || (k === 0 && (r.minEx || r.maxEx))) && all.length > 0 && gteMin(all[all.length - 1]) && lteMax(all[0]);
      let first: string | undefined;
      let last: string | undefined;
      let count = 0;
      if (overlaps) {
        const i = all.findIndex(gteMin);
        if (i >= 0 && lteMax(all[i])) {
          first = all[i];
          for (let j = i; j < all.length && lteMax(all[j]); j++) count++;
        }
        let j = all.length - 1;
        while (j >= 0 && !lteMax(all[j])) j--;
        if (j >= 0 && gteMin(all[j])) last = all[j];
      }
      expect(z.firstInLex(r)?.member).toBe(first);
      expect(z.lastInLex(r)?.member).toBe(last);
      expect(z.countInLex(r)).toBe(count);
      expect(z.removeRangeByLex(r)).toBe(count);
      expect(z.size).toBe(all.length - count);
    }
  });

  test("clone is deep and independent", () => {
    const z = new ZSetObject();
    for (let i = 0; i < 300; i++) z.set(`m${i}`, i % 17);
    const c = z.clone();
    expect(c.toArray()).toEqual(z.toArray());
    expect(c.bytes).toBe(z.bytes);
    expect(c.encoding()).toBe(z.encoding());
    c.set("m1", 1000);
    c.remove("m2");
    expect(z.score("m1")).toBe(1);
    expect(z.has("m2")).toBe(true);
    z.set("new", 5);
    expect(c.has("new")).toBe(false);
    const model = new Map<string, number>();
    for (const m of z.toArray()) model.set(m, z.score(m)!);
    check(z, model);
  });

  test("scan: the listpack form returns everything with cursor 0", () => {
    const z = new ZSetObject();
    for (let i = 0; i < 50; i++) z.set(`m${i}`, i);
    const out: ZSetNode[] = [];
    expect(z.scan(0, 10, out)).toBe(0);
    expect(out.map((x) => x.member)).toEqual(z.toArray());
  });

  test("scan: every member present for the whole iteration is returned, under churn", () => {
    const rnd = prng(42);
    for (let round = 0; round < 20; round++) {
      const z = new ZSetObject();
      for (let i = 0; i < 600; i++) z.set(`k${i}`, Math.floor(rnd() * 50));
      const stable = new Set<string>();
      for (let i = 0; i < 600; i += 3) stable.add(`k${i}`);
      const seen = new Set<string>();
      let cursor = 0;
      let calls = 0;
      let extra = 0;
      do {
        const out: ZSetNode[] = [];
        cursor = z.scan(cursor, 1 + Math.floor(rnd() * 30), out);
        for (const x of out) seen.add(x.member);
        // Churn: remove and add members that are not in the stable set, update stable scores.
        for (let j = 0; j < 40; j++) {
          const i = Math.floor(rnd() * 600);
          const m = `k${i}`;
          if (stable.has(m)) z.set(m, Math.floor(rnd() * 50));
          else if (rnd() < 0.6) z.remove(m);
          else z.set(rnd() < 0.5 ? m : `x${extra++}`, rnd());
        }
        calls++;
        expect(calls).toBeLessThan(10000);
      } while (cursor !== 0);
      for (const m of stable) expect(seen.has(m)).toBe(true);
    }
  });

  test("scan: a stale cursor after compaction restarts instead of skipping", () => {
    const z = new ZSetObject();
    for (let i = 0; i < 1000; i++) z.set(`k${i}`, i);
    const out: ZSetNode[] = [];
    const cursor = z.scan(0, 100, out);
    expect(cursor).not.toBe(0);
    for (let i = 0; i < 900; i++) z.remove(`k${i}`); // compacts
    const seen = new Set<string>();
    let c = cursor;
    do {
      const o: ZSetNode[] = [];
      c = z.scan(c, 10, o);
      for (const x of o) seen.add(x.member);
    } while (c !== 0);
    for (let i = 900; i < 1000; i++) expect(seen.has(`k${i}`)).toBe(true);
  });

  test("big sets: ranks and element by rank stay consistent", () => {
    const rnd = prng(7);
    const z = new ZSetObject();
    const model = new Map<string, number>();
    for (let i = 0; i < 5000; i++) {
      const m = `m${Math.floor(rnd() * 4000)}`;
      const s = Math.floor(rnd() * 1000);
      z.set(m, s);
      model.set(m, s);
    }
    for (let i = 0; i < 1500; i++) {
      const m = `m${Math.floor(rnd() * 4000)}`;
      z.remove(m);
      model.delete(m);
    }
    check(z, model);
  });
});

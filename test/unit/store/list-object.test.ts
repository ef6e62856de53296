// ListObject against a plain array as the reference model: seeded random operations, with
// the contents, size and byte estimate checked after each one.
import { describe, expect, test } from "bun:test";
import { LIST_BASE_BYTES, LIST_ELEMENT_OVERHEAD_BYTES, ListObject } from "../../../src/store/index.ts";

/** mulberry32: a small seeded PRNG, so a failing run can be replayed. */
function prng(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function expectedBytes(model: string[]): number {
  return model.reduce((n, s) => n + s.length + LIST_ELEMENT_OVERHEAD_BYTES, LIST_BASE_BYTES);
}

function check(list: ListObject, model: string[]): void {
  expect(list.size).toBe(model.length);
  expect(list.toArray()).toEqual(model);
  expect(list.bytes).toBe(expectedBytes(model));
  for (let i = 0; i < model.length; i++) if (list.at(i) !== model[i]) expect({ i, v: list.at(i) }).toEqual({ i, v: model[i] });
}

/** Capacity of the ring, read through the private field (growth and shrinking are the point). */
function capacity(list: ListObject): number {
  return (list as unknown as { slots: string[] }).slots.length;
}

/** The model's LREM: remove up to limit (0: all) elements equal to s, from the head or tail. */
function modelRemoveEqual(model: string[], s: string, limit: number, fromBack: boolean): number {
  let removed = 0;
  const order = [...model.keys()];
  if (fromBack) order.reverse();
  const drop = new Set<number>();
  for (const i of order) {
    if (model[i] === s && (limit === 0 || removed < limit)) {
      drop.add(i);
      removed++;
    }
  }
  const kept = model.filter((_, i) => !drop.has(i));
  model.length = 0;
  model.push(...kept);
  return removed;
}

describe("ListObject", () => {
  test("an empty list", () => {
    const list = new ListObject();
    expect(list.size).toBe(0);
    expect(list.bytes).toBe(LIST_BASE_BYTES);
    expect(list.popFront()).toBeUndefined();
    expect(list.popBack()).toBeUndefined();
    expect(list.toArray()).toEqual([]);
    expect(list.indexOf("x")).toBe(-1);
    expect(list.removeEqual("x", 0, false)).toBe(0);
    expect(list.encoding()).toBe("quicklist");
    expect(list.bytes).toBe(LIST_BASE_BYTES);
  });

  test("pushes and pops at both ends wrap around the ring", () => {
    const list = new ListObject();
    const model: string[] = [];
    // Alternate ends so the head walks all the way round several times.
    for (let i = 0; i < 50; i++) {
      list.pushFront(`f${i}`);
      model.unshift(`f${i}`);
      list.pushBack(`b${i}`);
      model.push(`b${i}`);
      expect(list.popBack()).toBe(model.pop() as string);
      check(list, model);
    }
    while (model.length > 0) {
      expect(list.popFront()).toBe(model.shift() as string);
      check(list, model);
    }
    expect(list.bytes).toBe(LIST_BASE_BYTES);
  });

  test("grows as needed and shrinks back when drained", () => {
    const list = new ListObject();
    for (let i = 0; i < 10_000; i++) list.pushBack(String(i));
    expect(capacity(list)).toBeGreaterThanOrEqual(10_000);
    expect(list.at(9_999)).toBe("9999");
    list.dropFront(9_990);
    expect(list.toArray()).toEqual(["9990", "9991", "9992", "9993", "9994", "9995", "9996", "9997", "9998", "9999"]);
    expect(capacity(list)).toBeLessThanOrEqual(64);
    list.dropBack(10);
    expect(list.size).toBe(0);
    expect(list.bytes).toBe(LIST_BASE_BYTES);
    expect(capacity(list)).toBe(8);
  });

  test("binary elements are held as they are", () => {
    const list = new ListObject();
    const bin = "\x00\xff\r\n\x80";
    list.pushBack(bin);
    list.pushFront("");
    expect(list.toArray()).toEqual(["", bin]);
    expect(list.bytes).toBe(LIST_BASE_BYTES + 2 * LIST_ELEMENT_OVERHEAD_BYTES + bin.length);
    expect(list.indexOf(bin)).toBe(1);
  });

  test("a clone is deep and independent", () => {
    const list = new ListObject();
    for (let i = 0; i < 20; i++) list.pushFront(`v${i}`);
    const copy = list.clone();
    expect(copy.toArray()).toEqual(list.toArray());
    expect(copy.bytes).toBe(list.bytes);
    copy.set(0, "changed");
    copy.popBack();
    copy.pushBack("new");
    list.insertAt(3, "inserted");
    expect(list.at(0)).toBe("v19");
    expect(list.size).toBe(21);
    expect(copy.size).toBe(20);
    expect(copy.at(0)).toBe("changed");
    expect(copy.indexOf("inserted")).toBe(-1);
    expect(list.indexOf("new")).toBe(-1);
    expect(copy.bytes).toBe(expectedBytes(copy.toArray()));
    expect(list.bytes).toBe(expectedBytes(list.toArray()));
  });

  for (const seed of [11, 22, 33, 44]) {
    test(`random operations against an array model (seed ${seed})`, () => {
      const rnd = prng(seed);
      const int = (lo: number, hi: number) => lo + Math.floor(rnd() * (hi - lo + 1));
      const values = ["a", "b", "c", "", "\x00\xff", "long".repeat(10)];
      const pick = () => values[int(0, values.length - 1)];
      let list = new ListObject();
      const model: string[] = [];
      for (let step = 0; step < 3000; step++) {
        // Bias towards growth early and towards shrinking late, so sizes cross the ring's capacities both ways.
        const growBias = step < 1500 ? 0.6 : 0.35;
        const op = rnd() < growBias ? int(0, 3) : int(4, 13);
        const n = model.length;
        switch (op) {
          case 0: { const v = pick(); list.pushFront(v); model.unshift(v); break; }
          case 1: { const v = pick(); list.pushBack(v); model.push(v); break; }
          case 2: { const i = int(0, n); const v = pick(); list.insertAt(i, v); model.splice(i, 0, v); break; }
          case 3: for (let k = int(1, 20); k > 0; k--) { const v = pick(); list.pushBack(v); model.push(v); } break;
          case 4: expect(list.popFront()).toBe(model.shift() as string); break;
          case 5: expect(list.popBack()).toBe(model.pop() as string); break;
          case 6: if (n > 0) { const i = int(0, n - 1); expect(list.removeAt(i)).toBe(model.splice(i, 1)[0]); } break;
          case 7: if (n > 0) { const i = int(0, n - 1); const v = pick(); list.set(i, v); model[i] = v; } break;
          case 8: { const k = int(0, n); list.dropFront(k); model.splice(0, k); break; }
          case 9: { const k = int(0, Math.min(n, 5)); list.dropBack(k); model.splice(n - k, k); break; }
          case 10: {
            const v = pick();
            const limit = int(0, 3);
            const fromBack = rnd() < 0.5;
            expect(list.removeEqual(v, limit, fromBack)).toBe(modelRemoveEqual(model, v, limit, fromBack));
            break;
          }
          case 11: { const v = pick(); const from = int(0, n); expect(list.indexOf(v, from)).toBe(model.indexOf(v, from)); break; }
          case 12: {
            // Swap in a clone now and then: it must carry on exactly as the original would.
            const copy = list.clone();
            list.pushBack("only-in-the-old-one");
            list = copy;
            break;
          }
          default: if (n > 0) { const i = int(0, n - 1); expect(list.at(i)).toBe(model[i]); }
        }
        expect(list.size).toBe(model.length);
        expect(list.bytes).toBe(expectedBytes(model));
        if (step % 50 === 0) check(list, model);
      }
      check(list, model);
      list.dropBack(list.size);
      expect(list.bytes).toBe(LIST_BASE_BYTES);
      expect(capacity(list)).toBe(8);
    });
  }
});

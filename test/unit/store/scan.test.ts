import { describe, expect, test } from "bun:test";
import { SetStatus } from "../../../src/store/index.ts";
import { b, checkInvariants, makeStore, prng, scanAll, set } from "./helpers.ts";

const str = (buf: Uint8Array, off: number, len: number) => Buffer.from(buf.subarray(off, off + len)).toString("latin1");

describe("scan", () => {
  for (const eviction of ["noeviction", "fifo"] as const) {
    test(`every key present for the whole iteration is returned (concurrent writes, moves; ${eviction})`, () => {
      // noeviction: heavy overwrites force compaction, which moves the stable keys while the
      // cursor is mid-table. fifo: evictions remove other keys. Overflow chains are long
      // (small table) and grow and shrink between steps.
      const { store } = makeStore({ heapSizeBytes: 40 * 4096, segmentSizeBytes: 4096, hashtablePower: 8, eviction });
      const stable = new Set<string>();
      for (let i = 0; i < 300; i++) {
        set(store, 0, b(`stable:${i}`), b(`v${i}`));
        stable.add(`stable:${i}`);
      }
      const r = prng(eviction.length + 11);
      let churn = 0;
      for (let iteration = 0; iteration < 5; iteration++) {
        const seen = new Set<string>();
        /** Stable keys that were missing (evicted) at some point during this iteration. */
        const interrupted = new Set<string>();
        const checkPresence = () => {
          for (const k of stable) {
            const kb = b(k);
            if (!store.peek(0, kb, 0, kb.length)) interrupted.add(k);
          }
        };
        checkPresence();
        let cursor = 0;
        let steps = 0;
        do {
          cursor = store.scan(0, cursor, 5, (buf, off, len) => seen.add(str(buf, off, len)));
          steps++;
          // Between steps: inserts, deletes, overwrites of the stable keys (which move them).
          for (let j = 0; j < 20; j++) {
            const k = b(`churn:${Math.floor(r() * (eviction === "fifo" ? 3000 : 1200))}`);
            if (r() < 0.6) set(store, 0, k, new Uint8Array(Math.floor(r() * 120)));
            else store.delete(0, k, 0, k.length);
            churn++;
          }
          // Only our own set can bring an evicted stable key back: look before writing it.
          checkPresence();
          const s = b(`stable:${Math.floor(r() * 300)}`);
          const st = set(store, 0, s, b(`v-moved-${steps}`));
          if (eviction === "noeviction") expect(st).toBe(SetStatus.Stored);
        } while (cursor !== 0);
        if (eviction === "noeviction") {
          for (const k of stable) expect(seen.has(k)).toBe(true);
        } else {
          // Under fifo stable keys may be evicted; those present all the time were seen.
          let continuous = 0;
          for (const k of stable) {
            if (interrupted.has(k)) continue;
            continuous++;
            expect(seen.has(k)).toBe(true);
          }
          expect(continuous).toBeGreaterThan(0);
        }
        expect(steps).toBeGreaterThan(5);
      }
      expect(store.stats().compactedSegments + store.stats().evictedSegments).toBeGreaterThan(0);
      expect(churn).toBeGreaterThan(0);
      checkInvariants(store);
    });
  }

  test("cursor protocol: 0 ends, empty db, other databases not visited, expired skipped", () => {
    const { store, clock } = makeStore({ hashtablePower: 8 });
    expect(store.scan(0, 0, 10, () => {})).toBe(0);
    for (let i = 0; i < 50; i++) set(store, 0, b(`a${i}`), b("x"));
    for (let i = 0; i < 50; i++) set(store, 1, b(`b${i}`), b("x"), i < 20 ? clock() + 10 : 0);
    clock.advance(11);
    expect(scanAll(store, 0, 3).length).toBe(50);
    const one = scanAll(store, 1, 1000);
    expect(one.length).toBe(30);
    // One call with a big count covers the table.
    expect(store.scan(0, 0, 1_000_000, () => {})).toBe(0);
  });

  test("randomKey picks live keys of the right database", () => {
    const { store, clock } = makeStore({ hashtablePower: 12 });
    expect(store.randomKey(0, () => {})).toBe(false);
    for (let i = 0; i < 20; i++) set(store, 2, b(`k${i}`), b("x"));
    set(store, 3, b("gone"), b("x"), clock() + 5);
    const seen = new Set<string>();
    for (let i = 0; i < 400; i++) {
      expect(store.randomKey(2, (buf, off, len) => seen.add(str(buf, off, len)))).toBe(true);
    }
    expect(seen.size).toBe(20);
    clock.advance(6);
    expect(store.randomKey(3, () => {})).toBe(false);
    expect(store.randomKey(0, () => {})).toBe(false);
  });
});

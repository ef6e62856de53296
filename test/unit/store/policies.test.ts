import { describe, expect, test } from "bun:test";
import type { EvictionPolicy } from "../../../src/store/index.ts";
import { b, checkInvariants, makeStore, prng, set } from "./helpers.ts";

/** Hit ratio of a hot set under a stream of one-time cold keys. */
function hotHitRatio(eviction: EvictionPolicy): number {
  const { store } = makeStore({ heapSizeBytes: 64 * 4096, segmentSizeBytes: 4096, eviction, hashtablePower: 12 });
  const r = prng(99);
  const v = new Uint8Array(100);
  let hits = 0;
  let lookups = 0;
  for (let i = 0; i < 60_000; i++) {
    if (r() < 0.5) {
      const k = b(`hot:${Math.floor(r() * 400)}`);
      lookups++;
      if (store.find(0, k, 0, k.length)) hits++;
      else set(store, 0, k, v);
    } else {
      set(store, 0, b(`cold:${i}`), v);
    }
  }
  checkInvariants(store);
  return hits / lookups;
}

describe("eviction policies", () => {
  test("s3fifo keeps a hot set under a scan better than fifo; random evicts too", () => {
    const fifo = hotHitRatio("fifo");
    const s3 = hotHitRatio("s3fifo");
    const random = hotHitRatio("random");
    expect(s3).toBeGreaterThan(fifo + 0.1);
    expect(random).toBeGreaterThan(0);
  });
});

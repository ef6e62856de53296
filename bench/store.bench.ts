// Store vs a Map<string, Uint8Array> baseline at one million keys (16-byte keys
// "key:000000000001", 32-byte values). Both sides start from key bytes in a Uint8Array, as
// a server's receive buffer hands them over: the baseline decodes them to a string, the
// store hashes the bytes. Also prints resident bytes per key for each after loading.
//
//   bun --expose-gc bench/store.bench.ts          (KEYS=200000 for a quicker run)

import { bench, group, run, summary, do_not_optimize } from "mitata";
import { Store } from "../src/store/index.ts";
import { hashKey } from "../src/store/hash.ts";

/** FNV-1a: the byte-at-a-time baseline the store's hashKey is measured against. */
function hashFnv1a(buf: Uint8Array, off: number, len: number, seed: number): number {
  let h = (0x811c9dc5 ^ Math.imul(seed, 0x9e3779b1)) | 0;
  for (let i = off, e = off + len; i < e; i++) h = Math.imul(h ^ buf[i], 16777619);
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  return h >>> 0;
}


const N = Number(process.env.KEYS ?? 1_000_000);
const KEY = 16;
const VALUE = 32;
const POWER = Number(process.env.HASHTABLE_POWER ?? 20);

const keys = new Uint8Array(N * KEY);
const misses = new Uint8Array(N * KEY);
{
  const enc = new TextEncoder();
  for (let i = 0; i < N; i++) {
    enc.encodeInto(`key:${String(i).padStart(12, "0")}`, keys.subarray(i * KEY, (i + 1) * KEY));
    enc.encodeInto(`mis:${String(i).padStart(12, "0")}`, misses.subarray(i * KEY, (i + 1) * KEY));
  }
}
const value = new Uint8Array(VALUE).fill(120);
// A random visiting order, so neither side gets sequential-access cache luck.
const ORDER = 1 << 20;
const order = new Int32Array(ORDER);
{
  let x = 0x9e3779b9;
  for (let i = 0; i < ORDER; i++) {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    order[i] = (x >>> 0) % N;
  }
}

function gc(): void {
  Bun.gc(true);
  Bun.gc(true);
}
function rss(): number {
  gc();
  return process.memoryUsage().rss;
}

// ---- load both, measuring resident growth ----
// Twice the live data: room for the log to absorb overwrites without constant compaction.
const heapBytes = Math.max(64 << 20, Math.ceil((N * 128) / (1 << 20)) * (1 << 20));
const rss0 = rss();
const store = new Store({
  heapSizeBytes: heapBytes,
  segmentSizeBytes: 1 << 20,
  hashtablePower: POWER,
  maxValueSizeBytes: 1 << 20,
  eviction: "noeviction",
  databases: 16,
});
for (let i = 0; i < N; i++) store.set(0, keys, i * KEY, KEY, value, 0, VALUE, 0, 0, 0);
const rss1 = rss();
const decoder = new TextDecoder();
const map = new Map<string, Uint8Array>();
const expires = new Map<string, number>();
for (let i = 0; i < N; i++) map.set(decoder.decode(keys.subarray(i * KEY, (i + 1) * KEY)), value.slice());
const rss2 = rss();
const st = store.stats();
console.log(`keys: ${N}, hashtable_power ${POWER}, heap ${heapBytes >> 20} MiB`);
console.log(
  `store: ${((rss1 - rss0) / N).toFixed(1)} bytes/key resident ` +
    `(items ${(st.usedBytes / N).toFixed(1)} B/key in ${st.usedBytes >> 20} MiB of segments, ` +
    `index ${(store.indexBytes() / N).toFixed(1)} B/key, ${st.hashtableOverflowBuckets} overflow buckets)`,
);
console.log(`Map<string, Uint8Array>: ${((rss2 - rss1) / N).toFixed(1)} bytes/key resident`);
if (st.items !== N) throw new Error(`store holds ${st.items} keys, expected ${N}`);

let i = 0;
const next = () => order[(i = (i + 1) & (ORDER - 1))] * KEY;

// First-touch SET: overwrites into never-used arena pages (page faults included), once.
{
  const M = Math.min(N, 200_000);
  let t = performance.now();
  for (let j = 0; j < M; j++) store.set(0, keys, order[j] * KEY, KEY, value, 0, VALUE, 0, 0, 0);
  const storeNs = ((performance.now() - t) * 1e6) / M;
  t = performance.now();
  for (let j = 0; j < M; j++) {
    const o = order[j] * KEY;
    map.set(decoder.decode(keys.subarray(o, o + KEY)), value.slice(0, VALUE));
  }
  const mapNs = ((performance.now() - t) * 1e6) / M;
  console.log(
    `SET overwrite, first touch of the arena (${M} ops, plain loop): store ${storeNs.toFixed(0)} ns/op, ` +
      `Map ${mapNs.toFixed(0)} ns/op, ${(mapNs / storeNs).toFixed(2)}x`,
  );
}

group("hash 16-byte key", () => {
  summary(() => {
    bench("hashKey (4 bytes/step)", () => do_not_optimize(hashKey(keys, next(), KEY, 0)));
    bench("FNV-1a", () => do_not_optimize(hashFnv1a(keys, next(), KEY, 0)));
  });
});

group("GET hit", () => {
  summary(() => {
    bench("Map (decode + get)", () => {
      const o = next();
      do_not_optimize(map.get(decoder.decode(keys.subarray(o, o + KEY))));
    }).baseline(true);
    bench("Store.find", () => {
      const o = next();
      do_not_optimize(store.find(0, keys, o, KEY) ? store.valueLength : -1);
    });
  });
});

group("GET miss", () => {
  summary(() => {
    bench("Map (decode + get)", () => {
      const o = next();
      do_not_optimize(map.get(decoder.decode(misses.subarray(o, o + KEY))));
    }).baseline(true);
    bench("Store.find", () => {
      do_not_optimize(store.find(0, misses, next(), KEY));
    });
  });
});

// SET overwrites in steady state: each side first overwrites every key once, in order,
// outside the timing. For the store that is where the lazily allocated arena takes its
// first-touch page faults (a one-time cost of a fresh heap; measured separately in the
// "first touch" line printed above).
group("SET overwrite", () => {
  summary(() => {
    bench("Map (decode + copy value + set)", function* () {
      for (let j = 0; j < N; j++) map.set(decoder.decode(keys.subarray(j * KEY, (j + 1) * KEY)), value.slice(0, VALUE));
      yield () => {
        const o = next();
        map.set(decoder.decode(keys.subarray(o, o + KEY)), value.slice(0, VALUE));
      };
    }).baseline(true);
    bench("Store.set", function* () {
      for (let j = 0; j < N; j++) store.set(0, keys, j * KEY, KEY, value, 0, VALUE, 0, 0, 0);
      yield () => {
        do_not_optimize(store.set(0, keys, next(), KEY, value, 0, VALUE, 0, 0, 0));
      };
    });
  });
});

// EXPIRE refreshes the TTL of keys that have one (the common "touch" pattern): each side
// first gives every key a TTL, outside the timing (SET above cleared the store's TTLs).
group("EXPIRE (refresh TTL)", () => {
  summary(() => {
    bench("Map (decode + has + expires.set)", function* () {
      const t = Date.now() + 3_600_000;
      for (let j = 0; j < N; j++) expires.set(decoder.decode(keys.subarray(j * KEY, (j + 1) * KEY)), t);
      yield () => {
        const o = next();
        const k = decoder.decode(keys.subarray(o, o + KEY));
        if (map.has(k)) expires.set(k, Date.now() + 3_600_000);
      };
    }).baseline(true);
    bench("Store.expire", function* () {
      const t = Date.now() + 3_600_000;
      for (let j = 0; j < N; j++) store.expire(0, keys, j * KEY, KEY, t);
      yield () => {
        do_not_optimize(store.expire(0, keys, next(), KEY, Date.now() + 3_600_000));
      };
    });
  });
});

await run(process.env.BENCH_FILTER ? { filter: new RegExp(process.env.BENCH_FILTER) } : {});
const end = store.stats();
console.log(
  `store after run: ${end.items} keys, ${end.segmentsTotal - end.segmentsFree}/${end.segmentsTotal} segments, ` +
    `compacted ${end.compactedSegments}, evicted ${end.evictedKeys}`,
);

// Randomized model test: long random operation sequences against a reference Map, with a
// small heap so segments are reused, compacted and evicted all the time.
//   evicting policies: a key may be missing (evicted) but never wrong, stale or expired;
//   noeviction: nothing is ever lost unless a write answered OutOfMemory.

import { describe, expect, test } from "bun:test";
import { SetMode, SetStatus, type EvictionPolicy, type Store } from "../../../src/store/index.ts";
import { CHUNK_BYTES_MAX, arenaChunkBytes, arenaLimits } from "../../../src/store/location.ts";
import { checkInvariants, makeStore, prng, scanAll } from "./helpers.ts";

interface Entry {
  value: Uint8Array;
  expiry: number;
  flags: number;
}

const DBS = 4;

class Model {
  dbs: Map<string, Entry>[] = [];
  constructor() {
    for (let i = 0; i < DBS; i++) this.dbs.push(new Map());
  }
}

const hex = (k: Uint8Array) => Buffer.from(k).toString("hex");
const unhex = (h: string) => new Uint8Array(Buffer.from(h, "hex"));

function run(
  seed: number,
  policy: EvictionPolicy,
  steps: number,
  arena: { chunkBytes?: number; memory?: boolean } = {},
): { oom: number; evicted: number; ops: Record<string, number> } {
  const r = prng(seed);
  if (arena.chunkBytes !== undefined) arenaLimits.chunkBytesMax = arena.chunkBytes;
  const heapSizeBytes = 24 * 4096;
  let made: ReturnType<typeof makeStore>;
  try {
    made = makeStore({
      heapSizeBytes,
      segmentSizeBytes: 4096,
      hashtablePower: 6,
      maxValueSizeBytes: 6000,
      eviction: policy,
      databases: DBS,
      memory: arena.memory ? arenaChunkBytes(heapSizeBytes, 4096).map((n) => new ArrayBuffer(n)) : undefined,
    });
  } finally {
    arenaLimits.chunkBytesMax = CHUNK_BYTES_MAX;
  }
  const { store, clock } = made;
  if (arena.chunkBytes !== undefined) expect(store.arena.chunkU8.length).toBeGreaterThan(1);
  const evicting = policy !== "noeviction";
  const model = new Model();
  const keyPool: Uint8Array[] = [];
  for (let i = 0; i < 600; i++) {
    const len = r() < 0.1 ? Math.floor(r() * 200) : 1 + Math.floor(r() * 24);
    const k = new Uint8Array(len);
    for (let j = 0; j < len; j++) k[j] = r() < 0.5 ? 97 + Math.floor(r() * 4) : Math.floor(r() * 256);
    keyPool.push(k);
  }
  const pick = () => keyPool[Math.floor(r() * keyPool.length)];
  const randValue = () => {
    const roll = r();
    const len = roll < 0.03 ? 1100 + Math.floor(r() * 4000) : roll < 0.1 ? 0 : Math.floor(r() * 300);
    const v = new Uint8Array(len);
    for (let j = 0; j < len; j++) v[j] = Math.floor(r() * 256);
    return v;
  };
  const randExpiry = () => (r() < 0.5 ? 0 : clock() + (r() < 0.05 ? 0 : 1 + Math.floor(r() * 8000)));
  const ops: Record<string, number> = {};
  let oom = 0;

  /** The model's live entry, dropping it when expired. */
  const live = (db: number, k: Uint8Array): Entry | undefined => {
    const e = model.dbs[db].get(hex(k));
    if (e === undefined) return undefined;
    if (e.expiry !== 0 && clock() > e.expiry) {
      model.dbs[db].delete(hex(k));
      return undefined;
    }
    return e;
  };

  const checkGet = (db: number, k: Uint8Array, peek: boolean, ctx: string) => {
    const e = live(db, k);
    const hit = peek ? store.peek(db, k, 0, k.length) : store.find(db, k, 0, k.length);
    if (!hit) {
      if (e !== undefined) {
        if (!evicting) throw new Error(`${ctx}: key ${hex(k)} lost (db ${db})`);
        model.dbs[db].delete(hex(k)); // evicted
      }
      return;
    }
    if (e === undefined) throw new Error(`${ctx}: key ${hex(k)} found but the model has none (db ${db})`);
    const v = store.buf.subarray(store.valueOffset, store.valueOffset + store.valueLength);
    if (Buffer.compare(Buffer.from(v), Buffer.from(e.value)) !== 0) throw new Error(`${ctx}: wrong value for ${hex(k)}`);
    if (store.itemExpiryMs !== e.expiry) throw new Error(`${ctx}: expiry ${store.itemExpiryMs} != ${e.expiry} for ${hex(k)}`);
    if (store.itemFlags !== e.flags) throw new Error(`${ctx}: flags ${store.itemFlags} != ${e.flags}`);
    if (store.itemExpiryMs !== 0 && clock() > store.itemExpiryMs) throw new Error(`${ctx}: expired item returned`);
  };

  const verifyAll = (ctx: string) => {
    for (let db = 0; db < DBS; db++) {
      for (const h of [...model.dbs[db].keys()]) checkGet(db, unhex(h), true, ctx);
      const scanned = scanAll(store, db, 7).sort();
      const liveKeys = [...model.dbs[db].keys()].filter((h) => live(db, unhex(h)) !== undefined).sort();
      if (!evicting) {
        expect(scanned).toEqual(liveKeys);
        // DBSIZE counts expired keys not yet reclaimed (as Redis does); the model forgets them.
        expect(store.dbSize(db)).toBeGreaterThanOrEqual(liveKeys.length);
        expect(store.expiresCount(db)).toBeGreaterThanOrEqual(liveKeys.filter((h) => model.dbs[db].get(h)!.expiry !== 0).length);
      } else {
        // Everything the store holds is in the model (and equal: checked above).
        for (const h of scanned) if (!model.dbs[db].has(h)) throw new Error(`${ctx}: scan returned unknown key`);
        expect(new Set(scanned).size).toBe(scanned.length);
      }
    }
    checkInvariants(store);
  };

  for (let step = 0; step < steps; step++) {
    const db = Math.floor(r() * DBS);
    const roll = r();
    const ctx = `seed ${seed} ${policy} step ${step}`;
    let op: string;
    if (roll < 0.3) {
      op = "set";
      const k = pick();
      const v = randValue();
      let expiry = randExpiry();
      const flags = r() < 0.3 ? Math.floor(r() * 0xffffffff) : 0;
      const m = r();
      const mode = m < 0.1 ? SetMode.NX : m < 0.2 ? SetMode.XX : m < 0.3 ? SetMode.KEEPTTL : m < 0.35 ? SetMode.KEEPFLAGS : 0;
      const before = live(db, k);
      const st = store.set(db, k, 0, k.length, v, 0, v.length, expiry, flags, mode);
      if (st === SetStatus.OutOfMemory) {
        expect(evicting).toBe(false);
        oom++;
        // The old value must be intact.
        checkGet(db, k, true, ctx + " after OOM");
      } else if (st === SetStatus.NotStored) {
        if (mode === SetMode.NX) {
          if (before === undefined) throw new Error(`${ctx}: NX refused but the model has no key`);
        } else if (before !== undefined && !evicting) {
          throw new Error(`${ctx}: XX refused but the key exists`);
        } else if (before !== undefined) {
          model.dbs[db].delete(hex(k)); // evicted
        }
      } else {
        expect(st).toBe(SetStatus.Stored);
        if (mode === SetMode.XX && before === undefined) throw new Error(`${ctx}: XX stored a missing key`);
        if (mode === SetMode.NX && before !== undefined && !evicting) throw new Error(`${ctx}: NX overwrote`);
        // With an evicting policy the key may have been evicted just before: KEEPTTL and
        // KEEPFLAGS then keep nothing. Find out what the store did.
        let f = flags;
        if (mode === SetMode.KEEPTTL && before !== undefined) expiry = before.expiry;
        if (mode === SetMode.KEEPFLAGS && before !== undefined) f = before.flags;
        if (evicting && before !== undefined && (mode === SetMode.KEEPTTL || mode === SetMode.KEEPFLAGS)) {
          if (store.peek(db, k, 0, k.length)) {
            expiry = store.itemExpiryMs;
            f = store.itemFlags;
          }
        }
        if (expiry !== 0 && clock() > expiry) model.dbs[db].delete(hex(k));
        else model.dbs[db].set(hex(k), { value: v, expiry, flags: f });
      }
    } else if (roll < 0.55) {
      op = "get";
      checkGet(db, pick(), r() < 0.2, ctx);
    } else if (roll < 0.62) {
      op = "delete";
      const k = pick();
      const e = live(db, k);
      const ok = store.delete(db, k, 0, k.length);
      if (ok && e === undefined) throw new Error(`${ctx}: deleted a key the model lacks`);
      if (!ok && e !== undefined && !evicting) throw new Error(`${ctx}: delete missed a key`);
      model.dbs[db].delete(hex(k));
    } else if (roll < 0.72) {
      op = "expire";
      const k = pick();
      const e = live(db, k);
      const exp = r() < 0.3 ? 0 : clock() + 1 + Math.floor(r() * (r() < 0.1 ? 5e9 : 8000));
      const ok = store.expire(db, k, 0, k.length, exp);
      if (ok && e === undefined) throw new Error(`${ctx}: expire on a key the model lacks`);
      if (!ok && e !== undefined && !evicting) {
        // Known limit: on a full noeviction heap an item that cannot move keeps its expiry
        // when the new one is beyond the compact encoding (> 2^32 ms after its segment opened).
        if (exp - clock() <= 0x7fffffff) throw new Error(`${ctx}: expire missed a key`);
        oom++;
        checkGet(db, k, true, ctx + " after expire OOM");
      } else if (ok && e !== undefined) e.expiry = exp;
      else model.dbs[db].delete(hex(k));
    } else if (roll < 0.77) {
      op = "rename";
      const src = pick();
      const dst = r() < 0.5 ? pick() : keyPool[(keyPool.indexOf(src) + 1) % keyPool.length];
      const nx = r() < 0.3;
      const es = live(db, src);
      const ed = live(db, dst);
      const ok = store.rename(db, src, 0, src.length, dst, 0, dst.length, nx);
      const same = hex(src) === hex(dst);
      if (ok) {
        if (es === undefined) throw new Error(`${ctx}: renamed a missing key`);
        if (!same) {
          model.dbs[db].delete(hex(src));
          model.dbs[db].set(hex(dst), es);
        }
      } else if (store.renameTargetExisted) {
        if (!nx) throw new Error(`${ctx}: target-existed without nx`);
        if (ed === undefined && !same) {
          if (!evicting) throw new Error(`${ctx}: target-existed but the model has no target`);
        }
      } else if (es !== undefined && !evicting) {
        // Only a longer key on a full noeviction heap may fail, leaving both keys as they were.
        if (dst.length <= src.length) throw new Error(`${ctx}: rename failed`);
        oom++;
        checkGet(db, src, true, ctx + " rename source after OOM");
        checkGet(db, dst, true, ctx + " rename target after OOM");
      } else {
        model.dbs[db].delete(hex(src));
      }
    } else if (roll < 0.81) {
      op = "copy";
      const src = pick();
      const dst = pick();
      const ddb = Math.floor(r() * DBS);
      const replace = r() < 0.5;
      const es = live(db, src);
      const ed = live(ddb, dst);
      const ok = store.copy(db, src, 0, src.length, ddb, dst, 0, dst.length, replace);
      const same = db === ddb && hex(src) === hex(dst);
      if (ok) {
        if (es === undefined || same) throw new Error(`${ctx}: copy of a missing key`);
        if (ed !== undefined && !replace && !evicting) throw new Error(`${ctx}: copy overwrote without replace`);
        model.dbs[ddb].set(hex(dst), { ...es });
      } else if (!same && es !== undefined && (ed === undefined || replace) && !evicting) {
        // Only a full noeviction heap may refuse (OOM); the target must be unchanged.
        oom++;
      }
    } else if (roll < 0.83) {
      op = "cas";
      const k = pick();
      if (store.peek(db, k, 0, k.length)) {
        const e = live(db, k);
        if (e === undefined) throw new Error(`${ctx}: peek found a key the model lacks`);
        const cas = store.itemCas;
        const v = randValue();
        store.casExpected = r() < 0.3 ? cas + 1 : cas;
        const st = store.set(db, k, 0, k.length, v, 0, v.length, 0, 5, SetMode.CAS);
        if (store.casExpected === cas) {
          if (st === SetStatus.Stored) model.dbs[db].set(hex(k), { value: v, expiry: 0, flags: 5 });
          else if (st !== SetStatus.OutOfMemory) throw new Error(`${ctx}: cas with the right value answered ${st}`);
        } else {
          expect(st).toBe(SetStatus.Exists);
        }
      } else {
        if (!evicting && live(db, k) !== undefined) throw new Error(`${ctx}: peek lost a key`);
        model.dbs[db].delete(hex(k));
        store.casExpected = 1;
        expect(store.set(db, k, 0, k.length, k, 0, 0, 0, 0, SetMode.CAS)).toBe(SetStatus.NotFound);
      }
    } else if (roll < 0.93) {
      op = "advance";
      clock.advance(Math.floor(r() * (r() < 0.1 ? 5000 : 300)));
      if (r() < 0.5) store.tick();
    } else if (roll < 0.931) {
      op = "flushdb";
      store.flushDb(db);
      model.dbs[db].clear();
    } else if (roll < 0.9312) {
      op = "flushall";
      store.flushAll();
      for (const m of model.dbs) m.clear();
    } else if (roll < 0.95) {
      op = "swapdb";
      const other = Math.floor(r() * DBS);
      store.swapDb(db, other);
      const t = model.dbs[db];
      model.dbs[db] = model.dbs[other];
      model.dbs[other] = t;
    } else if (roll < 0.96) {
      op = "randomkey";
      let got: string | null = null;
      const ok = store.randomKey(db, (buf, off, len) => {
        got = Buffer.from(buf.subarray(off, off + len)).toString("hex");
      });
      if (ok) {
        if (got === null || live(db, unhex(got)) === undefined) throw new Error(`${ctx}: randomKey returned a key the model lacks`);
      } else if (!evicting && [...model.dbs[db].keys()].some((h) => live(db, unhex(h)) !== undefined)) {
        throw new Error(`${ctx}: randomKey found nothing in a non-empty db`);
      }
    } else {
      op = "verify";
      if (step % 7 === 0) verifyAll(ctx);
    }
    ops[op] = (ops[op] ?? 0) + 1;
  }
  verifyAll(`seed ${seed} ${policy} end`);
  return { oom, evicted: store.stats().evictedKeys, ops };
}

describe("store model test, multi-chunk arena", () => {
  // Chunks of 3 segments (the production chunk is 1 GiB): segment -> chunk mapping,
  // cross-chunk moves, and views over caller memory at chunk offsets.
  for (const policy of ["noeviction", "fifo", "s3fifo"] as const) {
    test(`${policy}, allocated chunks`, () => {
      run(101 + policy.length, policy, 15000, { chunkBytes: 3 * 4096 });
    });
    test(`${policy}, chunks over caller memory`, () => {
      run(202 + policy.length, policy, 15000, { chunkBytes: 3 * 4096, memory: true });
    });
  }
});

describe("store model test", () => {
  for (const policy of ["noeviction", "fifo", "random", "s3fifo"] as const) {
    for (const seed of [1, 2, 3, 4]) {
      test(`${policy} seed ${seed}`, () => {
        const res = run(seed * 7919 + policy.length, policy, 30000);
        if (process.env.STORE_MODEL_VERBOSE) console.log(policy, seed, JSON.stringify(res));
        if (policy !== "noeviction") expect(res.evicted).toBeGreaterThan(0);
      });
    }
  }
});

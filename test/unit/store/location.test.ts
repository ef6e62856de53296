// Location arithmetic: the arena must address heaps of at least 256 GiB. Nothing that big
// can be allocated here, so the geometry and the slot encoding are checked as arithmetic,
// with the same formulas the store's lookup uses.

import { describe, expect, test } from "bun:test";
import {
  MAX_ADDRESSABLE_BYTES,
  arenaChunkBytes,
  arenaGeometry,
  arenaLimits,
  CHUNK_BYTES_MAX,
  locationHigh,
  locationLow,
  locationOffset,
  locationSegment,
  segmentChunk,
  segmentChunkOffset,
} from "../../../src/store/location.ts";
import { Store } from "../../../src/store/index.ts";
import { b, get, set } from "./helpers.ts";

const GiB = 2 ** 30;
const MiB = 2 ** 20;

/** Pack as a hashtable slot does (Int32Array words, 24-bit tag over the top location bits), then decode. */
function roundTrip(seg: number, off: number, shift: number, tag: number): [number, number] {
  const words = new Int32Array(2);
  words[0] = (tag << 8) | locationHigh(seg, off, shift);
  words[1] = locationLow(seg, off, shift);
  expect((words[0] >> 8) & 0xffffff).toBe(tag);
  return [locationSegment(words[0] & 0xff, words[1], shift), locationOffset(words[1], shift)];
}

describe("256 GiB location arithmetic", () => {
  test("geometry of a 256 GiB heap in 1 MiB segments", () => {
    const g = arenaGeometry(256 * GiB, MiB);
    expect(g.segments).toBe(262144);
    expect(g.segShift).toBe(17);
    expect(g.segmentsPerChunk).toBe(1024);
    expect(g.chunks).toBe(256);
    const last = g.segments - 1;
    expect(segmentChunk(g, last)).toBe(255);
    expect(segmentChunkOffset(g, last)).toBe(GiB - MiB);
    // Every byte of every chunk is inside one 1 GiB typed array.
    expect(segmentChunkOffset(g, last) + MiB).toBeLessThanOrEqual(GiB);
    expect(segmentChunk(g, last) * GiB + segmentChunkOffset(g, last) + MiB).toBe(256 * GiB);
  });

  test("slot encoding round-trips at the corners of a 256 GiB heap", () => {
    const g = arenaGeometry(256 * GiB, MiB);
    const shift = g.segShift;
    const lastOff = MiB - 8;
    for (const seg of [0, 1, 2 ** 15 - 1, 2 ** 15, 131071, 131072, 262142, 262143]) {
      for (const off of [0, 8, 4096, lastOff]) {
        for (const tag of [1, 0x7fffff, 0x800000, 0xffffff]) {
          expect(roundTrip(seg, off, shift, tag)).toEqual([seg, off]);
        }
      }
    }
    // The location of the last byte of the heap, as an absolute address.
    const [seg, off] = roundTrip(262143, lastOff, shift, 0xabcdef);
    expect(seg * MiB + off).toBe(256 * GiB - 8);
  });

  test("random round trips for every supported segment size up to 8 TiB", () => {
    let x = 12345;
    const rnd = (n: number) => {
      x = (Math.imul(x, 1103515245) + 12345) >>> 0;
      return Math.floor((x / 2 ** 32) * n);
    };
    for (let shiftSize = 12; shiftSize <= 30; shiftSize++) {
      const size = 2 ** shiftSize;
      const g = arenaGeometry(Math.min(MAX_ADDRESSABLE_BYTES, 8 * 1024 * GiB), size);
      for (let i = 0; i < 2000; i++) {
        const seg = rnd(g.segments);
        const off = rnd(size / 8) * 8;
        expect(roundTrip(seg, off, g.segShift, 1 + rnd(0xffffff))).toEqual([seg, off]);
      }
    }
  });

  test("non power-of-two segment sizes", () => {
    const g = arenaGeometry(300 * GiB, 3 * MiB);
    expect(g.segments).toBe(102400);
    expect(roundTrip(g.segments - 1, 3 * MiB - 8, g.segShift, 5)).toEqual([g.segments - 1, 3 * MiB - 8]);
    expect(segmentChunkOffset(g, g.segmentsPerChunk - 1) + 3 * MiB).toBeLessThanOrEqual(GiB);
  });

  test("beyond 8 TiB and bad segment sizes are rejected", () => {
    expect(MAX_ADDRESSABLE_BYTES).toBe(8 * 1024 * GiB);
    expect(() => arenaGeometry(16 * 1024 * GiB, MiB)).toThrow(/addressable/);
    expect(() => arenaGeometry(GiB, 4100)).toThrow(/multiple of 8/);
    expect(() => arenaGeometry(GiB, 2048)).toThrow(/between/);
    expect(() => arenaGeometry(1000, 4096)).toThrow(/smaller than one segment/);
  });
});

const small = { heapSizeBytes: 16 * 4096, segmentSizeBytes: 4096, hashtablePower: 8, maxValueSizeBytes: 1000, eviction: "noeviction", databases: 16 } as const;

describe("arena", () => {
  test("chunk sizes: whole segments, up to the chunk limit, the last one smaller", () => {
    expect(arenaChunkBytes(16 * 4096, 4096)).toEqual([16 * 4096]);
    expect(arenaChunkBytes(3 * GiB, MiB)).toEqual([GiB, GiB, GiB]);
    expect(arenaChunkBytes(2.5 * GiB + 3, MiB)).toEqual([GiB, GiB, 0.5 * GiB]);
    const big = arenaChunkBytes(256 * GiB, MiB);
    expect(big).toHaveLength(256);
    expect(big.every((n) => n === CHUNK_BYTES_MAX)).toBe(true);
  });

  test("uses memory handed in by the caller, one buffer per chunk", () => {
    const memory = [new ArrayBuffer(16 * 4096)];
    const advised: ArrayBufferView[] = [];
    const store = new Store({ ...small, memory, onLargeAllocation: (v) => advised.push(v) });
    const value = b("a value that lands in caller memory");
    expect(set(store, 0, b("k"), value)).toBe(0);
    const hay = Buffer.from(memory[0]!).toString("latin1");
    expect(hay.includes("a value that lands in caller memory")).toBe(true);
    expect(get(store, 0, b("k"))).toEqual(value);
    expect(store.buf.buffer).toBe(memory[0]!);
    // The caller owns that memory and its advice: only the index is reported.
    expect(advised.some((v) => v.buffer === memory[0])).toBe(false);
    expect(advised.length).toBeGreaterThan(0);
  });

  test("without memory handed in, every chunk the store allocates is reported", () => {
    const advised: ArrayBufferView[] = [];
    const store = new Store({ ...small, onLargeAllocation: (v) => advised.push(v) });
    for (const chunk of store.arena.chunkU8) expect(advised).toContain(chunk);
  });

  test("several chunks map onto their own buffers", () => {
    arenaLimits.chunkBytesMax = 4 * 4096;
    try {
      const sizes = arenaChunkBytes(14 * 4096, 4096);
      expect(sizes).toEqual([4 * 4096, 4 * 4096, 4 * 4096, 2 * 4096]);
      const memory = sizes.map((n) => new ArrayBuffer(n));
      const store = new Store({ ...small, heapSizeBytes: 14 * 4096, memory });
      expect(store.arena.chunkU8.map((v) => v.buffer)).toEqual(memory);
      expect(store.arena.chunkU8.map((v) => v.byteLength)).toEqual(sizes);
    } finally {
      arenaLimits.chunkBytesMax = CHUNK_BYTES_MAX;
    }
  });

  test("memory smaller than a chunk, or the wrong number of chunks, is rejected", () => {
    expect(() => new Store({ ...small, memory: [new ArrayBuffer(4096)] })).toThrow(/chunk 0 \(4096 bytes\) is smaller than the chunk \(65536 bytes/);
    expect(() => new Store({ ...small, memory: [new ArrayBuffer(16 * 4096), new ArrayBuffer(4096)] })).toThrow(/has 2 chunk buffers; heap_size 65536 needs 1/);
    expect(() => new Store({ ...small, memory: [] })).toThrow(/has 0 chunk buffers/);
  });
});

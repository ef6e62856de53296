// The arena: heap_size bytes as a list of chunk ArrayBuffers, each holding whole segments.
// Fresh ArrayBuffers are zero-filled lazily by the OS (calloc/mmap), and free segments are
// handed out lowest-first, so resident memory grows with use rather than with heap_size.

import { type ArenaGeometry, arenaGeometry, segmentChunk, segmentChunkOffset } from "./location.ts";

export class Arena {
  readonly geometry: ArenaGeometry;
  readonly segmentSize: number;
  readonly segments: number;
  readonly segShift: number;
  /** Byte and word views per chunk; items are 8-byte aligned so headers read as u32 words. */
  readonly chunkU8: Uint8Array[] = [];
  readonly chunkU32: Uint32Array[] = [];
  /** Signed word views: key comparison reads words without uint32 -> double conversions. */
  readonly chunkI32: Int32Array[] = [];
  /** Per segment: its chunk and its byte offset inside the chunk. */
  readonly segChunk: Int32Array;
  readonly segBase: Int32Array;

  constructor(heapSizeBytes: number, segmentSizeBytes: number, memory?: ArrayBuffer) {
    const g = arenaGeometry(heapSizeBytes, segmentSizeBytes);
    this.geometry = g;
    this.segmentSize = g.segmentSizeBytes;
    this.segments = g.segments;
    this.segShift = g.segShift;
    if (memory !== undefined && memory.byteLength < g.segments * g.segmentSizeBytes) {
      throw new Error(`memory handed in (${memory.byteLength} bytes) is smaller than heap_size (${heapSizeBytes})`);
    }
    const chunkBytesFull = g.segmentsPerChunk * g.segmentSizeBytes;
    for (let c = 0; c < g.chunks; c++) {
      const segsHere = Math.min(g.segmentsPerChunk, g.segments - c * g.segmentsPerChunk);
      const bytes = segsHere * g.segmentSizeBytes;
      const buffer = memory ?? new ArrayBuffer(bytes);
      const byteOffset = memory === undefined ? 0 : c * chunkBytesFull;
      this.chunkU8.push(new Uint8Array(buffer, byteOffset, bytes));
      this.chunkU32.push(new Uint32Array(buffer, byteOffset, bytes >>> 2));
      this.chunkI32.push(new Int32Array(buffer, byteOffset, bytes >>> 2));
    }
    this.segChunk = new Int32Array(g.segments);
    this.segBase = new Int32Array(g.segments);
    for (let s = 0; s < g.segments; s++) {
      this.segChunk[s] = segmentChunk(g, s);
      this.segBase[s] = segmentChunkOffset(g, s);
    }
  }
}

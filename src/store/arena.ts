// The arena: heap_size bytes as a list of chunk ArrayBuffers, each holding whole segments.
// Fresh ArrayBuffers are zero-filled lazily by the OS (calloc/mmap), and free segments are
// handed out lowest-first, so resident memory grows with use rather than with heap_size.

import { type ArenaGeometry, arenaChunkBytes, arenaGeometry, segmentChunk, segmentChunkOffset } from "./location.ts";

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

  /**
   * `memory`, when the caller hands it in, is one ArrayBuffer per chunk, each at least
   * `arenaChunkBytes(heapSizeBytes, segmentSizeBytes)[c]` bytes (one buffer per chunk keeps
   * every ArrayBuffer under JSC's size limits however big the heap).
   */
  constructor(heapSizeBytes: number, segmentSizeBytes: number, memory?: readonly ArrayBuffer[]) {
    const g = arenaGeometry(heapSizeBytes, segmentSizeBytes);
    this.geometry = g;
    this.segmentSize = g.segmentSizeBytes;
    this.segments = g.segments;
    this.segShift = g.segShift;
    const sizes = arenaChunkBytes(heapSizeBytes, segmentSizeBytes);
    if (memory !== undefined) {
      if (memory.length !== sizes.length) {
        throw new Error(`memory handed in has ${memory.length} chunk buffers; heap_size ${heapSizeBytes} needs ${sizes.length}`);
      }
      memory.forEach((buffer, c) => {
        if (buffer.byteLength < sizes[c]!) {
          throw new Error(`memory handed in for chunk ${c} (${buffer.byteLength} bytes) is smaller than the chunk (${sizes[c]} bytes of heap_size ${heapSizeBytes})`);
        }
      });
    }
    for (let c = 0; c < g.chunks; c++) {
      const bytes = sizes[c]!;
      const buffer = memory?.[c] ?? new ArrayBuffer(bytes);
      this.chunkU8.push(new Uint8Array(buffer, 0, bytes));
      this.chunkU32.push(new Uint32Array(buffer, 0, bytes >>> 2));
      this.chunkI32.push(new Int32Array(buffer, 0, bytes >>> 2));
    }
    this.segChunk = new Int32Array(g.segments);
    this.segBase = new Int32Array(g.segments);
    for (let s = 0; s < g.segments; s++) {
      this.segChunk[s] = segmentChunk(g, s);
      this.segBase[s] = segmentChunkOffset(g, s);
    }
  }
}

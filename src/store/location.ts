// Item locations: where an item lives in the arena, packed into 40 bits so that a
// hashtable slot (24-bit tag + location) fits two u32 words.
//
//   location = segmentId * 2^segShift + byteOffsetInSegment / 8
//
// segShift = ceil(log2(segmentSize / 8)). Items are 8-byte aligned, so the low 3 bits of
// an offset are never stored. With 40 bits the arena can address 2^40 * 8 bytes = 8 TiB
// whatever the segment size (1 MiB segments: 17 offset bits, 23 segment bits, 8M
// segments). A slot stores the top 8 location bits under the tag in word 0 and the low
// 32 bits in word 1; decoding is two shifts and a mask, all int32 arithmetic.

export const LOCATION_BITS = 40;
/** Items and segments are 8-byte aligned; offsets are stored in 8-byte units. */
export const ALIGN_SHIFT = 3;
export const MAX_ADDRESSABLE_BYTES = 2 ** (LOCATION_BITS + ALIGN_SHIFT);

export const MIN_SEGMENT_BYTES = 4096;
/** Each arena chunk is one ArrayBuffer of whole segments (JSC caps typed array sizes). */
export const CHUNK_BYTES_MAX = 2 ** 30;
/** Test hook: tests shrink chunks to exercise multi-chunk arenas without gigabytes. */
export const arenaLimits = { chunkBytesMax: CHUNK_BYTES_MAX };

/** Offset bits for a segment size: decoding needs 9 <= shift <= 27. */
export function segmentShift(segmentSizeBytes: number): number {
  return Math.ceil(Math.log2(segmentSizeBytes / 8));
}

export function maxSegments(segShift: number): number {
  return 2 ** (LOCATION_BITS - segShift);
}

/** Top 8 bits of the location (stored under the tag in slot word 0). */
export function locationHigh(seg: number, offBytes: number, segShift: number): number {
  return (seg >>> (32 - segShift)) & 0xff;
}

/** Low 32 bits of the location (slot word 1). */
export function locationLow(seg: number, offBytes: number, segShift: number): number {
  return ((seg << segShift) | (offBytes >>> ALIGN_SHIFT)) >>> 0;
}

export function locationSegment(high: number, low: number, segShift: number): number {
  return ((high & 0xff) << (32 - segShift)) | (low >>> segShift);
}

export function locationOffset(low: number, segShift: number): number {
  return (low & ((1 << segShift) - 1)) << ALIGN_SHIFT;
}

/** How a heap is cut into chunks and segments; pure arithmetic, so it can be tested at 256 GiB. */
export interface ArenaGeometry {
  segmentSizeBytes: number;
  segShift: number;
  segments: number;
  segmentsPerChunk: number;
  chunks: number;
}

export function arenaGeometry(heapSizeBytes: number, segmentSizeBytes: number): ArenaGeometry {
  if (!Number.isInteger(segmentSizeBytes) || segmentSizeBytes % 8 !== 0) {
    throw new Error(`segment size must be a multiple of 8 bytes, got ${segmentSizeBytes}`);
  }
  if (segmentSizeBytes < MIN_SEGMENT_BYTES || segmentSizeBytes > CHUNK_BYTES_MAX) {
    throw new Error(`segment size must be between ${MIN_SEGMENT_BYTES} and ${CHUNK_BYTES_MAX} bytes, got ${segmentSizeBytes}`);
  }
  const segShift = segmentShift(segmentSizeBytes);
  const segments = Math.floor(heapSizeBytes / segmentSizeBytes);
  if (segments < 1) throw new Error(`heap size ${heapSizeBytes} is smaller than one segment (${segmentSizeBytes})`);
  if (segments > maxSegments(segShift)) {
    throw new Error(`heap size ${heapSizeBytes} exceeds the addressable ${MAX_ADDRESSABLE_BYTES} bytes`);
  }
  const segmentsPerChunk = Math.max(1, Math.floor(arenaLimits.chunkBytesMax / segmentSizeBytes));
  return { segmentSizeBytes, segShift, segments, segmentsPerChunk, chunks: Math.ceil(segments / segmentsPerChunk) };
}

/**
 * The byte size of each arena chunk for a heap: what a caller handing memory in must
 * provide, one ArrayBuffer per entry (the last chunk may be smaller than the others).
 */
export function arenaChunkBytes(heapSizeBytes: number, segmentSizeBytes: number): number[] {
  const g = arenaGeometry(heapSizeBytes, segmentSizeBytes);
  const sizes: number[] = [];
  for (let c = 0; c < g.chunks; c++) {
    sizes.push(Math.min(g.segmentsPerChunk, g.segments - c * g.segmentsPerChunk) * g.segmentSizeBytes);
  }
  return sizes;
}

/** Chunk index and byte offset inside the chunk of a segment. */
export function segmentChunk(g: ArenaGeometry, seg: number): number {
  return Math.floor(seg / g.segmentsPerChunk);
}

export function segmentChunkOffset(g: ArenaGeometry, seg: number): number {
  return (seg % g.segmentsPerChunk) * g.segmentSizeBytes;
}

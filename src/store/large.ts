// Values too big for a segment (more than a quarter of one) live in a side table, one
// Uint8Array per value; the item in the segment is a stub (header + key) whose value word
// is the handle. Their bytes are counted against heap_size: Store keeps
// segmentsInUse * segmentSize + large.bytes <= the arena's capacity.

/** Per-value bookkeeping charged on top of the bytes (the JS object and table entry). */
export const LARGE_OVERHEAD_BYTES = 64;

export class LargeValues {
  readonly values: (Uint8Array | null)[] = [];
  private readonly freeHandles: number[] = [];
  /** Bytes charged against the heap. */
  bytes = 0;
  count = 0;

  static cost(length: number): number {
    return length + LARGE_OVERHEAD_BYTES;
  }

  alloc(length: number): number {
    const v = new Uint8Array(length);
    let h: number;
    if (this.freeHandles.length > 0) {
      h = this.freeHandles.pop() as number;
      this.values[h] = v;
    } else {
      h = this.values.length;
      this.values.push(v);
    }
    this.bytes += LargeValues.cost(length);
    this.count++;
    return h;
  }

  get(h: number): Uint8Array {
    return this.values[h] as Uint8Array;
  }

  costOf(h: number): number {
    return LargeValues.cost((this.values[h] as Uint8Array).length);
  }

  free(h: number): void {
    const v = this.values[h];
    if (v === null || v === undefined) throw new Error(`assertion failed: large handle ${h} freed twice`);
    this.bytes -= LargeValues.cost(v.length);
    this.count--;
    this.values[h] = null;
    this.freeHandles.push(h);
  }

  clear(): void {
    this.values.length = 0;
    this.freeHandles.length = 0;
    this.bytes = 0;
    this.count = 0;
  }
}

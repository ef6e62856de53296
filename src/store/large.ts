// The side table: values that do not live in a segment. Strings too big for a segment (more
// than a quarter of one) are one Uint8Array each; non-string values (hash, list, set, sorted
// set) are StoreObjects. The item in the segment is a stub (header + key, F_LARGE) whose
// value word is the handle. What each entry holds is charged against heap_size: Store keeps
// segmentsInUse * segmentSize + large.bytes <= the arena's capacity, and an object's charge
// follows its size when Store.recharge is called after a change.

import type { StoreObject } from "./types.ts";

/** Per-value bookkeeping charged on top of the bytes (the JS object and table entry). */
export const LARGE_OVERHEAD_BYTES = 64;

export class LargeValues {
  readonly values: (Uint8Array | StoreObject | null)[] = [];
  /** What each handle is charged now. */
  private readonly charged: number[] = [];
  private readonly freeHandles: number[] = [];
  /** Bytes charged against the heap. */
  bytes = 0;
  count = 0;
  /** Entries that are objects (the rest are large strings). */
  objects = 0;

  static cost(length: number): number {
    return length + LARGE_OVERHEAD_BYTES;
  }

  static objectCost(obj: StoreObject): number {
    return obj.bytes + LARGE_OVERHEAD_BYTES;
  }

  alloc(length: number): number {
    return this.put(new Uint8Array(length), LargeValues.cost(length));
  }

  allocObject(obj: StoreObject): number {
    this.objects++;
    return this.put(obj, LargeValues.objectCost(obj));
  }

  private put(v: Uint8Array | StoreObject, cost: number): number {
    let h: number;
    if (this.freeHandles.length > 0) {
      h = this.freeHandles.pop() as number;
      this.values[h] = v;
      this.charged[h] = cost;
    } else {
      h = this.values.length;
      this.values.push(v);
      this.charged.push(cost);
    }
    this.bytes += cost;
    this.count++;
    return h;
  }

  get(h: number): Uint8Array {
    return this.values[h] as Uint8Array;
  }

  object(h: number): StoreObject {
    return this.values[h] as StoreObject;
  }

  costOf(h: number): number {
    return this.charged[h];
  }

  /** Charge an object what it holds now; returns the change in bytes. */
  recharge(h: number): number {
    const cost = LargeValues.objectCost(this.values[h] as StoreObject);
    const delta = cost - this.charged[h];
    this.charged[h] = cost;
    this.bytes += delta;
    return delta;
  }

  free(h: number): void {
    const v = this.values[h];
    if (v === null || v === undefined) throw new Error(`assertion failed: large handle ${h} freed twice`);
    if (!(v instanceof Uint8Array)) this.objects--;
    this.bytes -= this.charged[h];
    this.count--;
    this.values[h] = null;
    this.freeHandles.push(h);
  }

  clear(): void {
    this.values.length = 0;
    this.charged.length = 0;
    this.freeHandles.length = 0;
    this.bytes = 0;
    this.count = 0;
    this.objects = 0;
  }
}

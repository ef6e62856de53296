// The list: a deque of latin1 strings (one char per byte, see stdx latin1) in a growable
// ring buffer. Push and pop at both ends are O(1) amortized, index access is O(1), and
// insert/remove in the middle shift the shorter side, so they are O(min(i, n - i)).
// Protocol-free: the list commands (src/commands/list) give it meaning.

import type { StoreObject } from "../types.ts";

/** Charged for an empty list: the object, its slot array and bookkeeping. */
export const LIST_BASE_BYTES = 96;
/** Charged per element on top of its bytes: the JS string header and its array slot. */
export const LIST_ELEMENT_OVERHEAD_BYTES = 40;

/** Smallest slot array; also what a list shrinks back to. A power of two. */
const MIN_CAPACITY = 8;

export class ListObject implements StoreObject {
  /** The ring: element i lives at slots[(head + i) & mask]; free slots hold "". */
  private slots: string[];
  private mask: number;
  private head = 0;
  private length = 0;
  private byteCount = LIST_BASE_BYTES;

  constructor() {
    this.slots = new Array<string>(MIN_CAPACITY).fill("");
    this.mask = MIN_CAPACITY - 1;
  }

  get size(): number {
    return this.length;
  }

  get bytes(): number {
    return this.byteCount;
  }

  /**
   * Redis 7.0 stores every list as a quicklist (of listpack nodes) and OBJECT ENCODING says
   * "quicklist" whatever the size; the plain "listpack" list encoding arrived in 7.2.
   */
  encoding(): string {
    return "quicklist";
  }

  clone(): ListObject {
    const copy = new ListObject();
    copy.growTo(this.length);
    for (let i = 0; i < this.length; i++) copy.slots[i] = this.slots[(this.head + i) & this.mask];
    copy.length = this.length;
    copy.byteCount = this.byteCount;
    return copy;
  }

  // ---- ends ------------------------------------------------------------------------------

  pushFront(s: string): void {
    if (this.length === this.slots.length) this.growTo(this.length + 1);
    this.head = (this.head - 1) & this.mask;
    this.slots[this.head] = s;
    this.length++;
    this.byteCount += s.length + LIST_ELEMENT_OVERHEAD_BYTES;
  }

  pushBack(s: string): void {
    if (this.length === this.slots.length) this.growTo(this.length + 1);
    this.slots[(this.head + this.length) & this.mask] = s;
    this.length++;
    this.byteCount += s.length + LIST_ELEMENT_OVERHEAD_BYTES;
  }

  popFront(): string | undefined {
    if (this.length === 0) return undefined;
    const s = this.slots[this.head];
    this.slots[this.head] = "";
    this.head = (this.head + 1) & this.mask;
    this.length--;
    this.byteCount -= s.length + LIST_ELEMENT_OVERHEAD_BYTES;
    this.maybeShrink();
    return s;
  }

  popBack(): string | undefined {
    if (this.length === 0) return undefined;
    const slot = (this.head + this.length - 1) & this.mask;
    const s = this.slots[slot];
    this.slots[slot] = "";
    this.length--;
    this.byteCount -= s.length + LIST_ELEMENT_OVERHEAD_BYTES;
    this.maybeShrink();
    return s;
  }

  /** Remove the first n elements (n <= size). */
  dropFront(n: number): void {
    for (let i = 0; i < n; i++) {
      const slot = (this.head + i) & this.mask;
      this.byteCount -= this.slots[slot].length + LIST_ELEMENT_OVERHEAD_BYTES;
      this.slots[slot] = "";
    }
    this.head = (this.head + n) & this.mask;
    this.length -= n;
    this.maybeShrink();
  }

  /** Remove the last n elements (n <= size). */
  dropBack(n: number): void {
    for (let i = this.length - n; i < this.length; i++) {
      const slot = (this.head + i) & this.mask;
      this.byteCount -= this.slots[slot].length + LIST_ELEMENT_OVERHEAD_BYTES;
      this.slots[slot] = "";
    }
    this.length -= n;
    this.maybeShrink();
  }

  // ---- by index (0-based, 0 <= index < size unless said otherwise) -----------------------

  at(index: number): string {
    return this.slots[(this.head + index) & this.mask];
  }

  /** Replace the element at index. */
  set(index: number, s: string): void {
    const slot = (this.head + index) & this.mask;
    this.byteCount += s.length - this.slots[slot].length;
    this.slots[slot] = s;
  }

  /** Insert s so that it becomes element `index` (0 <= index <= size). */
  insertAt(index: number, s: string): void {
    if (this.length === this.slots.length) this.growTo(this.length + 1);
    const slots = this.slots;
    const mask = this.mask;
    if (index < this.length - index) {
      // Shift the front part one slot towards the head.
      this.head = (this.head - 1) & mask;
      for (let i = 0; i < index; i++) slots[(this.head + i) & mask] = slots[(this.head + i + 1) & mask];
    } else {
      for (let i = this.length; i > index; i--) slots[(this.head + i) & mask] = slots[(this.head + i - 1) & mask];
    }
    slots[(this.head + index) & mask] = s;
    this.length++;
    this.byteCount += s.length + LIST_ELEMENT_OVERHEAD_BYTES;
  }

  /** Remove and return element `index`. */
  removeAt(index: number): string {
    const slots = this.slots;
    const mask = this.mask;
    const s = slots[(this.head + index) & mask];
    if (index < this.length - 1 - index) {
      for (let i = index; i > 0; i--) slots[(this.head + i) & mask] = slots[(this.head + i - 1) & mask];
      slots[this.head] = "";
      this.head = (this.head + 1) & mask;
    } else {
      for (let i = index; i < this.length - 1; i++) slots[(this.head + i) & mask] = slots[(this.head + i + 1) & mask];
      slots[(this.head + this.length - 1) & mask] = "";
    }
    this.length--;
    this.byteCount -= s.length + LIST_ELEMENT_OVERHEAD_BYTES;
    this.maybeShrink();
    return s;
  }

  /** Index of the first element equal to s, searching from `from`; -1 when none. */
  indexOf(s: string, from = 0): number {
    for (let i = from; i < this.length; i++) if (this.slots[(this.head + i) & this.mask] === s) return i;
    return -1;
  }

  /**
   * Remove elements equal to s (LREM): at most `limit` of them (0: all), the first ones
   * found from the head, or from the tail when fromBack. One compacting pass. Returns how
   * many were removed.
   */
  removeEqual(s: string, limit: number, fromBack: boolean): number {
    const slots = this.slots;
    const mask = this.mask;
    const n = this.length;
    const step = fromBack ? -1 : 1;
    const first = fromBack ? n - 1 : 0;
    let removed = 0;
    // Logical indexes: `read` walks the list in the chosen direction, `write` trails it.
    let write = first;
    for (let k = 0, read = first; k < n; k++, read += step) {
      const v = slots[(this.head + read) & mask];
      if (v === s && (limit === 0 || removed < limit)) {
        removed++;
        continue;
      }
      if (write !== read) slots[(this.head + write) & mask] = v;
      write += step;
    }
    if (removed === 0) return 0;
    // The vacated slots are at the far end of the walk.
    for (let k = 0; k < removed; k++, write += step) slots[(this.head + write) & mask] = "";
    if (fromBack) this.head = (this.head + removed) & mask;
    this.length -= removed;
    this.byteCount -= removed * (s.length + LIST_ELEMENT_OVERHEAD_BYTES);
    this.maybeShrink();
    return removed;
  }

  toArray(): string[] {
    const out = new Array<string>(this.length);
    for (let i = 0; i < this.length; i++) out[i] = this.slots[(this.head + i) & this.mask];
    return out;
  }

  // ---- capacity --------------------------------------------------------------------------

  /** Re-lay the ring from slot 0 in an array of the smallest power of two >= need. */
  private growTo(need: number): void {
    let cap = this.slots.length;
    while (cap < need) cap *= 2;
    if (cap === this.slots.length) return;
    this.relayout(cap);
  }

  /**
   * Halve the slot array while three quarters of it are free, so drained lists give memory
   * back; the hysteresis (grow when full, shrink at a quarter) keeps both amortized O(1).
   */
  private maybeShrink(): void {
    let cap = this.slots.length;
    if (cap <= MIN_CAPACITY || this.length > cap >>> 2) return;
    while (cap > MIN_CAPACITY && this.length <= cap >>> 2) cap >>>= 1;
    this.relayout(cap);
  }

  private relayout(cap: number): void {
    const next = new Array<string>(cap).fill("");
    for (let i = 0; i < this.length; i++) next[i] = this.slots[(this.head + i) & this.mask];
    this.slots = next;
    this.mask = cap - 1;
    this.head = 0;
  }
}

// The hash structure (Redis's hash type): fields and values as latin1 strings (one char per
// byte, binary-safe), in slots that keep insertion order.
//
// Layout: `fields[slot]` / `values[slot]` hold the entries and `index` maps a field to its
// slot. A new field takes the next slot at the end; an update keeps its slot; a delete
// leaves a hole (null) so the others keep their places. Slot order is therefore the order a
// Redis listpack keeps (appends at the tail, in-place updates, gaps closed on delete), and
// small hashes reply in Redis's order. Holes are squeezed out by a stable compaction once
// they outnumber the live entries, which keeps at least half the slots live: a random slot
// then finds an entry in two probes on average (HRANDFIELD in O(1)).
//
// Scanning walks the slots downwards from the end. A cursor c means "slots >= c were
// visited". Entries only ever move to lower slots (compaction is stable), so an entry below
// c that is present for the whole scan stays below c and is still reached; one moved down
// from the visited part may be returned twice, which the SCAN contract allows. Entries added
// during the scan land above c and may be missed, as the contract also allows.

import type { StoreObject } from "../types.ts";

/**
 * Redis 7.0's hash-max-listpack-entries default (512, where zsets have 128): more entries
 * and the encoding is a hashtable.
 */
export const HASH_MAX_LISTPACK_ENTRIES = 512;
/** Redis 7.0's hash-max-listpack-value default: a longer field or value makes it a hashtable. */
export const HASH_MAX_LISTPACK_VALUE_BYTES = 64;

/** The empty structure: the object, its Map and two arrays. */
export const HASH_BASE_BYTES = 200;
/** Per entry on top of its bytes: two string headers, a Map entry, two array slots. */
export const HASH_ENTRY_OVERHEAD_BYTES = 96;
/** A hole left by a delete holds two array slots until compaction. */
export const HASH_HOLE_BYTES = 16;

/** SCAN visits at most COUNT * this many slots per call (Redis's maxiterations). */
const SCAN_SLOTS_PER_COUNT = 10;

export type HashVisitor = (field: string, value: string) => void;

export class HashObject implements StoreObject {
  bytes = HASH_BASE_BYTES;
  private readonly index = new Map<string, number>();
  /** Slot → field; null is a hole left by a delete. */
  private fields: (string | null)[] = [];
  /** Slot → value ("" in holes). */
  private values: string[] = [];
  private holes = 0;
  /** Whether Redis 7.0 would still hold this as a listpack; once false, never true again. */
  private listpack = true;

  get size(): number {
    return this.index.size;
  }

  encoding(): string {
    return this.listpack ? "listpack" : "hashtable";
  }

  get(field: string): string | undefined {
    const slot = this.index.get(field);
    return slot === undefined ? undefined : this.values[slot];
  }

  has(field: string): boolean {
    return this.index.has(field);
  }

  /** Set a field's value; true when the field is new. */
  set(field: string, value: string): boolean {
    if (this.listpack && (field.length > HASH_MAX_LISTPACK_VALUE_BYTES || value.length > HASH_MAX_LISTPACK_VALUE_BYTES)) {
      this.listpack = false;
    }
    const slot = this.index.get(field);
    if (slot !== undefined) {
      this.bytes += value.length - this.values[slot].length;
      this.values[slot] = value;
      return false;
    }
    this.index.set(field, this.fields.length);
    this.fields.push(field);
    this.values.push(value);
    this.bytes += HASH_ENTRY_OVERHEAD_BYTES + field.length + value.length;
    if (this.index.size > HASH_MAX_LISTPACK_ENTRIES) this.listpack = false;
    return true;
  }

  /** Remove a field; true when it was there. */
  delete(field: string): boolean {
    const slot = this.index.get(field);
    if (slot === undefined) return false;
    this.index.delete(field);
    this.bytes -= HASH_ENTRY_OVERHEAD_BYTES + field.length + this.values[slot].length;
    if (this.index.size === 0) {
      this.fields = [];
      this.values = [];
      this.holes = 0;
      this.bytes = HASH_BASE_BYTES;
      return true;
    }
    this.fields[slot] = null;
    this.values[slot] = "";
    this.holes++;
    this.bytes += HASH_HOLE_BYTES;
    this.trimTail();
    if (this.holes > this.index.size) this.compact();
    return true;
  }

  /** Slots in use, holes included: fieldAt/valueAt take 0 <= slot < slotCount. */
  get slotCount(): number {
    return this.fields.length;
  }

  /** The field in a slot, null for a hole. Slots are valid until the next mutation. */
  fieldAt(slot: number): string | null {
    return this.fields[slot];
  }

  valueAt(slot: number): string {
    return this.values[slot];
  }

  /** Entries in slot order (insertion order). For cold paths and tests. */
  *entries(): IterableIterator<[string, string]> {
    const fields = this.fields;
    for (let slot = 0; slot < fields.length; slot++) {
      const f = fields[slot];
      if (f !== null) yield [f, this.values[slot]];
    }
  }

  /** A uniformly random live slot; the hash must not be empty. Expected two probes at most. */
  randomSlot(): number {
    const fields = this.fields;
    for (;;) {
      const slot = Math.floor(Math.random() * fields.length);
      if (fields[slot] !== null) return slot;
    }
  }

  /**
   * Push `count` distinct random live slots (count < size) into `out`. While the encoding is
   * listpack, or when most entries are wanted, they come in slot order as Redis's listpack
   * sampling gives them; otherwise in the order they were drawn.
   */
  randomDistinctSlots(count: number, out: number[]): void {
    const fields = this.fields;
    if (this.listpack || count * 3 > this.index.size) {
      // Selection sampling (Knuth's algorithm S): one pass, each subset equally likely.
      let needed = count;
      let remaining = this.index.size;
      for (let slot = 0; slot < fields.length && needed > 0; slot++) {
        if (fields[slot] === null) continue;
        if (Math.random() * remaining < needed) {
          out.push(slot);
          needed--;
        }
        remaining--;
      }
      return;
    }
    const chosen = new Set<number>();
    while (chosen.size < count) {
      const slot = this.randomSlot();
      if (!chosen.has(slot)) {
        chosen.add(slot);
        out.push(slot);
      }
    }
  }

  /**
   * One step of a cursor scan: visits about `count` entries and returns the next cursor, 0
   * when done. While the encoding is listpack everything is visited at once, in order, and
   * the cursor is 0 (as Redis does for listpacks). See the file comment for the guarantee.
   */
  scan(cursor: number, count: number, visit: HashVisitor): number {
    const fields = this.fields;
    const values = this.values;
    if (this.listpack) {
      for (let slot = 0; slot < fields.length; slot++) {
        const f = fields[slot];
        if (f !== null) visit(f, values[slot]);
      }
      return 0;
    }
    // Cursor 0 starts at the end; a cursor past the end (the slots shrank) resumes there.
    let pos = cursor === 0 || cursor > fields.length ? fields.length : cursor;
    let budget = count * SCAN_SLOTS_PER_COUNT;
    let found = 0;
    while (pos > 0 && found < count && budget > 0) {
      pos--;
      budget--;
      const f = fields[pos];
      if (f !== null) {
        visit(f, values[pos]);
        found++;
      }
    }
    return pos;
  }

  clone(): HashObject {
    const copy = new HashObject();
    copy.listpack = this.listpack;
    const fields = this.fields;
    for (let slot = 0; slot < fields.length; slot++) {
      const f = fields[slot];
      if (f === null) continue;
      copy.index.set(f, copy.fields.length);
      copy.fields.push(f);
      copy.values.push(this.values[slot]);
      copy.bytes += HASH_ENTRY_OVERHEAD_BYTES + f.length + this.values[slot].length;
    }
    return copy;
  }

  /** Drop holes at the end: nothing moves, so order and scans are unaffected. */
  private trimTail(): void {
    const fields = this.fields;
    let n = fields.length;
    while (n > 0 && fields[n - 1] === null) n--;
    const dropped = fields.length - n;
    if (dropped === 0) return;
    fields.length = n;
    this.values.length = n;
    this.holes -= dropped;
    this.bytes -= dropped * HASH_HOLE_BYTES;
  }

  /** Squeeze the holes out, keeping the entries' order (entries only move to lower slots). */
  private compact(): void {
    const fields = this.fields;
    const values = this.values;
    const index = this.index;
    let w = 0;
    for (let r = 0; r < fields.length; r++) {
      const f = fields[r];
      if (f === null) continue;
      if (w !== r) {
        fields[w] = f;
        values[w] = values[r];
        index.set(f, w);
      }
      w++;
    }
    fields.length = w;
    values.length = w;
    this.bytes -= this.holes * HASH_HOLE_BYTES;
    this.holes = 0;
  }
}

// The index: buckets of 8 slots (64 bytes, one cache line) in one Int32Array. A slot is two
// words: word 0 = 24-bit tag << 8 | top 8 location bits, word 1 = low 32 location bits
// (see location.ts). Word 0 === 0 marks an empty slot (tags are never 0).
//
// hashtable_power is log2 of the number of slots in the main table, Pelikan seg's meaning
// and the operations guide's sizing rule (1M items -> power 21 for ~50% load): the table
// has 2^(power-3) main buckets. A full bucket chains to overflow buckets taken from a pool
// after the main table in the same array; the pool grows by reallocation (rare, amortized)
// and empty overflow buckets go back to it. A key never leaves the chain of its main
// bucket, which is what makes the scan cursor (a main bucket index) safe.

export const SLOTS_PER_BUCKET = 8;
export const WORDS_PER_BUCKET = 16;
export const BUCKET_WORD_SHIFT = 4;

export class HashTable {
  /** Slot words of main buckets [0, mainBuckets) then overflow buckets. */
  words: Int32Array;
  /** Next bucket in a chain (0 = end: bucket 0 is a main bucket, never an overflow). Free overflow buckets link through it too. */
  next: Int32Array;
  readonly mainBuckets: number;
  readonly mask: number;
  /** Overflow buckets in use. */
  overflowInUse = 0;
  private capacity: number;
  private highWater: number;
  private freeHead = 0;

  constructor(
    power: number,
    private readonly onAllocation?: (words: Int32Array) => void,
  ) {
    if (!Number.isInteger(power) || power < 3 || power > 32) throw new Error(`hashtable_power must be 3..32, got ${power}`);
    this.mainBuckets = 2 ** (power - 3);
    this.mask = this.mainBuckets - 1;
    this.capacity = this.mainBuckets + Math.max(16, this.mainBuckets >>> 3);
    this.highWater = this.mainBuckets;
    this.words = new Int32Array(this.capacity * WORDS_PER_BUCKET);
    this.next = new Int32Array(this.capacity);
    this.onAllocation?.(this.words);
  }

  /** Bytes held by the index (main table, overflow pool, chain links). */
  get bytes(): number {
    return this.words.byteLength + this.next.byteLength;
  }

  /** Put a slot in the chain of main bucket `bucket`; returns the slot's word index. */
  insert(bucket: number, w0: number, w1: number): number {
    const words = this.words;
    let b = bucket;
    for (;;) {
      const base = b << BUCKET_WORD_SHIFT;
      for (let i = base; i < base + WORDS_PER_BUCKET; i += 2) {
        if (words[i] === 0) {
          words[i] = w0;
          words[i + 1] = w1;
          return i;
        }
      }
      const n = this.next[b];
      if (n === 0) break;
      b = n;
    }
    const o = this.takeOverflow();
    this.next[b] = o;
    const i = o << BUCKET_WORD_SHIFT;
    this.words[i] = w0;
    this.words[i + 1] = w1;
    return i;
  }

  /**
   * Empty a slot. When its overflow bucket becomes empty the bucket leaves the chain of
   * main bucket `bucket` and returns to the pool (not during a chain walk: see scan).
   */
  remove(slot: number, bucket: number): void {
    const words = this.words;
    words[slot] = 0;
    words[slot + 1] = 0;
    const b = slot >>> BUCKET_WORD_SHIFT;
    if (b < this.mainBuckets) return;
    const base = b << BUCKET_WORD_SHIFT;
    for (let i = base; i < base + WORDS_PER_BUCKET; i += 2) if (words[i] !== 0) return;
    this.unlinkOverflow(bucket, b);
  }

  /** Remove empty overflow buckets from a chain (after bulk removals). */
  prune(bucket: number): void {
    let b = this.next[bucket];
    while (b !== 0) {
      const n = this.next[b];
      const base = b << BUCKET_WORD_SHIFT;
      let empty = true;
      for (let i = base; i < base + WORDS_PER_BUCKET; i += 2) {
        if (this.words[i] !== 0) {
          empty = false;
          break;
        }
      }
      if (empty) this.unlinkOverflow(bucket, b);
      b = n;
    }
  }

  clear(): void {
    this.words.fill(0);
    this.next.fill(0);
    this.overflowInUse = 0;
    this.highWater = this.mainBuckets;
    this.freeHead = 0;
  }

  private unlinkOverflow(bucket: number, b: number): void {
    const next = this.next;
    let p = bucket;
    while (next[p] !== b) {
      p = next[p];
      if (p === 0) throw new Error("assertion failed: overflow bucket not in its chain");
    }
    next[p] = next[b];
    next[b] = this.freeHead;
    this.freeHead = b;
    this.overflowInUse--;
  }

  private takeOverflow(): number {
    this.overflowInUse++;
    if (this.freeHead !== 0) {
      const b = this.freeHead;
      this.freeHead = this.next[b];
      this.next[b] = 0;
      return b;
    }
    if (this.highWater === this.capacity) this.grow();
    return this.highWater++;
  }

  private grow(): void {
    const overflow = this.capacity - this.mainBuckets;
    const capacity = this.capacity + Math.max(16, overflow);
    const words = new Int32Array(capacity * WORDS_PER_BUCKET);
    words.set(this.words);
    const next = new Int32Array(capacity);
    next.set(this.next);
    this.words = words;
    this.next = next;
    this.capacity = capacity;
    this.onAllocation?.(words);
  }
}

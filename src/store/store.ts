// The keyspace: a log-structured arena of segments (segments.ts, arena.ts), an index of
// tagged locations (hashtable.ts), TTL streams (ttl.ts), a side table for large values
// (large.ts), and the allocator that keeps it all inside heap_size (this file, with the
// segment walkers in reclaim.ts).
//
// Hot-path rules: find/peek/set/delete/expire allocate nothing (no strings, no closures,
// no result objects: results land in the registers below) and throw only on bugs.

import { HashTable, BUCKET_WORD_SHIFT, WORDS_PER_BUCKET } from "./hashtable.ts";
import { hashKeyWords, tagOf } from "./hash.ts";
import { Arena } from "./arena.ts";
import { Segments, NONE } from "./segments.ts";
import { LargeValues } from "./large.ts";
import { STREAMS, STREAM_NO_TTL, ttlBucket } from "./ttl.ts";
import { LFU_DECAY_SECONDS, LFU_INIT, LFU_LOG_FACTOR, lfuDecay, lfuIncrement } from "./lfu.ts";
import {
  ACCESS_TIME_MASK,
  ACCESS_VISITED,
  COMPACT_TTL_MAX_MS,
  DB_SHIFT,
  EXPIRY_DELTA_MAX,
  EXPIRY_EXT,
  F_CAS,
  F_DEAD,
  F_EXTEXP,
  F_FLAGS,
  F_LARGE,
  FILLER_META,
  HEADER_BYTES,
  KEY_DB_MASK,
  KEY_LEN_MASK,
  LFU_SHIFT,
  MAX_DATABASES,
  MAX_KEY_BYTES,
  TYPE_SHIFT,
  W_ACCESS,
  W_EXPIRY,
  W_VALUE,
  casWord,
  expiryWord,
  extBytes,
  itemBytes,
  readU64,
  writeU64,
} from "./layout.ts";
import { POLICY_NOEVICTION, REASON_DELETED, REASON_EVICTED, REASON_EXPIRED, REASON_PAST_EXPIRY } from "./policy.ts";
import { evacuate, findCompactionCandidate, reclaimExpired, pickVictim, EVAC_COMPACT } from "./reclaim.ts";
import {
  type EvictionPolicy,
  EvictionPolicies,
  type ItemType,
  type KeyVisitor,
  type RemovalListener,
  SetMode,
  SetStatus,
  type StoreApi,
  type StoreOptions,
  type StoreSettings,
  type StoreObject,
  type StoreStats,
} from "./types.ts";

const EMPTY = new Uint8Array(0);

/** Bounded work of the allocator per request before it gives up (OOM). */
const ALLOC_ATTEMPTS = 64;
/**
 * Expired segments reclaimed per tick() call: at most 8 segments of unlinks (~130K items of
 * 64 bytes in 1 MiB segments). Expired segments beyond that are reclaimed by the allocator
 * when it needs room, before compacting or evicting.
 */
const TICK_SEGMENTS = 8;
/** scan() inspects at most count * SCAN_EMPTY_FACTOR buckets per call (Redis: 10). */
const SCAN_EMPTY_FACTOR = 10;

export class Store implements StoreApi {
  // ---- result registers (see types.ts) ----
  buf: Uint8Array = EMPTY;
  valueOffset = 0;
  valueLength = 0;
  itemType: ItemType = 0;
  itemFlags = 0;
  itemCas = 0;
  itemExpiryMs = 0;
  casExpected = 0;
  renameTargetExisted = false;
  obj: StoreObject | null = null;
  itemHandle = -1;

  /** The sizing and policy in effect (setEviction replaces the policy at runtime). */
  options: StoreSettings;

  // ---- components (internal: reclaim.ts and tests read them) ----
  readonly arena: Arena;
  readonly ht: HashTable;
  readonly segs: Segments;
  readonly large: LargeValues;
  readonly nowMs: () => number;
  /** Index in EvictionPolicies; setEviction changes it at runtime (CONFIG SET maxmemory-policy). */
  policy: number;
  /** LFU tuning (Redis's lfu-log-factor, and lfu-decay-time in seconds; 0 = never decay). */
  lfuLogFactor = LFU_LOG_FACTOR;
  lfuDecaySeconds = LFU_DECAY_SECONDS;
  readonly segSize: number;
  readonly segShift: number;
  readonly offMask: number;
  /** Largest item kept in a segment; bigger values go to the side table. */
  readonly maxSmallItem: number;
  /** Arena bytes (whole segments); segments in use plus large bytes stay within it. */
  readonly capacity: number;
  private readonly epochMs: number;
  /**
   * The clock as last read (ms) and as the access clock (s). find/peek/set read it once per
   * call (Date.now() costs ~20-35 ns): a cached clock refreshed only by tick() made
   * OBJECT IDLETIME wrong under a manual clock and between ticks.
   */
  private clockS = 0;

  /** Logical -> physical database (SWAPDB swaps entries). */
  readonly dbMap: Int32Array;
  readonly dbKeys: Float64Array;
  readonly dbExpires: Float64Array;

  // ---- the item found by the last lookup ----
  cBucket = 0;
  cTag = 0;
  cSlot = -1;
  cSeg = 0;
  cOff = 0;
  cPos = 0;
  cU8: Uint8Array = EMPTY;
  cU32: Uint32Array = new Uint32Array(0);
  // ---- the item of the last find/peek (itemIdleMs/itemFreq) ----
  private rU32: Uint32Array = new Uint32Array(0);
  private rWord = 0;
  // ---- the place the last allocate() reserved ----
  aSeg = 0;
  aOff = 0;
  /** Bumped whenever the allocator moves or removes items: cached lookups are stale. */
  moves = 0;
  /** Bytes of live items in segments. */
  liveBytes = 0;
  /** Bytes ever killed (monotonic): compaction only finds something new after this grows. */
  killedBytes = 0;
  /** killedBytes and minimum gain when a full compaction scan last found nothing. */
  private noCandidateAt = -1;
  private noCandidateGain = 0;
  private rng = 0x2545f491;
  /** Value/key copies for rename/copy/expire and values handed in from the arena itself. */
  private readonly scratch: Uint8Array;
  private readonly keyScratch: Uint8Array;
  /** The looked-up key's 32-bit words (filled by hashKeyWords). */
  private readonly keyWords = new Int32Array((MAX_KEY_BYTES >>> 2) + 1);
  /** Which key keyWords holds (the last lookup's). */
  private kwKey: Uint8Array = EMPTY;
  private kwOff = 0;
  private kwLen = -1;
  /** put() takes the value from the version it replaces (expire's re-append). */
  private valueFromFound = false;
  /** Walk cursor over streams for tick(). */
  tickCursor = 0;
  compactCursor = 0;

  /**
   * Told of each key expired or evicted by the store itself (see RemovalListener); null when
   * nobody listens (the server sets it only while notify-keyspace-events has x or e), so
   * removals then cost one comparison and allocate nothing.
   */
  onRemoved: RemovalListener | null = null;

  // ---- stats ----
  evictedKeys = 0;
  expiredKeys = 0;
  evictedSegments = 0;
  expiredSegments = 0;
  compactedSegments = 0;

  constructor(options: StoreOptions) {
    const policy = EvictionPolicies.indexOf(options.eviction as EvictionPolicy);
    if (policy < 0) throw new Error(`unknown eviction policy ${options.eviction}`);
    if (!Number.isInteger(options.databases) || options.databases < 1 || options.databases > MAX_DATABASES) {
      throw new Error(`databases must be 1..${MAX_DATABASES}, got ${options.databases}`);
    }
    if (!(options.maxValueSizeBytes >= 0)) throw new Error(`max_value_size must be >= 0`);
    this.options = Object.freeze({
      heapSizeBytes: options.heapSizeBytes,
      segmentSizeBytes: options.segmentSizeBytes,
      hashtablePower: options.hashtablePower,
      maxValueSizeBytes: options.maxValueSizeBytes,
      eviction: options.eviction,
      databases: options.databases,
    });
    this.policy = policy;
    this.arena = new Arena(options.heapSizeBytes, options.segmentSizeBytes, options.memory);
    this.segSize = this.arena.segmentSize;
    this.segShift = this.arena.segShift;
    this.offMask = (1 << this.segShift) - 1;
    this.maxSmallItem = Math.floor(this.segSize / 4) & ~7;
    this.capacity = this.arena.segments * this.segSize;
    this.segs = new Segments(this.arena.segments, this.segSize);
    this.ht = new HashTable(options.hashtablePower, options.onLargeAllocation);
    if (options.onLargeAllocation !== undefined && options.memory === undefined) for (const chunk of this.arena.chunkU8) options.onLargeAllocation(chunk);
    this.large = new LargeValues();
    this.nowMs = options.nowMs ?? Date.now;
    this.epochMs = this.nowMs();
    this.dbMap = new Int32Array(options.databases);
    for (let i = 0; i < options.databases; i++) this.dbMap[i] = i;
    this.dbKeys = new Float64Array(options.databases);
    this.dbExpires = new Float64Array(options.databases);
    this.scratch = new Uint8Array(this.maxSmallItem);
    this.keyScratch = new Uint8Array(MAX_KEY_BYTES);
  }

  // =====================================================================================
  // Lookup
  // =====================================================================================

  /**
   * Find the live slot of a key in physical db `pdb`. Sets cBucket/cTag always and the
   * c* item fields on a hit. Does not check expiry.
   */
  lookup(pdb: number, key: Uint8Array, off: number, len: number): boolean {
    const kw = this.keyWords;
    this.kwKey = key;
    this.kwOff = off;
    this.kwLen = len;
    const h = hashKeyWords(key, off, len, pdb, kw);
    const tag = tagOf(h);
    const ht = this.ht;
    const words = ht.words;
    const next = ht.next;
    let b = h & ht.mask;
    this.cBucket = b;
    this.cTag = tag;
    const want = ((pdb << DB_SHIFT) | len) >>> 0;
    const shift = this.segShift;
    const hiShift = 32 - shift;
    const offMask = this.offMask;
    const arena = this.arena;
    const segChunk = arena.segChunk;
    const segBase = arena.segBase;
    const nw = len >>> 2;
    const tail = off + (len & ~3);
    do {
      const end = (b << BUCKET_WORD_SHIFT) + WORDS_PER_BUCKET;
      for (let i = b << BUCKET_WORD_SHIFT; i < end; i += 2) {
        const w0 = words[i];
        if (((w0 >> 8) & 0xffffff) !== tag) continue;
        const lo = words[i + 1];
        const seg = ((w0 & 0xff) << hiShift) | (lo >>> shift);
        const segOff = (lo & offMask) << 3;
        const pos = segBase[seg] + segOff;
        const c = segChunk[seg];
        const i32 = arena.chunkI32[c];
        const p = pos >> 2;
        const meta = i32[p];
        if ((meta & KEY_DB_MASK) !== want) continue;
        // Key words (4-aligned in the arena) against the words hashKeyWords captured.
        const kp = p + 4 + (extBytes(meta) >> 2);
        let j = 0;
        while (j < nw && i32[kp + j] === kw[j]) j++;
        if (j !== nw) continue;
        const u8 = arena.chunkU8[c];
        let t = tail;
        let a = (kp + nw) << 2;
        while (t < off + len && u8[a] === key[t]) {
          a++;
          t++;
        }
        if (t !== off + len) continue;
        this.cSlot = i;
        this.cSeg = seg;
        this.cOff = segOff;
        this.cPos = pos;
        this.cU8 = u8;
        this.cU32 = arena.chunkU32[c];
        return true;
      }
      b = next[b];
    } while (b !== 0);
    return false;
  }

  /** Expiry (absolute ms, 0 = none) of the item at word p of u32 in segment seg. */
  expiryAt(u32: Uint32Array, p: number, seg: number): number {
    const e = u32[p + W_EXPIRY];
    if (e === 0) return 0;
    if (e === EXPIRY_EXT) return readU64(u32, expiryWord(p, u32[p]));
    return this.segs.time[seg] + e;
  }

  /** CAS of the item at word p (explicit, or implicit from its place). */
  casAt(u32: Uint32Array, p: number, seg: number, segOff: number): number {
    const meta = u32[p];
    if ((meta & F_CAS) !== 0) return readU64(u32, casWord(p, meta));
    return this.segs.casBase[seg] + (segOff >>> 3);
  }

  find(db: number, key: Uint8Array, keyOff: number, keyLen: number): boolean {
    if (!this.lookup(this.dbMap[db], key, keyOff, keyLen)) return false;
    return this.hit(true);
  }

  peek(db: number, key: Uint8Array, keyOff: number, keyLen: number): boolean {
    if (!this.lookup(this.dbMap[db], key, keyOff, keyLen)) return false;
    return this.hit(false);
  }

  /** After a lookup hit: drop it if expired, else fill the registers (and count the access). */
  private hit(touch: boolean): boolean {
    const u32 = this.cU32;
    const p = this.cPos >>> 2;
    const meta = u32[p];
    const e = u32[p + W_EXPIRY];
    const now = this.readClock();
    let exp = 0;
    if (e !== 0) {
      exp = e === EXPIRY_EXT ? readU64(u32, expiryWord(p, meta)) : this.segs.time[this.cSeg] + e;
      if (now > exp) {
        this.removeCurrent(REASON_EXPIRED);
        return false;
      }
    }
    if (touch) {
      const acc = u32[p + W_ACCESS];
      const nowS = this.clockS;
      let counter = acc >>> LFU_SHIFT;
      counter = lfuDecay(counter, (nowS - (acc & ACCESS_TIME_MASK)) & ACCESS_TIME_MASK, this.lfuDecaySeconds);
      if (counter < 255) counter = lfuIncrement(counter, this.random01(), this.lfuLogFactor);
      const updated = ((counter << LFU_SHIFT) | ACCESS_VISITED | nowS) >>> 0;
      if (updated !== acc) u32[p + W_ACCESS] = updated;
    }
    this.rU32 = u32;
    this.rWord = p + W_ACCESS;
    const ext = extBytes(meta);
    const type = (meta >>> TYPE_SHIFT) as ItemType;
    if ((meta & F_LARGE) === 0) {
      this.buf = this.cU8;
      this.valueOffset = this.cPos + HEADER_BYTES + ext + (meta & KEY_LEN_MASK);
      this.valueLength = u32[p + W_VALUE];
      this.obj = null;
    } else {
      const h = u32[p + W_VALUE];
      this.itemHandle = h;
      this.valueOffset = 0;
      if (type === 0) {
        const v = this.large.get(h);
        this.buf = v;
        this.valueLength = v.length;
        this.obj = null;
      } else {
        this.buf = EMPTY;
        this.valueLength = 0;
        this.obj = this.large.object(h);
      }
    }
    this.itemType = type;
    this.itemFlags = (meta & F_FLAGS) !== 0 ? u32[p + 4] : 0;
    this.itemCas = (meta & F_CAS) !== 0 ? readU64(u32, casWord(p, meta)) : this.segs.casBase[this.cSeg] + (this.cOff >>> 3);
    this.itemExpiryMs = exp;
    return true;
  }

  itemIdleMs(): number {
    const acc = this.rU32[this.rWord];
    return ((this.clockSeconds(this.nowMs()) - (acc & ACCESS_TIME_MASK)) & ACCESS_TIME_MASK) * 1000;
  }

  itemFreq(): number {
    const acc = this.rU32[this.rWord];
    const idle = (this.clockSeconds(this.nowMs()) - (acc & ACCESS_TIME_MASK)) & ACCESS_TIME_MASK;
    return lfuDecay(acc >>> LFU_SHIFT, idle, this.lfuDecaySeconds);
  }

  /** Read the clock exactly, refreshing the cached one. */
  readClock(): number {
    const t = this.nowMs();
    this.clockS = this.clockSeconds(t);
    return t;
  }

  clockSeconds(now: number): number {
    return Math.floor((now - this.epochMs) * 0.001) & ACCESS_TIME_MASK;
  }

  private random01(): number {
    let x = this.rng;
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    this.rng = x;
    return (x >>> 0) / 4294967296;
  }

  /** Uniform random integer in [0, n). */
  randomInt(n: number): number {
    return Math.floor(this.random01() * n);
  }

  // =====================================================================================
  // Removal
  // =====================================================================================

  /** Unlink the item of the last lookup hit. */
  removeCurrent(reason: number): void {
    const u32 = this.cU32;
    const p = this.cPos >>> 2;
    const meta = u32[p];
    const pdb = (meta >>> DB_SHIFT) & 0xff;
    if (u32[p + W_EXPIRY] !== 0) this.dbExpires[pdb]--;
    this.dbKeys[pdb]--;
    this.ht.remove(this.cSlot, this.cBucket);
    this.killItem(this.cSeg, u32, p, meta, true);
    if (reason === REASON_EXPIRED || reason === REASON_PAST_EXPIRY) this.expiredKeys++;
    else if (reason === REASON_EVICTED) this.evictedKeys++;
    // The item is dead and unlinked, but its bytes stay where they are until the segment
    // is reused, which cannot happen during the call.
    if (this.onRemoved !== null && (reason === REASON_EXPIRED || reason === REASON_EVICTED)) {
      this.onRemoved(this.logicalDb(pdb), this.cU8, this.cPos + HEADER_BYTES + extBytes(meta), meta & KEY_LEN_MASK, reason);
    }
  }

  /** The SELECT number of physical db `pdb` (dbMap is a permutation: SWAPDB swaps entries). */
  logicalDb(pdb: number): number {
    const m = this.dbMap;
    for (let i = 0; i < m.length; i++) if (m[i] === pdb) return i;
    return pdb;
  }

  /** Mark an item dead and account for it; frees its segment when that was its last item. */
  killItem(seg: number, u32: Uint32Array, p: number, meta: number, freeLarge: boolean): void {
    const size = itemBytes(meta, u32[p + W_VALUE]);
    u32[p] = (meta | F_DEAD) >>> 0;
    if ((meta & F_LARGE) !== 0 && freeLarge) this.large.free(u32[p + W_VALUE]);
    const segs = this.segs;
    segs.live[seg] -= size;
    this.liveBytes -= size;
    this.killedBytes += size;
    if (--segs.items[seg] === 0 && segs.busy[seg] === 0 && !segs.isOpen(seg)) segs.release(seg);
  }

  delete(db: number, key: Uint8Array, keyOff: number, keyLen: number): boolean {
    if (!this.lookup(this.dbMap[db], key, keyOff, keyLen)) return false;
    const u32 = this.cU32;
    const p = this.cPos >>> 2;
    if (u32[p + W_EXPIRY] !== 0 && this.readClock() > this.expiryAt(u32, p, this.cSeg)) {
      this.removeCurrent(REASON_EXPIRED);
      return false;
    }
    this.removeCurrent(REASON_DELETED);
    return true;
  }

  // =====================================================================================
  // Writes
  // =====================================================================================

  set(
    db: number, key: Uint8Array, keyOff: number, keyLen: number,
    value: Uint8Array, valueOff: number, valueLen: number,
    expiryMs: number, flags: number, mode: number, type: ItemType = 0,
  ): SetStatus {
    if (keyLen > MAX_KEY_BYTES || valueLen > this.options.maxValueSizeBytes) return SetStatus.TooLarge;
    const pdb = this.dbMap[db];
    let found = this.lookup(pdb, key, keyOff, keyLen);
    const now = this.readClock();
    let oldExp = 0;
    if (found) {
      const u32 = this.cU32;
      const p = this.cPos >>> 2;
      if (u32[p + W_EXPIRY] !== 0) {
        oldExp = this.expiryAt(u32, p, this.cSeg);
        if (now > oldExp) {
          this.removeCurrent(REASON_EXPIRED);
          found = false;
          oldExp = 0;
        }
      }
    }
    if (mode !== 0) {
      if ((mode & SetMode.NX) !== 0 && found) return SetStatus.NotStored;
      if ((mode & SetMode.XX) !== 0 && !found) return SetStatus.NotStored;
      if ((mode & SetMode.CAS) !== 0) {
        if (!found) return SetStatus.NotFound;
        if (this.casAt(this.cU32, this.cPos >>> 2, this.cSeg, this.cOff) !== this.casExpected) return SetStatus.Exists;
      }
      if (found) {
        if ((mode & SetMode.KEEPTTL) !== 0) expiryMs = oldExp;
        if ((mode & SetMode.KEEPFLAGS) !== 0) {
          const m = this.cU32[this.cPos >>> 2];
          flags = (m & F_FLAGS) !== 0 ? this.cU32[(this.cPos >>> 2) + 4] : 0;
        }
      }
    }
    if (expiryMs !== 0 && now > expiryMs) {
      // Already expired on arrival: the write deletes the key.
      if (found) this.removeCurrent(REASON_PAST_EXPIRY);
      return SetStatus.Stored;
    }
    // Bytes that live in the arena may move while room is made: copy them first.
    if (valueLen > 0 && valueLen <= this.maxSmallItem && this.inArena(value)) {
      copyBytes(this.scratch, 0, value, valueOff, valueLen);
      value = this.scratch;
      valueOff = 0;
    }
    if (keyLen > 0 && this.inArena(key)) {
      copyBytes(this.keyScratch, 0, key, keyOff, keyLen);
      key = this.keyScratch;
      keyOff = 0;
    }
    return this.put(pdb, key, keyOff, keyLen, value, valueOff, valueLen, expiryMs, flags >>> 0, type, now, found, -1, -1, -1);
  }

  /** True when `buf` is one of the arena's chunk views (the `buf` register of a small item). */
  inArena(buf: Uint8Array): boolean {
    const chunks = this.arena.chunkU8;
    for (let i = 0; i < chunks.length; i++) if (chunks[i] === buf) return true;
    return false;
  }

  /**
   * Append a new version of a key and make it the live one. `found` says whether the last
   * lookup (cSlot/cSeg/...) holds the current version, which is replaced. keepCas/access:
   * preserved metadata when an item is re-appended (expire), else -1. largeHandle: a side
   * value adopted as is (rename), else -1.
   */
  put(
    pdb: number, key: Uint8Array, keyOff: number, keyLen: number,
    value: Uint8Array, valueOff: number, valueLen: number,
    expiry: number, flags: number, type: number, now: number, found: boolean,
    keepCas: number, access: number, largeHandle: number,
  ): SetStatus {
    let meta = ((type << TYPE_SHIFT) | (pdb << DB_SHIFT) | keyLen) >>> 0;
    let ext = 0;
    if (flags !== 0) {
      meta |= F_FLAGS;
      ext += 4;
    }
    if (keepCas >= 0) {
      meta |= F_CAS;
      ext += 8;
    }
    // Word 3 holds expiry - (segment open time <= now) when that is in [1, 2^32 - 2]; an
    // expiry at exactly `now` (delta could be 0, which means "none") or far ahead takes the
    // 64-bit extension.
    if (expiry !== 0 && (expiry - now > COMPACT_TTL_MAX_MS || expiry <= now)) {
      meta |= F_EXTEXP;
      ext += 8;
    }
    let size = (HEADER_BYTES + ext + keyLen + valueLen + 7) & ~7;
    let handle = -1;
    if (size > this.maxSmallItem || largeHandle >= 0) {
      size = (HEADER_BYTES + ext + keyLen + 7) & ~7;
      if (size > this.maxSmallItem) return SetStatus.TooLarge;
      meta |= F_LARGE;
      if (largeHandle >= 0) {
        handle = largeHandle;
      } else {
        const u32 = this.cU32;
        const op = this.cPos >>> 2;
        const credit = found && (u32[op] & F_LARGE) !== 0 ? this.large.costOf(u32[op + W_VALUE]) : 0;
        const moves = this.moves;
        if (!this.reserveLarge(LargeValues.cost(valueLen) - credit, now)) return SetStatus.OutOfMemory;
        if (this.moves !== moves && found) found = this.lookup(pdb, key, keyOff, keyLen);
        handle = this.large.alloc(valueLen);
        this.large.get(handle).set(value.subarray(valueOff, valueOff + valueLen));
      }
    }
    meta >>>= 0;
    const stream = expiry === 0 ? STREAM_NO_TTL : ttlBucket(expiry - now);
    const moves = this.moves;
    if (!this.allocate(stream, size, now)) {
      if (handle >= 0 && largeHandle < 0) this.large.free(handle);
      return SetStatus.OutOfMemory;
    }
    if (this.moves !== moves && found) found = this.lookup(pdb, key, keyOff, keyLen);
    const seg = this.aSeg;
    const segOff = this.aOff;
    const arena = this.arena;
    const c = arena.segChunk[seg];
    const u8 = arena.chunkU8[c];
    const u32 = arena.chunkU32[c];
    const pos = arena.segBase[seg] + segOff;
    const p = pos >>> 2;
    const segs = this.segs;
    if (this.valueFromFound) {
      // Re-append (expire): the value is the old version's, read where it is now.
      this.valueFromFound = false;
      if (!found) {
        // It was evicted while room was made: leave the reserved bytes as a filler.
        u32[p] = FILLER_META;
        u32[p + W_VALUE] = size;
        return SetStatus.NotFound;
      }
      const om = this.cU32[this.cPos >>> 2];
      value = this.cU8;
      valueOff = this.cPos + HEADER_BYTES + extBytes(om) + keyLen;
    }

    // ---- write the item ----
    u32[p] = meta;
    u32[p + W_VALUE] = handle >= 0 ? handle : valueLen;
    u32[p + W_ACCESS] = access >= 0 ? access : ((LFU_INIT << LFU_SHIFT) | this.clockS) >>> 0;
    let w = p + 4;
    if (flags !== 0) u32[w++] = flags;
    if (keepCas >= 0) {
      writeU64(u32, w, keepCas);
      w += 2;
    }
    if (expiry === 0) {
      u32[p + W_EXPIRY] = 0;
    } else if ((meta & F_EXTEXP) !== 0) {
      u32[p + W_EXPIRY] = EXPIRY_EXT;
      writeU64(u32, w, expiry);
      w += 2;
    } else {
      u32[p + W_EXPIRY] = expiry - segs.time[seg];
    }
    const i32 = arena.chunkI32[c];
    if (this.kwKey === key && this.kwOff === keyOff && this.kwLen === keyLen) {
      // The lookup left the key's words in keyWords: store them a word at a time.
      const kw = this.keyWords;
      const nw = keyLen >>> 2;
      for (let j = 0; j < nw; j++) i32[w + j] = kw[j];
      const t = nw << 2;
      for (let j = t; j < keyLen; j++) u8[(w << 2) + j] = key[keyOff + j];
    } else {
      copyBytes(u8, w << 2, key, keyOff, keyLen);
    }
    if (handle < 0) {
      const d = (w << 2) + keyLen;
      if (value === u8 && valueLen > 64) {
        // The value is this very chunk (re-append): copyWithin, no view needed.
        u8.copyWithin(d, valueOff, valueOff + valueLen);
      } else if ((d & 3) === 0 && valueLen >= 8 && valueLen <= 64) {
        // Word-aligned destination: assemble words (4 byte loads, 1 store).
        const nw = valueLen >>> 2;
        const dw = d >> 2;
        let sv = valueOff;
        for (let j = 0; j < nw; j++, sv += 4) {
          i32[dw + j] = value[sv] | (value[sv + 1] << 8) | (value[sv + 2] << 16) | (value[sv + 3] << 24);
        }
        for (let j = nw << 2; j < valueLen; j++) u8[d + j] = value[valueOff + j];
      } else {
        copyBytes(u8, d, value, valueOff, valueLen);
      }
    }
    segs.live[seg] += size;
    segs.items[seg]++;
    this.liveBytes += size;
    const maxExp = expiry === 0 ? Infinity : expiry;
    if (maxExp > segs.maxExpiry[seg]) segs.maxExpiry[seg] = maxExp;

    // ---- link it ----
    const w0 = ((this.cTag << 8) | ((seg >>> (32 - this.segShift)) & 0xff)) >>> 0;
    const w1 = ((seg << this.segShift) | (segOff >>> 3)) >>> 0;
    if (found) {
      const ou32 = this.cU32;
      const op = this.cPos >>> 2;
      const om = ou32[op];
      if (ou32[op + W_EXPIRY] !== 0) this.dbExpires[pdb]--;
      const words = this.ht.words;
      words[this.cSlot] = w0;
      words[this.cSlot + 1] = w1;
      // A re-appended item (expire) adopts its own large value: do not free it.
      const adopted = largeHandle >= 0 && (om & F_LARGE) !== 0 && ou32[op + W_VALUE] === largeHandle;
      this.killItem(this.cSeg, ou32, op, om, !adopted);
    } else {
      this.ht.insert(this.cBucket, w0, w1);
      this.dbKeys[pdb]++;
    }
    if (expiry !== 0) this.dbExpires[pdb]++;
    this.itemCas = keepCas >= 0 ? keepCas : segs.casBase[seg] + (segOff >>> 3);
    return SetStatus.Stored;
  }

  // =====================================================================================
  // Objects (hash, list, set, sorted set)
  // =====================================================================================

  setObject(
    db: number, key: Uint8Array, keyOff: number, keyLen: number,
    obj: StoreObject, type: ItemType, expiryMs: number, mode: number,
  ): SetStatus {
    if (keyLen > MAX_KEY_BYTES) return SetStatus.TooLarge;
    const pdb = this.dbMap[db];
    const now = this.readClock();
    const found = this.lookupLive(pdb, key, keyOff, keyLen, now);
    if ((mode & SetMode.NX) !== 0 && found) return SetStatus.NotStored;
    if ((mode & SetMode.XX) !== 0 && !found) return SetStatus.NotStored;
    if ((mode & SetMode.KEEPTTL) !== 0 && found) expiryMs = this.expiryAt(this.cU32, this.cPos >>> 2, this.cSeg);
    if (expiryMs !== 0 && now > expiryMs) {
      if (found) this.removeCurrent(REASON_PAST_EXPIRY);
      return SetStatus.Stored;
    }
    if (keyLen > 0 && this.inArena(key)) {
      copyBytes(this.keyScratch, 0, key, keyOff, keyLen);
      key = this.keyScratch;
      keyOff = 0;
    }
    return this.putObject(pdb, key, keyOff, keyLen, obj, type, expiryMs, now, found);
  }

  /** setObject's second half: charge the object, give it a handle, store its stub. */
  private putObject(
    pdb: number, key: Uint8Array, keyOff: number, keyLen: number,
    obj: StoreObject, type: ItemType, expiry: number, now: number, found: boolean,
  ): SetStatus {
    const u32 = this.cU32;
    const op = this.cPos >>> 2;
    const credit = found && (u32[op] & F_LARGE) !== 0 ? this.large.costOf(u32[op + W_VALUE]) : 0;
    const moves = this.moves;
    if (!this.reserveLarge(LargeValues.objectCost(obj) - credit, now)) return SetStatus.OutOfMemory;
    if (this.moves !== moves && found) found = this.lookupLive(pdb, key, keyOff, keyLen, now);
    const handle = this.large.allocObject(obj);
    const status = this.put(pdb, key, keyOff, keyLen, EMPTY, 0, 0, expiry, 0, type, now, found, -1, -1, handle);
    if (status !== SetStatus.Stored) this.large.free(handle);
    else this.itemHandle = handle;
    return status;
  }

  recharge(handle: number): boolean {
    if (this.large.recharge(handle) <= 0) return true;
    return this.reserveLarge(0, this.readClock());
  }

  overLimit(): boolean {
    if (this.segs.used * this.segSize + this.large.bytes <= this.capacity) return false;
    return !this.reserveLarge(0, this.readClock());
  }

  // =====================================================================================
  // Space
  // =====================================================================================

  /** Whether the open segment `seg` can take items at `now` (expiry deltas stay in range). */
  private timeOk(seg: number, now: number): boolean {
    const t = this.segs.time[seg];
    return t <= now && now - t <= COMPACT_TTL_MAX_MS;
  }

  /** Whether one more segment may be taken (segments in use plus large bytes within capacity). */
  canTakeSegment(): boolean {
    return this.segs.freeCount > 0 && (this.segs.used + 1) * this.segSize + this.large.bytes <= this.capacity;
  }

  /**
   * Make a fresh segment the open one of `stream`; false when none may be taken. `force`
   * (evacuation re-taking the segment it just freed) skips the large-bytes check, which a
   * large overwrite in progress may exceed by the old value's size for a moment.
   */
  openSegment(stream: number, now: number, force = false): boolean {
    if (force ? this.segs.freeCount === 0 : !this.canTakeSegment()) return false;
    const segs = this.segs;
    const prev = segs.open[stream];
    segs.take(stream, now);
    // The previous open segment is sealed now: free it if everything in it died.
    if (prev !== NONE && segs.items[prev] === 0 && segs.busy[prev] === 0) segs.release(prev);
    return true;
  }

  /**
   * Reserve `size` bytes in the open segment of `stream` (aSeg/aOff). Makes room by
   * reclaiming expired segments, compacting, then evicting per policy; under noeviction
   * (or when nothing else works) places the item in any open segment with room.
   */
  allocate(stream: number, size: number, now: number): boolean {
    const segs = this.segs;
    for (let attempt = 0; attempt < ALLOC_ATTEMPTS; attempt++) {
      const open = segs.open[stream];
      if (open !== NONE && segs.write[open] + size <= this.segSize && this.timeOk(open, now)) {
        this.aSeg = open;
        this.aOff = segs.write[open];
        segs.write[open] += size;
        return true;
      }
      if (this.openSegment(stream, now)) continue;
      if (!this.makeRoom(size, now)) break;
    }
    // Last resort: any open segment of another stream (its maxExpiry follows the item).
    for (let s = 0; s < STREAMS; s++) {
      const open = segs.open[s];
      if (open !== NONE && segs.write[open] + size <= this.segSize && this.timeOk(open, now)) {
        this.aSeg = open;
        this.aOff = segs.write[open];
        segs.write[open] += size;
        return true;
      }
    }
    return false;
  }

  /** One step of making room; false when nothing could be done. */
  makeRoom(size: number, now: number): boolean {
    if (reclaimExpired(this, now, 4) > 0) return true;
    const noEviction = this.policy === POLICY_NOEVICTION;
    // noeviction: any segment whose evacuation gains room for this item; otherwise only
    // mostly-dead ones (compaction is cheaper than losing keys, but not free).
    const minGain = noEviction ? size + 8 : this.segSize >>> 1;
    // A full scan (noeviction) that found nothing finds nothing again, for as much gain,
    // until items die: OOM answers stay cheap on a full heap.
    if (!noEviction || this.noCandidateAt !== this.killedBytes || minGain < this.noCandidateGain) {
      const cand = findCompactionCandidate(this, minGain, !noEviction);
      if (cand !== NONE) {
        evacuate(this, cand, EVAC_COMPACT, now);
        this.compactedSegments++;
        return true;
      }
      if (noEviction) {
        this.noCandidateAt = this.killedBytes;
        this.noCandidateGain = minGain;
      }
    }
    if (noEviction) return false;
    return pickVictim(this, now);
  }

  /** Keep large-value bytes within capacity; false when no room can be made. */
  private reserveLarge(bytes: number, now: number): boolean {
    for (let attempt = 0; attempt < ALLOC_ATTEMPTS + this.segs.count; attempt++) {
      if (this.segs.used * this.segSize + this.large.bytes + bytes <= this.capacity) return true;
      if (!this.makeRoom(this.segSize, now)) return false;
    }
    return false;
  }

  // =====================================================================================
  // Expiry, rename, copy
  // =====================================================================================

  expire(db: number, key: Uint8Array, keyOff: number, keyLen: number, expiryMs: number): boolean {
    const pdb = this.dbMap[db];
    if (!this.lookup(pdb, key, keyOff, keyLen)) return false;
    const now = this.readClock();
    let u32 = this.cU32;
    let p = this.cPos >>> 2;
    const seg = this.cSeg;
    const oldExp = this.expiryAt(u32, p, seg);
    if (oldExp !== 0 && now > oldExp) {
      this.removeCurrent(REASON_EXPIRED);
      return false;
    }
    if (expiryMs !== 0 && now > expiryMs) {
      this.removeCurrent(REASON_PAST_EXPIRY);
      return true;
    }
    if (expiryMs === oldExp) return true;
    const segs = this.segs;
    // In place when the segment's TTL bucket bound allows it: its whole-segment expiry
    // (maxExpiry) then still covers the item.
    if (expiryMs !== 0 && expiryMs <= segs.limit[seg] && this.writeExpiryInPlace(u32, p, seg, expiryMs, oldExp)) {
      return true;
    }
    // Re-append into the right stream, keeping CAS, flags, type and access metadata.
    const meta = u32[p];
    const klen = meta & KEY_LEN_MASK;
    const large = (meta & F_LARGE) !== 0;
    const vlen = large ? 0 : u32[p + W_VALUE];
    if (this.inArena(key)) {
      copyBytes(this.keyScratch, 0, key, keyOff, keyLen);
      key = this.keyScratch;
      keyOff = 0;
    }
    let value = this.scratch;
    if (itemBytes(meta, u32[p + W_VALUE]) + 16 <= this.maxSmallItem) {
      // put reads the value from the old version itself, wherever the allocator leaves it.
      this.valueFromFound = true;
    } else {
      copyBytes(this.scratch, 0, this.cU8, this.cPos + HEADER_BYTES + extBytes(meta) + klen, vlen);
      value = this.scratch;
    }
    const flags = (meta & F_FLAGS) !== 0 ? u32[p + 4] : 0;
    const cas = this.casAt(u32, p, seg, this.cOff);
    const status = this.put(
      pdb, key, keyOff, klen, value, 0, vlen, expiryMs, flags, meta >>> TYPE_SHIFT, now, true,
      cas, u32[p + W_ACCESS], large ? u32[p + W_VALUE] : -1,
    );
    this.valueFromFound = false;
    // Stored: the old version was killed by put without freeing the adopted large value.
    if (status === SetStatus.Stored) return true;
    if (status === SetStatus.NotFound) return false; // evicted while room was made
    // No room to move it (noeviction, full): change it in place regardless of the bound.
    if (!this.lookup(pdb, key, keyOff, klen)) return false;
    u32 = this.cU32;
    p = this.cPos >>> 2;
    return this.writeExpiryInPlace(u32, p, this.cSeg, expiryMs, oldExp);
  }

  /** Rewrite an item's expiry where it lies; false when the encoding cannot hold it. */
  private writeExpiryInPlace(u32: Uint32Array, p: number, seg: number, expiryMs: number, oldExp: number): boolean {
    const meta = u32[p];
    const segs = this.segs;
    if (expiryMs === 0) {
      u32[p + W_EXPIRY] = 0;
    } else if ((meta & F_EXTEXP) !== 0) {
      writeU64(u32, expiryWord(p, meta), expiryMs);
      u32[p + W_EXPIRY] = EXPIRY_EXT;
    } else {
      const d = expiryMs - segs.time[seg];
      if (!(d >= 1 && d <= EXPIRY_DELTA_MAX)) return false;
      u32[p + W_EXPIRY] = d;
    }
    const maxExp = expiryMs === 0 ? Infinity : expiryMs;
    if (maxExp > segs.maxExpiry[seg]) segs.maxExpiry[seg] = maxExp;
    const pdb = (meta >>> DB_SHIFT) & 0xff;
    if (oldExp === 0 && expiryMs !== 0) this.dbExpires[pdb]++;
    else if (oldExp !== 0 && expiryMs === 0) this.dbExpires[pdb]--;
    return true;
  }

  /** Lookup in a logical db that drops an expired hit; true for a live hit. */
  private lookupLive(pdb: number, key: Uint8Array, off: number, len: number, now: number): boolean {
    if (!this.lookup(pdb, key, off, len)) return false;
    const u32 = this.cU32;
    const p = this.cPos >>> 2;
    if (u32[p + W_EXPIRY] !== 0 && now > this.expiryAt(u32, p, this.cSeg)) {
      this.removeCurrent(REASON_EXPIRED);
      return false;
    }
    return true;
  }

  rename(
    db: number, src: Uint8Array, srcOff: number, srcLen: number,
    dst: Uint8Array, dstOff: number, dstLen: number, nx: boolean,
  ): boolean {
    this.renameTargetExisted = false;
    const pdb = this.dbMap[db];
    const now = this.readClock();
    if (!this.lookupLive(pdb, src, srcOff, srcLen, now)) return false;
    if (srcLen === dstLen && bytesEqual(src, srcOff, dst, dstOff, srcLen)) {
      if (nx) {
        this.renameTargetExisted = true;
        return false;
      }
      return true;
    }
    if (dstLen > MAX_KEY_BYTES) return false;
    if (this.inArena(dst)) {
      this.keyScratch.set(dst.subarray(dstOff, dstOff + dstLen));
      dst = this.keyScratch;
      dstOff = 0;
    }
    const dstExists = this.lookupLive(pdb, dst, dstOff, dstLen, now);
    if (dstExists && nx) {
      this.renameTargetExisted = true;
      return false;
    }
    if (dstLen <= srcLen) {
      // Same size or shorter: re-key the item where it lies. No allocation, cannot fail.
      if (dstExists) this.removeCurrent(REASON_DELETED);
      this.lookup(pdb, src, srcOff, srcLen);
      this.rekeyInPlace(pdb, dst, dstOff, dstLen);
      return true;
    }
    // Longer key: append the item under the new key (replacing the target), then drop the
    // source, whose large value (if any) the new item adopts. Under noeviction with no room
    // this fails and leaves both keys as they were.
    this.lookup(pdb, src, srcOff, srcLen);
    const u32 = this.cU32;
    const p = this.cPos >>> 2;
    const meta = u32[p];
    const large = (meta & F_LARGE) !== 0;
    const vlen = large ? 0 : u32[p + W_VALUE];
    const voff = this.cPos + HEADER_BYTES + extBytes(meta) + srcLen;
    this.scratch.set(this.cU8.subarray(voff, voff + vlen));
    const exp = this.expiryAt(u32, p, this.cSeg);
    const flags = (meta & F_FLAGS) !== 0 ? u32[p + 4] : 0;
    const access = u32[p + W_ACCESS];
    const handle = large ? u32[p + W_VALUE] : -1;
    const found = this.lookup(pdb, dst, dstOff, dstLen);
    const status = this.put(pdb, dst, dstOff, dstLen, this.scratch, 0, vlen, exp, flags, meta >>> TYPE_SHIFT, now, found, -1, access, handle);
    if (status !== SetStatus.Stored) return false;
    if (this.lookup(pdb, src, srcOff, srcLen)) this.removeSrc(large);
    return true;
  }

  /** Give the current item (cSlot/...) the key `dst` (not longer than its own) in place. */
  private rekeyInPlace(pdb: number, dst: Uint8Array, dstOff: number, dstLen: number): void {
    const u8 = this.cU8;
    const u32 = this.cU32;
    const p = this.cPos >>> 2;
    const meta = u32[p];
    const seg = this.cSeg;
    const segOff = this.cOff;
    const srcLen = meta & KEY_LEN_MASK;
    const valueWord = u32[p + W_VALUE];
    const valueBytes = (meta & F_LARGE) !== 0 ? 0 : valueWord;
    this.ht.remove(this.cSlot, this.cBucket);
    const k = this.cPos + HEADER_BYTES + extBytes(meta);
    if (dstLen !== srcLen && valueBytes > 0) u8.copyWithin(k + dstLen, k + srcLen, k + srcLen + valueBytes);
    for (let j = 0; j < dstLen; j++) u8[k + j] = dst[dstOff + j];
    const newMeta = ((meta & ~KEY_LEN_MASK) | dstLen) >>> 0;
    const gap = itemBytes(meta, valueWord) - itemBytes(newMeta, valueWord);
    u32[p] = newMeta;
    if (gap > 0) {
      const f = (this.cPos + itemBytes(newMeta, valueWord)) >>> 2;
      u32[f] = FILLER_META;
      u32[f + 1] = gap;
      this.segs.live[seg] -= gap;
      this.liveBytes -= gap;
    }
    this.lookup(pdb, dst, dstOff, dstLen); // cBucket/cTag of the new key
    const w0 = ((this.cTag << 8) | ((seg >>> (32 - this.segShift)) & 0xff)) >>> 0;
    const w1 = ((seg << this.segShift) | (segOff >>> 3)) >>> 0;
    this.ht.insert(this.cBucket, w0, w1);
  }

  /** Remove the current item (a rename source) keeping its large value, which moved on. */
  private removeSrc(large: boolean): void {
    const u32 = this.cU32;
    const p = this.cPos >>> 2;
    const meta = u32[p];
    const pdb = (meta >>> DB_SHIFT) & 0xff;
    if (u32[p + W_EXPIRY] !== 0) this.dbExpires[pdb]--;
    this.dbKeys[pdb]--;
    this.ht.remove(this.cSlot, this.cBucket);
    this.killItem(this.cSeg, u32, p, meta, !large);
  }

  copy(
    srcDb: number, src: Uint8Array, srcOff: number, srcLen: number,
    dstDb: number, dst: Uint8Array, dstOff: number, dstLen: number, replace: boolean,
  ): boolean {
    const spdb = this.dbMap[srcDb];
    const dpdb = this.dbMap[dstDb];
    const now = this.readClock();
    if (spdb === dpdb && srcLen === dstLen && bytesEqual(src, srcOff, dst, dstOff, srcLen)) return false;
    if (dstLen > MAX_KEY_BYTES) return false;
    if (!this.lookupLive(spdb, src, srcOff, srcLen, now)) return false;
    if (this.inArena(dst)) {
      this.keyScratch.set(dst.subarray(dstOff, dstOff + dstLen));
      dst = this.keyScratch;
      dstOff = 0;
    }
    const u32 = this.cU32;
    const p = this.cPos >>> 2;
    const meta = u32[p];
    const exp = this.expiryAt(u32, p, this.cSeg);
    const flags = (meta & F_FLAGS) !== 0 ? u32[p + 4] : 0;
    let value: Uint8Array;
    let voff = 0;
    let vlen: number;
    const type = meta >>> TYPE_SHIFT;
    if (type !== 0) {
      const found = this.lookupLive(dpdb, dst, dstOff, dstLen, now);
      if (found && !replace) return false;
      const clone = this.large.object(u32[p + W_VALUE]).clone();
      return this.putObject(dpdb, dst, dstOff, dstLen, clone, type as ItemType, exp, now, found) === SetStatus.Stored;
    }
    if ((meta & F_LARGE) !== 0) {
      value = this.large.get(u32[p + W_VALUE]); // stable object: not moved by the allocator
      vlen = value.length;
    } else {
      vlen = u32[p + W_VALUE];
      voff = this.cPos + HEADER_BYTES + extBytes(meta) + srcLen;
      this.scratch.set(this.cU8.subarray(voff, voff + vlen));
      value = this.scratch;
      voff = 0;
    }
    const found = this.lookupLive(dpdb, dst, dstOff, dstLen, now);
    if (found && !replace) return false;
    return this.put(dpdb, dst, dstOff, dstLen, value, voff, vlen, exp, flags, meta >>> TYPE_SHIFT, now, found, -1, -1, -1) === SetStatus.Stored;
  }

  // =====================================================================================
  // Databases
  // =====================================================================================

  dbSize(db: number): number {
    return this.dbKeys[this.dbMap[db]];
  }

  expiresCount(db: number): number {
    return this.dbExpires[this.dbMap[db]];
  }

  swapDb(a: number, b: number): void {
    const t = this.dbMap[a];
    this.dbMap[a] = this.dbMap[b];
    this.dbMap[b] = t;
  }

  flushDb(db: number): void {
    const pdb = this.dbMap[db];
    if (this.dbKeys[pdb] === 0) return;
    if (this.dbKeys[pdb] === this.totalKeys()) {
      this.resetAll();
      return;
    }
    const ht = this.ht;
    const arena = this.arena;
    const shift = this.segShift;
    for (let mb = 0; mb < ht.mainBuckets; mb++) {
      let b = mb;
      let touched = false;
      do {
        const words = ht.words;
        const end = (b << BUCKET_WORD_SHIFT) + WORDS_PER_BUCKET;
        for (let i = b << BUCKET_WORD_SHIFT; i < end; i += 2) {
          const w0 = words[i];
          if (w0 === 0) continue;
          const lo = words[i + 1];
          const seg = ((w0 & 0xff) << (32 - shift)) | (lo >>> shift);
          const pos = arena.segBase[seg] + ((lo & this.offMask) << 3);
          const u32 = arena.chunkU32[arena.segChunk[seg]];
          const p = pos >>> 2;
          const meta = u32[p];
          if (((meta >>> DB_SHIFT) & 0xff) !== pdb) continue;
          words[i] = 0;
          words[i + 1] = 0;
          touched = true;
          if (u32[p + W_EXPIRY] !== 0) this.dbExpires[pdb]--;
          this.dbKeys[pdb]--;
          this.killItem(seg, u32, p, meta, true);
        }
        b = ht.next[b];
      } while (b !== 0);
      if (touched) ht.prune(mb);
    }
  }

  flushAll(): void {
    this.resetAll();
  }

  private resetAll(): void {
    this.ht.clear();
    this.segs.reset();
    this.large.clear();
    this.dbKeys.fill(0);
    this.dbExpires.fill(0);
    this.liveBytes = 0;
    this.moves++;
  }

  private totalKeys(): number {
    let n = 0;
    for (let i = 0; i < this.dbKeys.length; i++) n += this.dbKeys[i];
    return n;
  }

  // =====================================================================================
  // Iteration
  // =====================================================================================

  /**
   * Cursor = main bucket index. A key never leaves the chain of its main bucket (the table
   * does not resize), so every key present for a whole iteration is visited. Expired keys
   * are skipped, not removed (the visitor may be running between chain steps).
   */
  scan(db: number, cursor: number, count: number, visit: KeyVisitor): number {
    const pdb = this.dbMap[db];
    const ht = this.ht;
    if (this.dbKeys[pdb] === 0 || cursor >= ht.mainBuckets || cursor < 0) return 0;
    const now = this.readClock();
    const want = Math.max(1, count);
    let visited = 0;
    let bucketsLeft = want * SCAN_EMPTY_FACTOR;
    let mb = cursor;
    while (mb < ht.mainBuckets && visited < want && bucketsLeft > 0) {
      let b = mb;
      do {
        // Read the link first: the visitor must not write, but be robust to chain changes.
        const nextB = ht.next[b];
        for (let s = 0; s < 8; s++) {
          const i = (b << BUCKET_WORD_SHIFT) + 2 * s;
          const words = ht.words;
          const w0 = words[i];
          if (w0 === 0) continue;
          if (this.visitSlot(words[i + 1], w0, pdb, now, visit)) visited++;
        }
        b = nextB;
      } while (b !== 0);
      mb++;
      bucketsLeft--;
    }
    return mb >= ht.mainBuckets ? 0 : mb;
  }

  /** Visit the key of a slot when it belongs to pdb and is live. */
  private visitSlot(lo: number, w0: number, pdb: number, now: number, visit: KeyVisitor): boolean {
    const shift = this.segShift;
    const arena = this.arena;
    const seg = ((w0 & 0xff) << (32 - shift)) | (lo >>> shift);
    const pos = arena.segBase[seg] + ((lo & this.offMask) << 3);
    const c = arena.segChunk[seg];
    const u32 = arena.chunkU32[c];
    const p = pos >>> 2;
    const meta = u32[p];
    if (((meta >>> DB_SHIFT) & 0xff) !== pdb) return false;
    if (u32[p + W_EXPIRY] !== 0 && now > this.expiryAt(u32, p, seg)) return false;
    visit(arena.chunkU8[c], pos + HEADER_BYTES + extBytes(meta), meta & KEY_LEN_MASK);
    return true;
  }

  randomKey(db: number, visit: KeyVisitor): boolean {
    const pdb = this.dbMap[db];
    if (this.dbKeys[pdb] === 0) return false;
    const now = this.readClock();
    const ht = this.ht;
    const n = ht.mainBuckets;
    // Random buckets first (fast when the db is a good part of the table), then a full
    // sweep from a random point (sparse db, or only expired keys left).
    for (let attempt = 0; attempt < 64; attempt++) {
      if (this.visitRandomIn(this.randomInt(n), pdb, now, visit)) return true;
    }
    const start = this.randomInt(n);
    for (let k = 0; k < n; k++) {
      if (this.visitRandomIn((start + k) % n, pdb, now, visit)) return true;
    }
    return false;
  }

  /** Visit one random live key of pdb in the chain of main bucket mb. */
  private visitRandomIn(mb: number, pdb: number, now: number, visit: KeyVisitor): boolean {
    const ht = this.ht;
    const words = ht.words;
    let matches = 0;
    let b = mb;
    do {
      for (let i = b << BUCKET_WORD_SHIFT, e = i + WORDS_PER_BUCKET; i < e; i += 2) {
        if (words[i] !== 0 && this.slotLive(words[i], words[i + 1], pdb, now)) matches++;
      }
      b = ht.next[b];
    } while (b !== 0);
    if (matches === 0) return false;
    let pick = this.randomInt(matches);
    b = mb;
    do {
      for (let i = b << BUCKET_WORD_SHIFT, e = i + WORDS_PER_BUCKET; i < e; i += 2) {
        if (words[i] !== 0 && this.slotLive(words[i], words[i + 1], pdb, now) && pick-- === 0) {
          return this.visitSlot(words[i + 1], words[i], pdb, now, visit);
        }
      }
      b = ht.next[b];
    } while (b !== 0);
    return false;
  }

  private slotLive(w0: number, lo: number, pdb: number, now: number): boolean {
    const shift = this.segShift;
    const arena = this.arena;
    const seg = ((w0 & 0xff) << (32 - shift)) | (lo >>> shift);
    const pos = arena.segBase[seg] + ((lo & this.offMask) << 3);
    const u32 = arena.chunkU32[arena.segChunk[seg]];
    const p = pos >>> 2;
    if (((u32[p] >>> DB_SHIFT) & 0xff) !== pdb) return false;
    return u32[p + W_EXPIRY] === 0 || now <= this.expiryAt(u32, p, seg);
  }

  // =====================================================================================
  // Maintenance and introspection
  // =====================================================================================

  tick(): void {
    reclaimExpired(this, this.readClock(), TICK_SEGMENTS);
  }

  stats(): StoreStats {
    return {
      usedBytes: this.segs.used * this.segSize,
      liveBytes: this.liveBytes + this.large.bytes,
      largeBytes: this.large.bytes,
      heapSizeBytes: this.options.heapSizeBytes,
      segmentSizeBytes: this.segSize,
      segmentsTotal: this.segs.count,
      segmentsFree: this.segs.freeCount,
      items: this.totalKeys(),
      hashtableBuckets: this.ht.mainBuckets,
      hashtableOverflowBuckets: this.ht.overflowInUse,
      evictedKeys: this.evictedKeys,
      expiredKeys: this.expiredKeys,
      evictedSegments: this.evictedSegments,
      expiredSegments: this.expiredSegments,
      compactedSegments: this.compactedSegments,
    };
  }

  /** Bytes the index holds outside the arena (hashtable and chain links). */
  indexBytes(): number {
    return this.ht.bytes;
  }

  /**
   * Switch the eviction policy on a running store (CONFIG SET maxmemory-policy). The policy
   * is consulted only when room must be made, and every policy works on the same segment
   * queues, so the switch takes effect with the next allocation that needs room.
   */
  setEviction(eviction: EvictionPolicy): void {
    const policy = EvictionPolicies.indexOf(eviction);
    if (policy < 0) throw new Error(`unknown eviction policy ${eviction}`);
    this.policy = policy;
    this.options = Object.freeze({ ...this.options, eviction });
    // A noeviction scan that found nothing is remembered; start afresh under the new policy.
    this.noCandidateAt = -1;
  }

  /**
   * Reclaim every segment whose items have all expired (tick() does a few per call), for
   * MEMORY PURGE. Returns the segments reclaimed.
   */
  reclaimAllExpired(): number {
    let total = 0;
    for (let n = reclaimExpired(this, this.readClock(), TICK_SEGMENTS); n > 0; n = reclaimExpired(this, this.readClock(), TICK_SEGMENTS)) total += n;
    return total;
  }

  /** Bytes appended to the segments in use (live and dead items, not the open segments' unwritten tails). */
  writtenBytes(): number {
    const segs = this.segs;
    let total = 0;
    for (let s = 0; s < segs.count; s++) if (segs.stream[s] !== NONE) total += segs.write[s]!;
    return total;
  }

  /** Visit each free segment's bytes (its chunk view, offset and length): they hold nothing. */
  forEachFreeSegment(visit: (chunk: Uint8Array, offset: number, length: number) => void): void {
    const segs = this.segs;
    const arena = this.arena;
    for (let s = 0; s < segs.count; s++) {
      if (segs.stream[s] !== NONE) continue;
      visit(arena.chunkU8[arena.segChunk[s]]!, arena.segBase[s]!, this.segSize);
    }
  }
}

/** Copy bytes between buffers; a loop for short runs (no subarray view allocated). */
function copyBytes(dst: Uint8Array, dstOff: number, src: Uint8Array, srcOff: number, len: number): void {
  if (len <= 64) {
    for (let i = 0; i < len; i++) dst[dstOff + i] = src[srcOff + i];
  } else {
    dst.set(src.subarray(srcOff, srcOff + len), dstOff);
  }
}

function bytesEqual(a: Uint8Array, aOff: number, b: Uint8Array, bOff: number, len: number): boolean {
  for (let i = 0; i < len; i++) if (a[aOff + i] !== b[bOff + i]) return false;
  return true;
}

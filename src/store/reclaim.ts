// Segment walkers: whole-segment expiry, compaction and eviction. All three are one
// operation, evacuate(): walk a segment's items, unlink those that go (expired, evicted),
// copy those that stay into a scratch buffer, free the segment, then append the kept
// items to a destination stream and repoint their hashtable slots in place.
//
// Why the kept items always fit: a moved item gains at most 16 bytes (an explicit CAS so
// that its CAS survives the move, and possibly a 64-bit expiry), and evacuate keeps at most
// a segment's worth including that growth (compaction candidates are chosen with
// live + 16 * items < segment size, S3-FIFO keeps at most half). They go to the
// destination stream's open segment while it has room, then to one fresh segment, which
// exists because the evacuated segment was just freed.

import type { Store } from "./store.ts";
import { POLICY_FIFO, POLICY_RANDOM, POLICY_S3FIFO, REASON_EVICTED, REASON_EXPIRED } from "./policy.ts";
import { NONE, QUEUE_MAIN, QUEUE_SMALL } from "./segments.ts";
import { STREAMS, STREAM_MAIN } from "./ttl.ts";
import { hashKey } from "./hash.ts";
import { BUCKET_WORD_SHIFT, WORDS_PER_BUCKET } from "./hashtable.ts";
import {
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
  HEADER_BYTES,
  KEY_LEN_MASK,
  W_ACCESS,
  W_EXPIRY,
  W_VALUE,
  extBytes,
  itemBytes,
  writeU64,
} from "./layout.ts";

/** Remove every item (expired segment, or eviction under fifo/random). */
export const EVAC_DROP = 0;
/** Keep every live item, in the segment's own stream (compaction). */
export const EVAC_COMPACT = 1;
/** Keep items visited since written (up to half a segment) in the main stream: S3-FIFO. */
export const EVAC_S3 = 2;

/** Most a moved item grows by: explicit CAS (8) + 64-bit expiry (8). */
export const MOVE_GROWTH_MAX = 16;
/** How many segments an evicting policy looks at for a compaction candidate. */
const COMPACT_WINDOW = 4096;

/** Per-store scratch for evacuation (one segment of bytes, and per kept item bookkeeping). */
interface EvacScratch {
  u8: Uint8Array;
  u32: Uint32Array;
  slot: Int32Array;
  off: Int32Array;
  exp: Float64Array;
  cas: Float64Array;
}

const scratches = new WeakMap<Store, EvacScratch>();

function scratchOf(s: Store): EvacScratch {
  let x = scratches.get(s);
  if (x === undefined) {
    const buffer = new ArrayBuffer(s.segSize);
    const maxItems = (s.segSize >>> 4) + 1;
    x = {
      u8: new Uint8Array(buffer),
      u32: new Uint32Array(buffer),
      slot: new Int32Array(maxItems),
      off: new Int32Array(maxItems),
      exp: new Float64Array(maxItems),
      cas: new Float64Array(maxItems),
    };
    scratches.set(s, x);
  }
  return x;
}

/**
 * Keys one evacuation drops, kept for Store.onRemoved (only while it is set) and reported
 * once the evacuation is complete: by then the kept items may have been rewritten over the
 * dropped ones (the destination can be the segment just freed), so the keys are copied.
 * A segment's keys fit in one segment's bytes.
 */
interface Dropped {
  keys: Uint8Array;
  off: Int32Array;
  len: Int32Array;
  pdb: Uint8Array;
  reason: Uint8Array;
  count: number;
  used: number;
}

const droppedLogs = new WeakMap<Store, Dropped>();

function droppedOf(s: Store): Dropped {
  let d = droppedLogs.get(s);
  if (d === undefined) {
    const maxItems = (s.segSize >>> 4) + 1;
    d = {
      keys: new Uint8Array(s.segSize),
      off: new Int32Array(maxItems),
      len: new Int32Array(maxItems),
      pdb: new Uint8Array(maxItems),
      reason: new Uint8Array(maxItems),
      count: 0,
      used: 0,
    };
    droppedLogs.set(s, d);
  }
  d.count = 0;
  d.used = 0;
  return d;
}

/** Bucket of the chain found by the last findSlot(). */
let foundBucket = 0;

/** Word index of the hashtable slot pointing at the item at `pos` of `seg`. */
export function findSlot(s: Store, seg: number, pos: number, u8: Uint8Array, meta: number): number {
  const pdb = (meta >>> DB_SHIFT) & 0xff;
  const klen = meta & KEY_LEN_MASK;
  const h = hashKey(u8, pos + HEADER_BYTES + extBytes(meta), klen, pdb);
  const ht = s.ht;
  const words = ht.words;
  const segOff = pos - s.arena.segBase[seg];
  const hi = (seg >>> (32 - s.segShift)) & 0xff;
  const lo = (seg << s.segShift) | (segOff >>> 3);
  let b = h & ht.mask;
  foundBucket = b;
  do {
    for (let i = b << BUCKET_WORD_SHIFT, e = i + WORDS_PER_BUCKET; i < e; i += 2) {
      if (words[i + 1] === lo && words[i] !== 0 && (words[i] & 0xff) === hi) return i;
    }
    b = ht.next[b];
  } while (b !== 0);
  throw new Error(`assertion failed: live item at segment ${seg} offset ${segOff} has no hashtable slot`);
}

function unlink(
  s: Store, slot: number, bucket: number, seg: number, u8: Uint8Array, u32: Uint32Array, p: number, meta: number,
  expired: boolean, log: Dropped | null,
): void {
  const pdb = (meta >>> DB_SHIFT) & 0xff;
  if (log !== null) {
    const klen = meta & KEY_LEN_MASK;
    const k = (p << 2) + HEADER_BYTES + extBytes(meta);
    const i = log.count++;
    log.keys.set(u8.subarray(k, k + klen), log.used);
    log.off[i] = log.used;
    log.len[i] = klen;
    log.pdb[i] = pdb;
    log.reason[i] = expired ? REASON_EXPIRED : REASON_EVICTED;
    log.used += klen;
  }
  if (u32[p + W_EXPIRY] !== 0) s.dbExpires[pdb]--;
  s.dbKeys[pdb]--;
  s.ht.remove(slot, bucket);
  s.killItem(seg, u32, p, meta, true);
  if (expired) s.expiredKeys++;
  else s.evictedKeys++;
}

/** Evacuate segment `seg` (see the file comment); the segment ends up free. */
export function evacuate(s: Store, seg: number, mode: number, now: number): void {
  const segs = s.segs;
  const arena = s.arena;
  const S = s.segSize;
  segs.busy[seg] = 1;
  s.moves++;
  const c = arena.segChunk[seg];
  const u8 = arena.chunkU8[c];
  const u32 = arena.chunkU32[c];
  const base = arena.segBase[seg];
  const end = base + segs.write[seg];
  const destStream = mode === EVAC_S3 ? STREAM_MAIN : segs.stream[seg];
  const keepLimit = mode === EVAC_S3 ? S >>> 1 : S;
  const x = mode === EVAC_DROP ? null : scratchOf(s);
  const log = s.onRemoved === null ? null : droppedOf(s);
  let kept = 0;
  let keptBytes = 0;
  let scratchPos = 0;
  for (let pos = base; pos < end; ) {
    const p = pos >>> 2;
    const meta = u32[p];
    const size = itemBytes(meta, u32[p + W_VALUE]);
    if ((meta & F_DEAD) === 0) {
      const exp = s.expiryAt(u32, p, seg);
      const slot = findSlot(s, seg, pos, u8, meta);
      if (exp !== 0 && now > exp) {
        unlink(s, slot, foundBucket, seg, u8, u32, p, meta, true, log);
      } else if (
        x !== null &&
        (mode === EVAC_COMPACT || ((u32[p + W_ACCESS] & ACCESS_VISITED) !== 0 && keptBytes + size + MOVE_GROWTH_MAX <= keepLimit))
      ) {
        x.u8.set(u8.subarray(pos, pos + size), scratchPos);
        x.slot[kept] = slot;
        x.off[kept] = scratchPos;
        x.exp[kept] = exp;
        x.cas[kept] = s.casAt(u32, p, seg, pos - base);
        kept++;
        scratchPos += size;
        keptBytes += size + MOVE_GROWTH_MAX;
      } else {
        unlink(s, slot, foundBucket, seg, u8, u32, p, meta, false, log);
      }
    }
    pos += size;
  }
  // The kept items leave the books of this segment; release() resets its counters.
  s.liveBytes -= segs.live[seg];
  segs.release(seg);
  if (x !== null) for (let i = 0; i < kept; i++) place(s, x, i, destStream, mode === EVAC_S3, now);
  if (log !== null && s.onRemoved !== null) {
    for (let i = 0; i < log.count; i++) s.onRemoved(s.logicalDb(log.pdb[i]), log.keys, log.off[i], log.len[i], log.reason[i]);
  }
}

/** Append kept item i from scratch to `stream` and repoint its slot. */
function place(s: Store, x: EvacScratch, i: number, stream: number, promote: boolean, now: number): void {
  const segs = s.segs;
  const arena = s.arena;
  const sp = x.off[i];
  const sw = sp >>> 2;
  const meta = x.u32[sw];
  const exp = x.exp[i];
  const large = (meta & F_LARGE) !== 0;
  const body = (meta & KEY_LEN_MASK) + (large ? 0 : x.u32[sw + W_VALUE]);
  const bodyOff = sp + HEADER_BYTES + extBytes(meta);
  const flagsBytes = (meta & F_FLAGS) !== 0 ? 4 : 0;
  let dest = segs.open[stream];
  let extExp = false;
  let size = 0;
  let fits = false;
  if (dest !== NONE) {
    const t = segs.time[dest];
    if (t <= now && now - t <= COMPACT_TTL_MAX_MS) {
      extExp = needsExt(meta, exp, t);
      size = (HEADER_BYTES + flagsBytes + 8 + (extExp ? 8 : 0) + body + 7) & ~7;
      fits = segs.write[dest] + size <= s.segSize;
    }
  }
  if (!fits) {
    if (!s.openSegment(stream, now, true)) throw new Error("assertion failed: no segment for an evacuated item");
    dest = segs.open[stream];
    extExp = needsExt(meta, exp, now);
    size = (HEADER_BYTES + flagsBytes + 8 + (extExp ? 8 : 0) + body + 7) & ~7;
    if (segs.write[dest] + size > s.segSize) throw new Error("assertion failed: evacuated item does not fit a fresh segment");
  }
  const c = arena.segChunk[dest];
  const u8 = arena.chunkU8[c];
  const u32 = arena.chunkU32[c];
  const segOff = segs.write[dest];
  const pos = arena.segBase[dest] + segOff;
  const p = pos >>> 2;
  u32[p] = ((meta & ~F_EXTEXP) | F_CAS | (extExp ? F_EXTEXP : 0)) >>> 0;
  u32[p + W_VALUE] = x.u32[sw + W_VALUE];
  const access = x.u32[sw + W_ACCESS];
  u32[p + W_ACCESS] = promote ? (access & ~ACCESS_VISITED) >>> 0 : access;
  let w = p + 4;
  if (flagsBytes !== 0) u32[w++] = x.u32[sw + 4];
  writeU64(u32, w, x.cas[i]);
  w += 2;
  if (exp === 0) {
    u32[p + W_EXPIRY] = 0;
  } else if (extExp) {
    u32[p + W_EXPIRY] = EXPIRY_EXT;
    writeU64(u32, w, exp);
    w += 2;
  } else {
    u32[p + W_EXPIRY] = exp - segs.time[dest];
  }
  u8.set(x.u8.subarray(bodyOff, bodyOff + body), w << 2);
  segs.write[dest] += size;
  segs.live[dest] += size;
  segs.items[dest]++;
  s.liveBytes += size;
  const maxExp = exp === 0 ? Infinity : exp;
  if (maxExp > segs.maxExpiry[dest]) segs.maxExpiry[dest] = maxExp;
  const words = s.ht.words;
  const slot = x.slot[i];
  words[slot] = ((words[slot] & 0xffffff00) | ((dest >>> (32 - s.segShift)) & 0xff)) >>> 0;
  words[slot + 1] = ((dest << s.segShift) | (segOff >>> 3)) >>> 0;
}

function needsExt(meta: number, exp: number, segTime: number): boolean {
  if ((meta & F_EXTEXP) !== 0) return true;
  if (exp === 0) return false;
  const d = exp - segTime;
  return !(d >= 1 && d <= EXPIRY_DELTA_MAX);
}

/** Free up to `budget` segments whose every item has expired (stream heads). */
export function reclaimExpired(s: Store, now: number, budget: number): number {
  const segs = s.segs;
  let done = 0;
  for (let k = 0; k < STREAMS && done < budget; k++) {
    const st = (s.tickCursor + k) % STREAMS;
    let head = segs.chainHead[st];
    while (head !== NONE && done < budget && segs.items[head] > 0 && segs.busy[head] === 0 && now > segs.maxExpiry[head]) {
      evacuate(s, head, EVAC_DROP, now);
      s.expiredSegments++;
      done++;
      head = segs.chainHead[st];
    }
  }
  s.tickCursor = (s.tickCursor + 1) % STREAMS;
  return done;
}

/**
 * The segment whose compaction gains the most room, if that is at least minGain bytes.
 * gain = (segment size, or the write offset of an open segment) - live - growth bound.
 */
export function findCompactionCandidate(s: Store, minGain: number, windowed: boolean): number {
  const segs = s.segs;
  const n = segs.count;
  const S = s.segSize;
  let best = NONE;
  let bestGain = minGain - 1;
  const limit = windowed ? Math.min(n, COMPACT_WINDOW) : n;
  let i = windowed ? s.compactCursor : 0;
  for (let k = 0; k < limit; k++, i++) {
    if (i >= n) i = 0;
    if (segs.stream[i] === NONE || segs.busy[i] !== 0 || segs.items[i] === 0) continue;
    const span = segs.isOpen(i) ? segs.write[i] : S;
    const gain = span - segs.live[i] - MOVE_GROWTH_MAX * segs.items[i];
    if (gain > bestGain) {
      bestGain = gain;
      best = i;
    }
  }
  if (windowed) s.compactCursor = i % n;
  return best;
}

/** First evictable segment of a queue in open order. */
function queueVictim(s: Store, q: number): number {
  const segs = s.segs;
  let v = segs.queueHead[q];
  while (v !== NONE && (segs.busy[v] !== 0 || segs.items[v] === 0)) v = segs.queueNext[v];
  return v;
}

/** Evict one segment per the policy; false when nothing is evictable. */
export function pickVictim(s: Store, now: number): boolean {
  const segs = s.segs;
  let victim = NONE;
  let mode = EVAC_DROP;
  if (s.policy === POLICY_S3FIFO) {
    const small = segs.queueCount[QUEUE_SMALL];
    const useSmall = segs.queueCount[QUEUE_MAIN] === 0 || small * 10 > segs.used;
    victim = queueVictim(s, useSmall ? QUEUE_SMALL : QUEUE_MAIN);
    if (victim === NONE) victim = queueVictim(s, useSmall ? QUEUE_MAIN : QUEUE_SMALL);
    mode = EVAC_S3;
  } else if (s.policy === POLICY_RANDOM) {
    for (let t = 0; t < 32 && victim === NONE; t++) {
      const r = s.randomInt(segs.count);
      if (segs.stream[r] !== NONE && segs.busy[r] === 0 && segs.items[r] > 0) victim = r;
    }
    if (victim === NONE) victim = queueVictim(s, QUEUE_SMALL);
  } else if (s.policy === POLICY_FIFO) {
    victim = queueVictim(s, QUEUE_SMALL);
    if (victim === NONE) victim = queueVictim(s, QUEUE_MAIN);
  }
  if (victim === NONE) return false;
  evacuate(s, victim, mode, now);
  s.evictedSegments++;
  return true;
}

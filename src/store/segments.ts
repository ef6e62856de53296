// Segment metadata, all in typed arrays indexed by segment id: fill and live counters,
// expiry bounds, CAS base, and three sets of links:
//   - the free stack (lowest ids first, so resident memory follows use),
//   - per stream (TTL bucket) a chain in open order; the newest may be the stream's open
//     segment, the one items are appended to,
//   - per queue a list in open order for eviction (queue 0: every stream but S3-FIFO's main,
//     queue 1: the main stream).

import { STREAMS, STREAM_MAIN, STREAM_NO_TTL, ttlBucketUpperMs } from "./ttl.ts";

export const NONE = -1;
export const QUEUE_SMALL = 0;
export const QUEUE_MAIN = 1;
/** An in-place expiry change may go this far past a segment's TTL bucket bound. */
const LIMIT_SLACK = 1.25;

export class Segments {
  readonly count: number;
  readonly size: number;
  /** Bytes appended (the write offset). */
  readonly write: Int32Array;
  /** Bytes of live items. */
  readonly live: Int32Array;
  /** Live items. */
  readonly items: Int32Array;
  /** When the segment was opened (ms); expiry deltas in item headers are relative to it. */
  readonly time: Float64Array;
  /** Latest expiry of any item ever placed (Infinity once an item without expiry is). */
  readonly maxExpiry: Float64Array;
  /** How far an in-place expiry change may push maxExpiry (the TTL bucket's bound). */
  readonly limit: Float64Array;
  readonly casBase: Float64Array;
  /** Stream of the segment, NONE when free. */
  readonly stream: Int32Array;
  /** Set while the allocator is walking/evacuating the segment: never freed under it. */
  readonly busy: Uint8Array;
  readonly chainPrev: Int32Array;
  readonly chainNext: Int32Array;
  readonly chainHead = new Int32Array(STREAMS).fill(NONE);
  readonly chainTail = new Int32Array(STREAMS).fill(NONE);
  readonly open = new Int32Array(STREAMS).fill(NONE);
  readonly queuePrev: Int32Array;
  readonly queueNext: Int32Array;
  readonly queueHead = new Int32Array(2).fill(NONE);
  readonly queueTail = new Int32Array(2).fill(NONE);
  readonly queueCount = new Int32Array(2);
  private readonly freeStack: Int32Array;
  freeCount: number;
  used = 0;
  private casNext = 1;

  constructor(count: number, size: number) {
    this.count = count;
    this.size = size;
    this.write = new Int32Array(count);
    this.live = new Int32Array(count);
    this.items = new Int32Array(count);
    this.time = new Float64Array(count);
    this.maxExpiry = new Float64Array(count);
    this.limit = new Float64Array(count);
    this.casBase = new Float64Array(count);
    this.stream = new Int32Array(count).fill(NONE);
    this.busy = new Uint8Array(count);
    this.chainPrev = new Int32Array(count).fill(NONE);
    this.chainNext = new Int32Array(count).fill(NONE);
    this.queuePrev = new Int32Array(count).fill(NONE);
    this.queueNext = new Int32Array(count).fill(NONE);
    this.freeStack = new Int32Array(count);
    for (let i = 0; i < count; i++) this.freeStack[i] = count - 1 - i;
    this.freeCount = count;
  }

  static queueOf(stream: number): number {
    return stream === STREAM_MAIN ? QUEUE_MAIN : QUEUE_SMALL;
  }

  isOpen(seg: number): boolean {
    const s = this.stream[seg];
    return s !== NONE && this.open[s] === seg;
  }

  /**
   * Take a free segment and make it the open segment of `stream`; the previous open
   * segment is sealed and returned through `sealed` handling by the caller. NONE if none free.
   */
  take(stream: number, nowMs: number): number {
    if (this.freeCount === 0) return NONE;
    const seg = this.freeStack[--this.freeCount];
    this.used++;
    this.write[seg] = 0;
    this.live[seg] = 0;
    this.items[seg] = 0;
    this.time[seg] = nowMs;
    this.maxExpiry[seg] = 0;
    this.limit[seg] =
      stream === STREAM_MAIN ? Infinity : stream === STREAM_NO_TTL ? 0 : nowMs + ttlBucketUpperMs(stream) * LIMIT_SLACK;
    // A range of CAS values per opening: item CAS = base + offset / 8, unique per write.
    this.casBase[seg] = this.casNext;
    this.casNext += this.size / 8;
    this.stream[seg] = stream;
    // chain append
    const tail = this.chainTail[stream];
    this.chainPrev[seg] = tail;
    this.chainNext[seg] = NONE;
    if (tail === NONE) this.chainHead[stream] = seg;
    else this.chainNext[tail] = seg;
    this.chainTail[stream] = seg;
    // queue append
    const q = Segments.queueOf(stream);
    const qt = this.queueTail[q];
    this.queuePrev[seg] = qt;
    this.queueNext[seg] = NONE;
    if (qt === NONE) this.queueHead[q] = seg;
    else this.queueNext[qt] = seg;
    this.queueTail[q] = seg;
    this.queueCount[q]++;
    this.open[stream] = seg;
    return seg;
  }

  /** Return a segment to the free stack, unlinking it from its chain and queue. */
  release(seg: number): void {
    const stream = this.stream[seg];
    if (stream === NONE) throw new Error(`assertion failed: segment ${seg} released twice`);
    if (this.open[stream] === seg) this.open[stream] = NONE;
    const p = this.chainPrev[seg];
    const n = this.chainNext[seg];
    if (p === NONE) this.chainHead[stream] = n;
    else this.chainNext[p] = n;
    if (n === NONE) this.chainTail[stream] = p;
    else this.chainPrev[n] = p;
    const q = Segments.queueOf(stream);
    const qp = this.queuePrev[seg];
    const qn = this.queueNext[seg];
    if (qp === NONE) this.queueHead[q] = qn;
    else this.queueNext[qp] = qn;
    if (qn === NONE) this.queueTail[q] = qp;
    else this.queuePrev[qn] = qp;
    this.queueCount[q]--;
    this.stream[seg] = NONE;
    this.chainPrev[seg] = this.chainNext[seg] = NONE;
    this.queuePrev[seg] = this.queueNext[seg] = NONE;
    this.write[seg] = 0;
    this.live[seg] = 0;
    this.items[seg] = 0;
    this.busy[seg] = 0;
    this.used--;
    this.freeStack[this.freeCount++] = seg;
  }

  /** Free everything (FLUSHALL); lowest ids are handed out first again. */
  reset(): void {
    for (let s = 0; s < this.count; s++) {
      this.stream[s] = NONE;
      this.chainPrev[s] = this.chainNext[s] = NONE;
      this.queuePrev[s] = this.queueNext[s] = NONE;
      this.write[s] = 0;
      this.live[s] = 0;
      this.items[s] = 0;
      this.busy[s] = 0;
      this.freeStack[s] = this.count - 1 - s;
    }
    this.chainHead.fill(NONE);
    this.chainTail.fill(NONE);
    this.open.fill(NONE);
    this.queueHead.fill(NONE);
    this.queueTail.fill(NONE);
    this.queueCount.fill(0);
    this.freeCount = this.count;
    this.used = 0;
  }
}

// TTL buckets (Segcache): items are appended to a segment stream chosen by their TTL, so a
// segment holds items that expire at about the same time and is reclaimed whole by
// Store.tick() once its latest expiry has passed. Buckets are logarithmic with 4 steps per
// power of two (each covers at most 25% of its lower bound), from 4 ms to 2^48 ms.
// Stream 0 holds items without expiry; the last stream is S3-FIFO's main queue.

export const STREAM_NO_TTL = 0;
const MAX_EXPONENT = 48;
export const TTL_BUCKETS = 1 + 4 * (MAX_EXPONENT + 1);
export const STREAM_MAIN = TTL_BUCKETS;
export const STREAMS = TTL_BUCKETS + 1;

/** Stream for an item with `ttlMs` (> 0) left to live. */
export function ttlBucket(ttlMs: number): number {
  const t = ttlMs < 4 ? 4 : ttlMs;
  const e = t < 2147483648 ? 31 - Math.clz32(t) : Math.floor(Math.log2(t));
  if (e > MAX_EXPONENT) return TTL_BUCKETS - 1;
  const m = Math.floor(t / 2 ** (e - 2)) & 3;
  return 1 + e * 4 + m;
}

/** Exclusive upper bound of a TTL bucket's range, in ms. */
export function ttlBucketUpperMs(bucket: number): number {
  if (bucket <= 0 || bucket >= TTL_BUCKETS) return Infinity;
  const e = (bucket - 1) >>> 2;
  const m = (bucket - 1) & 3;
  return (5 + m) * 2 ** (e - 2);
}

import { describe, expect, test } from "bun:test";
import { LATENCY_BUCKETS, latencyBucket, latencyBucketLowerNs, latencyPercentileNs } from "../../../src/metrics/index.ts";
import { tickClock } from "../../../ffi/index.ts";

describe("latency buckets", () => {
  test("each bucket holds [lower(b), lower(b + 1)), at most 12.5% wide past 8 ns", () => {
    for (let b = 0; b < LATENCY_BUCKETS; b++) {
      const lo = latencyBucketLowerNs(b);
      const hi = latencyBucketLowerNs(b + 1);
      expect({ b, first: latencyBucket(lo), last: latencyBucket(hi - 1) }).toEqual({ b, first: b, last: b });
      if (lo >= 8) expect((hi - lo) / lo).toBeLessThanOrEqual(0.125);
    }
  });

  test("fractions, negatives and durations past the last bucket land at the ends", () => {
    expect(latencyBucket(-5)).toBe(0);
    expect(latencyBucket(7.9)).toBe(7);
    expect(latencyBucket(2 ** 31 - 0.5)).toBe(latencyBucket(2 ** 31 - 1));
    expect(latencyBucket(1e15)).toBe(LATENCY_BUCKETS - 1);
  });

  test("percentiles read the upper edge of the bucket holding the rank", () => {
    const hist = new Float64Array(LATENCY_BUCKETS);
    for (let i = 0; i < 99; i++) hist[latencyBucket(1000)]++;
    hist[latencyBucket(1e6)]++;
    const b1000 = latencyBucket(1000);
    expect(latencyPercentileNs(hist, 50)).toBe(latencyBucketLowerNs(b1000 + 1) - 1);
    expect(latencyPercentileNs(hist, 99)).toBe(latencyBucketLowerNs(b1000 + 1) - 1);
    expect(latencyPercentileNs(hist, 99.9)).toBe(latencyBucketLowerNs(latencyBucket(1e6) + 1) - 1);
    expect(latencyPercentileNs(new Float64Array(LATENCY_BUCKETS), 50)).toBe(0);
  });
});

describe("tick clock", () => {
  test("without the shim it reads Bun.nanoseconds and says why", () => {
    const c = tickClock(null);
    expect(c.nsPerTick).toBe(1);
    expect(c.source).toBe("Bun.nanoseconds (the native shim is not loaded)");
    const a = c.now();
    expect(c.now()).toBeGreaterThanOrEqual(a);
  });
});

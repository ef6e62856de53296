// Per-command statistics (INFO commandstats and latencystats, LATENCY HISTOGRAM, /metrics):
// for each command slot, calls, time, rejected and failed calls, and a latency histogram.
// They live in the shared counters buffer (counters.ts), so the main thread's /metrics
// reads what a Worker's data plane counts. Recording is a few typed-array increments.

import { countersBuffer } from "./counters.ts";
import { COMMAND_SLOTS, COUNTER_WORDS, LATENCY_BUCKETS, MAX_EXPONENT, SLOT_WORDS, SUB_BITS } from "./layout.ts";

export { COMMAND_SLOTS, LATENCY_BUCKETS } from "./layout.ts";

const SUB = 1 << SUB_BITS;

const CALLS = 0;
const NANOS = 1;
const REJECTED = 2;
const FAILED = 3;
const HIST = 4;

const words = new Float64Array(countersBuffer, COUNTER_WORDS * 8, COMMAND_SLOTS * SLOT_WORDS);

/** The bucket of a duration in nanoseconds. */
export function latencyBucket(ns: number): number {
  if (ns < 2147483648) {
    const v = ns | 0;
    if (v < SUB) return v < 0 ? 0 : v;
    const e = 31 - Math.clz32(v);
    return ((e - SUB_BITS + 1) << SUB_BITS) | ((v >>> (e - SUB_BITS)) & (SUB - 1));
  }
  const v = Math.min(ns, 2 ** (MAX_EXPONENT + 1) - 1);
  const e = Math.floor(Math.log2(v));
  return (e - SUB_BITS + 1) * SUB + (Math.floor(v / 2 ** (e - SUB_BITS)) & (SUB - 1));
}

/** The smallest duration (ns) bucket b holds; bucket b holds [lower(b), lower(b + 1)). */
export function latencyBucketLowerNs(b: number): number {
  if (b < SUB) return b;
  const e = (b >> SUB_BITS) + SUB_BITS - 1;
  return (SUB + (b & (SUB - 1))) * 2 ** (e - SUB_BITS);
}

/** Count one executed call of `slot` that took `ns` nanoseconds (failed: it replied an error). */
export function recordCall(slot: number, ns: number, failed: boolean): void {
  const base = slot * SLOT_WORDS;
  words[base + CALLS]++;
  words[base + NANOS] += ns;
  if (failed) words[base + FAILED]++;
  words[base + HIST + latencyBucket(ns)]++;
}

/** Count a call of `slot` refused before it ran (arity, -OOM, not allowed in context). */
export function recordRejected(slot: number): void {
  words[slot * SLOT_WORDS + REJECTED]++;
}

export interface CommandSample {
  calls: number;
  nanos: number;
  rejected: number;
  failed: number;
}

/** The counts of `slot` (into `out`, returned). */
export function commandSample(slot: number, out: CommandSample): CommandSample {
  const base = slot * SLOT_WORDS;
  out.calls = words[base + CALLS];
  out.nanos = words[base + NANOS];
  out.rejected = words[base + REJECTED];
  out.failed = words[base + FAILED];
  return out;
}

/** The latency histogram of `slot`: a live view, LATENCY_BUCKETS counts. */
export function latencyHistogram(slot: number): Float64Array {
  const base = slot * SLOT_WORDS + HIST;
  return words.subarray(base, base + LATENCY_BUCKETS);
}

/**
 * The duration (ns) at or below which `p` percent of the calls fell: the upper edge of the
 * bucket holding that rank, as an HDR histogram reports its highest equivalent value.
 */
export function latencyPercentileNs(hist: Float64Array, p: number): number {
  let total = 0;
  for (let b = 0; b < hist.length; b++) total += hist[b];
  if (total === 0) return 0;
  const rank = Math.max(1, Math.ceil((p / 100) * total));
  let seen = 0;
  for (let b = 0; b < hist.length; b++) {
    seen += hist[b];
    if (seen >= rank) return latencyBucketLowerNs(b + 1) - 1;
  }
  return latencyBucketLowerNs(hist.length) - 1;
}

/** CONFIG RESETSTAT. */
export function resetCommandStats(): void {
  words.fill(0);
}

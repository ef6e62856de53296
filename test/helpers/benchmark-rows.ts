// Synthetic crucible-benchmark runs for the Parquet and `view` tests.
import type { RunSummary, SecondRecord } from "../../src/benchmark/record.ts";

export const START_MS = 1_760_000_000_000;

export interface SyntheticRun {
  seconds: number;
  warmupSecs: number;
  /** First second of a 3-second latency spike (40x), and one of 12 errors after it. */
  spikeAt: number;
  /** Throughput and latency multiplier, to tell two runs apart. */
  scale?: number;
}

export function syntheticRows({ seconds, warmupSecs, spikeAt, scale = 1 }: SyntheticRun): SecondRecord[] {
  return Array.from({ length: seconds }, (_, i) => {
    const spike = i >= spikeAt && i < spikeAt + 3 ? 40 : 1;
    const hits = Math.round(80_000 * scale * (0.8 + 0.01 * (i % 10)));
    const misses = Math.round(20_000 * scale);
    const requests = hits + misses;
    return {
      second: i,
      timestampMs: START_MS + (i + 1) * 1000,
      warmup: i < warmupSecs,
      requests,
      throughputRps: requests * (1 + 0.0013 * i),
      errors: i === spikeAt + 1 ? 12 : 0,
      hits,
      misses,
      bytesSent: requests * 41,
      bytesReceived: requests * 117,
      p50Us: 180.5 * spike * scale,
      p90Us: 320 * spike * scale,
      p99Us: 900 * spike * scale,
      p999Us: 2400 * spike * scale,
      maxUs: 6000 * spike * scale,
      connectionsOpen: 50,
      connectFailures: 0,
    };
  });
}

export const SAMPLE_CONFIG = `[general]
duration = "25s"
warmup = "5s"
threads = 2

[target]
endpoints = ["127.0.0.1:6379"]
protocol = "resp"

[workload.keyspace]
length = 16
count = 100000
distribution = "zipf"
`;

export function syntheticSummary(rows: SecondRecord[], config = SAMPLE_CONFIG): RunSummary {
  const measured = rows.filter((r) => !r.warmup);
  const requests = measured.reduce((n, r) => n + r.requests, 0);
  const hits = measured.reduce((n, r) => n + r.hits, 0);
  const misses = measured.reduce((n, r) => n + r.misses, 0);
  const max = (f: (r: SecondRecord) => number) => measured.reduce((m, r) => Math.max(m, f(r)), 0);
  return {
    durationSecs: measured.length,
    requests,
    throughput_rps: measured.length ? requests / measured.length : 0,
    latency_us: { p50: measured[0]?.p50Us ?? 0, p90: measured[0]?.p90Us ?? 0, p99: max((r) => r.p99Us) / 4, p999: max((r) => r.p999Us), max: max((r) => r.maxUs) },
    errors: measured.reduce((n, r) => n + r.errors, 0),
    hit_rate: hits + misses > 0 ? hits / (hits + misses) : null,
    config,
  };
}

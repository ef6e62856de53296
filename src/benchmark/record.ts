// One row per second of a crucible-benchmark run: what the live line prints, what --parquet
// writes (one Parquet row each) and what `crucible-benchmark view` charts. The load
// generator fills these; the Parquet writer and the viewer only read them.

/** A second of the run (warm-up seconds included, marked by `warmup`). */
export interface SecondRecord {
  /** Seconds since the run started (0, 1, 2, ...). */
  second: number;
  /** Unix time of the second's end, milliseconds. */
  timestampMs: number;
  warmup: boolean;
  /** Requests completed in this second (responses received, errors included). */
  requests: number;
  /** requests per second over the second's real length. */
  throughputRps: number;
  /** Responses that were errors (protocol error replies, timeouts, connection failures). */
  errors: number;
  /** Reads that found their key, and reads that did not (hit rate = hits / (hits + misses)). */
  hits: number;
  misses: number;
  /** Bytes written to and read from the sockets. */
  bytesSent: number;
  bytesReceived: number;
  /** Latency percentiles of the second's responses, microseconds (0 when none). */
  p50Us: number;
  p90Us: number;
  p99Us: number;
  p999Us: number;
  maxUs: number;
  /** Connections open at the second's end, and connects that failed during it. */
  connectionsOpen: number;
  connectFailures: number;
}

/** The whole run's summary: `--format json` prints it, Parquet keeps it as key-value metadata. */
export interface RunSummary {
  /** Measured seconds only (warm-up excluded). */
  durationSecs: number;
  requests: number;
  throughput_rps: number;
  latency_us: { p50: number; p90: number; p99: number; p999: number; max: number };
  errors: number;
  /** hits / (hits + misses); null when the run made no reads. */
  hit_rate: number | null;
  /** The effective configuration, as TOML text. */
  config: string;
  /** Connections lost over the measured seconds (each reconnected). Optional: added by the load generator. */
  disconnects?: number;
}

// The Prometheus registry. Every metric here is read at scrape time by a prom-client
// `collect()` callback from the hot-path `counters` Float64Array (or a reader another
// module registered), so the request path never calls prom-client.

import { Counter as PromCounter, Gauge as PromGauge, Registry } from "prom-client";
import { COMMAND_SLOTS, commandSample, type CommandSample, LATENCY_BUCKETS, latencyBucketLowerNs, latencyHistogram } from "./commands.ts";
import { Counter, counters } from "./counters.ts";
import { errorCount, errorTypes } from "./errors.ts";

/** The registry /metrics serves. */
export const registry = new Registry();

/** Content-Type of the text exposition format. */
export const metricsContentType: string = registry.contentType;

type Reader = () => number;

function safeRead(read: Reader): number {
  const v = read();
  return Number.isFinite(v) ? v : 0;
}

/**
 * Register (or replace) a gauge whose value is read at scrape time, e.g. store memory.
 * Modules call this instead of importing prom-client. Registering a name again replaces
 * the reader, so a server started twice in one process (tests) keeps working.
 */
export function registerGauge(name: string, help: string, read: Reader): void {
  registry.removeSingleMetric(name);
  new PromGauge({
    name,
    help,
    registers: [registry],
    collect() {
      this.set(safeRead(read));
    },
  });
}

/**
 * Register (or replace) a monotonically increasing counter read at scrape time. The
 * reader must never go down (except on a reset such as CONFIG RESETSTAT).
 */
export function registerCounter(name: string, help: string, read: Reader): void {
  registry.removeSingleMetric(name);
  new PromCounter({
    name,
    help,
    registers: [registry],
    collect() {
      this.reset();
      this.inc(Math.max(0, safeRead(read)));
    },
  });
}

/** One sample of a family: `name{labels} value`, under `metricName` when it is not the family's name (histogram parts). */
export interface MetricSample {
  metricName?: string;
  labels?: Record<string, string>;
  value: number;
}

/**
 * Register (or replace) a whole metric family whose samples `collect` reads at scrape time:
 * labelled series (per command, per error type) and histograms whose buckets are already
 * counted elsewhere. prom-client formats it (label escaping, HELP and TYPE lines).
 */
export function registerFamily(name: string, help: string, type: "counter" | "gauge" | "histogram", collect: () => MetricSample[]): void {
  registry.removeSingleMetric(name);
  const family = {
    name,
    help,
    type,
    aggregator: "sum",
    get: async () => ({ name, help, type, aggregator: "sum", values: collect() }),
    reset: () => {},
  };
  registry.registerMetric(family as unknown as Parameters<Registry["registerMetric"]>[0]);
}

/** Remove a metric registered with registerGauge/registerCounter/registerFamily. */
export function unregisterMetric(name: string): void {
  registry.removeSingleMetric(name);
}

/** The Prometheus text exposition of every registered metric. */
export function metricsText(): Promise<string> {
  return registry.metrics();
}

const counterMetrics: [name: string, help: string, slot: Counter][] = [
  ["cache_hits_total", "Total cache hits (reads that found the key)", Counter.cacheHits],
  ["cache_misses_total", "Total cache misses (reads that did not find the key)", Counter.cacheMisses],
  ["cache_sets_total", "Total SET operations", Counter.cacheSets],
  ["cache_deletes_total", "Total DELETE operations", Counter.cacheDeletes],
  ["bytes_received_total", "Total bytes received from clients", Counter.bytesReceived],
  ["bytes_sent_total", "Total bytes sent to clients", Counter.bytesSent],
  ["connections_accepted_total", "Total client connections accepted", Counter.connectionsAccepted],
  ["connections_rejected_total", "Total client connections refused (maxclients reached)", Counter.connectionsRejected],
  ["commands_processed_total", "Total commands processed", Counter.commandsProcessed],
  ["errors_total", "Total error replies sent to clients", Counter.errorReplies],
  ["protocol_errors_total", "Total protocol errors (malformed requests; the client is closed)", Counter.protocolErrors],
  ["clients_closed_output_limit_total", "Clients closed for exceeding client_output_buffer_limit", Counter.clientsClosedOutputLimit],
  ["clients_closed_idle_total", "Clients closed for being idle longer than server.timeout", Counter.clientsClosedIdle],
];

for (const [name, help, slot] of counterMetrics) registerCounter(name, help, () => counters[slot]!);
registerGauge("connections_active", "Current active client connections", () => counters[Counter.connectionsActive]!);

// A few process metrics, cheap to read at scrape time (prom-client's default collectors
// assume Node internals).
const startTimeSecs = Date.now() / 1000 - process.uptime();
registerGauge("process_start_time_seconds", "Start time of the process since the Unix epoch in seconds", () => startTimeSecs);
// Reading RSS can fail when the process is out of descriptors: report the last reading then.
let lastRss = 0;
registerGauge("process_resident_memory_bytes", "Resident memory size in bytes", () => {
  try {
    lastRss = process.memoryUsage.rss();
  } catch {
    // keep the last reading
  }
  return lastRss;
});
registerCounter("process_cpu_seconds_total", "Total user and system CPU time spent in seconds", () => {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1e6;
});

// The store's figures, mirrored into the shared counters by the data plane's 1-second cron
// (publishStoreStats): they lag by up to a second.
registerCounter("cache_evictions_total", "Keys evicted to make room under heap_size", () => counters[Counter.storeEvictedKeys]!);
registerCounter("cache_expirations_total", "Keys removed because their TTL passed (on access or by the expiry sweep)", () => counters[Counter.storeExpiredKeys]!);
registerGauge("memory_arena_used_bytes", "Arena bytes in segments that hold items (live or dead)", () => counters[Counter.storeArenaUsedBytes]!);
registerGauge(
  "memory_arena_free_bytes",
  "Arena bytes still free for the store: the arena less segments in use and the object store's charge",
  () => counters[Counter.storeArenaFreeBytes]!,
);
registerGauge(
  "memory_object_store_bytes",
  "Bytes the object store (non-string values and strings too big for a segment) charges against heap_size",
  () => counters[Counter.storeObjectBytes]!,
);

registerFamily("errors_by_type_total", "Error replies sent to clients, by error code (the reply's first word; other codes count as \"other\")", "counter", () =>
  errorTypes.map((type, i) => ({ labels: { type }, value: errorCount(i) })),
);

// Per-command statistics (commands.ts), named by statistics slot. The data plane numbers the
// slots by its command table; the composition root hands the same names in here, since the
// thread serving /metrics may not be the one that runs the commands.
let commandNames: readonly string[] = [];

/** Name the per-command series: `names[slot]` is the command whose statistics slot is `slot`. */
export function setCommandNames(names: readonly string[]): void {
  commandNames = names.slice(0, COMMAND_SLOTS);
}

function commandName(slot: number): string {
  return commandNames[slot] ?? `slot_${slot}`;
}

const sample: CommandSample = { calls: 0, nanos: 0, rejected: 0, failed: 0 };

/** The slots with any call or refusal, and their counts. */
function commandSamples(): { command: string; calls: number; nanos: number; rejected: number; failed: number }[] {
  const out = [];
  for (let slot = 0; slot < COMMAND_SLOTS; slot++) {
    commandSample(slot, sample);
    if (sample.calls > 0 || sample.rejected > 0) out.push({ command: commandName(slot), ...sample });
  }
  return out;
}

registerFamily("commands_total", "Calls executed, by command", "counter", () =>
  commandSamples().map((c) => ({ labels: { command: c.command }, value: c.calls })),
);
registerFamily("command_failed_total", "Calls that ran and replied an error, by command", "counter", () =>
  commandSamples().map((c) => ({ labels: { command: c.command }, value: c.failed })),
);
registerFamily("command_rejected_total", "Calls refused before they ran (arity, -OOM, not allowed in the context), by command", "counter", () =>
  commandSamples().map((c) => ({ labels: { command: c.command }, value: c.rejected })),
);

/**
 * command_duration_seconds' bucket edges: powers of two nanoseconds from 128 ns to 2^35 ns
 * (about 34 s). Every power of two is an edge of the fine log-linear buckets commands.ts
 * counts in, so each `le` bucket is an exact sum of fine buckets.
 */
const LE_MIN_EXP = 7;
const LE_MAX_EXP = 35;
const leEdgesNs = Array.from({ length: LE_MAX_EXP - LE_MIN_EXP + 1 }, (_, i) => 2 ** (LE_MIN_EXP + i));
const leLabels = [...leEdgesNs.map((ns) => String(ns / 1e9)), "+Inf"];
/** The first `le` bucket each fine bucket counts toward (the +Inf index past the last edge). */
const leOfFine = Int16Array.from({ length: LATENCY_BUCKETS }, (_, b) => {
  const upper = latencyBucketLowerNs(b + 1);
  const i = leEdgesNs.findIndex((edge) => upper <= edge);
  return i < 0 ? leEdgesNs.length : i;
});
const leCounts = new Float64Array(leLabels.length);

registerFamily("command_duration_seconds", "Time commands took to run, parsing included, by command", "histogram", () => {
  const values: MetricSample[] = [];
  for (let slot = 0; slot < COMMAND_SLOTS; slot++) {
    commandSample(slot, sample);
    if (sample.calls === 0) continue;
    const command = commandName(slot);
    // One pass over the live fine buckets: the cumulative counts and _count agree even while
    // another thread records calls.
    const hist = latencyHistogram(slot);
    leCounts.fill(0);
    for (let b = 0; b < LATENCY_BUCKETS; b++) if (hist[b] !== 0) leCounts[leOfFine[b]!] += hist[b]!;
    let cumulative = 0;
    for (let i = 0; i < leLabels.length; i++) {
      cumulative += leCounts[i]!;
      values.push({ metricName: "command_duration_seconds_bucket", labels: { command, le: leLabels[i]! }, value: cumulative });
    }
    values.push({ metricName: "command_duration_seconds_sum", labels: { command }, value: sample.nanos / 1e9 });
    values.push({ metricName: "command_duration_seconds_count", labels: { command }, value: cumulative });
  }
  return values;
});

// The Prometheus registry. Every metric here is read at scrape time by a prom-client
// `collect()` callback from the hot-path `counters` Float64Array (or a reader another
// module registered), so the request path never calls prom-client.

import { Counter as PromCounter, Gauge as PromGauge, Registry } from "prom-client";
import { Counter, counters } from "./counters.ts";

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

/** Remove a metric registered with registerGauge/registerCounter. */
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
registerGauge("process_resident_memory_bytes", "Resident memory size in bytes", () => process.memoryUsage.rss());
registerCounter("process_cpu_seconds_total", "Total user and system CPU time spent in seconds", () => {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1e6;
});

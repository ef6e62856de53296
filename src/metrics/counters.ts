// Hot-path counters: plain Float64Array increments. prom-client reads them at scrape time,
// so no prom-client call is ever made per request.

import { isMainThread, workerData } from "node:worker_threads";

export const Counter = {
  cacheHits: 0,
  cacheMisses: 1,
  cacheSets: 2,
  cacheDeletes: 3,
  bytesReceived: 4,
  bytesSent: 5,
  connectionsAccepted: 6,
  connectionsRejected: 7,
  commandsProcessed: 8,
  errorReplies: 9,
  connectionsActive: 10,
  protocolErrors: 11,
  clientsClosedOutputLimit: 12,
  clientsClosedIdle: 13,
} as const;
export type Counter = (typeof Counter)[keyof typeof Counter];

/**
 * The counters live in shared memory: when the io_uring engine serves clients from a Worker,
 * that Worker hands this buffer in (workerData.countersBuffer) and the main thread's
 * /metrics reads what the Worker counts.
 */
export const countersBuffer: SharedArrayBuffer =
  !isMainThread && workerData?.countersBuffer instanceof SharedArrayBuffer
    ? workerData.countersBuffer
    : new SharedArrayBuffer(Object.keys(Counter).length * Float64Array.BYTES_PER_ELEMENT);

export const counters = new Float64Array(countersBuffer);

export function resetCounters(): void {
  const active = counters[Counter.connectionsActive];
  counters.fill(0);
  counters[Counter.connectionsActive] = active;
}

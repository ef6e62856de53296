// Hot-path counters: plain Float64Array increments. prom-client reads them at scrape time,
// so no prom-client call is ever made per request.

import { isMainThread, workerData } from "node:worker_threads";
import { COUNTER_WORDS, SHARED_BYTES } from "./layout.ts";

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
  /** 13 words from here: error replies by code (errors.ts errorTypes). */
  errorsByType: 14,
  // Store figures the data plane copies here once a second (publishStoreStats), so the
  // main thread's /metrics has them when a Worker owns the store.
  storeEvictedKeys: 27,
  storeExpiredKeys: 28,
  storeArenaUsedBytes: 29,
  storeArenaFreeBytes: 30,
  storeObjectBytes: 31,
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
    : new SharedArrayBuffer(SHARED_BYTES);

export const counters = new Float64Array(countersBuffer, 0, COUNTER_WORDS);

/** What publishStoreStats needs of the store's statistics (the store's StoreStats has it). */
export interface StoreFigures {
  evictedKeys: number;
  expiredKeys: number;
  /** Arena bytes in segments that hold items. */
  usedBytes: number;
  /** Bytes of the side table (large strings and non-string objects), charged against the heap. */
  largeBytes: number;
  segmentsTotal: number;
  segmentSizeBytes: number;
}

/** Copy the store's figures into the shared counters (the server's 1-second cron). */
export function publishStoreStats(st: StoreFigures): void {
  counters[Counter.storeEvictedKeys] = st.evictedKeys;
  counters[Counter.storeExpiredKeys] = st.expiredKeys;
  counters[Counter.storeArenaUsedBytes] = st.usedBytes;
  counters[Counter.storeArenaFreeBytes] = Math.max(0, st.segmentsTotal * st.segmentSizeBytes - st.usedBytes - st.largeBytes);
  counters[Counter.storeObjectBytes] = st.largeBytes;
}

/** CONFIG RESETSTAT: every count goes back to 0; gauges and the store's mirrored figures stay. */
export function resetCounters(): void {
  const active = counters[Counter.connectionsActive];
  const store = counters.slice(Counter.storeEvictedKeys, Counter.storeObjectBytes + 1);
  counters.fill(0);
  counters[Counter.connectionsActive] = active;
  counters.set(store, Counter.storeEvictedKeys);
}

// Hot-path counters: plain Float64Array increments. prom-client reads them at scrape time,
// so no prom-client call is ever made per request.

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

export const counters = new Float64Array(Object.keys(Counter).length);

export function resetCounters(): void {
  const active = counters[Counter.connectionsActive];
  counters.fill(0);
  counters[Counter.connectionsActive] = active;
}

export { Counter, counters, countersBuffer, publishStoreStats, resetCounters, type StoreFigures } from "./counters.ts";
export {
  registry,
  metricsContentType,
  metricsText,
  registerGauge,
  registerCounter,
  registerFamily,
  type MetricSample,
  setCommandNames,
  unregisterMetric,
} from "./registry.ts";
export {
  COMMAND_SLOTS, commandSample, type CommandSample, LATENCY_BUCKETS, latencyBucket, latencyBucketLowerNs, latencyHistogram,
  latencyPercentileNs, recordCall, recordRejected, resetCommandStats,
} from "./commands.ts";
export { errorCount, ErrorStats, errorTypes } from "./errors.ts";

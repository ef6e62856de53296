export { Counter, counters, countersBuffer, resetCounters } from "./counters.ts";
export {
  registry,
  metricsContentType,
  metricsText,
  registerGauge,
  registerCounter,
  unregisterMetric,
} from "./registry.ts";

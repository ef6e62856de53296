export { Counter, counters, resetCounters } from "./counters.ts";

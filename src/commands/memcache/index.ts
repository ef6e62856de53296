// memcache's commands over the shared keyspace (database 0): text, meta and binary.
export { runText, MEMCACHED_VERSION } from "./text.ts";
export { runBinary } from "./binary.ts";
export { mcStats, mcStatNames, McStat } from "./counters.ts";
export type { MemcacheHooks } from "./types.ts";

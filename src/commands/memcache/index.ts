// memcache's commands over the shared keyspace (database 0): text, meta and binary.
export { runText, textWrites, MEMCACHED_VERSION } from "./text.ts";
export { binaryWrites, runBinary } from "./binary.ts";
export { mcStats, mcStatNames, McStat } from "./counters.ts";
export type { MemcacheHooks } from "./types.ts";

export type { ArgDoc, ClientState, CommandFlag, CommandSpec, Ctx, ServerHooks } from "./types.ts";
export { CommandTable } from "./table.ts";
export { allCommands } from "./all.ts";
export { REDIS_VERSION } from "./connection/index.ts";
export { MEMCACHED_VERSION, McStat, mcStatNames, mcStats, runBinary, runText, type MemcacheHooks } from "./memcache/index.ts";

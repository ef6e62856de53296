export type { ArgDoc, ClientKillFilter, ClientState, ClientType, CommandFlag, CommandSpec, Ctx, KeySignals, MemoryStat, ServerHooks } from "./types.ts";
export { ReplyFlag } from "./types.ts";
export { CommandBits, CommandTable } from "./table.ts";
export { allCommands } from "./all.ts";
export { REDIS_VERSION, replyHelp } from "./connection/index.ts";
export { binaryWrites, MEMCACHED_VERSION, McStat, mcStatNames, mcStats, runBinary, runText, textWrites, type MemcacheHooks } from "./memcache/index.ts";
export { End, endOrReply, moveKeyAndReply, mpopArgs, parseMpop, popKeyAndReply, PopShape } from "./list/index.ts";
export { parseZmpop, zmpopArgs, zpopKeyAndReply, ZPopShape } from "./zset/index.ts";

import { ReplyFlag, type ServerHooks } from "../commands/index.ts";
import { resetCommandStats, resetCounters } from "../metrics/index.ts";
import { clientKill, clientLine, clientList, clientUnblock, DEFAULT_USER } from "./clients.ts";
import { infoText } from "./info.ts";
import { memcacheHooks } from "./memcache-hooks.ts";
import { configGet, configRewrite, configSet } from "./params.ts";
import { mallocStats, memoryDoctor, memoryPurge, memoryStats } from "./memory-report.ts";
import type { Server } from "./server.ts";
import type { Session } from "./session.ts";

export function createHooks(server: Server): ServerHooks {
  return {
    get maxValueSizeBytes() {
      return server.options.cache.max_value_size;
    },
    get lfuEnabled() {
      return server.options.cache.eviction === "s3fifo";
    },
    get commands() {
      return server.table;
    },
    info: (sections) => infoText(server, sections),
    clientList: (caller, ids, type) => clientList(server, caller as Session, ids, type),
    clientInfo: (client) => clientLine(server, client as Session, client as Session) + "\n",
    clientKill: (caller, filter) => clientKill(server, caller as Session, filter),
    clientPause: (ms, all) => server.pause.pause(ms, all),
    clientUnpause: () => server.pause.unpause(),
    clientUnblock: (caller, id, withError) => clientUnblock(server, caller as Session, id, withError),
    userExists: (name) => name === DEFAULT_USER,
    configGet: (patterns) => configGet(server, patterns),
    configSet: (pairs) => configSet(server, pairs),
    configRewrite: () => configRewrite(server),
    memoryStats: () => memoryStats(server),
    memoryDoctor: () => memoryDoctor(server),
    mallocStats: () => mallocStats(server),
    memoryPurge: () => void memoryPurge(server),
    resetStats() {
      resetCounters();
      server.ops.reset();
      resetCommandStats();
      server.errorStats.reset();
    },
    shutdown(client, reason) {
      if (server.shuttingDown) return "ERR shutdown already in progress";
      server.log.info("shutdown requested by client", { id: client.id, reason });
      setImmediate(() => void server.stop(reason));
      return null;
    },
    resetClient(client) {
      server.dropClientState(client as Session);
      client.db = 0;
      client.proto = 2;
      client.name = "";
      // As Redis 7.0's clearClientConnectionState: REPLY OFF and a pending SKIP go (a SKIP
      // already in effect still drops RESET's own reply); NO-EVICT stays.
      client.replyFlags &= ReplyFlag.skip;
    },
    sleep(ms) {
      Bun.sleepSync(ms);
      server.clock.ms = Date.now();
    },
    memcache: memcacheHooks(server),
    signals: server.signals,
  };
}

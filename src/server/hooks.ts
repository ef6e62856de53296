import type { ServerHooks } from "../commands/index.ts";
import { resetCounters } from "../metrics/index.ts";
import { infoText } from "./info.ts";
import { memcacheHooks } from "./memcache-hooks.ts";
import { configGet, configSet } from "./params.ts";
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
    clientList(ids) {
      let out = "";
      for (const s of server.sessions.values()) {
        if (ids && !ids.includes(s.id)) continue;
        out += clientLine(server, s) + "\n";
      }
      return out;
    },
    clientInfo: (client) => clientLine(server, client as Session) + "\n",
    configGet: (patterns) => configGet(server, patterns),
    configSet: (pairs) => configSet(server, pairs),
    resetStats() {
      resetCounters();
      server.ops.reset();
      server.table.calls.fill(0);
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
    },
    sleep(ms) {
      Bun.sleepSync(ms);
      server.clock.ms = Date.now();
    },
    memcache: memcacheHooks(server),
    signals: server.signals,
  };
}

function commandName(server: Server, s: Session): string {
  if (s.lastCommand < 0) return "NULL";
  const spec = server.table.specs[s.lastCommand];
  if (s.lastSubcommand >= 0) return server.table.subtable(s.lastCommand)!.specs[s.lastSubcommand].name;
  return spec.name;
}

/** CLIENT LIST's flags: b blocked, x in MULTI, P subscriber, N none. */
function clientFlags(s: Session): string {
  let f = "";
  if (s.blocked !== null) f += "b";
  if (s.subscribed) f += "P";
  if (s.multi !== null) f += "x";
  return f === "" ? "N" : f;
}

/** One CLIENT LIST line with Redis 7's fields. */
function clientLine(server: Server, s: Session): string {
  const now = Date.now();
  const fields: [string, string | number][] = [
    ["id", s.id],
    ["addr", s.addr],
    ["laddr", s.laddr],
    ["fd", -1],
    ["name", s.name],
    ["age", Math.floor((now - s.createdMs) / 1000)],
    ["idle", Math.floor((now - s.lastInteractionMs) / 1000)],
    ["flags", clientFlags(s)],
    ["db", s.db],
    ["sub", s.channels.size],
    ["psub", s.patterns.size],
    ["ssub", 0],
    ["multi", s.multi === null ? -1 : s.multi.length],
    ["qbuf", s.inLen],
    ["qbuf-free", s.inBuf ? s.inBuf.length - s.inLen : 0],
    ["argv-mem", 0],
    ["multi-mem", 0],
    ["rbs", s.inBuf?.length ?? 0],
    ["rbp", 0],
    ["obl", 0],
    ["oll", s.outLen > 0 ? 1 : 0],
    ["omem", s.outBuf?.length ?? 0],
    ["tot-mem", (s.inBuf?.length ?? 0) + (s.outBuf?.length ?? 0)],
    ["events", s.outLen > 0 ? "rw" : "r"],
    ["cmd", commandName(server, s)],
    ["user", "default"],
    ["redir", -1],
    ["resp", s.proto],
    ["lib-name", s.libName],
    ["lib-ver", s.libVersion],
  ];
  return fields.map(([k, v]) => `${k}=${v}`).join(" ");
}


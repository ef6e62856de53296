// What memcache's admin commands (stats, flush_all, verbosity) need from the server.
import { MEMCACHED_VERSION, type MemcacheHooks, McStat, mcStatNames, mcStats } from "../commands/index.ts";
import { Counter, counters } from "../metrics/index.ts";
import type { LogLevel } from "../stdx/index.ts";
import { CRUCIBLE_VERSION } from "./info.ts";
import type { Server } from "./server.ts";
import { Wire } from "./session.ts";

type Stats = [string, string | number][];

export function memcacheHooks(server: Server): MemcacheHooks {
  let flushTimer: ReturnType<typeof setTimeout> | null = null;
  let verbosity = 0;
  const baseLevel: LogLevel = server.options.logging.level;
  // `stats reset` zeroes what memcached zeroes; the byte and connection counters are shared
  // with RESP (INFO, /metrics), so memcache's view is kept as an offset from them.
  const since = { bytesRead: 0, bytesWritten: 0, connections: 0, rejected: 0 };
  const flushNow = () => {
    server.clock.ms = Date.now();
    server.store.flushDb(0);
  };
  return {
    stats(section) {
      switch (section) {
        case "": return general(server, since);
        case "settings": return settings(server, verbosity);
        case "items": return items(server);
        case "slabs": return slabs(server);
        case "conns": return conns(server);
        default: return null;
      }
    },
    resetStats() {
      mcStats.fill(0);
      since.bytesRead = counters[Counter.bytesReceived];
      since.bytesWritten = counters[Counter.bytesSent];
      since.connections = counters[Counter.connectionsAccepted];
      since.rejected = counters[Counter.connectionsRejected];
    },
    flushAll(delayMs) {
      if (flushTimer !== null) clearTimeout(flushTimer);
      flushTimer = null;
      if (delayMs <= 0) return flushNow();
      flushTimer = setTimeout(() => {
        flushTimer = null;
        flushNow();
      }, delayMs);
      flushTimer.unref();
    },
    setVerbosity(level) {
      // memcached's -v levels: 0 as configured, 1 adds debug, 2 and up trace.
      verbosity = level;
      const next: LogLevel = level <= 0 ? baseLevel : level === 1 ? "debug" : "trace";
      server.log.setLevel(next);
      server.options.logging.level = next;
    },
  };
}

function general(server: Server, since: { bytesRead: number; bytesWritten: number; connections: number; rejected: number }): Stats {
  const now = Date.now();
  const cpu = process.cpuUsage();
  const st = server.store.stats();
  const out: Stats = [
    ["pid", process.pid],
    ["uptime", Math.floor((now - server.startedMs) / 1000)],
    ["time", Math.floor(now / 1000)],
    ["version", MEMCACHED_VERSION],
    ["crucible_version", CRUCIBLE_VERSION],
    ["pointer_size", 64],
    ["rusage_user", (cpu.user / 1e6).toFixed(6)],
    ["rusage_system", (cpu.system / 1e6).toFixed(6)],
    ["max_connections", server.options.server.maxclients],
    ["curr_connections", server.sessions.size],
    ["total_connections", counters[Counter.connectionsAccepted] - since.connections],
    ["rejected_connections", counters[Counter.connectionsRejected] - since.rejected],
  ];
  for (const name of mcStatNames) if (name !== "total_items") out.push([name, mcStats[McStat[name]]]);
  out.push(
    ["bytes_read", counters[Counter.bytesReceived] - since.bytesRead],
    ["bytes_written", counters[Counter.bytesSent] - since.bytesWritten],
    ["limit_maxbytes", server.options.cache.heap_size],
    ["accepting_conns", server.shuttingDown ? 0 : 1],
    ["threads", 1],
    ["hash_power_level", server.options.cache.hashtable_power],
    ["hash_bytes", server.store.indexBytes()],
    ["bytes", st.liveBytes],
    ["curr_items", server.store.dbSize(0)],
    ["total_items", mcStats[McStat.total_items]],
    ["expired_unfetched", 0],
    ["evicted_unfetched", 0],
    ["evictions", st.evictedKeys],
    ["reclaimed", st.expiredKeys],
  );
  return out;
}

function settings(server: Server, verbosity: number): Stats {
  const o = server.options;
  // The bound addresses (a configured port 0 is resolved there).
  const tcp = server.listeners.find((l) => l.protocol === "memcache" && !l.address.startsWith("/"));
  const unix = server.listeners.find((l) => l.protocol === "memcache" && l.address.startsWith("/"));
  return [
    ["maxbytes", o.cache.heap_size],
    ["maxconns", o.server.maxclients],
    ["tcpport", tcp ? Number(tcp.address.slice(tcp.address.lastIndexOf(":") + 1)) : 0],
    ["udpport", 0],
    ["inter", tcp ? tcp.address.slice(0, tcp.address.lastIndexOf(":")) : "NULL"],
    ["verbosity", verbosity],
    ["evictions", o.cache.eviction === "noeviction" ? "off" : "on"],
    ["domain_socket", unix ? unix.address : "NULL"],
    ["num_threads", 1],
    ["cas_enabled", "yes"],
    ["tcp_backlog", 511],
    ["binding_protocol", "auto-negotiate"],
    ["auth_enabled_sasl", "no"],
    ["auth_enabled_ascii", "no"],
    ["item_size_max", o.cache.max_value_size],
    ["hashpower_init", o.cache.hashtable_power],
    ["flush_enabled", "yes"],
    ["idle_timeout", o.server.timeout],
    // Crucible's own: the store's layout, where memcached has slabs.
    ["segment_size", o.cache.segment_size],
    ["eviction_policy", o.cache.eviction],
  ];
}

/** One item "class": the store keeps every size in one segment log rather than slabs. */
function items(server: Server): Stats {
  const st = server.store.stats();
  const n = server.store.dbSize(0);
  if (n === 0) return [];
  return [
    ["items:1:number", n],
    ["items:1:mem_requested", st.liveBytes],
    ["items:1:evicted", st.evictedKeys],
    ["items:1:reclaimed", st.expiredKeys],
  ];
}

function slabs(server: Server): Stats {
  const st = server.store.stats();
  const used = st.segmentsTotal - st.segmentsFree;
  return [
    ["1:chunk_size", st.segmentSizeBytes],
    ["1:total_pages", used],
    ["1:used_chunks", used],
    ["1:free_chunks", st.segmentsFree],
    ["1:get_hits", mcStats[McStat.get_hits]],
    ["1:cmd_set", mcStats[McStat.cmd_set]],
    ["1:delete_hits", mcStats[McStat.delete_hits]],
    ["1:incr_hits", mcStats[McStat.incr_hits]],
    ["1:decr_hits", mcStats[McStat.decr_hits]],
    ["1:cas_hits", mcStats[McStat.cas_hits]],
    ["1:cas_badval", mcStats[McStat.cas_badval]],
    ["1:touch_hits", mcStats[McStat.touch_hits]],
    ["active_slabs", used > 0 ? 1 : 0],
    ["total_malloced", st.usedBytes],
  ];
}

/** memcached's per-connection lines, numbered by client id (memcached numbers by fd). */
function conns(server: Server): Stats {
  const now = Date.now();
  const out: Stats = [];
  for (const l of server.listeners) {
    out.push([`listen:${l.address}`, l.protocol]);
  }
  for (const s of server.sessions.values()) {
    const kind = s.wire === Wire.Resp ? "resp" : s.wire === Wire.MemcacheBinary ? "binary" : "text";
    out.push(
      [`${s.id}:addr`, s.addr.startsWith("/") ? `unix:${s.addr.slice(0, -2)}` : `tcp:${s.addr}`],
      [`${s.id}:listen_addr`, s.laddr.startsWith("/") ? `unix:${s.laddr.slice(0, -2)}` : `tcp:${s.laddr}`],
      [`${s.id}:protocol`, kind],
      [`${s.id}:state`, s.outLen > 0 ? "conn_mwrite" : "conn_parse_cmd"],
      [`${s.id}:secs_since_last_cmd`, Math.floor((now - s.lastInteractionMs) / 1000)],
    );
  }
  return out;
}

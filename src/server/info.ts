import { readFileSync } from "node:fs";
import os from "node:os";
import { Counter, counters } from "../metrics/index.ts";
import type { Server } from "./server.ts";

export const CRUCIBLE_VERSION = "0.1.0";
import { REDIS_VERSION } from "../commands/index.ts";

const DEFAULT_SECTIONS = ["server", "clients", "memory", "persistence", "stats", "replication", "cpu", "keyspace"];
const ALL_SECTIONS = [...DEFAULT_SECTIONS, "crucible"];

/** Bytes per page of each arena page size (INFO crucible page_size). */
const PAGE_BYTES = { "4k": 4096, "2mb": 2 * 1024 * 1024, "1gb": 1024 * 1024 * 1024 } as const;

export function human(bytes: number): string {
  const units = ["B", "K", "M", "G", "T"];
  let v = bytes;
  let i = 0;
  while (v >= 1024 && i < units.length - 1) {
    v /= 1024;
    i++;
  }
  return i === 0 ? `${bytes}B` : `${v.toFixed(2)}${units[i]}`;
}

export function rssBytes(): number {
  try {
    const pages = Number(readFileSync("/proc/self/statm", "utf8").split(" ")[1]);
    return pages * 4096;
  } catch {
    return process.memoryUsage().rss;
  }
}

/** Operations per second, sampled once a second by the server's cron (Redis's instantaneous_ops_per_sec). */
export class OpsSampler {
  private last = 0;
  private lastMs = Date.now();
  private samples: number[] = [];
  sample(): void {
    const now = Date.now();
    const total = counters[Counter.commandsProcessed];
    const elapsed = now - this.lastMs;
    if (elapsed > 0) {
      this.samples.push(((total - this.last) * 1000) / elapsed);
      if (this.samples.length > 16) this.samples.shift();
    }
    this.last = total;
    this.lastMs = now;
  }
  opsPerSec(): number {
    if (this.samples.length === 0) return 0;
    return Math.round(this.samples.reduce((a, b) => a + b, 0) / this.samples.length);
  }
  reset(): void {
    this.samples = [];
    this.last = counters[Counter.commandsProcessed];
  }
}

export function infoText(server: Server, requested: string[]): string {
  let sections = requested.length === 0 || requested.includes("default") ? DEFAULT_SECTIONS : requested;
  if (requested.includes("all") || requested.includes("everything")) sections = ALL_SECTIONS;
  const parts: string[] = [];
  for (const name of ALL_SECTIONS) {
    if (!sections.includes(name)) continue;
    const fields = section(server, name);
    parts.push(`# ${name[0].toUpperCase()}${name.slice(1)}\r\n` + fields.map(([k, v]) => `${k}:${v}\r\n`).join(""));
  }
  return parts.join("\r\n");
}

function section(server: Server, name: string): [string, string | number][] {
  const o = server.options;
  const st = server.store.stats();
  switch (name) {
    case "server": {
      const uptime = Math.floor((Date.now() - server.startedMs) / 1000);
      const resp = server.listeners.find((l) => l.protocol === "resp");
      return [
        ["redis_version", REDIS_VERSION],
        ["crucible_version", CRUCIBLE_VERSION],
        ["redis_mode", "standalone"],
        ["os", `${os.type()} ${os.release()} ${os.arch()}`],
        ["arch_bits", 64],
        ["bun_version", Bun.version],
        ["io_engine", server.engineName],
        ["process_id", process.pid],
        ["tcp_port", resp ? resp.address.split(":").pop()! : 0],
        ["server_time_usec", Date.now() * 1000],
        ["uptime_in_seconds", uptime],
        ["uptime_in_days", Math.floor(uptime / 86400)],
        ["hz", 10],
        ["executable", process.execPath],
        ["config_file", server.configSource],
        ["pinned_cpus", server.placement?.pinnedCpus ?? ""],
      ];
    }
    case "clients":
      return [
        ["connected_clients", server.sessions.size],
        ["maxclients", o.server.maxclients],
        ["blocked_clients", server.blocking.clients],
        ["tracking_clients", 0],
      ];
    case "memory": {
      const rss = rssBytes();
      // heapUsed counts the arena's ArrayBuffers at their full reserved size; count the
      // store by what its segments hold instead.
      const jsHeap = Math.max(0, process.memoryUsage().heapUsed - st.heapSizeBytes);
      const used = st.usedBytes + jsHeap;
      return [
        ["used_memory", used],
        ["used_memory_human", human(used)],
        ["used_memory_rss", rss],
        ["used_memory_rss_human", human(rss)],
        ["used_memory_dataset", st.liveBytes],
        ["maxmemory", o.cache.heap_size],
        ["maxmemory_human", human(o.cache.heap_size)],
        ["maxmemory_policy", o.cache.eviction],
        ["mem_fragmentation_ratio", used > 0 ? (rss / used).toFixed(2) : "0.00"],
        ["mem_allocator", "crucible-segments"],
        ["mem_thp_advised_bytes", server.hugePages.advisedBytes],
        ["mem_page_size", server.placement?.pageSize ?? "4k"],
        ["mem_numa_node", server.placement?.numaNode ?? -1],
      ];
    }
    case "persistence":
      return [
        ["loading", 0],
        ["rdb_changes_since_last_save", 0],
        ["rdb_bgsave_in_progress", 0],
        ["aof_enabled", 0],
        ["aof_rewrite_in_progress", 0],
      ];
    case "stats":
      return [
        ["total_connections_received", counters[Counter.connectionsAccepted]],
        ["total_commands_processed", counters[Counter.commandsProcessed]],
        ["instantaneous_ops_per_sec", server.ops.opsPerSec()],
        ["total_net_input_bytes", counters[Counter.bytesReceived]],
        ["total_net_output_bytes", counters[Counter.bytesSent]],
        ["rejected_connections", counters[Counter.connectionsRejected]],
        ["expired_keys", st.expiredKeys],
        ["evicted_keys", st.evictedKeys],
        ["keyspace_hits", counters[Counter.cacheHits]],
        ["keyspace_misses", counters[Counter.cacheMisses]],
        ["total_error_replies", counters[Counter.errorReplies]],
        ["client_query_buffer_limit_disconnections", 0],
        ["client_output_buffer_limit_disconnections", counters[Counter.clientsClosedOutputLimit]],
        ["pubsub_channels", server.pubsub.channels.size],
        ["pubsub_patterns", server.pubsub.patterns.size],
      ];
    case "replication":
      return [
        ["role", "master"],
        ["connected_slaves", 0],
      ];
    case "cpu": {
      const cpu = process.cpuUsage();
      return [
        ["used_cpu_sys", (cpu.system / 1e6).toFixed(6)],
        ["used_cpu_user", (cpu.user / 1e6).toFixed(6)],
      ];
    }
    case "keyspace": {
      const out: [string, string][] = [];
      for (let db = 0; db < o.server.databases; db++) {
        const keys = server.store.dbSize(db);
        if (keys > 0) out.push([`db${db}`, `keys=${keys},expires=${server.store.expiresCount(db)},avg_ttl=0`]);
      }
      return out;
    }
    case "crucible":
      return [
        ["io_engine", server.engineName],
        ["arena_bytes", st.heapSizeBytes],
        ["arena_used_bytes", st.usedBytes],
        ["arena_live_bytes", st.liveBytes],
        ["page_size", PAGE_BYTES[server.placement?.pageSize ?? "4k"]],
        ["segment_size", st.segmentSizeBytes],
        ["segments_total", st.segmentsTotal],
        ["segments_free", st.segmentsFree],
        ["hashtable_buckets", st.hashtableBuckets],
        ["hashtable_overflow_buckets", st.hashtableOverflowBuckets],
        ["hashtable_load", st.hashtableBuckets > 0 ? (st.items / (st.hashtableBuckets * 8)).toFixed(4) : "0"],
        ["items", st.items],
        ["evicted_segments", st.evictedSegments],
        ["expired_segments", st.expiredSegments],
        ["compacted_segments", st.compactedSegments],
      ];
  }
  return [];
}

import { readFileSync } from "node:fs";
import os from "node:os";
import { Counter, counters } from "../metrics/index.ts";
import type { Server } from "./server.ts";

export const CRUCIBLE_VERSION = "0.1.0";
import { REDIS_VERSION } from "../commands/index.ts";
import { commandStats, errorStats, type Field, latencyStats } from "./info-commands.ts";


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

let lastRssBytes = 0;

/** Resident bytes; the last reading when none can be taken now (out of descriptors). */
export function rssBytes(): number {
  try {
    lastRssBytes = Number(readFileSync("/proc/self/statm", "utf8").split(" ")[1]) * 4096;
  } catch {
    try {
      lastRssBytes = process.memoryUsage.rss();
    } catch {
      // keep the last reading
    }
  }
  return lastRssBytes;
}

/**
 * Per-second rates sampled once a second by the server's cron, averaged over the last 16
 * samples (Redis's instantaneous_ops_per_sec, instantaneous_input_kbps and _output_kbps).
 */
export class OpsSampler {
  private static readonly SAMPLES = 16;
  private readonly watched = [Counter.commandsProcessed, Counter.bytesReceived, Counter.bytesSent] as const;
  private last: number[] = this.watched.map((c) => counters[c]);
  private lastMs = Date.now();
  private samples: number[][] = this.watched.map(() => []);

  sample(): void {
    const now = Date.now();
    const elapsed = now - this.lastMs;
    this.watched.forEach((c, i) => {
      const total = counters[c];
      if (elapsed > 0) {
        const list = this.samples[i];
        list.push(((total - this.last[i]) * 1000) / elapsed);
        if (list.length > OpsSampler.SAMPLES) list.shift();
      }
      this.last[i] = total;
    });
    this.lastMs = now;
  }

  private mean(i: number): number {
    const list = this.samples[i];
    return list.length === 0 ? 0 : list.reduce((a, b) => a + b, 0) / list.length;
  }

  opsPerSec(): number {
    return Math.round(this.mean(0));
  }

  inputKbps(): string {
    return (this.mean(1) / 1024).toFixed(2);
  }

  outputKbps(): string {
    return (this.mean(2) / 1024).toFixed(2);
  }

  reset(): void {
    this.samples = this.watched.map(() => []);
    this.last = this.watched.map((c) => counters[c]);
  }
}

/** Redis 7.0's sections in its order; "crucible" is Crucible's own. */
const SECTIONS = [
  "server", "clients", "memory", "persistence", "stats", "replication", "cpu", "modules", "commandstats", "errorstats",
  "latencystats", "cluster", "keyspace", "crucible",
] as const;
type Section = (typeof SECTIONS)[number];
const DEFAULT_SECTIONS = new Set<Section>(["server", "clients", "memory", "persistence", "stats", "replication", "cpu", "modules", "errorstats", "cluster", "keyspace"]);
const TITLES: Record<Section, string> = {
  server: "Server", clients: "Clients", memory: "Memory", persistence: "Persistence", stats: "Stats", replication: "Replication",
  cpu: "CPU", modules: "Modules", commandstats: "Commandstats", errorstats: "Errorstats", latencystats: "Latencystats",
  cluster: "Cluster", keyspace: "Keyspace", crucible: "Crucible",
};

/** The sections INFO's arguments name (genInfoSectionDict): none or "default", "all", "everything", or names. */
function chosen(requested: string[]): Set<Section> {
  if (requested.length === 0) return DEFAULT_SECTIONS;
  const out = new Set<Section>();
  for (const raw of requested) {
    const name = raw.toLowerCase();
    if (name === "all" || name === "everything") for (const s of SECTIONS) out.add(s);
    else if (name === "default") for (const s of DEFAULT_SECTIONS) out.add(s);
    else if ((SECTIONS as readonly string[]).includes(name)) out.add(name as Section);
  }
  return out;
}

export function infoText(server: Server, requested: string[]): string {
  const sections = chosen(requested);
  const parts: string[] = [];
  for (const name of SECTIONS) {
    if (!sections.has(name)) continue;
    const fields = SECTION_FIELDS[name](server);
    parts.push(`# ${TITLES[name]}\r\n` + fields.map(([k, v]) => `${k}:${v}\r\n`).join(""));
  }
  return parts.join("\r\n");
}

/** CPU seconds (user, system) of the calling thread, from /proc/thread-self/stat. */
function threadCpu(): [number, number] {
  try {
    const stat = readFileSync("/proc/thread-self/stat", "utf8");
    const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
    return [Number(fields[11]) / CLOCK_TICKS, Number(fields[12]) / CLOCK_TICKS];
  } catch {
    return [0, 0];
  }
}
const CLOCK_TICKS = 100;

/** used_memory and its parts: the store's segments and objects plus the JS heap outside the arena. */
let lastHeapUsed = 0;

/** The JS heap in use; the last reading when none can be taken now (out of descriptors). */
function jsHeapUsed(): number {
  try {
    lastHeapUsed = process.memoryUsage().heapUsed;
  } catch {
    // keep the last reading
  }
  return lastHeapUsed;
}

/**
 * used_memory: the store's segments and objects plus the JS heap outside the arena. Kept
 * as its start-up value and its peak in server.memoryMarks (the cron calls this each second).
 */
export function usedMemory(server: Server): number {
  const st = server.store.stats();
  // The JS heap counts the arena's ArrayBuffers at their full reserved size; count the
  // store by what its segments hold instead.
  const jsHeap = Math.max(0, jsHeapUsed() - st.heapSizeBytes);
  const used = st.usedBytes + jsHeap;
  const m = server.memoryMarks;
  if (m.startup === 0) m.startup = used;
  if (used > m.peak) m.peak = used;
  return used;
}

export function memoryFacts(server: Server): { used: number; dataset: number; rss: number; peak: number; startup: number; clients: number } {
  const used = usedMemory(server);
  let clients = 0;
  for (const s of server.sessions.values()) clients += (s.inBuf?.length ?? 0) + (s.outBuf?.length ?? 0);
  const m = server.memoryMarks;
  return { used, dataset: server.store.stats().liveBytes, rss: rssBytes(), peak: m.peak, startup: m.startup, clients };
}

function serverSection(server: Server): Field[] {
  const uptime = Math.floor((Date.now() - server.startedMs) / 1000);
  const resp = server.listeners.find((l) => l.protocol === "resp");
  return [
    ["redis_version", REDIS_VERSION],
    ["redis_git_sha1", "00000000"],
    ["redis_git_dirty", 0],
    ["redis_mode", "standalone"],
    ["crucible_version", CRUCIBLE_VERSION],
    ["os", `${os.type()} ${os.release()} ${os.arch()}`],
    ["arch_bits", 64],
    ["monotonic_clock", "POSIX clock_gettime"],
    ["multiplexing_api", server.engineName],
    ["bun_version", Bun.version],
    ["io_engine", server.engineName],
    ["process_id", process.pid],
    ["process_supervised", "no"],
    ["run_id", server.runId],
    ["tcp_port", resp ? resp.address.split(":").pop()! : 0],
    ["server_time_usec", Math.floor((performance.timeOrigin + performance.now()) * 1000)],
    ["uptime_in_seconds", uptime],
    ["uptime_in_days", Math.floor(uptime / 86400)],
    ["hz", 10],
    ["configured_hz", 10],
    ["lru_clock", Math.floor(Date.now() / 1000) & 0xffffff],
    ["executable", process.execPath],
    ["config_file", server.configSource],
    ["io_threads_active", 0],
    ["pinned_cpus", server.placement?.pinnedCpus ?? ""],
  ];
}

function clientsSection(server: Server): Field[] {
  const o = server.options;
  let maxIn = 0;
  let maxOut = 0;
  let inTimeout = 0;
  for (const s of server.sessions.values()) {
    maxIn = Math.max(maxIn, s.inBuf?.length ?? 0);
    maxOut = Math.max(maxOut, s.outLen);
    if (s.blocked !== null && s.blocked.timer !== null) inTimeout++;
  }
  return [
    ["connected_clients", server.sessions.size],
    ["cluster_connections", 0],
    ["maxclients", o.server.maxclients],
    ["client_recent_max_input_buffer", maxIn],
    ["client_recent_max_output_buffer", maxOut],
    ["blocked_clients", server.blocking.clients],
    ["tracking_clients", 0],
    ["clients_in_timeout_table", inTimeout],
  ];
}

function memorySection(server: Server): Field[] {
  const o = server.options;
  const m = memoryFacts(server);
  const total = os.totalmem();
  const overhead = Math.max(0, m.used - m.dataset);
  return [
    ["used_memory", m.used],
    ["used_memory_human", human(m.used)],
    ["used_memory_rss", m.rss],
    ["used_memory_rss_human", human(m.rss)],
    ["used_memory_peak", m.peak],
    ["used_memory_peak_human", human(m.peak)],
    ["used_memory_peak_perc", `${m.peak > 0 ? ((m.used * 100) / m.peak).toFixed(2) : "0.00"}%`],
    ["used_memory_overhead", overhead],
    ["used_memory_startup", m.startup],
    ["used_memory_dataset", m.dataset],
    ["used_memory_dataset_perc", `${m.used > m.startup ? ((m.dataset * 100) / (m.used - m.startup)).toFixed(2) : "0.00"}%`],
    ["total_system_memory", total],
    ["total_system_memory_human", human(total)],
    ["maxmemory", o.cache.heap_size],
    ["maxmemory_human", human(o.cache.heap_size)],
    ["maxmemory_policy", o.cache.eviction],
    ["mem_fragmentation_ratio", m.used > 0 ? (m.rss / m.used).toFixed(2) : "0.00"],
    ["mem_fragmentation_bytes", m.rss - m.used],
    ["mem_clients_normal", m.clients],
    ["mem_allocator", "crucible-segments"],
    ["lazyfree_pending_objects", 0],
    ["mem_thp_advised_bytes", server.hugePages.advisedBytes],
    ["mem_page_size", server.placement?.pageSize ?? "4k"],
    ["mem_numa_node", server.placement?.numaNode ?? -1],
  ];
}

function persistenceSection(server: Server): Field[] {
  return [
    ["loading", 0],
    ["async_loading", 0],
    ["rdb_changes_since_last_save", 0],
    ["rdb_bgsave_in_progress", 0],
    ["rdb_last_save_time", Math.floor(server.startedMs / 1000)],
    ["rdb_last_bgsave_status", "ok"],
    ["rdb_saves", 0],
    ["aof_enabled", 0],
    ["aof_rewrite_in_progress", 0],
    ["aof_rewrite_scheduled", 0],
    ["aof_last_write_status", "ok"],
  ];
}

function statsSection(server: Server): Field[] {
  const st = server.store.stats();
  return [
    ["total_connections_received", counters[Counter.connectionsAccepted]],
    ["total_commands_processed", counters[Counter.commandsProcessed]],
    ["instantaneous_ops_per_sec", server.ops.opsPerSec()],
    ["total_net_input_bytes", counters[Counter.bytesReceived]],
    ["total_net_output_bytes", counters[Counter.bytesSent]],
    ["instantaneous_input_kbps", server.ops.inputKbps()],
    ["instantaneous_output_kbps", server.ops.outputKbps()],
    ["rejected_connections", counters[Counter.connectionsRejected]],
    ["sync_full", 0],
    ["sync_partial_ok", 0],
    ["sync_partial_err", 0],
    ["expired_keys", st.expiredKeys],
    ["evicted_keys", st.evictedKeys],
    ["evicted_clients", 0],
    ["keyspace_hits", counters[Counter.cacheHits]],
    ["keyspace_misses", counters[Counter.cacheMisses]],
    ["pubsub_channels", server.pubsub.channels.size],
    ["pubsub_patterns", server.pubsub.patterns.size],
    ["pubsubshard_channels", 0],
    ["latest_fork_usec", 0],
    ["total_forks", 0],
    ["tracking_total_keys", 0],
    ["total_error_replies", counters[Counter.errorReplies]],
    ["client_query_buffer_limit_disconnections", 0],
    ["client_output_buffer_limit_disconnections", counters[Counter.clientsClosedOutputLimit]],
  ];
}

function replicationSection(server: Server): Field[] {
  return [
    ["role", "master"],
    ["connected_slaves", 0],
    ["master_failover_state", "no-failover"],
    ["master_replid", server.runId],
    ["master_replid2", "0".repeat(40)],
    ["master_repl_offset", 0],
    ["second_repl_offset", -1],
    ["repl_backlog_active", 0],
    ["repl_backlog_size", 0],
    ["repl_backlog_first_byte_offset", 0],
    ["repl_backlog_histlen", 0],
  ];
}

function cpuSection(server: Server): Field[] {
  const cpu = process.cpuUsage();
  const [user, sys] = threadCpu();
  return [
    ["used_cpu_sys", (cpu.system / 1e6).toFixed(6)],
    ["used_cpu_user", (cpu.user / 1e6).toFixed(6)],
    ["used_cpu_sys_children", "0.000000"],
    ["used_cpu_user_children", "0.000000"],
    ["used_cpu_sys_main_thread", sys.toFixed(6)],
    ["used_cpu_user_main_thread", user.toFixed(6)],
  ];
}

function clusterSection(server: Server): Field[] {
  return [["cluster_enabled", 0]];
}

function keyspaceSection(server: Server): Field[] {
  const o = server.options;
  const out: Field[] = [];
  for (let db = 0; db < o.server.databases; db++) {
    const keys = server.store.dbSize(db);
    if (keys > 0) out.push([`db${db}`, `keys=${keys},expires=${server.store.expiresCount(db)},avg_ttl=0`]);
  }
  return out;
}

function crucibleSection(server: Server): Field[] {
  const st = server.store.stats();
  return [
    ["io_engine", server.engineName],
    ["arena_bytes", st.heapSizeBytes],
    ["arena_used_bytes", st.usedBytes],
    ["arena_live_bytes", st.liveBytes],
    ["page_size", PAGE_BYTES[server.placement?.pageSize ?? "4k"]],
    ["numa_node", server.placement?.numaNode ?? -1],
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

/** Each section's fields, by name. */
const SECTION_FIELDS: Record<Section, (server: Server) => Field[]> = {
  server: serverSection,
  clients: clientsSection,
  memory: memorySection,
  persistence: persistenceSection,
  stats: statsSection,
  replication: replicationSection,
  cpu: cpuSection,
  modules: () => [],
  commandstats: commandStats,
  errorstats: errorStats,
  latencystats: latencyStats,
  cluster: clusterSection,
  keyspace: keyspaceSection,
  crucible: crucibleSection,
};


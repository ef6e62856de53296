import type { EvictionPolicy } from "../store/index.ts";
import type { Logger, LogLevel } from "../stdx/index.ts";

/**
 * What the server needs from the configuration. It mirrors the TOML schema's shape (sizes in
 * bytes, durations in seconds) so the CLI hands the loaded config straight in; the server
 * does not import src/config (it sits above it in the layering).
 */
export interface ServerOptions {
  io_engine: string;
  cache: {
    heap_size: number;
    segment_size: number;
    hashtable_power: number;
    max_value_size: number;
    eviction: EvictionPolicy;
    lfu_log_factor: number;
    /** Minutes. */
    lfu_decay_time: number;
  };
  listener: { protocol: string; address: string; path: string }[];
  uring: { buffer_count: number; buffer_size: number; sq_depth: number; sqpoll: boolean };
  metrics: { address: string };
  logging: { level: LogLevel; file: string };
  shutdown: { drain_timeout_secs: number };
  server: {
    maxclients: number;
    timeout: number;
    tcp_keepalive: number;
    databases: number;
    proto_max_bulk_len: number;
    client_query_buffer_limit: number;
    client_output_buffer_limit: number;
    client_output_buffer_limit_pubsub: number;
    slowlog_log_slower_than: number;
    slowlog_max_len: number;
    latency_monitor_threshold: number;
    latency_tracking: boolean;
    notify_keyspace_events: string;
  };
}

/**
 * The store's arena memory and where the composition root placed it (cache.hugepage,
 * cache.numa_node, workers.cpu_affinity). Without it the store allocates its own arena on
 * 4 KiB pages, unbound and unpinned.
 */
export interface ServerPlacement {
  /** The arena: one ArrayBuffer per chunk, sized as the store's arenaChunkBytes says. */
  chunks: readonly ArrayBuffer[];
  /** The page size backing the arena. */
  pageSize: "4k" | "2mb" | "1gb";
  /** The NUMA node the arena is bound to, or -1. */
  numaNode: number;
  /** The CPUs the main thread is pinned to ("0-3,8"), or "" when not pinned. */
  pinnedCpus: string;
  /** Transparent hugepage advice over the arena: bytes advised, the THP mode, or why none. */
  thpAdvisedBytes: number;
  thpMode: string;
  thpWhy: string;
}

/** Validates one runtime CONFIG SET value against the schema; the CLI injects the config module's. */
export type ValueValidator = (section: string, key: string, raw: string) => { ok: true; value: unknown } | { ok: false; error: string };

/** CONFIG REWRITE of the config file `source` with settings' running values: null when done, else the error reply. The CLI injects the config module's. */
export type ConfigRewriter = (source: string, settings: readonly { section: string; key: string; value: number | string | boolean }[], log: Logger) => string | null;

export function splitAddress(address: string): { host: string; port: number } {
  const colon = address.lastIndexOf(":");
  const host = address.slice(0, colon).replace(/^\[(.*)\]$/, "$1");
  return { host, port: Number(address.slice(colon + 1)) };
}

// The one schema: every config key with its section, type, default, bounds, unit and doc.
// Loading, validation, `--set`, CONFIG SET, `--dump-config`, `init` and
// config/example.toml are all driven from this table.

import type { LogFormat, LogLevel } from "../stdx/index.ts";
import { logLevels, logModules } from "../stdx/index.ts";
import { allowedCpus, hostPaths, numaNodes } from "./host.ts";
import { formatCpuList, parseCpuList } from "./units.ts";

// The store's eviction policies. This duplicates `EvictionPolicies` in src/store/types.ts
// on purpose: config sits below store in the layering (DESIGN.md) and may not import it.
// A unit test checks the two lists are equal.
export const evictionPolicies = ["fifo", "random", "s3fifo", "noeviction"] as const;
export type EvictionPolicy = (typeof evictionPolicies)[number];

export const ioEngines = ["auto", "bun", "uring"] as const;
export const hugepageModes = ["none", "2mb", "1gb"] as const;
export const listenerProtocols = ["resp", "memcache"] as const;
export const logFormats = ["pretty", "json"] as const;

export interface ListenerConfig {
  protocol: (typeof listenerProtocols)[number];
  /** "host:port"; port 0 lets the OS pick. Ignored when `path` is set. */
  address: string;
  /** A Unix socket path instead of TCP; "" = TCP on `address`. */
  path: string;
}

/** The effective configuration: the TOML file's shape, sizes in bytes, durations in seconds. */
export interface Config {
  io_engine: (typeof ioEngines)[number];
  workers: {
    threads: number;
    /** "" = not pinned. */
    cpu_affinity: string;
  };
  /** The io_uring network engine's tuning (used when io_engine picks io_uring). */
  uring: {
    /** Receive buffers in the provided-buffer ring; a power of two. */
    buffer_count: number;
    /** Bytes per receive buffer. */
    buffer_size: number;
    /** Submission queue entries; a power of two. */
    sq_depth: number;
    sqpoll: boolean;
  };
  cache: {
    heap_size: number;
    segment_size: number;
    hashtable_power: number;
    max_value_size: number;
    eviction: EvictionPolicy;
    /** Redis's lfu-log-factor: how slowly the LFU counter grows with hits. */
    lfu_log_factor: number;
    /** Redis's lfu-decay-time: minutes of idleness per decrement of the LFU counter; 0 = never. */
    lfu_decay_time: number;
    hugepage: (typeof hugepageModes)[number];
    /** -1 = no binding. */
    numa_node: number;
  };
  listener: ListenerConfig[];
  metrics: {
    /** "" = no metrics listener. */
    address: string;
  };
  logging: {
    level: LogLevel;
    format: LogFormat;
    /** "" = stderr. */
    file: string;
    /** Rotate `file` before it grows past this many bytes; 0 = never. */
    max_log_size: number;
    /** Rotated files kept: file.1 (newest) ... file.N. */
    max_log_files: number;
  };
  shutdown: {
    drain_timeout_secs: number;
  };
  server: {
    maxclients: number;
    /** Idle seconds before a client is closed; 0 = never. */
    timeout: number;
    /** Seconds; 0 = off. */
    tcp_keepalive: number;
    databases: number;
    proto_max_bulk_len: number;
    client_query_buffer_limit: number;
    /** Bytes of pending output a normal client may hold; 0 = unlimited. */
    client_output_buffer_limit: number;
    /** Bytes of pending output a pub/sub subscriber may hold; 0 = unlimited. */
    client_output_buffer_limit_pubsub: number;
    /** Microseconds; negative = slowlog off, 0 = log every command. */
    slowlog_log_slower_than: number;
    slowlog_max_len: number;
    /** Milliseconds; 0 = latency monitor off. */
    latency_monitor_threshold: number;
    latency_tracking: boolean;
    /** Redis's notify-keyspace-events flags ("" = off). */
    notify_keyspace_events: string;
  };
}

export type SectionName = "" | "workers" | "uring" | "cache" | "listener" | "metrics" | "logging" | "shutdown" | "server";

export type KeyType = "enum" | "int" | "size" | "duration" | "address" | "cpulist" | "path" | "bool" | "string";

/** A key's typed value: bytes for sizes, seconds for durations. */
export type KeyValue = string | number | boolean;

export interface KeyDef {
  /** "" for top-level keys. */
  section: SectionName;
  name: string;
  type: KeyType;
  /** In the Config's units: bytes for sizes, seconds for durations. */
  default: KeyValue;
  /** Inclusive bounds for int/size/duration, in bytes or seconds. */
  min?: number;
  max?: number;
  /** 0 is accepted below `min` and means this (e.g. "unlimited"). */
  zeroMeans?: string;
  /** Allowed values of an enum. */
  values?: readonly string[];
  /** A value outside bounds but with a meaning, e.g. numa_node = -1. */
  sentinel?: { value: number; means: string };
  /** An int that must be a power of two (ring sizes). */
  powerOfTwo?: boolean;
  /** A "string" key's allowed text, and that in words for the docs and errors. */
  pattern?: RegExp;
  patternDoc?: string;
  /**
   * Checks a well-formed value against this host (a NUMA node or CPU it lacks): returns
   * why it is refused, or undefined. Run at load, so the error names the file and line.
   */
  hostCheck?: (value: KeyValue) => string | undefined;
  unit?: string;
  doc: string;
  /**
   * The capability behind this key is not built yet. A string: any value but the default
   * is refused with this reason. A function: returns the reason a given value is refused.
   */
  notYet?: string | ((value: KeyValue) => string | undefined);
  /** For a function `notYet`: which values are refused, in words, for the docs. */
  notYetDoc?: string;
  /** CONFIG SET may change it on a running server. */
  runtime?: boolean;
  /** The name redis-cli's CONFIG GET/SET uses for it, where Redis has one. */
  redisName?: string;
}

export interface SectionDef {
  name: SectionName;
  /** An array of tables ([[listener]]). */
  array?: boolean;
  doc: string;
}

export const sections: readonly SectionDef[] = [
  { name: "", doc: "Top-level settings." },
  { name: "workers", doc: "Worker threads that run the event loops." },
  { name: "uring", doc: "The io_uring network engine (io_engine = \"uring\", or \"auto\" where io_uring works): receive buffers and queue depth." },
  { name: "cache", doc: "The keyspace: memory, segments, hashtable and eviction." },
  { name: "listener", array: true, doc: "One [[listener]] table per listening socket. Repeat the table for more." },
  { name: "metrics", doc: "Prometheus /metrics, /health and /ready on a separate HTTP port." },
  { name: "logging", doc: "Log level, format, destination and rotation. CRUCIBLE_LOG overrides the level: CRUCIBLE_LOG=debug, or per module: CRUCIBLE_LOG=info,server=debug." },
  { name: "shutdown", doc: "Graceful shutdown on SIGTERM, SIGINT or SHUTDOWN: stop accepting (listeners closed), drain (replies already asked for are sent, then clients are closed), cut whoever is left when the drain timeout passes, exit 0. Each phase is logged." },
  { name: "server", doc: "Client limits and connection handling (Redis-compatible names)." },
];

const KB = 1024;
const MB = 1024 * KB;
const GB = 1024 * MB;
const TB = 1024 * GB;
/** Redis's upper bound for second-valued settings (INT_MAX). */
const SECS_MAX = 2 ** 31 - 1;

export const schema: readonly KeyDef[] = [
  {
    section: "", name: "io_engine", type: "enum", values: ioEngines, default: "auto",
    doc: "Network I/O backend: \"auto\" uses io_uring where this host supports it and Bun's socket layer otherwise, \"uring\" requires the io_uring engine (start-up fails where it is unavailable), \"bun\" forces Bun's socket layer. `crucible-server doctor` says whether io_uring works here.",
  },

  {
    section: "workers", name: "threads", type: "int", default: 1, min: 1, max: 1024, unit: "threads",
    doc: "Number of worker threads.",
    notYetDoc: "More than 1 is not built yet and is refused.",
    notYet: (v) => (Number(v) > 1 ? "multi-threaded workers are not built yet; use threads = 1" : undefined),
  },
  {
    section: "workers", name: "cpu_affinity", type: "cpulist", default: "",
    doc: "CPUs to pin the server's threads to (sched_setaffinity): \"0-3\", \"1,3,8\", \"0-15:2\" (every second CPU of 0-15), or several joined by commas. CPUs this process may not use (taskset, cgroup cpuset, --cpuset-cpus) are refused. Empty = not pinned.",
    hostCheck: (v) => cpusNotAllowed(String(v)),
  },

  {
    section: "uring", name: "buffer_count", type: "int", default: 512, min: 8, max: 32768, powerOfTwo: true, unit: "buffers",
    doc:
      "Receive buffers in the provided-buffer ring all connections share. A buffer is held only from a read's completion " +
      "until its commands have run, so this bounds reads in flight, not connections; when they run out, reads wait and " +
      "resume (ENOBUFS). The ring hands buffers out in turn, so all of them become resident: buffer_count x buffer_size " +
      "bytes of RSS. Raise it (2 per busy connection) for thousands of clients pipelining at once.",
  },
  {
    section: "uring", name: "buffer_size", type: "size", default: 16 * KB, min: 1 * KB, max: 1 * MB, unit: "bytes",
    doc: "Size of one receive buffer; buffer_count x buffer_size bytes are set aside for receiving.",
  },
  {
    section: "uring", name: "sq_depth", type: "int", default: 2048, min: 8, max: 32768, powerOfTwo: true, unit: "entries",
    doc: "Submission queue entries. Higher values allow more batching.",
  },
  {
    section: "uring", name: "sqpoll", type: "bool", default: false,
    doc: "SQPOLL: a kernel thread polls the submission queue. Lower latency, but it keeps a CPU busy; needs root or CAP_SYS_NICE (sudo setcap cap_sys_nice+ep crucible-server).",
  },

  {
    section: "cache", name: "heap_size", type: "size", default: 1 * GB, min: 1 * MB, max: 1 * TB, unit: "bytes",
    doc: "Memory for keys and values (all segments). Pages are touched only as data arrives, so RSS grows with use. Size string: \"64MB\", \"16GB\".", redisName: "maxmemory",
  },
  {
    section: "cache", name: "segment_size", type: "size", default: 1 * MB, min: 64 * KB, max: 64 * MB, unit: "bytes",
    doc: "Size of one log segment; eviction and expiry reclaim whole segments.",
  },
  {
    section: "cache", name: "hashtable_power", type: "int", default: 20, min: 8, max: 40,
    doc: "The hashtable has 2^hashtable_power slots (8 per 64-byte bucket, 8 bytes each); size it for ~50% load (1M items -> 21, 10M -> 24, 100M -> 28).",
  },
  {
    section: "cache", name: "max_value_size", type: "size", default: 1 * MB, min: 1, max: 512 * MB, unit: "bytes",
    doc: "Largest value a SET may store; larger values are refused.",
  },
  {
    section: "cache", name: "eviction", type: "enum", values: evictionPolicies, default: "s3fifo", runtime: true, redisName: "maxmemory-policy",
    doc: "What to evict when the heap is full: \"s3fifo\", \"fifo\", \"random\" (whole segments), or \"noeviction\" (writes fail with -OOM). s3fifo keeps LFU counters for OBJECT FREQ and redis-cli --hotkeys; the others answer OBJECT IDLETIME instead. CONFIG SET maxmemory-policy also takes Redis's allkeys-lru and allkeys-lfu (both mean s3fifo) and allkeys-random (random).",
  },
  {
    section: "cache", name: "lfu_log_factor", type: "int", default: 10, min: 0, max: 2 ** 31 - 1, runtime: true, redisName: "lfu-log-factor",
    doc: "How slowly a key's LFU counter (OBJECT FREQ, 0-255) grows: a hit increments it with probability 1 / ((counter - 5) * lfu_log_factor + 1), as Redis's lfu-log-factor. 0 counts every hit.",
  },
  {
    section: "cache", name: "lfu_decay_time", type: "int", default: 1, min: 0, max: 2 ** 31 - 1, unit: "minutes", runtime: true, redisName: "lfu-decay-time",
    doc: "Minutes of idleness that take one off a key's LFU counter, as Redis's lfu-decay-time. 0 = counters never decay.",
  },
  {
    section: "cache", name: "hugepage", type: "enum", values: hugepageModes, default: "none",
    doc: "Back the heap with explicit hugepages (MAP_HUGETLB): \"2mb\" or \"1gb\"; \"none\" uses 4 KiB pages with transparent hugepages advised. Reserve them first, heap_size / page size of them: echo N > /proc/sys/vm/nr_hugepages for 2mb, the boot parameters hugepagesz=1G hugepages=N for 1gb. When too few are free the server starts on 4 KiB pages and logs how many to reserve.",
  },
  {
    section: "cache", name: "numa_node", type: "int", default: -1, min: 0, max: 1023, sentinel: { value: -1, means: "no binding" },
    doc: "NUMA node to bind the heap to (mbind MPOL_BIND; see numactl --hardware). A node this host lacks is refused. -1 = no binding.",
    hostCheck: (v) => missingNumaNode(Number(v)),
  },

  {
    section: "listener", name: "protocol", type: "enum", values: listenerProtocols, default: "resp",
    doc: "Wire protocol on this socket: \"resp\" (Redis) or \"memcache\" (memcached's text, meta and binary protocols, told apart per connection as memcached does). Both serve one keyspace: memcache sees database 0.",
  },
  {
    section: "listener", name: "address", type: "address", default: "127.0.0.1:6379",
    doc: "host:port to listen on. \"0.0.0.0:6379\" accepts remote clients; port 0 picks a free port.",
  },
  {
    section: "listener", name: "path", type: "path", default: "",
    doc: "Listen on this Unix socket instead of TCP (address is then ignored). A stale socket file left there is replaced. \"\" = TCP on address.",
  },

  {
    section: "metrics", name: "address", type: "address", default: "127.0.0.1:9090", zeroMeans: "disabled",
    doc: "host:port of the HTTP endpoint serving /metrics, /health and /ready. \"\" disables it.",
  },

  {
    section: "logging", name: "level", type: "enum", values: logLevels, default: "info", runtime: true, redisName: "loglevel",
    doc: "error, warn, info, debug or trace. The CRUCIBLE_LOG environment variable overrides it (CRUCIBLE_LOG=debug), and may set modules apart (CRUCIBLE_LOG=info,server=debug; modules: " + logModules.join(", ") + "). CONFIG SET loglevel changes it for every module at once.",
  },
  {
    section: "logging", name: "format", type: "enum", values: logFormats, default: "pretty",
    doc: "\"pretty\" for people; \"json\" writes one JSON object per line for log shippers and jq, with time (ISO 8601), level, target (the module, e.g. \"crucible::server\"), msg and the line's fields as keys.",
  },
  {
    section: "logging", name: "file", type: "path", default: "", redisName: "logfile",
    doc: "Append logs to this file instead of stderr (its directory is created when missing). \"\" = stderr.",
  },
  {
    section: "logging", name: "max_log_size", type: "size", default: 0, min: 1 * KB, max: 1 * TB, unit: "bytes", zeroMeans: "never rotate",
    doc: "Rotate the log file before it grows past this size (\"100MB\"): crucible.log is renamed crucible.log.1, .1 becomes .2 and so on up to max_log_files, the oldest is dropped, and a new crucible.log is started, while the server runs and without losing a line. 0 = never rotate (leave it to logrotate). Applies only with file set.",
  },
  {
    section: "logging", name: "max_log_files", type: "int", default: 10, min: 1, max: 1000, unit: "files",
    doc: "How many rotated log files to keep (crucible.log.1 ... crucible.log.N) when max_log_size is set.",
  },

  {
    section: "shutdown", name: "drain_timeout_secs", type: "duration", default: 30, min: 0, max: 3600, unit: "seconds",
    doc: "On SIGTERM/SIGINT, how long connected clients may take to receive the replies they asked for before the rest are cut (\"30s\", \"2m\" or seconds). The process exits 0 within it. 0 = cut at once.",
  },

  {
    section: "server", name: "maxclients", type: "int", default: 10000, min: 1, max: 1_000_000, unit: "connections", runtime: true, redisName: "maxclients",
    doc: "Most simultaneous clients; more are refused with \"ERR max number of clients reached\". Needs an open-file limit (ulimit -n) above it.",
  },
  {
    section: "server", name: "timeout", type: "duration", default: 0, min: 0, max: SECS_MAX, unit: "seconds", zeroMeans: "never", runtime: true, redisName: "timeout",
    doc: "Close a client idle this long (seconds or \"5m\"); 0 = never.",
  },
  {
    section: "server", name: "tcp_keepalive", type: "duration", default: 300, min: 0, max: SECS_MAX, unit: "seconds", zeroMeans: "off", runtime: true, redisName: "tcp-keepalive",
    doc: "TCP keepalive interval on client sockets (seconds); 0 = off.",
  },
  {
    section: "server", name: "databases", type: "int", default: 16, min: 1, max: 64, redisName: "databases",
    doc: "Number of databases SELECT can choose from.",
  },
  {
    section: "server", name: "proto_max_bulk_len", type: "size", default: 512 * MB, min: 1 * MB, max: 2 * GB, unit: "bytes", runtime: true, redisName: "proto-max-bulk-len",
    doc: "Largest bulk string a client may send in one request.",
  },
  {
    section: "server", name: "client_query_buffer_limit", type: "size", default: 1 * GB, min: 1 * MB, max: 4 * GB, unit: "bytes", runtime: true, redisName: "client-query-buffer-limit",
    doc: "Most unparsed input buffered for one client; a client exceeding it is closed.",
  },
  {
    section: "server", name: "client_output_buffer_limit", type: "size", default: 256 * MB, min: 16 * KB, max: 1 * TB, unit: "bytes", zeroMeans: "unlimited", runtime: true,
    doc: "Hard limit on a normal client's pending output; a client exceeding it is closed. 0 = unlimited.",
  },
  {
    section: "server", name: "client_output_buffer_limit_pubsub", type: "size", default: 32 * MB, min: 16 * KB, max: 1 * TB, unit: "bytes", zeroMeans: "unlimited", runtime: true,
    doc: "Hard limit on a pub/sub subscriber's pending output (Redis's client-output-buffer-limit pubsub); a subscriber that stops reading is closed there. 0 = unlimited.",
  },
  {
    section: "server", name: "slowlog_log_slower_than", type: "int", default: 10_000, min: -1, max: 2 ** 53, unit: "microseconds", runtime: true,
    redisName: "slowlog-log-slower-than",
    doc: "SLOWLOG records commands that run this long or longer (microseconds); 0 records every command, -1 none.",
  },
  {
    section: "server", name: "slowlog_max_len", type: "int", default: 128, min: 0, max: 2 ** 31 - 1, unit: "entries", runtime: true, redisName: "slowlog-max-len",
    doc: "Entries SLOWLOG keeps; the oldest go first.",
  },
  {
    section: "server", name: "latency_monitor_threshold", type: "int", default: 0, min: 0, max: 2 ** 53, unit: "milliseconds", zeroMeans: "off", runtime: true,
    redisName: "latency-monitor-threshold",
    doc: "The latency monitor (LATENCY LATEST, HISTORY, DOCTOR) records events at least this long (milliseconds); 0 = off.",
  },
  {
    section: "server", name: "latency_tracking", type: "bool", default: true, runtime: true, redisName: "latency-tracking",
    doc: "Per-command latency percentiles in INFO latencystats.",
  },
  {
    section: "server", name: "notify_keyspace_events", type: "string", default: "", runtime: true, redisName: "notify-keyspace-events",
    pattern: /^[Ag$lshzxeKEtmdn]*$/, patternDoc: "Redis's notify-keyspace-events classes: letters of Ag$lshzxeKEtmdn",
    doc: "Keyspace notifications published over pub/sub, as Redis's notify-keyspace-events: K (__keyspace@<db>__ channels) and/or E (__keyevent@<db>__), with the classes to report: g generic, $ string, l list, s set, h hash, z sorted set, x expired, e evicted, t stream, m key miss, n new key, A = g$lshzxetd. \"\" = off.",
  },
];

/**
 * Sections the guides name for capabilities Crucible does not have yet: refused with a
 * clear "not supported yet", never "unknown section".
 */
export const notYetSections: Record<string, string> = {
  persistence: "persistence ([persistence]: AOF and snapshots) is not supported yet",
  storage: "persistence ([storage]: data directory, AOF and snapshots) is not supported yet",
  replication: "replication ([replication]) is not supported yet",
  tls: "TLS ([tls]) is not supported yet",
  auth: "authentication ([auth]: requirepass, ACL users) is not supported yet",
  cluster: "cluster mode ([cluster]) is not supported yet",
};

/**
 * Keys the guides (written for sibling servers) use under other names or for features not
 * built: a pointed hint instead of a bare "unknown key".
 */
export const keyHints: Record<string, string> = {
  "server.bind": "the listen address is set per socket: [[listener]] address = \"0.0.0.0:6379\" (or --bind HOST)",
  "server.port": "the listen port is part of [[listener]] address = \"127.0.0.1:6379\" (or --port N)",
  "server.client_timeout": "use [server] timeout = SECONDS (0 = never)",
  "server.tcp_fast_open": "TCP Fast Open is not supported yet",
  "server.requirepass": "authentication (requirepass) is not supported yet",
  "server.data_dir": "persistence (data_dir) is not supported yet",
  "logging.log_file": "use [logging] file = \"/var/log/crucible/crucible.log\"",
  "logging.log_rotation": "logs rotate by size only: set [logging] max_log_size = \"100MB\" and max_log_files = 10 (daily or hourly rotation: use logrotate with copytruncate)",
  "logging.log_thread_ids": "not supported: lines carry no thread id (the io_uring engine's Worker writes through the main thread)",
  "logging.log_thread_names": "not supported: lines carry no thread name (the io_uring engine's Worker writes through the main thread)",
  "logging.log_module_path": "not needed: with format = \"json\" every line carries its module as \"target\" (e.g. \"crucible::server\")",
  "cache.maxmemory": "use [cache] heap_size = \"1GB\"",
  "cache.maxmemory_policy": "use [cache] eviction = \"s3fifo\" | \"fifo\" | \"random\" | \"noeviction\"",
  "metrics.port": "the metrics port is part of [metrics] address = \"127.0.0.1:9090\"",
  "metrics.bind": "use [metrics] address = \"0.0.0.0:9090\"",
};

export function sectionDef(name: string): SectionDef | undefined {
  return sections.find((s) => s.name === name);
}

export function keysOf(section: string): KeyDef[] {
  return schema.filter((k) => k.section === section);
}

export function findKey(section: string, name: string): KeyDef | undefined {
  return schema.find((k) => k.section === section && k.name === name);
}

/** The key CONFIG GET/SET knows by its Redis name ("maxclients", "loglevel"), or by "section.key". */
export function findKeyByRedisName(name: string): KeyDef | undefined {
  const lower = name.toLowerCase();
  return schema.find((k) => k.redisName === lower || dotted(k) === lower);
}

/** Why a cpu_affinity list is refused on this host: CPUs this process may not run on. */
function cpusNotAllowed(list: string): string | undefined {
  const wanted = parseCpuList(list);
  const allowed = allowedCpus();
  if (wanted === null || wanted.length === 0 || allowed === null) return undefined;
  const outside = wanted.filter((c) => !allowed.includes(c));
  if (outside.length === 0) return undefined;
  return `CPU${outside.length === 1 ? "" : "s"} ${formatCpuList(outside)} ${outside.length === 1 ? "is" : "are"} not available to this process, which may run on CPUs ${formatCpuList(allowed)} (Cpus_allowed_list in ${hostPaths.procStatus}; check with: taskset -cp $$)`;
}

/** Why a numa_node is refused on this host: the node does not exist. */
function missingNumaNode(node: number): string | undefined {
  if (node < 0) return undefined;
  const nodes = numaNodes();
  if (nodes.includes(node)) return undefined;
  const has = nodes.length === 0 ? `this host shows no NUMA nodes (${hostPaths.nodeDir} is missing)` : `this host has node${nodes.length === 1 ? "" : "s"} ${formatCpuList(nodes)} (see: numactl --hardware)`;
  return `NUMA node ${node} does not exist: ${has}; use one of them, or -1 for no binding`;
}

/** "cache.heap_size", or "io_engine" for a top-level key. */
export function dotted(k: { section: string; name: string }): string {
  return k.section === "" ? k.name : `${k.section}.${k.name}`;
}

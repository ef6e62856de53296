import type { Server } from "./server.ts";
import { formatNotifyFlags, parseNotifyFlags } from "./notify.ts";
import { globMatch, logLevels, utf8, type LogLevel } from "../stdx/index.ts";
import type { EvictionPolicy } from "../store/index.ts";

/**
 * CONFIG GET/SET parameters under Redis's names, each mapped onto the TOML setting it
 * mirrors (src/config/schema.ts: the keys with `runtime: true` and a `redisName`; a unit
 * test in test/unit/config/schema.test.ts checks the two agree).
 * Immutable ones answer SET with Redis's "can't set immutable config". Redis parameters
 * Crucible has no counterpart for are unknown here: CONFIG GET leaves them out (an empty
 * map for a name alone) and CONFIG SET answers "Unknown option", as Redis does for a name
 * it does not know.
 */
interface Param {
  get(server: Server): string;
  /** Absent: immutable at runtime. Returns an error text (after Redis's " - ") or null. */
  set?(server: Server, value: string): string | null;
  /** The TOML settings CONFIG REWRITE saves this parameter under. */
  toml?: TomlSetting[];
}

/** One TOML setting ([section] key) a parameter is saved under, and its running value. */
export interface TomlSetting {
  section: string;
  key: string;
  read(server: Server): number | string | boolean;
  /** Apply a value the schema has checked (CONFIG SET under the "section.key" name). */
  write(server: Server, value: number | string | boolean): void;
}

// Redis 7.0's four names (its error lists those), 7.2's "nothing", and Crucible's own (logLevels).
const redisLogLevels: Record<string, LogLevel> = { debug: "debug", verbose: "debug", notice: "info", warning: "warn", nothing: "error" };
const toRedisLogLevel: Record<LogLevel, string> = { trace: "debug", debug: "debug", info: "notice", warn: "warning", error: "warning" };

/**
 * maxmemory-policy: Crucible's policies by name, and the Redis policies that mean one of
 * them. The volatile-* policies evict only keys with a TTL, which whole-segment eviction
 * cannot promise, so they are refused.
 */
const policyNames: Record<string, EvictionPolicy> = {
  fifo: "fifo", random: "random", s3fifo: "s3fifo", noeviction: "noeviction",
  "allkeys-lru": "s3fifo", "allkeys-lfu": "s3fifo", "allkeys-random": "random",
};

/** Redis's hz: Crucible's timers run at a fixed 10 Hz (the store tick every 100 ms). */
const HZ = 10;

/** Redis memory strings: "1gb" (1024^3), "1g" (1000^3), "100b", plain bytes. */
export function parseMemory(value: string): number | null {
  const m = /^(\d+)(b|k|kb|m|mb|g|gb)?$/i.exec(value);
  if (!m) return null;
  const units: Record<string, number> = { b: 1, k: 1e3, kb: 1024, m: 1e6, mb: 1024 ** 2, g: 1e9, gb: 1024 ** 3 };
  const n = Number(m[1]) * (m[2] ? units[m[2].toLowerCase()] : 1);
  return Number.isSafeInteger(n) ? n : null;
}

/** Redis's string2ll: an optional '-', no leading zeros, no spaces or '+', within 64 bits. */
function parseInteger(value: string): number | null {
  if (!/^(0|-?[1-9][0-9]*)$/.test(value)) return null;
  const big = BigInt(value);
  if (big > 9223372036854775807n || big < -9223372036854775808n) return null;
  return Number(big);
}

/** The schema's bounds and checks for [section] key, through the validator the CLI injects. */
function schemaError(s: Server, section: string, key: string, v: number | string): string | null {
  if (s.validate === null) return null;
  const result = s.validate(section, key, String(v));
  return result.ok ? null : result.error;
}

const rangeError = (min: number, max: number) => `argument must be between ${min} and ${max} inclusive`;

function intParam(
  section: string, key: string, read: (s: Server) => number, write: (s: Server, v: number) => void, min: number, max: number,
): Param {
  return {
    get: (s) => String(read(s)),
    set(s, value) {
      const v = parseInteger(value);
      if (v === null) return "argument couldn't be parsed into an integer";
      if (v < min || v > max) return rangeError(min, max);
      const error = schemaError(s, section, key, v);
      if (error !== null) return error;
      write(s, v);
      return null;
    },
    toml: [{ section, key, read, write: (s, v) => write(s, v as number) }],
  };
}

function memoryParam(
  section: string, key: string, read: (s: Server) => number, write: (s: Server, v: number) => void, min: number, max: number,
): Param {
  return {
    get: (s) => String(read(s)),
    set(s, value) {
      const v = parseMemory(value);
      if (v === null) return "argument must be a memory value";
      if (v < min || v > max) return rangeError(min, max);
      const error = schemaError(s, section, key, v);
      if (error !== null) return error;
      write(s, v);
      return null;
    },
    toml: [{ section, key, read, write: (s, v) => write(s, v as number) }],
  };
}

function boolParam(section: string, key: string, read: (s: Server) => boolean, write: (s: Server, v: boolean) => void): Param {
  return {
    get: (s) => (read(s) ? "yes" : "no"),
    set(s, value) {
      const v = value.toLowerCase();
      if (v !== "yes" && v !== "no") return "argument must be 'yes' or 'no'";
      write(s, v === "yes");
      return null;
    },
    toml: [{ section, key, read, write: (s, v) => write(s, v as boolean) }],
  };
}

/** Redis prints these percentiles with %f and trims trailing zeros: "50", "99.9". */
function formatPercentile(p: number): string {
  return String(Number(p.toFixed(6)));
}

const immutable = (get: (s: Server) => string): Param => ({ get });

function setEviction(s: Server, policy: EvictionPolicy): void {
  s.store.setEviction(policy);
  s.options.cache.eviction = policy;
}

function setNotify(s: Server, flags: number): void {
  s.notify.configure(flags);
  s.options.server.notify_keyspace_events = formatNotifyFlags(flags);
}

function setLogLevel(s: Server, level: LogLevel): void {
  s.log.setLevel(level);
  s.options.logging.level = level;
}

export const params: Record<string, Param> = {
  // The arena is mapped once at start-up, heap_size bytes (maybe on hugepages, bound to a
  // NUMA node), and the segment table is sized from it: it cannot grow or shrink in place.
  maxmemory: immutable((s) => String(s.options.cache.heap_size)),
  "maxmemory-policy": {
    get: (s) => s.options.cache.eviction,
    set(s, value) {
      const policy = Object.hasOwn(policyNames, value.toLowerCase()) ? policyNames[value.toLowerCase()] : undefined;
      if (policy === undefined) return `argument(s) must be one of the following: ${Object.keys(policyNames).join(", ")}`;
      setEviction(s, policy);
      return null;
    },
    toml: [{ section: "cache", key: "eviction", read: (s) => s.options.cache.eviction, write: (s, v) => setEviction(s, v as EvictionPolicy) }],
  },
  "lfu-log-factor": intParam(
    "cache", "lfu_log_factor", (s) => s.options.cache.lfu_log_factor,
    (s, v) => {
      s.options.cache.lfu_log_factor = v;
      s.store.lfuLogFactor = v;
    },
    0, 2 ** 31 - 1,
  ),
  "lfu-decay-time": intParam(
    "cache", "lfu_decay_time", (s) => s.options.cache.lfu_decay_time,
    (s, v) => {
      s.options.cache.lfu_decay_time = v;
      s.store.lfuDecaySeconds = v * 60;
    },
    0, 2 ** 31 - 1,
  ),
  hz: immutable(() => String(HZ)),
  databases: immutable((s) => String(s.options.server.databases)),
  port: immutable((s) => String(s.listeners.find((l) => l.protocol === "resp")?.address.split(":").pop() ?? 0)),
  bind: immutable((s) => s.listeners.map((l) => l.address.slice(0, l.address.lastIndexOf(":"))).join(" ")),
  logfile: immutable((s) => s.options.logging.file),
  save: immutable(() => ""),
  appendonly: immutable(() => "no"),
  maxclients: intParam("server", "maxclients", (s) => s.options.server.maxclients, (s, v) => (s.options.server.maxclients = v), 1, 1_000_000),
  timeout: intParam("server", "timeout", (s) => s.options.server.timeout, (s, v) => (s.options.server.timeout = v), 0, 2 ** 31 - 1),
  "tcp-keepalive": intParam("server", "tcp_keepalive", (s) => s.options.server.tcp_keepalive, (s, v) => (s.options.server.tcp_keepalive = v), 0, 2 ** 31 - 1),
  "proto-max-bulk-len": memoryParam(
    "server", "proto_max_bulk_len", (s) => s.options.server.proto_max_bulk_len,
    (s, v) => {
      s.options.server.proto_max_bulk_len = v;
      s.parser.limits.maxBulkBytes = v;
    },
    1024 * 1024, 2 * 1024 ** 3,
  ),
  "client-query-buffer-limit": memoryParam(
    "server", "client_query_buffer_limit", (s) => s.options.server.client_query_buffer_limit,
    (s, v) => (s.options.server.client_query_buffer_limit = v),
    1024 * 1024, 4 * 1024 ** 3,
  ),
  "client-output-buffer-limit": {
    get: (s) => `normal ${s.options.server.client_output_buffer_limit} 0 0 slave 268435456 67108864 60 pubsub ${s.options.server.client_output_buffer_limit_pubsub} 0 0`,
    set(s, value) {
      const words = value.trim() === "" ? [] : value.trim().split(/\s+/);
      if (words.length % 4 !== 0) return "Wrong number of arguments in buffer limit configuration.";
      const limits: [string, number][] = [];
      for (let i = 0; i < words.length; i += 4) {
        const cls = words[i].toLowerCase();
        if (!["normal", "slave", "replica", "pubsub"].includes(cls)) return "Invalid client class specified in buffer limit configuration.";
        const hard = parseMemory(words[i + 1]);
        if (hard === null || parseMemory(words[i + 2]) === null || parseInteger(words[i + 3]) === null || parseInteger(words[i + 3])! < 0) {
          return "Error in hard, soft or soft_seconds setting in buffer limit configuration.";
        }
        if (cls === "normal" || cls === "pubsub") {
          const key = cls === "normal" ? "client_output_buffer_limit" : "client_output_buffer_limit_pubsub";
          const error = schemaError(s, "server", key, hard);
          if (error !== null) return error;
          limits.push([key, hard]);
        }
      }
      for (const [key, hard] of limits) s.options.server[key as "client_output_buffer_limit" | "client_output_buffer_limit_pubsub"] = hard;
      return null;
    },
    toml: [
      {
        section: "server", key: "client_output_buffer_limit", read: (s) => s.options.server.client_output_buffer_limit,
        write: (s, v) => (s.options.server.client_output_buffer_limit = v as number),
      },
      {
        section: "server", key: "client_output_buffer_limit_pubsub", read: (s) => s.options.server.client_output_buffer_limit_pubsub,
        write: (s, v) => (s.options.server.client_output_buffer_limit_pubsub = v as number),
      },
    ],
  },
  "notify-keyspace-events": {
    get: (s) => formatNotifyFlags(s.notify.configured),
    set(s, value) {
      const flags = parseNotifyFlags(value);
      if (flags === null) return "Invalid event class character. Use 'Ag$lshzxeKEtmdn'.";
      setNotify(s, flags);
      return null;
    },
    toml: [{
      section: "server", key: "notify_keyspace_events", read: (s) => formatNotifyFlags(s.notify.configured),
      write: (s, v) => setNotify(s, parseNotifyFlags(v as string) ?? 0),
    }],
  },
  "slowlog-log-slower-than": intParam(
    "server", "slowlog_log_slower_than", (s) => s.options.server.slowlog_log_slower_than,
    (s, v) => {
      s.options.server.slowlog_log_slower_than = v;
      s.observer.configure();
    },
    Number.MIN_SAFE_INTEGER, Number.MAX_SAFE_INTEGER,
  ),
  "slowlog-max-len": intParam(
    "server", "slowlog_max_len", (s) => s.options.server.slowlog_max_len,
    (s, v) => {
      s.options.server.slowlog_max_len = v;
      s.observer.configure();
    },
    0, 2 ** 31 - 1,
  ),
  "latency-monitor-threshold": intParam(
    "server", "latency_monitor_threshold", (s) => s.options.server.latency_monitor_threshold,
    (s, v) => {
      s.options.server.latency_monitor_threshold = v;
      s.observer.configure();
    },
    0, Number.MAX_SAFE_INTEGER,
  ),
  "latency-tracking": boolParam("server", "latency_tracking", (s) => s.options.server.latency_tracking, (s, v) => (s.options.server.latency_tracking = v)),
  // No TOML setting: INFO latencystats' percentiles last until restart.
  "latency-tracking-info-percentiles": {
    get: (s) => s.observer.infoPercentiles.map(formatPercentile).join(" "),
    set(s, value) {
      const words = value.trim() === "" ? [] : value.trim().split(/\s+/);
      const ps = words.map(Number);
      if (words.some((w) => !/^[0-9.]+$/.test(w)) || ps.some((p) => !(p >= 0 && p <= 100))) {
        return "argument must be between 0.0 and 100.0";
      }
      s.observer.infoPercentiles = ps;
      return null;
    },
  },
  loglevel: {
    get: (s) => toRedisLogLevel[s.log.level()],
    set(s, value) {
      const v = value.toLowerCase();
      const level = redisLogLevels[v] ?? (logLevels.includes(v as LogLevel) ? (v as LogLevel) : undefined);
      if (level === undefined) return "argument(s) must be one of the following: debug, verbose, notice, warning";
      setLogLevel(s, level);
      return null;
    },
    toml: [{ section: "logging", key: "level", read: (s) => s.options.logging.level, write: (s, v) => setLogLevel(s, v as LogLevel) }],
  },
};

const names = Object.keys(params);

/**
 * Every runtime setting also answers to its TOML name, "section.key" (what
 * config/example.toml tells operators for the keys Redis has no name for, such as
 * server.client_output_buffer_limit), taking values as the config file writes them
 * ("64MB", "5m", true) and checked by the schema. Like Redis's hidden configs, these names
 * are matched only exactly, never by a CONFIG GET pattern.
 */
const dottedParams: Record<string, Param> = {};
for (const name of names) {
  for (const t of params[name].toml ?? []) {
    dottedParams[`${t.section}.${t.key}`] = {
      get: (s) => String(t.read(s)),
      set(s, value) {
        let typed: number | string | boolean;
        if (s.validate !== null) {
          const checked = s.validate(t.section, t.key, value);
          if (!checked.ok) return checked.error;
          typed = checked.value as number | string | boolean;
        } else {
          // No schema at hand (a server built without the CLI): plain integers, yes/no, text.
          const n = parseInteger(value);
          const current = t.read(s);
          if (typeof current === "boolean") typed = /^(yes|true)$/i.test(value);
          else if (typeof current === "string") typed = value;
          else if (n === null) return "argument couldn't be parsed into an integer";
          else typed = n;
        }
        t.write(s, typed);
        return null;
      },
      toml: [t],
    };
  }
}

/** The parameter a name means (lower-cased), and its table; undefined when unknown. */
function lookupParam(name: string): { key: string; param: Param } | undefined {
  const lower = name.toLowerCase();
  if (Object.hasOwn(params, lower)) return { key: lower, param: params[lower] };
  if (Object.hasOwn(dottedParams, lower)) return { key: lower, param: dottedParams[lower] };
  return undefined;
}

/**
 * CONFIG GET (Redis 7.0's configGetCommand): a name without glob characters is looked up
 * exactly and answered under the name as given; a pattern matches every parameter, case
 * insensitively, answered under its own name. Each parameter is answered once.
 */
export function configGet(server: Server, patterns: string[]): [string, string][] {
  const out: [string, string][] = [];
  const seen = new Set<string>();
  for (const pattern of patterns) {
    if (!/[[*?]/.test(pattern)) {
      const found = lookupParam(pattern);
      if (found === undefined || seen.has(found.key)) continue;
      seen.add(found.key);
      out.push([pattern, found.param.get(server)]);
      continue;
    }
    const p = utf8(pattern);
    for (const name of names) {
      if (seen.has(name)) continue;
      const n = utf8(name);
      if (globMatch(p, 0, p.length, n, 0, n.length, true)) {
        seen.add(name);
        out.push([name, params[name].get(server)]);
      }
    }
  }
  return out;
}

/**
 * CONFIG SET of several parameters, all or nothing (Redis 7.0's configSetCommand): the
 * first unknown, immutable or repeated name refuses the lot (named as given); then each
 * value is set in turn, and the first bad one (named by its parameter) rolls back those
 * already set.
 */
export function configSet(server: Server, pairs: [string, string][]): string | null {
  const chosen: { key: string; param: Param }[] = [];
  for (const [rawName] of pairs) {
    const found = lookupParam(rawName);
    if (found === undefined) return `ERR Unknown option or number of arguments for CONFIG SET - '${rawName}'`;
    if (found.param.set === undefined) return `ERR CONFIG SET failed (possibly related to argument '${rawName}') - can't set immutable config`;
    // A parameter named twice, or with a setting of one named before (maxmemory-policy and cache.eviction).
    const ids = (p: Param) => (p.toml ?? []).map((t) => `${t.section}.${t.key}`);
    if (chosen.some((c) => c.param === found.param || ids(c.param).some((id) => ids(found.param).includes(id)))) {
      return `ERR CONFIG SET failed (possibly related to argument '${rawName}') - duplicate parameter`;
    }
    chosen.push(found);
  }
  const settings = chosen.flatMap((c) => c.param.toml ?? []);
  const before = settings.map((t) => t.read(server));
  const previous = chosen.map((c) => c.param.get(server));
  for (let i = 0; i < chosen.length; i++) {
    const error = chosen[i].param.set!(server, pairs[i][1]);
    if (error !== null) {
      // Roll back: the TOML settings to their exact values where there are some, else the parameter's text.
      for (let j = 0; j < i; j++) if (chosen[j].param.toml === undefined) chosen[j].param.set!(server, previous[j]);
      settings.forEach((t, k) => {
        if (t.read(server) !== before[k]) t.write(server, before[k]);
      });
      return `ERR CONFIG SET failed (possibly related to argument '${chosen[i].key}') - ${error}`;
    }
  }
  // CONFIG REWRITE writes the settings this changed (one parameter may stand for several).
  const state = rewriteState(server);
  settings.forEach((t, i) => {
    if (t.read(server) !== before[i]) state.touched.add(`${t.section}.${t.key}`);
  });
  return null;
}

/** What CONFIG REWRITE needs to know beyond the running values. */
interface RewriteState {
  /** "section.key" → the value at start-up. */
  baseline: Map<string, number | string | boolean>;
  /** "section.key" of every setting CONFIG SET has changed since start-up. */
  touched: Set<string>;
}

const states = new WeakMap<Server, RewriteState>();

function rewriteState(server: Server): RewriteState {
  let state = states.get(server);
  if (state === undefined) {
    state = { baseline: new Map(), touched: new Set() };
    states.set(server, state);
  }
  return state;
}

/** Every TOML setting a parameter is saved under, once each. */
export function tomlSettings(): TomlSetting[] {
  const out = new Map<string, TomlSetting>();
  for (const name of names) for (const t of params[name].toml ?? []) out.set(`${t.section}.${t.key}`, t);
  return [...out.values()];
}

/**
 * CONFIG REWRITE, through the writer the CLI injects, of the settings CONFIG SET changed
 * since start-up or whose running value is no longer the start-up one. Settings left alone
 * keep what the file says; start-up overrides (--set, CRUCIBLE_LOG) stay overrides.
 */
export function configRewrite(server: Server): string | null {
  const state = rewriteState(server);
  const changed = tomlSettings().filter((t) => state.touched.has(`${t.section}.${t.key}`) || state.baseline.get(`${t.section}.${t.key}`) !== t.read(server));
  return server.rewriteConfig(server.configSource, changed.map((t) => ({ section: t.section, key: t.key, value: t.read(server) })), server.log);
}

/** At construction: apply the settings the store and notifier take, and remember the start-up values. */
export function applyStartupParams(server: Server): void {
  const o = server.options;
  server.store.lfuLogFactor = o.cache.lfu_log_factor;
  server.store.lfuDecaySeconds = o.cache.lfu_decay_time * 60;
  const flags = parseNotifyFlags(o.server.notify_keyspace_events);
  if (flags !== null && flags !== 0) server.notify.configure(flags);
  const state = rewriteState(server);
  for (const t of tomlSettings()) state.baseline.set(`${t.section}.${t.key}`, t.read(server));
}

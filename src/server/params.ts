import type { Server } from "./server.ts";
import { formatNotifyFlags, parseNotifyFlags } from "./notify.ts";
import { globMatch, logLevels, utf8, type LogLevel } from "../stdx/index.ts";

/**
 * CONFIG GET/SET parameters under Redis's names, each mapped onto the TOML setting it
 * mirrors. Immutable ones answer SET with Redis's "can't set immutable config".
 */
interface Param {
  get(server: Server): string;
  /** Absent: immutable at runtime. Returns an error text or null. */
  set?(server: Server, value: string): string | null;
}

const redisLogLevels: Record<string, LogLevel> = { debug: "debug", verbose: "debug", notice: "info", warning: "warn", nothing: "error" };
const toRedisLogLevel: Record<LogLevel, string> = { trace: "debug", debug: "debug", info: "notice", warn: "warning", error: "warning" };

/** Redis memory strings: "1gb" (1024^3), "1g" (1000^3), plain bytes. */
export function parseMemory(value: string): number | null {
  const m = /^(\d+)(k|kb|m|mb|g|gb)?$/i.exec(value.trim());
  if (!m) return null;
  const units: Record<string, number> = { k: 1e3, kb: 1024, m: 1e6, mb: 1024 ** 2, g: 1e9, gb: 1024 ** 3 };
  return Number(m[1]) * (m[2] ? units[m[2].toLowerCase()] : 1);
}

/** The schema's bounds for [section] key, through the validator the CLI injects. */
function schemaError(s: Server, schemaKey: string, v: number): string | null {
  if (s.validate === null) return null;
  const [section, key] = schemaKey.split(".");
  const result = s.validate(section, key, String(v));
  return result.ok ? null : result.error;
}

function intParam(schemaKey: string, read: (s: Server) => number, write: (s: Server, v: number) => void, min: number, max: number): Param {
  return {
    get: (s) => String(read(s)),
    set(s, value) {
      if (!/^-?\d+$/.test(value)) return "argument couldn't be parsed into an integer";
      const v = Number(value);
      if (v < min || v > max) return `argument must be between ${min} and ${max} inclusive`;
      const error = schemaError(s, schemaKey, v);
      if (error !== null) return error;
      write(s, v);
      return null;
    },
  };
}

function memoryParam(schemaKey: string, read: (s: Server) => number, write: (s: Server, v: number) => void, min: number): Param {
  return {
    get: (s) => String(read(s)),
    set(s, value) {
      const v = parseMemory(value);
      if (v === null) return "argument must be a memory value";
      if (v < min) return `argument must be a memory value of at least ${min}`;
      const error = schemaError(s, schemaKey, v);
      if (error !== null) return error;
      write(s, v);
      return null;
    },
  };
}

const immutable = (get: (s: Server) => string): Param => ({ get });

export const params: Record<string, Param> = {
  maxmemory: immutable((s) => String(s.options.cache.heap_size)),
  "maxmemory-policy": immutable((s) => s.options.cache.eviction),
  databases: immutable((s) => String(s.options.server.databases)),
  port: immutable((s) => String(s.listeners.find((l) => l.protocol === "resp")?.address.split(":").pop() ?? 0)),
  bind: immutable((s) => s.listeners.map((l) => l.address.slice(0, l.address.lastIndexOf(":"))).join(" ")),
  save: immutable(() => ""),
  appendonly: immutable(() => "no"),
  maxclients: intParam("server.maxclients", (s) => s.options.server.maxclients, (s, v) => (s.options.server.maxclients = v), 1, 1_000_000),
  timeout: intParam("server.timeout", (s) => s.options.server.timeout, (s, v) => (s.options.server.timeout = v), 0, 2 ** 31 - 1),
  "tcp-keepalive": intParam("server.tcp_keepalive", (s) => s.options.server.tcp_keepalive, (s, v) => (s.options.server.tcp_keepalive = v), 0, 2 ** 31 - 1),
  "proto-max-bulk-len": memoryParam(
    "server.proto_max_bulk_len",
    (s) => s.options.server.proto_max_bulk_len,
    (s, v) => {
      s.options.server.proto_max_bulk_len = v;
      s.parser.limits.maxBulkBytes = v;
    },
    1024 * 1024,
  ),
  "client-query-buffer-limit": memoryParam(
    "server.client_query_buffer_limit",
    (s) => s.options.server.client_query_buffer_limit,
    (s, v) => (s.options.server.client_query_buffer_limit = v),
    1024 * 1024,
  ),
  "client-output-buffer-limit": {
    get: (s) => `normal ${s.options.server.client_output_buffer_limit} 0 0 slave 268435456 67108864 60 pubsub ${s.options.server.client_output_buffer_limit_pubsub} 0 0`,
    set(s, value) {
      const words = value.trim().split(/\s+/);
      if (words.length % 4 !== 0) return "Wrong number of arguments in buffer limit configuration.";
      for (let i = 0; i < words.length; i += 4) {
        const cls = words[i].toLowerCase();
        if (!["normal", "slave", "replica", "pubsub"].includes(cls)) return "Invalid client class specified in buffer limit configuration.";
        const hard = parseMemory(words[i + 1]);
        if (hard === null || parseMemory(words[i + 2]) === null || !/^\d+$/.test(words[i + 3])) return "Error in hard, soft or soft_seconds setting in buffer limit configuration.";
        if (cls === "normal") s.options.server.client_output_buffer_limit = hard;
        if (cls === "pubsub") s.options.server.client_output_buffer_limit_pubsub = hard;
      }
      return null;
    },
  },
  "notify-keyspace-events": {
    get: (s) => formatNotifyFlags(s.notify.configured),
    set(s, value) {
      const flags = parseNotifyFlags(value);
      if (flags === null) return "Invalid event class character. Use 'Ag$lshzxeKEtmd'.";
      s.notify.configure(flags);
      return null;
    },
  },
  loglevel: {
    get: (s) => toRedisLogLevel[s.log.level()],
    set(s, value) {
      const v = value.toLowerCase();
      const level = redisLogLevels[v] ?? (logLevels.includes(v as LogLevel) ? (v as LogLevel) : undefined);
      if (level === undefined) return "argument(s) must be one of the following: debug, verbose, notice, warning, nothing";
      s.log.setLevel(level);
      s.options.logging.level = level;
      return null;
    },
  },
};

export function configGet(server: Server, patterns: string[]): [string, string][] {
  const out: [string, string][] = [];
  const names = Object.keys(params);
  const seen = new Set<string>();
  for (const pattern of patterns) {
    const p = utf8(pattern.toLowerCase());
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

export function configSet(server: Server, pairs: [string, string][]): string | null {
  const seen = new Set<string>();
  for (const [rawName, value] of pairs) {
    const name = rawName.toLowerCase();
    const param = Object.hasOwn(params, name) ? params[name] : undefined;
    if (seen.has(name)) return `ERR CONFIG SET failed (possibly related to argument '${name}') - duplicate parameter`;
    seen.add(name);
    if (param === undefined) return `ERR Unknown option or number of arguments for CONFIG SET - '${rawName}'`;
    if (param.set === undefined) return `ERR CONFIG SET failed (possibly related to argument '${name}') - can't set immutable config`;
  }
  // All or nothing: remember current values, roll back on the first failure.
  const previous = pairs.map(([name]) => [name.toLowerCase(), params[name.toLowerCase()].get(server)] as const);
  for (const [rawName, value] of pairs) {
    const name = rawName.toLowerCase();
    const error = params[name].set!(server, value);
    if (error !== null) {
      for (const [n, v] of previous) params[n].set!(server, v);
      return `ERR CONFIG SET failed (possibly related to argument '${name}') - ${error}`;
    }
  }
  return null;
}

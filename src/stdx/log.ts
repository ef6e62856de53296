export type LogLevel = "error" | "warn" | "info" | "debug" | "trace";
export type LogFormat = "pretty" | "json";

export const logLevels: LogLevel[] = ["error", "warn", "info", "debug", "trace"];

/**
 * The modules a log line can come from, as CRUCIBLE_LOG names them ("server=debug",
 * "crucible::store=trace"). A line's `target` is "crucible::<module>"; lines from the
 * composition root (start-up, signals, exit) are "crucible::cli".
 */
export const logModules = ["cli", "config", "server", "store", "commands", "protocol", "admin", "metrics", "ffi"] as const;
export type LogModule = (typeof logModules)[number];

/** Per-module levels from CRUCIBLE_LOG ("store=debug"): module → level. */
export type LogModuleLevels = Partial<Record<string, LogLevel>>;

/**
 * The process logger. Lines are written whole, one per call:
 * - `pretty`: "2026-01-01T00:00:00.000Z INFO  message key=value key2=value2"
 * - `json`:   {"time":"2026-01-01T00:00:00.000Z","level":"info","target":"crucible::server","msg":"message","key":"value"}
 *   `time` is ISO 8601 (UTC, milliseconds), `level` lower case, `msg` the message; the
 *   structured fields follow as top-level keys (a field named like one of those four is
 *   written with a "field_" prefix).
 *
 * Every logger made by `child()` shares its parent's sink and level state, and so does a
 * logger created on the same `state` buffer in another thread: `setLevel` anywhere takes
 * effect at once for every line written after it.
 */
export interface Logger {
  error(msg: string, fields?: Record<string, unknown>): void;
  warn(msg: string, fields?: Record<string, unknown>): void;
  info(msg: string, fields?: Record<string, unknown>): void;
  debug(msg: string, fields?: Record<string, unknown>): void;
  trace(msg: string, fields?: Record<string, unknown>): void;
  /** Whether a line at `level` would be written now (to skip building costly fields). */
  enabled(level: LogLevel): boolean;
  /** Set the level of every module (CONFIG SET loglevel); per-module levels from CRUCIBLE_LOG are dropped. */
  setLevel(level: LogLevel): void;
  /** The level of modules without one of their own. */
  level(): LogLevel;
  /** A logger for one module ("server"): same sink and level state, target "crucible::server". */
  child(module: string): Logger;
}

/**
 * The level state, in shared memory so a Worker's logger and the main thread's follow one
 * CONFIG SET loglevel: [0] the base level's index in logLevels, [1] 1 while the per-module
 * levels apply.
 */
export function createLogState(level: LogLevel, modules: LogModuleLevels = {}): SharedArrayBuffer {
  const buffer = new SharedArrayBuffer(8);
  const state = new Int32Array(buffer);
  state[0] = logLevels.indexOf(level);
  state[1] = Object.keys(modules).length > 0 ? 1 : 0;
  return buffer;
}

const RESERVED = new Set(["time", "level", "target", "msg"]);

function jsonReplacer(_key: string, value: unknown): unknown {
  if (typeof value === "bigint") return value.toString();
  if (value instanceof Error) return value.stack ?? value.message;
  return value;
}

function jsonLine(time: string, level: LogLevel, target: string, msg: string, fields?: Record<string, unknown>): string {
  const record: Record<string, unknown> = { time, level, target, msg };
  if (fields) {
    for (const k in fields) record[RESERVED.has(k) ? `field_${k}` : k] = fields[k];
  }
  try {
    return JSON.stringify(record, jsonReplacer) + "\n";
  } catch {
    // A cycle in a field: keep the line, with the fields as text.
    const safe: Record<string, unknown> = { time, level, target, msg };
    if (fields) for (const k in fields) safe[RESERVED.has(k) ? `field_${k}` : k] = String(fields[k]);
    return JSON.stringify(safe) + "\n";
  }
}

function fieldText(v: unknown): string {
  if (typeof v === "string") return v;
  if (typeof v === "bigint") return v.toString();
  if (v instanceof Error) return v.stack ?? v.message;
  try {
    return JSON.stringify(v, jsonReplacer) ?? String(v);
  } catch {
    return String(v);
  }
}

function prettyLine(time: string, level: LogLevel, msg: string, fields?: Record<string, unknown>): string {
  let line = `${time} ${level.toUpperCase().padEnd(5)} ${msg}`;
  if (fields) for (const k in fields) line += ` ${k}=${fieldText(fields[k])}`;
  return line + "\n";
}

/** The most specific per-module level for `module` ("server" covers "server::uring"). */
function moduleLevel(modules: LogModuleLevels, module: string): number {
  let best = -1;
  let bestLen = -1;
  for (const [m, level] of Object.entries(modules)) {
    if (level === undefined) continue;
    if ((module === m || module.startsWith(m + "::")) && m.length > bestLen) {
      best = logLevels.indexOf(level);
      bestLen = m.length;
    }
  }
  return best;
}

export interface LoggerOptions {
  level: LogLevel;
  format: LogFormat;
  /** Where whole lines go; default stderr. */
  write?: (line: string) => void;
  /** Per-module levels (CRUCIBLE_LOG "store=debug"). */
  modules?: LogModuleLevels;
  /** Shared level state (createLogState); default a new one from `level` and `modules`. */
  state?: SharedArrayBuffer;
}

export function createLogger(opts: LoggerOptions): Logger {
  const write = opts.write ?? ((line: string) => void process.stderr.write(line));
  const modules = opts.modules ?? {};
  const state = new Int32Array(opts.state ?? createLogState(opts.level, modules));
  const json = opts.format === "json";

  const make = (module: string): Logger => {
    const target = module === "" ? "crucible" : `crucible::${module}`;
    const own = module === "" ? -1 : moduleLevel(modules, module);
    const threshold = (): number => (own >= 0 && state[1] === 1 ? own : state[0]!);
    const emit = (lvl: LogLevel, idx: number, msg: string, fields?: Record<string, unknown>) => {
      if (idx > threshold()) return;
      const time = new Date().toISOString();
      write(json ? jsonLine(time, lvl, target, msg, fields) : prettyLine(time, lvl, msg, fields));
    };
    return {
      error: (m, f) => emit("error", 0, m, f),
      warn: (m, f) => emit("warn", 1, m, f),
      info: (m, f) => emit("info", 2, m, f),
      debug: (m, f) => emit("debug", 3, m, f),
      trace: (m, f) => emit("trace", 4, m, f),
      enabled: (l) => logLevels.indexOf(l) <= threshold(),
      setLevel(l) {
        Atomics.store(state, 0, logLevels.indexOf(l));
        Atomics.store(state, 1, 0);
      },
      level: () => logLevels[state[0]!] ?? "info",
      child: (m) => make(module === "" ? m : `${module}::${m}`),
    };
  };
  return make("");
}

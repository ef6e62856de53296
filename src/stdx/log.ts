import { createConsola, type ConsolaInstance, LogLevels } from "consola";

export type LogLevel = "error" | "warn" | "info" | "debug" | "trace";
export type LogFormat = "pretty" | "json";

const levelNumber: Record<LogLevel, number> = {
  error: LogLevels.error,
  warn: LogLevels.warn,
  info: LogLevels.info,
  debug: LogLevels.debug,
  trace: LogLevels.trace,
};

export const logLevels = Object.keys(levelNumber) as LogLevel[];

/**
 * The process logger: consola underneath, writing to stderr. `json` writes one object per
 * line (time, level, msg, fields) for log shippers.
 */
export interface Logger {
  error(msg: string, fields?: Record<string, unknown>): void;
  warn(msg: string, fields?: Record<string, unknown>): void;
  info(msg: string, fields?: Record<string, unknown>): void;
  debug(msg: string, fields?: Record<string, unknown>): void;
  setLevel(level: LogLevel): void;
  level(): LogLevel;
}

export function createLogger(opts: { level: LogLevel; format: LogFormat; write?: (line: string) => void }): Logger {
  const write = opts.write ?? ((line: string) => process.stderr.write(line));
  let level = opts.level;
  let consola: ConsolaInstance | null = null;
  if (opts.format === "pretty") {
    consola = createConsola({
      level: levelNumber[level],
      formatOptions: { date: true, colors: false, compact: true },
      stdout: process.stderr as never,
      stderr: process.stderr as never,
    });
  }
  const emit = (lvl: LogLevel, msg: string, fields?: Record<string, unknown>) => {
    if (levelNumber[lvl] > levelNumber[level]) return;
    if (consola) {
      const suffix = fields ? " " + Object.entries(fields).map(([k, v]) => `${k}=${typeof v === "string" ? v : JSON.stringify(v)}`).join(" ") : "";
      consola[lvl === "trace" ? "trace" : lvl](msg + suffix);
      return;
    }
    write(JSON.stringify({ time: new Date().toISOString(), level: lvl, msg, ...fields }) + "\n");
  };
  return {
    error: (m, f) => emit("error", m, f),
    warn: (m, f) => emit("warn", m, f),
    info: (m, f) => emit("info", m, f),
    debug: (m, f) => emit("debug", m, f),
    setLevel(l) {
      level = l;
      if (consola) consola.level = levelNumber[l];
    },
    level: () => level,
  };
}

export type LogLevel = "error" | "warn" | "info" | "debug" | "trace";
export type LogFormat = "pretty" | "json";

export const logLevels: LogLevel[] = ["error", "warn", "info", "debug", "trace"];

/**
 * The process logger. `pretty`: "2026-01-01T00:00:00.000Z INFO  message key=value";
 * `json`: one object per line (time, level, msg, fields) for log shippers. Written to
 * stderr unless a writer is given.
 */
export interface Logger {
  error(msg: string, fields?: Record<string, unknown>): void;
  warn(msg: string, fields?: Record<string, unknown>): void;
  info(msg: string, fields?: Record<string, unknown>): void;
  debug(msg: string, fields?: Record<string, unknown>): void;
  setLevel(level: LogLevel): void;
  level(): LogLevel;
}

function fieldsText(fields?: Record<string, unknown>): string {
  if (!fields) return "";
  return " " + Object.entries(fields).map(([k, v]) => `${k}=${typeof v === "string" ? v : JSON.stringify(v)}`).join(" ");
}

export function createLogger(opts: { level: LogLevel; format: LogFormat; write?: (line: string) => void }): Logger {
  const write = opts.write ?? ((line: string) => void process.stderr.write(line));
  let level = opts.level;
  const emit = (lvl: LogLevel, msg: string, fields?: Record<string, unknown>) => {
    if (logLevels.indexOf(lvl) > logLevels.indexOf(level)) return;
    const time = new Date().toISOString();
    if (opts.format === "json") write(JSON.stringify({ time, level: lvl, msg, ...fields }) + "\n");
    else write(`${time} ${lvl.toUpperCase().padEnd(5)} ${msg}${fieldsText(fields)}\n`);
  };
  return {
    error: (m, f) => emit("error", m, f),
    warn: (m, f) => emit("warn", m, f),
    info: (m, f) => emit("info", m, f),
    debug: (m, f) => emit("debug", m, f),
    setLevel(l) {
      level = l;
    },
    level: () => level,
  };
}

// The process logger from the [logging] section: stdx's logger to stderr, or appended to
// logging.file.

import { closeSync, mkdirSync, openSync, writeSync } from "node:fs";
import { dirname } from "node:path";
import { StartupError } from "../config/index.ts";
import type { Config } from "../config/index.ts";
import { createLogger, type Logger } from "../stdx/index.ts";

export interface ProcessLogger extends Logger {
  close(): void;
}

function openLogFile(path: string): number {
  try {
    return openSync(path, "a");
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    const dir = dirname(path);
    if (code === "ENOENT") {
      try {
        mkdirSync(dir, { recursive: true });
        return openSync(path, "a");
      } catch {
        throw new StartupError(`Cannot open log file ${path}: directory ${dir} does not exist and cannot be created (fix: sudo mkdir -p ${dir} && sudo chown $(id -un) ${dir})`, code);
      }
    }
    if (code === "EACCES" || code === "EPERM") {
      throw new StartupError(`Cannot open log file ${path}: permission denied (fix: sudo mkdir -p ${dir} && sudo chown $(id -un) ${dir}, or set [logging] file = "" to log to stderr)`, code);
    }
    if (code === "EISDIR") throw new StartupError(`Cannot open log file ${path}: it is a directory; give a file path in [logging] file`, code);
    throw new StartupError(`Cannot open log file ${path}: ${(e as Error).message}`, code);
  }
}

/**
 * The logger [logging] asks for. Throws StartupError when the log file cannot be opened.
 * `syncStderr`: write stderr lines with writeSync, for a Worker, whose buffered stderr
 * would lose its last lines when the main thread exits right after it stops.
 */
export function createProcessLogger(cfg: Config["logging"], opts: { syncStderr?: boolean } = {}): ProcessLogger {
  if (cfg.file === "") {
    const write = opts.syncStderr ? (line: string) => writeQuietly(2, line) : undefined;
    return { ...createLogger({ level: cfg.level, format: cfg.format, write }), close() {} };
  }
  const fd = openLogFile(cfg.file);
  const log = createLogger({ level: cfg.level, format: cfg.format, write: (line) => writeQuietly(fd, line) });
  return {
    ...log,
    close() {
      try {
        closeSync(fd);
      } catch {
        // already closed
      }
    },
  };
}

function writeQuietly(fd: number, line: string): void {
  try {
    writeSync(fd, line);
  } catch {
    // A full disk (or a closed stderr) must not take the cache down with it; the record is lost.
  }
}

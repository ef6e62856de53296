// The process logger from the [logging] section: stdx's logger to stderr, or appended to
// logging.file with size-based rotation (max_log_size, max_log_files).
//
// One process has one sink. The io_uring engine's Worker formats its lines and posts them
// to the main thread, which writes them (createProcessLogger's `forward`), so only one
// thread ever writes or rotates the file. Both threads share the level state (a
// SharedArrayBuffer), so CONFIG SET loglevel on the Worker changes the main thread's lines
// too.

import { closeSync, fstatSync, mkdirSync, openSync, renameSync, statSync, writeSync } from "node:fs";
import { dirname } from "node:path";
import { StartupError } from "../config/index.ts";
import type { Config } from "../config/index.ts";
import { createLogger, createLogState, type Logger, type LogModuleLevels } from "../stdx/index.ts";

export interface ProcessLogger extends Logger {
  /** The shared level state, for a Worker's logger to follow the same level. */
  readonly state: SharedArrayBuffer;
  /** Write a line another thread formatted (a Worker's), through this process's sink. */
  writeLine(line: string): void;
  close(): void;
}

export interface ProcessLoggerOptions {
  /** Per-module levels from CRUCIBLE_LOG. */
  modules?: LogModuleLevels;
  /** Share the level state of a logger in another thread. */
  state?: SharedArrayBuffer;
  /** Hand every formatted line to this instead of writing it (a Worker posts them to the main thread). */
  forward?: (line: string) => void;
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

const encoder = new TextEncoder();
const pause = new Int32Array(new SharedArrayBuffer(4));
/** How long one line may wait for a full stderr pipe before it is dropped. */
const WRITE_RETRY_MS = 200;

/**
 * Write all of `bytes` to `fd`, synchronously (a Worker's or an exiting process's last lines
 * must not sit in a buffer). A non-blocking pipe that is full (EAGAIN) is retried for a
 * while; any other failure (a full disk, a closed stderr) drops the line: logging must not
 * take the cache down with it. Returns whether the line was written whole.
 */
function writeAll(fd: number, bytes: Uint8Array): boolean {
  let off = 0;
  let waitedMs = 0;
  while (off < bytes.length) {
    try {
      off += writeSync(fd, bytes, off, bytes.length - off);
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== "EAGAIN" || waitedMs >= WRITE_RETRY_MS) return false;
      Atomics.wait(pause, 0, 0, 1);
      waitedMs++;
    }
  }
  return true;
}

/**
 * Appends lines to a file, and rotates it before a line would take it past `maxBytes`:
 * FILE.(N-1) → FILE.N (dropping the old FILE.N), ..., FILE → FILE.1, then a new FILE. Every
 * write and rotation is synchronous on one thread, so no line is lost or split between
 * files. A file truncated by someone else (logrotate's copytruncate) is noticed at the
 * next rotation check.
 */
export class RotatingFile {
  private fd: number;
  private size: number;
  /** Don't retry a failed rotation before the file has grown this much more. */
  private retryAt = 0;

  constructor(
    readonly path: string,
    readonly maxBytes: number,
    readonly maxFiles: number,
    private readonly onError: (message: string) => void = () => {},
  ) {
    this.fd = openLogFile(path);
    this.size = this.currentSize();
  }

  private currentSize(): number {
    try {
      return fstatSync(this.fd).size;
    } catch {
      return 0;
    }
  }

  write(line: string): void {
    const bytes = encoder.encode(line);
    if (this.maxBytes > 0 && this.size > 0 && this.size + bytes.length > this.maxBytes && this.size >= this.retryAt) {
      // Written by someone else too (another process, a truncation): trust the file.
      this.size = this.currentSize();
      if (this.size > 0 && this.size + bytes.length > this.maxBytes) this.rotate();
    }
    if (writeAll(this.fd, bytes)) this.size += bytes.length;
  }

  /** Shift FILE.i to FILE.(i+1), FILE to FILE.1, and start a new FILE. */
  rotate(): void {
    try {
      for (let i = this.maxFiles - 1; i >= 1; i--) {
        const from = `${this.path}.${i}`;
        if (exists(from)) renameSync(from, `${this.path}.${i + 1}`);
      }
      renameSync(this.path, `${this.path}.1`);
    } catch (e) {
      this.failed(`log rotation failed (${(e as Error).message}); still appending to ${this.path}`);
      return;
    }
    let fd: number;
    try {
      fd = openLogFile(this.path);
    } catch (e) {
      // Keep writing to the file we have (now FILE.1) rather than lose lines.
      this.failed(`log rotation could not open a new ${this.path} (${(e as Error).message}); still appending to ${this.path}.1`);
      return;
    }
    const old = this.fd;
    this.fd = fd;
    this.size = this.currentSize();
    this.retryAt = 0;
    try {
      closeSync(old);
    } catch {
      // already closed
    }
  }

  private failed(message: string): void {
    this.retryAt = this.size + this.maxBytes;
    this.onError(message);
  }

  close(): void {
    try {
      closeSync(this.fd);
    } catch {
      // already closed
    }
  }
}

function exists(path: string): boolean {
  try {
    statSync(path);
    return true;
  } catch {
    return false;
  }
}

/**
 * The logger [logging] asks for. Throws StartupError when the log file cannot be opened.
 * Lines go to stderr (written synchronously: a Worker's buffered stderr, or an exiting
 * process's, would lose its last lines) or to logging.file, rotated at max_log_size.
 */
export function createProcessLogger(cfg: Config["logging"], opts: ProcessLoggerOptions = {}): ProcessLogger {
  const state = opts.state ?? createLogState(cfg.level, opts.modules);
  let sink: (line: string) => void;
  let close = () => {};
  if (opts.forward) {
    sink = opts.forward;
  } else if (cfg.file === "") {
    sink = (line) => void writeAll(2, encoder.encode(line));
  } else {
    let log: Logger | undefined;
    const file = new RotatingFile(cfg.file, cfg.max_log_size ?? 0, cfg.max_log_files ?? 1, (message) => log?.warn(message));
    sink = (line) => file.write(line);
    close = () => file.close();
    log = createLogger({ level: cfg.level, format: cfg.format, write: sink, modules: opts.modules, state }).child("cli");
  }
  const logger = createLogger({ level: cfg.level, format: cfg.format, write: sink, modules: opts.modules, state });
  return { ...logger, state, writeLine: sink, close };
}

/**
 * Child processes for the end-to-end benchmarks: every process we spawn is tracked so
 * that it is killed by PID on exit, error or signal, and /proc readers for the server
 * figures we report (CPU time, RSS).
 */
import { readdirSync, readFileSync } from "node:fs";
import type { Subprocess } from "bun";

type Child = Subprocess<"ignore", "pipe", "pipe"> | Subprocess<"ignore", "pipe", "inherit"> | Subprocess;

const live = new Set<Child>();
const cleanups: (() => void)[] = [];
let installed = false;

/** Track a child so that it is killed (SIGKILL, by PID) if this process exits first. */
export function track<T extends Child>(proc: T): T {
  live.add(proc);
  void proc.exited.then(() => live.delete(proc));
  return proc;
}

/** Kill every tracked child that is still running. Synchronous: safe in an exit handler. */
export function killAll(signal: NodeJS.Signals = "SIGKILL"): void {
  for (const proc of live) {
    if (proc.exitCode !== null || proc.signalCode !== null) continue;
    try {
      process.kill(proc.pid, signal);
    } catch {
      // already gone
    }
  }
}

/** Run `fn` at exit (after the children are killed), e.g. to remove a temp dir. */
export function atExit(fn: () => void): void {
  cleanups.push(fn);
}

/** Kill all children on normal exit, uncaught errors and SIGINT/SIGTERM/SIGHUP. */
export function installCleanup(): void {
  if (installed) return;
  installed = true;
  const cleanup = () => {
    killAll("SIGKILL");
    for (const fn of cleanups.splice(0)) {
      try {
        fn();
      } catch {
        // best effort
      }
    }
  };
  process.on("exit", cleanup);
  const signals: [NodeJS.Signals, number][] = [
    ["SIGINT", 2],
    ["SIGTERM", 15],
    ["SIGHUP", 1],
  ];
  for (const [sig, num] of signals) {
    process.on(sig, () => {
      process.stderr.write(`\n${sig}: killing ${live.size} child process(es) and exiting\n`);
      cleanup();
      process.exit(128 + num);
    });
  }
  process.on("uncaughtException", (err) => {
    process.stderr.write(`uncaught exception: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
    cleanup();
    process.exit(1);
  });
  process.on("unhandledRejection", (err) => {
    process.stderr.write(`unhandled rejection: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
    cleanup();
    process.exit(1);
  });
}

/** Clock ticks per second for /proc/PID/stat times (`getconf CLK_TCK`). */
export const CLK_TCK: number = (() => {
  try {
    const r = Bun.spawnSync(["getconf", "CLK_TCK"], { stdout: "pipe", stderr: "ignore" });
    const n = Number(r.stdout.toString().trim());
    if (Number.isFinite(n) && n > 0) return n;
  } catch {
    // fall through
  }
  return 100;
})();

/** utime + stime of a process (all its threads), in clock ticks: fields 14 and 15 of /proc/PID/stat. */
export function cpuTicks(pid: number): number {
  const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
  // Field 2 (comm) is parenthesised and may contain spaces: split after the last ')'.
  const rest = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
  // rest[0] is field 3 (state), so field N is rest[N - 3].
  const utime = Number(rest[14 - 3]);
  const stime = Number(rest[15 - 3]);
  if (!Number.isFinite(utime) || !Number.isFinite(stime)) throw new Error(`cannot parse /proc/${pid}/stat: ${stat}`);
  return utime + stime;
}

/**
 * On-CPU time of all live threads of a process in nanoseconds (sum of the first field of
 * /proc/PID/task/TID/schedstat). A finer cross-check of cpuTicks; time of threads that
 * exit between two samples is lost, so it is reported only as a secondary figure.
 */
export function cpuNs(pid: number): number | null {
  try {
    let total = 0;
    for (const tid of readdirSync(`/proc/${pid}/task`)) {
      try {
        total += Number(readFileSync(`/proc/${pid}/task/${tid}/schedstat`, "utf8").split(" ")[0]);
      } catch {
        // thread exited while we read
      }
    }
    return total;
  } catch {
    return null;
  }
}

/** Resident set size of a process in bytes (VmRSS from /proc/PID/status). */
export function rssBytes(pid: number): number {
  const status = readFileSync(`/proc/${pid}/status`, "utf8");
  const m = /^VmRSS:\s+(\d+)\s+kB/m.exec(status);
  if (!m) throw new Error(`no VmRSS in /proc/${pid}/status`);
  return Number(m[1]) * 1024;
}

/** Number of threads of a process (Threads from /proc/PID/status). */
export function threadCount(pid: number): number {
  const status = readFileSync(`/proc/${pid}/status`, "utf8");
  return Number(/^Threads:\s+(\d+)/m.exec(status)?.[1] ?? 0);
}

export function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
    return stat.slice(stat.lastIndexOf(")") + 2, stat.lastIndexOf(")") + 3) !== "Z";
  } catch {
    return false;
  }
}

/** Keeps the last `max` characters of a child's stdout+stderr, plus every line for matching. */
export class LogTail {
  private text = "";
  private listeners: ((text: string) => void)[] = [];
  constructor(private readonly max = 256 * 1024) {}

  pump(stream: ReadableStream<Uint8Array> | null | undefined): void {
    if (!stream) return;
    void (async () => {
      const decoder = new TextDecoder();
      try {
        for await (const chunk of stream) this.append(decoder.decode(chunk, { stream: true }));
      } catch {
        // the stream closes when the child dies
      }
    })();
  }

  private append(s: string): void {
    this.text += s;
    if (this.text.length > this.max) this.text = this.text.slice(this.text.length - this.max);
    for (const l of this.listeners) l(this.text);
  }

  get value(): string {
    return this.text;
  }

  tail(lines = 40): string {
    return this.text.split("\n").slice(-lines).join("\n");
  }

  onChange(fn: (text: string) => void): () => void {
    this.listeners.push(fn);
    return () => {
      this.listeners = this.listeners.filter((l) => l !== fn);
    };
  }
}

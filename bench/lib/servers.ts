/**
 * Starting and stopping the servers under test: redis-server 7 and Crucible, each as a
 * child process whose PID we hold, listening on 127.0.0.1 only, in a temp directory.
 */
import { mkdirSync } from "node:fs";
import { join } from "node:path";
import { isAlive, LogTail, track } from "./proc.ts";
import { command } from "./resp.ts";

export const ROOT = join(import.meta.dir, "..", "..");
export const CRUCIBLE_MAIN = join(ROOT, "src", "cli", "main.ts");

export type ServerKind = "redis" | "crucible";

export interface RunningServer {
  /** "redis" or "crucible" (the role in the comparison). */
  name: ServerKind;
  /** What actually runs in this role (e.g. "redis-server" in an A/A self-test). */
  label: string;
  pid: number;
  port: number;
  cmd: string[];
  log: LogTail;
  proc: ReturnType<typeof Bun.spawn>;
  alive(): boolean;
  /** SIGTERM, wait up to `graceMs`, then SIGKILL. Returns how it ended. */
  stop(graceMs?: number): Promise<{ code: number | null; signal: string | null; forced: boolean; ms: number }>;
}

/** A TCP port that was free a moment ago (bind 127.0.0.1:0, read the port, close). */
export function freePort(): number {
  const listener = Bun.listen({
    hostname: "127.0.0.1",
    port: 0,
    socket: { data() {} },
  });
  const port = listener.port;
  listener.stop(true);
  return port;
}

async function waitReady(
  server: { proc: ReturnType<typeof Bun.spawn>; log: LogTail; name: string; cmd: string[] },
  port: () => number,
  timeoutMs: number,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let lastErr = "";
  while (Date.now() < deadline) {
    if (server.proc.exitCode !== null || server.proc.signalCode !== null) {
      throw new Error(
        `${server.name} exited (code ${server.proc.exitCode}, signal ${server.proc.signalCode}) before it was ready.\n` +
          `command: ${server.cmd.join(" ")}\n--- last log lines ---\n${server.log.tail(40)}`,
      );
    }
    const p = port();
    if (p > 0) {
      try {
        const reply = await command(p, ["PING"], 1000);
        if (reply === "+PONG") return;
        lastErr = `PING answered ${JSON.stringify(reply)}`;
      } catch (e) {
        lastErr = (e as Error).message;
      }
    }
    await Bun.sleep(25);
  }
  server.proc.kill("SIGKILL");
  throw new Error(
    `${server.name} did not answer PING within ${timeoutMs} ms (${lastErr || "no port yet"}).\n` +
      `command: ${server.cmd.join(" ")}\n--- last log lines ---\n${server.log.tail(40)}`,
  );
}

function wrap(
  name: ServerKind,
  label: string,
  proc: ReturnType<typeof Bun.spawn>,
  port: number,
  cmd: string[],
  log: LogTail,
): RunningServer {
  return {
    name,
    label,
    pid: proc.pid,
    port,
    cmd,
    log,
    proc,
    alive: () => proc.exitCode === null && proc.signalCode === null && isAlive(proc.pid),
    async stop(graceMs = 10000) {
      const t0 = performance.now();
      if (proc.exitCode !== null || proc.signalCode !== null) {
        return { code: proc.exitCode, signal: proc.signalCode === null ? null : String(proc.signalCode), forced: false, ms: 0 };
      }
      proc.kill("SIGTERM");
      let forced = false;
      const timer = setTimeout(() => {
        forced = true;
        proc.kill("SIGKILL");
      }, graceMs);
      await proc.exited;
      clearTimeout(timer);
      return { code: proc.exitCode, signal: proc.signalCode === null ? null : String(proc.signalCode), forced, ms: performance.now() - t0 };
    },
  };
}

function taskset(cpus: string | undefined, cmd: string[]): string[] {
  return cpus === undefined ? cmd : ["taskset", "-c", cpus, ...cmd];
}

/**
 * For a pinned run the child is started through `taskset`, which execs the server, so the
 * PID we hold is the server's own.
 */
export async function startRedis(opts: { dir: string; role?: ServerKind; cpus?: string; timeoutMs?: number }): Promise<RunningServer> {
  const role = opts.role ?? "redis";
  const port = freePort();
  const dir = join(opts.dir, `${role}-redis-${port}`);
  mkdirSync(dir, { recursive: true });
  const cmd = taskset(opts.cpus, [
    "redis-server",
    "--port",
    String(port),
    "--bind",
    "127.0.0.1",
    "--save",
    "",
    "--appendonly",
    "no",
    "--daemonize",
    "no",
    "--dir",
    dir,
  ]);
  const log = new LogTail();
  const proc = track(Bun.spawn(cmd, { cwd: dir, stdin: "ignore", stdout: "pipe", stderr: "pipe" }));
  log.pump(proc.stdout as ReadableStream<Uint8Array>);
  log.pump(proc.stderr as ReadableStream<Uint8Array>);
  await waitReady({ proc, log, name: `redis-server (${role})`, cmd }, () => port, opts.timeoutMs ?? 15000);
  return wrap(role, "redis-server", proc, port, cmd, log);
}

export const CRUCIBLE_SETS = [
  "metrics.address=127.0.0.1:0",
  "cache.heap_size=1GB",
  "cache.hashtable_power=21",
  "logging.format=json",
];

/**
 * Start Crucible from source (`bun src/cli/main.ts`) on a port that was free a moment ago.
 * Ready means it answers PING there (its JSON log line "listening for resp on
 * 127.0.0.1:PORT" is checked by the caller once the log has been read).
 */
export async function startCrucible(opts: { dir: string; cpus?: string; timeoutMs?: number; extraSets?: string[] }): Promise<RunningServer> {
  const port = freePort();
  const dir = join(opts.dir, `crucible-${port}`);
  mkdirSync(dir, { recursive: true });
  const cmd = taskset(opts.cpus, [
    process.execPath,
    CRUCIBLE_MAIN,
    "--bind",
    "127.0.0.1",
    "--port",
    String(port),
    ...[...CRUCIBLE_SETS, ...(opts.extraSets ?? [])].flatMap((s) => ["--set", s]),
  ]);
  const log = new LogTail();
  const proc = track(Bun.spawn(cmd, { cwd: dir, stdin: "ignore", stdout: "pipe", stderr: "pipe", env: { ...process.env } }));
  log.pump(proc.stdout as ReadableStream<Uint8Array>);
  log.pump(proc.stderr as ReadableStream<Uint8Array>);
  await waitReady({ proc, log, name: "crucible", cmd }, () => port, opts.timeoutMs ?? 30000);
  return wrap("crucible", "crucible", proc, port, cmd, log);
}

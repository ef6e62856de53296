import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { Subprocess } from "bun";

export const ROOT = join(import.meta.dir, "..", "..");
const MAIN = join(ROOT, "src", "cli", "main.ts");

export interface TestServer {
  proc: Subprocess<"ignore", "pipe", "pipe">;
  port: number;
  metricsPort: number;
  host: string;
  /** Everything the server has logged so far (JSON lines). */
  logs(): string;
  /** SIGTERM and wait for exit; returns the exit code. */
  stop(): Promise<number>;
}

export interface StartOptions {
  /** Extra `--set section.key=value` overrides. */
  set?: string[];
  args?: string[];
  env?: Record<string, string>;
  /** Command to run instead of `bun src/cli/main.ts` (e.g. the compiled binary). */
  command?: string[];
  cwd?: string;
  timeoutMs?: number;
}

/** Start a real crucible-server process on ephemeral ports and wait until it listens. */
export async function startServer(opts: StartOptions = {}): Promise<TestServer> {
  const base = opts.command ?? [process.execPath, MAIN];
  // test/run.ts runs the black-box suite a second time with CRUCIBLE_TEST_ENGINE=bun.
  const engine = process.env.CRUCIBLE_TEST_ENGINE;
  const engineSet = engine && !(opts.set ?? []).some((s) => s.startsWith("io_engine=")) ? [`io_engine=${engine}`] : [];
  const sets = ["logging.format=json", "logging.level=info", "metrics.address=127.0.0.1:0", ...engineSet, ...(opts.set ?? [])];
  const cmd = [...base, "--bind", "127.0.0.1", "--port", "0", ...sets.flatMap((s) => ["--set", s]), ...(opts.args ?? [])];
  const proc = Bun.spawn(cmd, {
    cwd: opts.cwd ?? mkdtempSync(join(tmpdir(), "crucible-test-")),
    env: { ...process.env, ...opts.env },
    stdin: "ignore",
    stdout: "pipe",
    stderr: "pipe",
  });
  let log = "";
  const pump = async (stream: ReadableStream<Uint8Array>) => {
    const decoder = new TextDecoder();
    for await (const chunk of stream) log += decoder.decode(chunk);
  };
  void pump(proc.stdout);
  void pump(proc.stderr);
  const deadline = Date.now() + (opts.timeoutMs ?? 15000);
  let port = 0;
  let metricsPort = 0;
  // Every listener logs its line; a memcache one may come after the RESP one.
  const memcache = sets.some((s) => /^listener\.\d+\.protocol=memcache$/.test(s));
  while (Date.now() < deadline) {
    const m = /listening for resp on [^"\s]*:(\d+)/.exec(log);
    if (m && (!memcache || /listening for memcache on /.test(log))) {
      port = Number(m[1]);
      metricsPort = Number(/metrics on [^"\s]*:(\d+)/.exec(log)?.[1] ?? 0);
      break;
    }
    if (proc.exitCode !== null) throw new Error(`server exited with ${proc.exitCode} before listening:\n${log}`);
    await Bun.sleep(20);
  }
  if (!port) {
    proc.kill("SIGKILL");
    throw new Error(`server did not start listening in time:\n${log}`);
  }
  return {
    proc,
    port,
    metricsPort,
    host: "127.0.0.1",
    logs: () => log,
    async stop() {
      if (proc.exitCode === null) proc.kill("SIGTERM");
      const timer = setTimeout(() => proc.kill("SIGKILL"), 10000);
      const code = await proc.exited;
      clearTimeout(timer);
      return code;
    },
  };
}

/** Poll until `check` returns true or the deadline passes (tests never sleep blindly). */
export async function waitFor(check: () => boolean | Promise<boolean>, timeoutMs = 5000, what = "condition"): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (await check()) return;
    await Bun.sleep(10);
  }
  throw new Error(`timed out waiting for ${what}`);
}

/** Run redis-cli against a server and return its stdout. */
export async function redisCli(port: number, args: string[], input?: string): Promise<{ stdout: string; stderr: string; code: number }> {
  const proc = Bun.spawn(["redis-cli", "-h", "127.0.0.1", "-p", String(port), ...args], {
    stdin: input === undefined ? "ignore" : new TextEncoder().encode(input),
    stdout: "pipe",
    stderr: "pipe",
  });
  const [stdout, stderr, code] = await Promise.all([new Response(proc.stdout).text(), new Response(proc.stderr).text(), proc.exited]);
  return { stdout, stderr, code };
}

export function tempDir(): { path: string; cleanup(): void } {
  const path = mkdtempSync(join(tmpdir(), "crucible-"));
  return { path, cleanup: () => rmSync(path, { recursive: true, force: true }) };
}

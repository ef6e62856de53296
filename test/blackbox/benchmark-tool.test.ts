// crucible-benchmark as operators run it (`bun src/benchmark/main.ts CONFIG.toml`), against a
// real Crucible and a real redis-server 7.0 over TCP: the configured command mix and key
// distribution are what the servers see (INFO commandstats, DBSIZE), the open-loop rate
// holds, a server stalled with DEBUG SLEEP shows in the open-loop percentiles, error replies
// and dropped connections are counted, memcache text and binary hit after a prefill, and
// the command line's exit codes (2 for configuration and usage, 1 for an unreachable server).
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { chmodSync, copyFileSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { memcachePort } from "../helpers/memcached.ts";
import { type RedisServer, startRedis } from "../helpers/redis.ts";
import { redisCli, ROOT, startServer, tempDir, type TestServer } from "../helpers/server.ts";

const MAIN = join(ROOT, "src", "benchmark", "main.ts");

let crucible: TestServer;
let redis: RedisServer;
let mcPort: number;
const dir = tempDir();

beforeAll(async () => {
  [crucible, redis] = await Promise.all([
    startServer({ set: ["listener.1.protocol=memcache", "listener.1.address=127.0.0.1:0"] }),
    startRedis(["--enable-debug-command", "yes"]),
  ]);
  mcPort = memcachePort(crucible);
});

afterAll(async () => {
  await Promise.all([crucible?.stop(), redis?.stop()]);
  dir.cleanup();
});

interface Summary {
  durationSecs: number;
  requests: number;
  throughput_rps: number;
  latency_us: { p50: number; p90: number; p99: number; p999: number; max: number };
  errors: number;
  hit_rate: number | null;
  config: string;
  disconnects?: number;
}

interface BenchRun {
  code: number;
  stdout: string;
  stderr: string;
  summary: Summary;
}

let configs = 0;

function writeConfig(text: string): string {
  const path = join(dir.path, `bench-${++configs}.toml`);
  writeFileSync(path, text);
  return path;
}

/**
 * Run crucible-benchmark on `config` (TOML text). `onLine` sees each stderr line as it comes
 * (the per-second lines go there with --format json).
 */
async function bench(config: string, args: string[] = ["--format", "json"], onLine?: (line: string) => void): Promise<BenchRun> {
  const proc = Bun.spawn([process.execPath, MAIN, writeConfig(config), ...args], { cwd: ROOT, stdin: "ignore", stdout: "pipe", stderr: "pipe" });
  let stderr = "";
  const pumpErr = (async () => {
    const decoder = new TextDecoder();
    let partial = "";
    for await (const chunk of proc.stderr) {
      const text = decoder.decode(chunk, { stream: true });
      stderr += text;
      partial += text;
      const lines = partial.split("\n");
      partial = lines.pop()!;
      for (const l of lines) onLine?.(l);
    }
  })();
  const [stdout, code] = await Promise.all([new Response(proc.stdout).text(), proc.exited]);
  await pumpErr;
  let summary = undefined as unknown as Summary;
  if (code === 0 && args.includes("json")) {
    try {
      summary = JSON.parse(stdout);
    } catch {
      throw new Error(`stdout is not one JSON object:\n${stdout}\nstderr:\n${stderr}`);
    }
  }
  return { code, stdout, stderr, summary };
}

function config(port: number, opts: { protocol?: string; general?: string; connection?: string; workload?: string; keyspace?: string; commands?: string; values?: string } = {}): string {
  return [
    `[general]\n${opts.general?.includes("duration") ? "" : 'duration = "1s"\n'}${opts.general ?? ""}`,
    `[target]\nendpoints = ["127.0.0.1:${port}"]\nprotocol = "${opts.protocol ?? "resp"}"`,
    `[connection]\n${opts.connection ?? "connections = 4\npipeline_depth = 8"}`,
    `[workload]\n${opts.workload ?? ""}`,
    `[workload.keyspace]\n${opts.keyspace ?? "count = 1000"}`,
    `[workload.commands]\n${opts.commands ?? "get = 1\nset = 1"}`,
    `[workload.values]\n${opts.values ?? "length = 16"}`,
  ].join("\n\n");
}

async function cli(port: number, ...args: string[]): Promise<string> {
  const r = await redisCli(port, args);
  if (r.code !== 0) throw new Error(`redis-cli ${args.join(" ")}: ${r.stderr}`);
  return r.stdout;
}

async function commandCalls(port: number): Promise<Record<string, number>> {
  const info = await cli(port, "INFO", "commandstats");
  const out: Record<string, number> = {};
  for (const m of info.matchAll(/^cmdstat_([a-z|]+):calls=(\d+)/gm)) out[m[1]!] = Number(m[2]);
  return out;
}

async function reset(port: number): Promise<void> {
  await cli(port, "FLUSHALL");
  await cli(port, "CONFIG", "RESETSTAT");
}

function expectSummaryShape(s: Summary): void {
  expect(Object.keys(s)).toEqual(expect.arrayContaining(["durationSecs", "requests", "throughput_rps", "latency_us", "errors", "hit_rate", "config"]));
  expect(Object.keys(s.latency_us).sort()).toEqual(["max", "p50", "p90", "p99", "p999"]);
  for (const v of Object.values(s.latency_us)) expect(typeof v).toBe("number");
  expect(s.latency_us.p50).toBeLessThanOrEqual(s.latency_us.p90);
  expect(s.latency_us.p90).toBeLessThanOrEqual(s.latency_us.p99);
  expect(s.latency_us.p99).toBeLessThanOrEqual(s.latency_us.p999);
  expect(s.latency_us.p999).toBeLessThanOrEqual(s.latency_us.max);
  expect(s.throughput_rps).toBeCloseTo(s.requests / s.durationSecs, 3);
  expect(s.config).toContain("[workload.keyspace]");
}

const servers: [string, () => number][] = [
  ["crucible", () => crucible.port],
  ["redis-server", () => redis.port],
];

describe.each(servers)("against %s", (_name, port) => {
  test("the command mix is what the server sees (INFO commandstats)", async () => {
    await reset(port());
    const run = await bench(config(port(), { commands: "get = 6\nset = 2\ndelete = 2" }));
    expect(run.code).toBe(0);
    expectSummaryShape(run.summary);
    expect(run.summary.errors).toBe(0);
    expect(run.summary.requests).toBeGreaterThan(2000);
    const calls = await commandCalls(port());
    const total = (calls.get ?? 0) + (calls.set ?? 0) + (calls.del ?? 0);
    // The server also saw the requests still in flight when the run ended (at most 4 x 8).
    expect(total).toBeGreaterThanOrEqual(run.summary.requests);
    expect(total).toBeLessThan(run.summary.requests * 1.2 + 100);
    expect(calls.get! / total).toBeCloseTo(0.6, 1);
    expect(Math.abs(calls.get! / total - 0.6)).toBeLessThan(0.03);
    expect(Math.abs(calls.set! / total - 0.2)).toBeLessThan(0.03);
    expect(Math.abs(calls.del! / total - 0.2)).toBeLessThan(0.03);
    expect(run.summary.hit_rate).not.toBeNull();
  }, 30_000);

  test("uniform keys spread over the keyspace; zipf keys concentrate (DBSIZE)", async () => {
    const count = 100_000;
    const distinct = async (keyspace: string) => {
      await reset(port());
      // About 20000 SETs (open loop), so that neither distribution covers the keyspace.
      const run = await bench(config(port(), { keyspace: `count = ${count}\n${keyspace}`, workload: "rate_limit = 20000", commands: "set = 1", values: "length = 4" }));
      expect(run.code).toBe(0);
      const dbsize = Number((await cli(port(), "DBSIZE")).trim());
      const key = (await cli(port(), "RANDOMKEY")).trim();
      expect(key).toMatch(/^\d{16}$/);
      expect(Number(key)).toBeLessThan(count);
      // Expected distinct keys after R uniform draws from N: N(1 - e^(-R/N)).
      const r = run.summary.requests;
      return { dbsize, uniformExpected: count * (1 - Math.exp(-r / count)) };
    };
    const uniform = await distinct(`distribution = "uniform"`);
    expect(Math.abs(uniform.dbsize / uniform.uniformExpected - 1)).toBeLessThan(0.05);
    const zipf = await distinct(`distribution = "zipf"\nexponent = 1.0`);
    expect(zipf.dbsize).toBeLessThan(zipf.uniformExpected * 0.6);
  }, 30_000);

  test("the open-loop rate holds", async () => {
    await reset(port());
    const run = await bench(config(port(), { general: `duration = "2s"`, workload: "rate_limit = 4000", connection: "connections = 4\npipeline_depth = 4" }));
    expect(run.code).toBe(0);
    expect(Math.abs(run.summary.throughput_rps / 4000 - 1)).toBeLessThan(0.1);
    const calls = await commandCalls(port());
    const sent = (calls.get ?? 0) + (calls.set ?? 0);
    expect(Math.abs(sent / 8000 - 1)).toBeLessThan(0.1);
    expect(run.summary.errors).toBe(0);
  }, 30_000);

  test("a server stalled by DEBUG SLEEP shows in the open-loop percentiles, not in the closed loop's p99", async () => {
    // The stall starts once the first second is reported and lasts 0.5 s of a 3 s run.
    const stalled = async (workload: string) => {
      let sleeping: Promise<string> | undefined;
      const run = await bench(
        config(port(), { general: `duration = "3s"`, workload, connection: "connections = 4\npipeline_depth = 1", commands: "get = 1" }),
        ["--format", "json"],
        (line) => {
          if (sleeping === undefined && line.startsWith("second=0")) sleeping = cli(port(), "DEBUG", "SLEEP", "0.5");
        },
      );
      expect(run.code).toBe(0);
      expect(sleeping).toBeDefined();
      expect((await sleeping!).trim()).toBe("OK");
      return run.summary;
    };
    const open = await stalled("rate_limit = 2000");
    expect(open.latency_us.max).toBeGreaterThanOrEqual(400_000);
    expect(open.latency_us.p99).toBeGreaterThanOrEqual(400_000);
    const closed = await stalled("rate_limit = 0");
    // Closed loop: only the few requests in flight waited; the rest were never sent.
    expect(closed.latency_us.max).toBeGreaterThanOrEqual(400_000);
    expect(closed.latency_us.p99).toBeLessThan(400_000);
  }, 30_000);

  test("resp3: HELLO 3, then reads, writes, deletes, INCR and MGET after a prefill", async () => {
    await reset(port());
    const run = await bench(config(port(), { protocol: "resp3", workload: "prefill = true", commands: "get = 4\nmget = 1\nincr = 1\nset = 2\ndelete = 1\nmget_batch = 4" }));
    expect(run.code).toBe(0);
    expect(run.summary.errors).toBe(0);
    // SETs twice as often as DELs: the keys present tend to 2/3 of the keyspace.
    expect(run.summary.hit_rate).toBeGreaterThan(0.4);
    expect(run.summary.hit_rate).toBeLessThan(1);
    const calls = await commandCalls(port());
    expect(calls.hello).toBeGreaterThanOrEqual(4);
    expect(calls.mget).toBeGreaterThan(0);
    expect(calls.incr).toBeGreaterThan(0);
    // The prefill wrote every key once before the run.
    expect(calls.set).toBeGreaterThanOrEqual(1000);
  }, 30_000);
});

test("large values: replies in many chunks, requests larger than the socket takes at once", async () => {
  await reset(crucible.port);
  const run = await bench(config(crucible.port, { workload: "prefill = true", keyspace: "count = 50", commands: "get = 3\nset = 1\nmget = 1\nmget_batch = 3", values: "min = 1000\nmax = 300000" }));
  expect(run.code).toBe(0);
  expect(run.summary.errors).toBe(0);
  expect(run.summary.hit_rate).toBe(1);
  expect(run.summary.requests).toBeGreaterThan(100);
  const len = Number((await cli(crucible.port, "STRLEN", "0000000000000007")).trim());
  expect(len >= 1000 && len <= 300000).toBe(true);
}, 30_000);

describe("memcache against Crucible's memcache listener", () => {
  for (const protocol of ["memcache", "memcache_binary"]) {
    test(`${protocol}: every read hits after a prefill`, async () => {
      await reset(crucible.port);
      const run = await bench(config(mcPort, { protocol, workload: "prefill = true", commands: "get = 8\nmget = 1\nset = 1\nincr = 1\nmget_batch = 5", values: "min = 1\nmax = 300" }));
      expect(run.code).toBe(0);
      expect(run.summary.errors).toBe(0);
      expect(run.summary.requests).toBeGreaterThan(1000);
      expect(run.summary.hit_rate).toBe(1);
      // The keyspace is RESP's database 0: the prefill's keys and the counters are there.
      expect(Number((await cli(crucible.port, "DBSIZE")).trim())).toBeGreaterThan(1000);
    }, 30_000);

    test(`${protocol}: deletes make misses`, async () => {
      await reset(crucible.port);
      const run = await bench(config(mcPort, { protocol, workload: "prefill = true", commands: "get = 1\ndelete = 1", keyspace: "count = 200" }));
      expect(run.code).toBe(0);
      expect(run.summary.errors).toBe(0);
      expect(run.summary.hit_rate).toBeLessThan(0.5);
    }, 30_000);
  }
});

describe("errors and connections", () => {
  test("error replies are counted, not fatal", async () => {
    const locked = await startRedis(["--requirepass", "secret"]);
    try {
      const run = await bench(config(locked.port));
      expect(run.code).toBe(0);
      expect(run.summary.requests).toBeGreaterThan(0);
      expect(run.summary.errors).toBe(run.summary.requests);
      const text = await bench(config(locked.port), []);
      expect(text.stdout).toContain("first error  -NOAUTH Authentication required.");
    } finally {
      await locked.stop();
    }
  }, 30_000);

  test("connections the server drops are counted and reconnected", async () => {
    let killed: Promise<string> | undefined;
    const lines: string[] = [];
    const run = await bench(config(redis.port, { general: `duration = "3s"` }), ["--format", "json"], (line) => {
      lines.push(line);
      if (killed === undefined && line.startsWith("second=0")) killed = cli(redis.port, "CLIENT", "KILL", "TYPE", "normal");
    });
    expect(run.code).toBe(0);
    expect(Number((await killed!).trim())).toBeGreaterThanOrEqual(4);
    expect(run.summary.disconnects).toBeGreaterThanOrEqual(4);
    const seconds = lines.filter((l) => l.startsWith("second="));
    expect(seconds.length).toBe(3);
    expect(seconds.at(-1)).toContain("conns=4");
    expect(run.summary.requests).toBeGreaterThan(1000);
  }, 30_000);

  test.skipIf(Bun.which("taskset") === null)("cpu_list confines the process and its load threads to those CPUs", async () => {
    const path = writeConfig(config(crucible.port, { general: 'duration = "2s"\nthreads = 2\ncpu_list = "0"' }));
    const proc = Bun.spawn([process.execPath, MAIN, path, "--format", "json"], { cwd: ROOT, stdin: "ignore", stdout: "pipe", stderr: "pipe" });
    // The re-run under taskset is the spawned process's child; read every thread's CPUs.
    let allowed: string[] = [];
    for (let i = 0; i < 40 && allowed.length < 3; i++) {
      await Bun.sleep(50);
      const child = (await new Response(Bun.spawn(["pgrep", "-P", String(proc.pid)]).stdout).text()).trim().split("\n")[0];
      if (!child) continue;
      try {
        const tasks = new Bun.Glob("*").scanSync({ cwd: `/proc/${child}/task`, onlyFiles: false });
        allowed = [...tasks].map((t) => /Cpus_allowed_list:\s*(\S+)/.exec(readFileSync(`/proc/${child}/task/${t}/status`, "utf8"))?.[1] ?? "?");
      } catch {
        allowed = [];
      }
    }
    const [stdout, stderr, code] = await Promise.all([new Response(proc.stdout).text(), new Response(proc.stderr).text(), proc.exited]);
    expect({ code, stderr: stderr.includes('cpu_list = "0": running under taskset -c 0') }).toEqual({ code: 0, stderr: true });
    expect(JSON.parse(stdout).requests).toBeGreaterThan(0);
    expect(allowed.length).toBeGreaterThanOrEqual(3);
    expect(new Set(allowed)).toEqual(new Set(["0"]));
  });

  test("threads and endpoints: connections are spread over both servers", async () => {
    await Promise.all([reset(crucible.port), reset(redis.port)]);
    const cfg = config(crucible.port, { general: "threads = 2" }).replace(`endpoints = ["127.0.0.1:${crucible.port}"]`, `endpoints = ["127.0.0.1:${crucible.port}", "127.0.0.1:${redis.port}"]`);
    const run = await bench(cfg);
    expect(run.code).toBe(0);
    const [a, b] = await Promise.all([commandCalls(crucible.port), commandCalls(redis.port)]);
    expect(a.get).toBeGreaterThan(100);
    expect(b.get).toBeGreaterThan(100);
    expect((a.get ?? 0) + (a.set ?? 0) + (b.get ?? 0) + (b.set ?? 0)).toBeGreaterThanOrEqual(run.summary.requests);
  }, 30_000);
});

describe("the command line", () => {
  test("text output: a plain line per second, then the summary", async () => {
    const run = await bench(config(redis.port, { general: `duration = "2s"\nwarmup = "1s"` }), []);
    expect(run.code).toBe(0);
    const lines = run.stdout.split("\n");
    expect(lines[0]).toMatch(/^second=0 warmup=true rps=\d+ p50=\d+us p90=\d+us p99=\d+us p999=\d+us max=\d+us errors=0 hit_rate=[\d.]+ conns=4$/);
    expect(lines[1]).toMatch(/^second=1 rps=\d+ p50=\d+us /);
    expect(lines[2]).toMatch(/^second=2 rps=/);
    expect(run.stdout).toContain("throughput   ");
    expect(run.stdout).toMatch(/duration {5}2\.0 s measured/);
    expect(run.stderr).toContain("crucible-benchmark: resp to 127.0.0.1:");
  }, 30_000);

  test("--format json prints one JSON object and nothing else on stdout; warm-up is left out", async () => {
    const run = await bench(config(redis.port, { general: `duration = "1s"\nwarmup = "1s"` }));
    expect(run.code).toBe(0);
    expect(run.stdout.trim().split("\n").length).toBe(1);
    expectSummaryShape(run.summary);
    expect(run.summary.durationSecs).toBeCloseTo(1, 1);
    expect(run.stderr).toMatch(/^second=0 warmup=true/m);
  }, 30_000);

  test("--parquet writes the file", async () => {
    const path = join(dir.path, "run.parquet");
    const run = await bench(config(redis.port), ["--format", "json", "--parquet", path]);
    expect(run.code).toBe(0);
    const bytes = readFileSync(path);
    expect(new TextDecoder().decode(bytes.subarray(0, 4))).toBe("PAR1");
    expect(run.stderr).toContain(`wrote 1 seconds to ${path}`);
  }, 30_000);

  test("npm run build's dist/crucible-benchmark, copied elsewhere, runs its load threads", async () => {
    const build = Bun.spawnSync([process.execPath, join(ROOT, "scripts", "build.ts")], { cwd: ROOT, stdout: "pipe", stderr: "pipe" });
    expect(build.exitCode).toBe(0);
    const copy = join(dir.path, "crucible-benchmark");
    copyFileSync(join(ROOT, "dist", "crucible-benchmark"), copy);
    chmodSync(copy, 0o755);
    const proc = Bun.spawn([copy, writeConfig(config(redis.port, { general: "threads = 2" })), "--format", "json"], { cwd: dir.path, stdout: "pipe", stderr: "pipe" });
    const [stdout, stderr, code] = await Promise.all([new Response(proc.stdout).text(), new Response(proc.stderr).text(), proc.exited]);
    expect({ code, stderr: code === 0 ? "" : stderr }).toEqual({ code: 0, stderr: "" });
    const summary = JSON.parse(stdout) as Summary;
    expect(summary.requests).toBeGreaterThan(1000);
    expect(summary.errors).toBe(0);
  }, 60_000);

  test("an unreachable endpoint: a clear message, exit code 1", async () => {
    const l = Bun.listen({ hostname: "127.0.0.1", port: 0, socket: { data() {} } });
    const port = l.port;
    l.stop(true);
    const run = await bench(config(port));
    expect(run.code).toBe(1);
    expect(run.stderr).toContain(`Error: cannot connect to 127.0.0.1:${port}: connection refused`);
    expect(run.stdout).toBe("");
  }, 30_000);

  test("configuration errors: exit code 2, the key named", async () => {
    const unknown = await bench(config(redis.port).replace("[workload]\n", "[workload]\nrate = 5\n"));
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toContain('Unknown key "rate" in section [workload]');
    const bad = await bench(config(redis.port, { keyspace: `distribution = "gaussian"` }));
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain('Invalid value for workload.keyspace.distribution');
    expect(bad.stderr).toContain('"uniform", "zipf"');
    const tls = await bench(config(redis.port).replace("[target]\n", "[target]\ntls = true\n"));
    expect(tls.code).toBe(2);
    expect(tls.stderr).toContain("TLS is not supported yet");
    const missing = await bench(config(redis.port), ["--format", "yaml"]);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toContain('Invalid value for --format: "yaml"');
    const option = await bench(config(redis.port), ["--frobnicate"]);
    expect(option.code).toBe(2);
    expect(option.stderr).toContain("Unknown option --frobnicate");
    const duration = await bench(config(redis.port), ["--duration", "forever"]);
    expect(duration.code).toBe(2);
    expect(duration.stderr).toContain('--duration: "forever"');
  }, 30_000);
});

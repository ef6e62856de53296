/**
 * Is crucible-benchmark the bottleneck? (issue 7) Against one redis-server 7, in the same
 * run and interleaved: redis-benchmark `-c 50 -P 16 -t set,get -r KEYS -d 3` and
 * crucible-benchmark at full speed (closed loop) with 50 connections, pipeline 16, a 50/50
 * GET/SET mix over the same keyspace (16-byte keys, 3-byte values, prefilled), with 1 and
 * with 2 load threads. Reports each one's throughput (median of the rounds), redis-server's
 * CPU use while it ran, and crucible-benchmark / redis-benchmark. Target: at least 0.8x.
 *
 *   bun bench/benchmark-tool.ts [--quick] [--rounds N] [--json FILE]
 *
 * redis-benchmark runs SET then GET with -n requests each; its throughput here is the two
 * tests' combined rate, 2n / (n/rps_set + n/rps_get), which is what a 50/50 mix is.
 */
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parseArgs } from "node:util";
import { atExit, CLK_TCK, cpuTicks, installCleanup, track } from "./lib/proc.ts";
import { runRedisBenchmark } from "./lib/redis-benchmark.ts";
import { fmt, fmtRatio, machineInfo, median, table } from "./lib/report.ts";
import { ROOT, startRedis } from "./lib/servers.ts";

const { values: flags } = parseArgs({
  args: Bun.argv.slice(2),
  options: {
    quick: { type: "boolean", default: false },
    rounds: { type: "string" },
    json: { type: "string" },
    help: { type: "boolean", short: "h", default: false },
  },
  strict: true,
});

if (flags.help) {
  console.log(`usage: bun bench/benchmark-tool.ts [options]
  --quick      short smoke run (2 rounds, 2 s runs)
  --rounds N   interleaved rounds (default 3); the median is reported
  --json FILE  also write every round's results as JSON`);
  process.exit(0);
}

const QUICK = flags.quick;
const ROUNDS = Math.max(1, Number(flags.rounds ?? (QUICK ? 2 : 3)));
const CONNECTIONS = 50;
const PIPELINE = 16;
const KEYS = 100_000;
const VALUE_BYTES = 3; // redis-benchmark's -d default
const DURATION_SECS = QUICK ? 2 : 5;
const WARMUP_SECS = 1;
/** redis-benchmark's -n per test (SET, then GET): a few seconds each at ~500k-1M req/s. */
const REQUESTS = QUICK ? 1_000_000 : 3_000_000;
const TARGET = 0.8;
const THREADS = [1, 2];

installCleanup();
const work = mkdtempSync(join(tmpdir(), "crucible-bench-tool-"));
atExit(() => rmSync(work, { recursive: true, force: true }));

function log(s = ""): void {
  console.log(s);
}

interface Result {
  who: string;
  round: number;
  rps: number;
  /** redis-server CPU while measured, in cores (1.0 = one core busy). */
  serverCores: number;
  p50Us?: number;
  p99Us?: number;
  detail?: string;
}

const configText = (port: number) => `[general]
duration = "${DURATION_SECS}s"
warmup = "${WARMUP_SECS}s"
threads = 1

[target]
endpoints = ["127.0.0.1:${port}"]
protocol = "resp"

[connection]
connections = ${CONNECTIONS}
pipeline_depth = ${PIPELINE}

[workload]
rate_limit = 0
prefill = true

[workload.keyspace]
length = 16
count = ${KEYS}
distribution = "uniform"

[workload.commands]
get = 1
set = 1

[workload.values]
length = ${VALUE_BYTES}
`;

async function runRedisBench(port: number, pid: number, round: number): Promise<Result> {
  const common = { clients: CONNECTIONS, pipeline: PIPELINE, keyspace: KEYS, dataSize: VALUE_BYTES, requests: REQUESTS };
  const set = await runRedisBenchmark({ port, pid, case: { test: "set", ...common }, timeoutMs: 120_000 });
  const get = await runRedisBenchmark({ port, pid, case: { test: "get", ...common }, timeoutMs: 120_000 });
  const rps = (2 * REQUESTS) / (REQUESTS / set.rps + REQUESTS / get.rps);
  const serverCores = (set.cpuTicks + get.cpuTicks) / CLK_TCK / ((set.wallMs + get.wallMs) / 1000);
  return {
    who: "redis-benchmark",
    round,
    rps,
    serverCores,
    detail: `SET ${fmt(set.rps, 0)}/s, GET ${fmt(get.rps, 0)}/s`,
    p50Us: ((set.p50Ms + get.p50Ms) / 2) * 1000,
    p99Us: Math.max(set.p99Ms, get.p99Ms) * 1000,
  };
}

async function runTool(port: number, pid: number, threads: number, round: number): Promise<Result> {
  const path = join(work, "bench.toml");
  writeFileSync(path, configText(port));
  const cmd = [process.execPath, join(ROOT, "src", "benchmark", "main.ts"), path, "--format", "json", "--threads", String(threads)];
  const proc = track(Bun.spawn(cmd, { cwd: ROOT, stdin: "ignore", stdout: "pipe", stderr: "pipe" }));
  // Server CPU over the measured seconds: sampled when the first measured second is reported
  // (second=WARMUP) and when the last is.
  let ticksAt: [number, number] | undefined;
  let ticksEnd: [number, number] | undefined;
  let stderr = "";
  const pump = (async () => {
    const decoder = new TextDecoder();
    let partial = "";
    for await (const chunk of proc.stderr as ReadableStream<Uint8Array>) {
      const text = decoder.decode(chunk, { stream: true });
      stderr += text;
      partial += text;
      const lines = partial.split("\n");
      partial = lines.pop()!;
      for (const line of lines) {
        const m = /^second=(\d+) /.exec(line);
        if (!m) continue;
        const s = Number(m[1]);
        if (s === WARMUP_SECS - 1) ticksAt = [cpuTicks(pid), performance.now()];
        if (s === WARMUP_SECS + DURATION_SECS - 1) ticksEnd = [cpuTicks(pid), performance.now()];
      }
    }
  })();
  const [stdout, code] = await Promise.all([new Response(proc.stdout as ReadableStream<Uint8Array>).text(), proc.exited]);
  await pump;
  if (code !== 0) throw new Error(`crucible-benchmark exited with ${code}: ${cmd.join(" ")}\n${stderr}`);
  const s = JSON.parse(stdout) as { throughput_rps: number; errors: number; latency_us: { p50: number; p99: number } };
  if (s.errors > 0) throw new Error(`crucible-benchmark saw ${s.errors} errors\n${stderr}`);
  const serverCores = ticksAt && ticksEnd ? (ticksEnd[0] - ticksAt[0]) / CLK_TCK / ((ticksEnd[1] - ticksAt[1]) / 1000) : NaN;
  return { who: `crucible-benchmark --threads ${threads}`, round, rps: s.throughput_rps, serverCores, p50Us: s.latency_us.p50, p99Us: s.latency_us.p99 };
}

const machine = machineInfo(ROOT);
log(`# crucible-benchmark vs redis-benchmark against redis-server (${new Date().toISOString()})`);
log(`machine: ${machine.nproc} CPUs, ${machine.cpuModel}; ${machine.kernel}; bun ${machine.bun}; ${machine.redisServer.split(" ").slice(0, 3).join(" ")}`);
log(`settings: ${CONNECTIONS} connections, pipeline ${PIPELINE}, closed loop, GET/SET 50/50, ${KEYS} keys of 16 bytes, ${VALUE_BYTES}-byte values`);
log(`  redis-benchmark -c ${CONNECTIONS} -P ${PIPELINE} -t set|get -r ${KEYS} -d ${VALUE_BYTES} -n ${REQUESTS} (SET then GET)`);
log(`  crucible-benchmark: ${DURATION_SECS}s measured after ${WARMUP_SECS}s warm-up, prefilled, --threads ${THREADS.join(" / ")}`);
log(`rounds: ${ROUNDS}, order alternating\n`);

const server = await startRedis({ dir: work });
atExit(() => void server.stop(2000));
const results: Result[] = [];
try {
  for (let round = 1; round <= ROUNDS; round++) {
    const jobs: (() => Promise<Result>)[] = [() => runRedisBench(server.port, server.pid, round), ...THREADS.map((t) => () => runTool(server.port, server.pid, t, round))];
    if (round % 2 === 0) jobs.reverse();
    for (const job of jobs) {
      const r = await job();
      results.push(r);
      log(`round ${round}: ${r.who.padEnd(30)} ${fmt(r.rps, 0).padStart(10)} req/s   redis-server ${fmt(r.serverCores, 2)} cores${r.detail ? `   (${r.detail})` : ""}`);
    }
  }
} finally {
  await server.stop(5000);
}

const whos = ["redis-benchmark", ...THREADS.map((t) => `crucible-benchmark --threads ${t}`)];
const med = (who: string, f: (r: Result) => number) => median(results.filter((r) => r.who === who).map(f));
const base = med("redis-benchmark", (r) => r.rps);
log("");
log(
  table([
    ["client", "req/s (median)", "vs redis-benchmark", "redis-server CPU (cores)", "p50 us", "p99 us"],
    ...whos.map((w) => [w, fmt(med(w, (r) => r.rps), 0), w === "redis-benchmark" ? "1.00x" : fmtRatio(med(w, (r) => r.rps) / base), fmt(med(w, (r) => r.serverCores), 2), fmt(med(w, (r) => r.p50Us ?? NaN), 0), fmt(med(w, (r) => r.p99Us ?? NaN), 0)]),
  ]),
);
const best = THREADS.map((t) => ({ t, rps: med(`crucible-benchmark --threads ${t}`, (r) => r.rps) })).sort((a, b) => b.rps - a.rps)[0]!;
const ratio = best.rps / base;
log(`\nbest: crucible-benchmark --threads ${best.t}: ${fmtRatio(ratio)} redis-benchmark's throughput (target >= ${TARGET}x): ${ratio >= TARGET ? "PASS" : "FAIL"}`);
// Per-round ratios (each round's runs are back to back, so they share the machine's state).
const perRound = Array.from({ length: ROUNDS }, (_, i) => {
  const rb = results.find((r) => r.round === i + 1 && r.who === "redis-benchmark")!.rps;
  const cb = results.find((r) => r.round === i + 1 && r.who === `crucible-benchmark --threads ${best.t}`)!.rps;
  return cb / rb;
});
log(`per round (--threads ${best.t}): ${perRound.map((r) => fmtRatio(r)).join(", ")}`);

if (flags.json) {
  writeFileSync(flags.json, JSON.stringify({ machine, settings: { CONNECTIONS, PIPELINE, KEYS, VALUE_BYTES, DURATION_SECS, REQUESTS }, results, ratio, bestThreads: best.t }, null, 2));
  log(`wrote ${flags.json}`);
}
process.exit(ratio >= TARGET ? 0 : 1);

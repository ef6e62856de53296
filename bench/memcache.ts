/**
 * Memcache comparison (issue 4): Crucible's memcache listener against memcached 1.6
 * (`memcached -t 1`) in the same run, loaded by memaslap (libmemcached-tools' memcaslap):
 * 50 connections, its default 9:1 get/set mix, text and binary protocols, 32-byte and
 * 1 KiB values. Rounds are interleaved with alternating order; each figure is the median.
 * Reports throughput, mean latency and server CPU time per request (from /proc/PID/stat)
 * as crucible/memcached ratios.
 *
 *   bun bench/memcache.ts [--quick] [--rounds N] [--pin] [--json FILE]
 */
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parseArgs } from "node:util";
import { atExit, CLK_TCK, cpuTicks, installCleanup, track } from "./lib/proc.ts";
import { fmt, fmtRatio, machineInfo, median, ratio, table } from "./lib/report.ts";
import { freePort, ROOT, startCrucible } from "./lib/servers.ts";

const { values: flags } = parseArgs({
  args: Bun.argv.slice(2),
  options: {
    quick: { type: "boolean", default: false },
    rounds: { type: "string" },
    pin: { type: "boolean", default: false },
    json: { type: "string" },
    help: { type: "boolean", short: "h", default: false },
  },
  strict: true,
});

if (flags.help) {
  console.log(`usage: bun bench/memcache.ts [options]
  --quick      short smoke run (2 rounds, fewer requests)
  --rounds N   interleaved rounds (default 5, at least 2); the median is reported
  --pin        servers on CPU 1, memaslap on CPU 0 (taskset)
  --json FILE  also write every round's results as JSON`);
  process.exit(0);
}

const ROUNDS = Math.max(2, Number(flags.rounds ?? (flags.quick ? 2 : 5)));
const REQUESTS = flags.quick ? 50_000 : 400_000;
const CONNECTIONS = 50;
const SERVER_CPUS = flags.pin ? "1" : undefined;
const CLIENT_CPUS = flags.pin ? "0" : undefined;
/** Target: Crucible's server CPU per request at most memcached's. */
const TARGET_CPU = 1.0;

type Who = "crucible" | "memcached";
interface Case {
  binary: boolean;
  valueBytes: number;
}
interface Run {
  rps: number;
  latencyUs: number;
  cpuUsPerReq: number;
}

const CASES: Case[] = [
  { binary: false, valueBytes: 32 },
  { binary: true, valueBytes: 32 },
  { binary: false, valueBytes: 1024 },
  { binary: true, valueBytes: 1024 },
];
const caseName = (c: Case) => `${c.binary ? "binary" : "text"} get/set 9:1 -X ${c.valueBytes}`;

function taskset(cpus: string | undefined, cmd: string[]): string[] {
  return cpus === undefined ? cmd : ["taskset", "-c", cpus, ...cmd];
}

async function startMemcached(): Promise<{ pid: number; port: number; stop(): Promise<void> }> {
  const port = freePort();
  const cmd = taskset(SERVER_CPUS, ["memcached", "-p", String(port), "-U", "0", "-l", "127.0.0.1", "-t", "1", "-m", "1024", "-u", "root"]);
  const proc = track(Bun.spawn(cmd, { stdin: "ignore", stdout: "pipe", stderr: "pipe" }));
  const deadline = Date.now() + 10_000;
  for (;;) {
    try {
      const s = await Bun.connect({ hostname: "127.0.0.1", port, socket: { data() {} } });
      s.end();
      break;
    } catch {
      if (Date.now() > deadline || proc.exitCode !== null) throw new Error(`memcached did not start: ${cmd.join(" ")}`);
      await Bun.sleep(25);
    }
  }
  return {
    pid: proc.pid,
    port,
    async stop() {
      proc.kill("SIGTERM");
      await proc.exited;
    },
  };
}

/** One memaslap run; returns its throughput and mean latency, or throws with its output. */
async function memaslap(port: number, c: Case, requests: number): Promise<{ rps: number; latencyUs: number; ops: number }> {
  const cmd = taskset(CLIENT_CPUS, [
    "memcaslap", "-s", `127.0.0.1:${port}`, "-T", "1", "-c", String(CONNECTIONS), "-x", String(requests),
    "-X", String(c.valueBytes), "-S", "3600s", ...(c.binary ? ["-B"] : []),
  ]);
  const proc = track(Bun.spawn(cmd, { stdin: "ignore", stdout: "pipe", stderr: "pipe" }));
  const [out, err] = await Promise.all([new Response(proc.stdout).text(), new Response(proc.stderr).text(), proc.exited]);
  const m = /Run time: [\d.]+s Ops: (\d+) TPS: (\d+)/.exec(out);
  const total = /Total Statistics \(\d+ events\)[\s\S]*?Avg:\s+(\d+)/.exec(out);
  if (!m || proc.exitCode !== 0) throw new Error(`memaslap failed (exit ${proc.exitCode}): ${cmd.join(" ")}\n${out}\n${err}`);
  return { ops: Number(m[1]), rps: Number(m[2]), latencyUs: Number(total?.[1] ?? Number.NaN) };
}

async function measure(pid: number, port: number, c: Case): Promise<Run> {
  const before = cpuTicks(pid);
  const r = await memaslap(port, c, REQUESTS);
  const ticks = cpuTicks(pid) - before;
  return { rps: r.rps, latencyUs: r.latencyUs, cpuUsPerReq: (ticks / CLK_TCK) * 1e6 / r.ops };
}

async function main(): Promise<void> {
  installCleanup();
  const dir = mkdtempSync(join(tmpdir(), "crucible-bench-mc-"));
  atExit(() => rmSync(dir, { recursive: true, force: true }));
  const mcPort = freePort();
  const crucible = await startCrucible({
    dir,
    cpus: SERVER_CPUS,
    extraSets: ["listener.1.protocol=memcache", `listener.1.address=127.0.0.1:${mcPort}`],
  });
  const memcached = await startMemcached();
  const servers: Record<Who, { pid: number; port: number }> = {
    crucible: { pid: crucible.pid, port: mcPort },
    memcached: { pid: memcached.pid, port: memcached.port },
  };
  const info = machineInfo(ROOT);
  console.log(`memcache comparison: ${info.cpuModel}, ${info.nproc} CPUs, ${info.kernel}, bun ${info.bun}, tree ${info.gitCommit}`);
  console.log(`memaslap -T 1 -c ${CONNECTIONS} -x ${REQUESTS}, ${ROUNDS} rounds${flags.pin ? ", servers on CPU 1, memaslap on CPU 0" : ""}\n`);
  const results = new Map<string, Record<Who, Run[]>>();
  for (const c of CASES) {
    // Untimed warm-up of each server (JIT, first segments).
    for (const who of ["crucible", "memcached"] as Who[]) await memaslap(servers[who].port, c, Math.min(REQUESTS, 100_000));
    const runs: Record<Who, Run[]> = { crucible: [], memcached: [] };
    for (let round = 0; round < ROUNDS; round++) {
      const order: Who[] = round % 2 === 0 ? ["crucible", "memcached"] : ["memcached", "crucible"];
      for (const who of order) runs[who].push(await measure(servers[who].pid, servers[who].port, c));
    }
    results.set(caseName(c), runs);
    const m = (who: Who, f: keyof Run) => median(runs[who].map((r) => r[f]));
    console.log(`${caseName(c)}: CPU ratio ${fmtRatio(ratio(m("crucible", "cpuUsPerReq"), m("memcached", "cpuUsPerReq")))}`);
  }
  await Promise.all([crucible.stop(), memcached.stop()]);

  const rows = [["case", "req/s crucible", "req/s memcached", "req/s ratio", "avg µs crucible", "avg µs memcached", "CPU µs/req crucible", "CPU µs/req memcached", "CPU ratio", "target"]];
  for (const [name, runs] of results) {
    const m = (who: Who, f: keyof Run) => median(runs[who].map((r) => r[f]));
    const cpu = ratio(m("crucible", "cpuUsPerReq"), m("memcached", "cpuUsPerReq"));
    rows.push([
      name,
      fmt(m("crucible", "rps"), 0), fmt(m("memcached", "rps"), 0), fmtRatio(ratio(m("crucible", "rps"), m("memcached", "rps"))),
      fmt(m("crucible", "latencyUs"), 0), fmt(m("memcached", "latencyUs"), 0),
      fmt(m("crucible", "cpuUsPerReq")), fmt(m("memcached", "cpuUsPerReq")), fmtRatio(cpu),
      cpu <= TARGET_CPU ? `CPU ≤ ${TARGET_CPU.toFixed(2)}x ok` : `CPU ≤ ${TARGET_CPU.toFixed(2)}x **miss**`,
    ]);
  }
  console.log(`\n${table(rows)}`);
  if (flags.json) writeFileSync(flags.json, JSON.stringify({ info, requests: REQUESTS, rounds: ROUNDS, results: Object.fromEntries(results) }, null, 2));
}

await main();

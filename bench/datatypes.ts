/**
 * Data types benchmark (issue 5): redis-benchmark's LPUSH, LPOP, SADD, HSET, ZADD and
 * LRANGE (first 100 elements) against redis-server 7 and Crucible in one run, interleaved
 * rounds, reporting throughput and server CPU per request as Crucible/Redis ratios.
 * Target: CPU per request at most 1.2x Redis's on each.
 *
 *   bun bench/datatypes.ts [--quick] [--rounds N] [--pin] [--json FILE]
 */
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parseArgs } from "node:util";
import { atExit, installCleanup } from "./lib/proc.ts";
import { type BenchCase, type BenchResult, runRedisBenchmark } from "./lib/redis-benchmark.ts";
import { fmt, fmtRatio, machineInfo, median, ratio, table } from "./lib/report.ts";
import { ROOT, type RunningServer, startCrucible, startRedis } from "./lib/servers.ts";
import { CLIENTS, log } from "./lib/cases.ts";

const { values: flags } = parseArgs({
  args: Bun.argv.slice(2),
  options: {
    quick: { type: "boolean", default: false },
    rounds: { type: "string" },
    pin: { type: "boolean", default: false },
    json: { type: "string" },
  },
  strict: true,
});

const ROUNDS = Math.max(2, Number(flags.rounds ?? (flags.quick ? 2 : 5)));
const REQUESTS = flags.quick ? 20_000 : 200_000;
const TARGET = 1.2;
const SERVER_CPUS = flags.pin ? "1" : undefined;
const CLIENT_CPUS = flags.pin ? "0" : undefined;

/**
 * Each case: pipeline 1, 50 clients, random keys over 100k where the test takes -r. LPOP
 * runs after LPUSH has filled the list; LRANGE reads a 100+ element list LPUSH built.
 */
function cases(): BenchCase[] {
  const base = { clients: CLIENTS, pipeline: 1, keyspace: 100_000, dataSize: 3, requests: REQUESTS };
  return [
    { ...base, test: "lpush" },
    { ...base, test: "lpop" },
    { ...base, test: "sadd" },
    { ...base, test: "hset" },
    { ...base, test: "zadd" },
    { ...base, test: "lrange_100", requests: REQUESTS / 4, command: ["LRANGE", "bench:list", "0", "99"] },
  ];
}

async function prefill(port: number): Promise<void> {
  const elems = Array.from({ length: 150 }, (_, i) => `element-${i}`);
  const proc = Bun.spawn(["redis-cli", "-p", String(port), "RPUSH", "bench:list", ...elems], { stdout: "ignore", stderr: "inherit" });
  await proc.exited;
}

installCleanup();
const dir = mkdtempSync(join(tmpdir(), "crucible-bench-types-"));
atExit(() => rmSync(dir, { recursive: true, force: true }));
const info = machineInfo(ROOT);
log(`data types comparison: ${info.cpuModel}, ${info.nproc} CPUs, ${info.kernel}, bun ${info.bun}, ${info.redisServer}, tree ${info.gitCommit}`);
log(`redis-benchmark -c ${CLIENTS} -P 1 -n ${REQUESTS}, ${ROUNDS} rounds${flags.pin ? ", servers on CPU 1, client on CPU 0" : ""}`);

const crucible = await startCrucible({ dir, cpus: SERVER_CPUS });
const redis = await startRedis({ dir, cpus: SERVER_CPUS });
const servers: RunningServer[] = [crucible, redis];
for (const s of servers) await prefill(s.port);

const results = new Map<string, { crucible: BenchResult[]; redis: BenchResult[] }>();
for (const c of cases()) results.set(c.test, { crucible: [], redis: [] });

for (let round = 0; round < ROUNDS; round++) {
  for (const c of cases()) {
    const order = round % 2 === 0 ? servers : [...servers].reverse();
    for (const s of order) {
      const other = s === crucible ? redis : crucible;
      const r = await runRedisBenchmark({ port: s.port, pid: s.pid, case: c, otherPid: other.pid, cpus: CLIENT_CPUS, timeoutMs: 120_000 });
      r.round = round;
      results.get(c.test)![s.name].push(r);
    }
  }
  log(`round ${round + 1}/${ROUNDS} done`);
}

const rows: string[][] = [["test", "req/s crucible", "req/s redis", "req/s ratio", "CPU µs/req crucible", "CPU µs/req redis", "CPU ratio", "target"]];
let failed = 0;
for (const [test, r] of results) {
  const cps = median(r.crucible.map((x) => x.rps));
  const rps = median(r.redis.map((x) => x.rps));
  const ccpu = median(r.crucible.map((x) => x.cpuUsPerReqNs ?? x.cpuUsPerReq));
  const rcpu = median(r.redis.map((x) => x.cpuUsPerReqNs ?? x.cpuUsPerReq));
  const cpuRatio = ratio(ccpu, rcpu);
  const ok = cpuRatio <= TARGET;
  if (!ok) failed++;
  rows.push([test.toUpperCase(), fmt(cps, 0), fmt(rps, 0), fmtRatio(ratio(cps, rps)), fmt(ccpu), fmt(rcpu), fmtRatio(cpuRatio), `CPU ≤ ${TARGET.toFixed(2)}x ${ok ? "ok" : "MISSED"}`]);
}
log("");
log(table(rows));
if (flags.json) writeFileSync(flags.json, JSON.stringify(Object.fromEntries(results), null, 2));
for (const s of servers) await s.stop();
process.exit(failed > 0 ? 1 : 0);

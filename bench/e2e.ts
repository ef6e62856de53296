/**
 * End-to-end benchmark: redis-benchmark against redis-server 7 and against Crucible in the
 * same run, interleaved, reporting throughput, latency percentiles and server CPU time per
 * request (from /proc/PID/stat) as Crucible/Redis ratios, then resident memory per key at
 * one million keys.
 *
 *   bun bench/e2e.ts [--quick] [--rounds N] [--json FILE] [--pin] [--aa] [--no-memory] [--keys N]
 *
 * On two cores the client (redis-benchmark) is the bottleneck, so throughput mostly tells
 * whether the server keeps up; server CPU per request is the figure to watch.
 */
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parseArgs } from "node:util";
import { atExit, CLK_TCK, installCleanup, rssBytes, threadCount } from "./lib/proc.ts";
import { BenchError, type BenchResult, caseId, runRedisBenchmark } from "./lib/redis-benchmark.ts";
import { fmt, fmtRatio, machineInfo, median, mib, ratio, table } from "./lib/report.ts";
import { command, loadKeys, parseInfo, type Reply } from "./lib/resp.ts";
import { ROOT, type RunningServer, type ServerKind, startCrucible, startRedis } from "./lib/servers.ts";
import { type CaseResults as SharedCaseResults, caseMatrix, CLIENTS, KEYSPACE, log, notes, problem, problems, requestsPerRun } from "./lib/cases.ts";

const { values: flags } = parseArgs({
  args: Bun.argv.slice(2),
  options: {
    quick: { type: "boolean", default: false },
    rounds: { type: "string" },
    json: { type: "string" },
    pin: { type: "boolean", default: false },
    aa: { type: "boolean", default: false },
    "no-memory": { type: "boolean", default: false },
    "no-throughput": { type: "boolean", default: false },
    keys: { type: "string" },
    help: { type: "boolean", short: "h", default: false },
  },
  strict: true,
});

if (flags.help) {
  console.log(`usage: bun bench/e2e.ts [options]
  --quick          short smoke run (2 rounds, small -n, 200k keys for memory)
  --rounds N       rounds of interleaved runs (default 5, at least 2); the median is reported
  --json FILE      also write all results (every round) as JSON
  --pin            pin the servers to CPU 1 and redis-benchmark to CPU 0 (taskset)
  --aa             A/A self-test: run a second redis-server in Crucible's place (measures noise)
  --no-memory      skip the memory phase
  --no-throughput  skip the throughput phase
  --keys N         keys for the memory phase (default 1000000; 200000 with --quick)`);
  process.exit(0);
}

const QUICK = flags.quick;
// The machine is noisy (an A/A run of redis against redis varies by ±10% in CPU/request
// and far more in throughput between rounds), so the full run takes the median of 5.
const ROUNDS = Math.max(2, Number(flags.rounds ?? (QUICK ? 2 : 5)));
const MEMORY_KEYS = Number(flags.keys ?? (QUICK ? 200_000 : 1_000_000));
// -n per pipeline depth: long enough for a few seconds per run and >= ~200 CPU ticks of
// server time at 100 ticks/s; --quick only checks that everything works.
const REQUESTS = requestsPerRun(QUICK);
const SERVER_CPUS = flags.pin ? "1" : undefined;
const CLIENT_CPUS = flags.pin ? "0" : undefined;

// Targets: Crucible/Redis ratios.
const TARGET_CPU: Record<number, number> = { 1: 1.0, 16: 0.85 };
const TARGET_RPS = 1.0;
const TARGET_RSS = 0.7;

const CASES = caseMatrix(QUICK, [32, 1024]);
type CaseResults = SharedCaseResults<ServerKind>;

interface MemoryResult {
  server: ServerKind;
  keys: number;
  rssBeforeBytes: number;
  rssAfterBytes: number;
  bytesPerKey: number;
  /** RSS once it stopped changing (allocators hand freed pages back on a delay). */
  rssSettledBytes: number;
  bytesPerKeySettled: number;
  dbsize: number | null;
  loadMs: number;
  usedMemoryBefore?: number;
  usedMemoryAfter?: number;
  threads: number;
}

installCleanup();
const workDir = mkdtempSync(join(tmpdir(), "crucible-e2e-"));
atExit(() => rmSync(workDir, { recursive: true, force: true }));

async function startBoth(): Promise<Record<ServerKind, RunningServer>> {
  const redis = await startRedis({ dir: workDir, cpus: SERVER_CPUS });
  const crucible = flags.aa ? await startRedis({ dir: workDir, role: "crucible", cpus: SERVER_CPUS }) : await startCrucible({ dir: workDir, cpus: SERVER_CPUS });
  return { redis, crucible };
}

async function stopBoth(servers: Record<ServerKind, RunningServer>): Promise<void> {
  for (const s of [servers.redis, servers.crucible]) {
    const r = await s.stop();
    if (r.forced) problem(`${s.name} (pid ${s.pid}) did not exit within 10 s of SIGTERM; killed. Reproduce: ${s.cmd.join(" ")} then kill -TERM <pid>`);
    else if (r.code !== 0 && r.code !== null) problem(`${s.name} (pid ${s.pid}) exited with code ${r.code} after SIGTERM (${r.ms.toFixed(0)} ms). Log tail:\n${s.log.tail(15)}`);
  }
}

function describe(s: RunningServer): string {
  return `${s.name.padEnd(8)} pid ${s.pid}, port ${s.port}: ${s.cmd.join(" ")}`;
}

function show(r: Reply): string {
  return JSON.stringify(r);
}

/** A functional probe before measuring: SET/GET round trip and the same reply on both. */
async function probe(s: RunningServer): Promise<void> {
  const key = `e2e:probe:${s.name}`;
  const value = "x".repeat(1024);
  const set = await command(s.port, ["SET", key, value]);
  const get = await command(s.port, ["GET", key]);
  const del = await command(s.port, ["DEL", key]);
  if (set !== "+OK" || get !== value || del !== 1) {
    throw new Error(`${s.name} failed the SET/GET/DEL probe: SET -> ${show(set)}, GET -> ${show(get).slice(0, 80)}, DEL -> ${show(del)}`);
  }
}

async function dbsize(s: RunningServer): Promise<number | null> {
  const r = await command(s.port, ["DBSIZE"], 10000);
  return typeof r === "number" ? r : null;
}

async function usedMemory(s: RunningServer): Promise<number | undefined> {
  try {
    const r = await command(s.port, ["INFO", "memory"], 10000);
    if (typeof r !== "string") return undefined;
    const v = Number(parseInfo(r).used_memory);
    return Number.isFinite(v) ? v : undefined;
  } catch {
    return undefined;
  }
}

function checkAlive(servers: Record<ServerKind, RunningServer>, when: string): void {
  for (const s of [servers.redis, servers.crucible]) {
    if (!s.alive()) {
      throw new Error(`${s.name} (pid ${s.pid}) is no longer running (${when}); exit code ${s.proc.exitCode}, signal ${s.proc.signalCode}.\ncommand: ${s.cmd.join(" ")}\n--- last log lines ---\n${s.log.tail(40)}`);
    }
  }
}

async function throughputPhase(results: CaseResults[]): Promise<void> {
  log(`\n== Throughput: ${ROUNDS} rounds, ${CASES.length} cases, redis-benchmark -c ${CLIENTS} -r ${KEYSPACE} (interleaved, order alternating per round)`);
  const servers = await startBoth();
  log(describe(servers.redis));
  log(describe(servers.crucible));
  try {
    for (const s of [servers.redis, servers.crucible]) await probe(s);

    // Warm-up (not recorded): JIT for Crucible, allocator and keyspace for both.
    const warm = QUICK ? 20_000 : 200_000;
    for (const s of [servers.redis, servers.crucible]) {
      for (const test of ["set", "get"] as const) {
        await runRedisBenchmark({
          port: s.port,
          pid: s.pid,
          case: { test, clients: CLIENTS, pipeline: 16, keyspace: KEYSPACE, dataSize: 32, requests: warm },
          cpus: CLIENT_CPUS,
          timeoutMs: 120_000,
        });
      }
    }
    if (!flags.aa && !servers.crucible.log.value.includes(`listening for resp on 127.0.0.1:${servers.crucible.port}`)) {
      notes.push(`crucible answered on port ${servers.crucible.port} but its log has no "listening for resp on 127.0.0.1:${servers.crucible.port}" line`);
    }

    for (let round = 0; round < ROUNDS; round++) {
      const order: ServerKind[] = round % 2 === 0 ? ["redis", "crucible"] : ["crucible", "redis"];
      log(`-- round ${round + 1}/${ROUNDS} (${order.join(" then ")})`);
      for (const [i, c] of CASES.entries()) {
        const entry = (results[i] ??= { case: c, id: caseId(c), runs: { redis: [], crucible: [] }, failed: { redis: 0, crucible: 0 } });
        for (const who of order) {
          const s = servers[who];
          const other = servers[who === "redis" ? "crucible" : "redis"];
          let r: BenchResult;
          try {
            r = await runRedisBenchmark({ port: s.port, pid: s.pid, otherPid: other.pid, case: c, cpus: CLIENT_CPUS, timeoutMs: QUICK ? 60_000 : 300_000 });
          } catch (e) {
            // A failed invocation (error reply, timeout) is reported and the run goes on
            // with the other cases, unless the server is gone.
            if (!(e instanceof BenchError) || !s.alive()) throw e;
            problem(`${who}: ${e.message}\n      ${e.output.trim().split("\n").slice(-5).join("\n      ")}`);
            entry.failed[who]++;
            continue;
          }
          r.round = round;
          entry.runs[who].push(r);
          log(
            `   ${entry.id.padEnd(18)} ${who.padEnd(8)} ${fmt(r.rps).padStart(10)} req/s  p50 ${fmt(r.p50Ms, 3)}  p99 ${fmt(r.p99Ms, 3)} ms  ` +
              `cpu ${fmt(r.cpuUsPerReq, 2)} µs/req (${r.cpuTicks} ticks, ${(r.wallMs / 1000).toFixed(1)} s)`,
          );
          for (const m of r.messages) log(`      redis-benchmark: ${m}`);
          checkAlive(servers, `after ${entry.id} on ${who}`);
        }
      }
    }

    // redis-benchmark draws its -r keys at random, so a key may never have been written; the
    // expected number of missing keys is K * exp(-SETs / K) (0 for the full run). Each server
    // must hold K keys less at most a few standard deviations of that.
    const [dr, dc] = [await dbsize(servers.redis), await dbsize(servers.crucible)];
    const sets = warm + ROUNDS * CASES.filter((c) => c.test === "set").reduce((n, c) => n + c.requests, 0);
    const missing = KEYSPACE * Math.exp(-sets / KEYSPACE);
    const low = Math.floor(KEYSPACE - missing - 4 * Math.sqrt(missing));
    log(`-- DBSIZE after the throughput phase: redis ${dr}, crucible ${dc} (expected ${low === KEYSPACE ? KEYSPACE : `${low}..${KEYSPACE}`} after ${sets.toLocaleString("en-US")} random SETs over ${KEYSPACE} keys)`);
    for (const [who, n] of [["redis", dr], ["crucible", dc]] as const) {
      if (n === null || n < low || n > KEYSPACE) problem(`${who}: DBSIZE ${n} after the throughput phase, expected ${low}..${KEYSPACE} (redis-cli -p ${servers[who].port} DBSIZE)`);
    }
  } finally {
    await stopBoth(servers);
  }
}

async function memoryPhase(mem: MemoryResult[]): Promise<void> {
  log(`\n== Memory: fresh servers, ${MEMORY_KEYS.toLocaleString("en-US")} keys (16-byte keys key:%012d, 32-byte values), pipelined SET over 4 connections`);
  const servers = await startBoth();
  log(describe(servers.redis));
  log(describe(servers.crucible));
  try {
    for (const s of [servers.redis, servers.crucible]) await probe(s);
    // Both baselines settled too, so start-up garbage awaiting its purge is not counted as freed.
    const before: Record<ServerKind, number> = { redis: await settledRss(servers.redis.pid), crucible: await settledRss(servers.crucible.pid) };
    for (const who of ["redis", "crucible"] as const) {
      const s = servers[who];
      const um0 = await usedMemory(s);
      const r = await loadKeys(s.port, { count: MEMORY_KEYS, valueLen: 32, connections: 4, batch: 1000 });
      if (r.errors > 0 || r.unexpected > 0 || r.ok !== MEMORY_KEYS) {
        problem(`${who}: loading ${MEMORY_KEYS} keys: ${r.ok} OK, ${r.errors} errors (first: ${r.firstError}), ${r.unexpected} unexpected replies`);
      }
      // Let the server settle (pending frees, GC) before reading RSS.
      await Bun.sleep(1000);
      checkAlive(servers, `after loading keys into ${who}`);
      const after = rssBytes(s.pid);
      const settled = await settledRss(s.pid);
      const size = await dbsize(s);
      const um1 = await usedMemory(s);
      if (size !== MEMORY_KEYS) problem(`${who}: DBSIZE is ${size} after loading ${MEMORY_KEYS} distinct keys (expected ${MEMORY_KEYS})`);
      const m: MemoryResult = {
        server: who,
        keys: MEMORY_KEYS,
        rssBeforeBytes: before[who],
        rssAfterBytes: after,
        bytesPerKey: (after - before[who]) / MEMORY_KEYS,
        rssSettledBytes: settled,
        bytesPerKeySettled: (settled - before[who]) / MEMORY_KEYS,
        dbsize: size,
        loadMs: r.ms,
        usedMemoryBefore: um0,
        usedMemoryAfter: um1,
        threads: threadCount(s.pid),
      };
      mem.push(m);
      log(
        `   ${who.padEnd(8)} RSS ${mib(m.rssBeforeBytes)} -> ${mib(m.rssAfterBytes)}, DBSIZE ${size}, ` +
          `${fmt(m.bytesPerKey, 1)} bytes/key at 1 s, ${fmt(m.bytesPerKeySettled, 1)} settled, loaded in ${(r.ms / 1000).toFixed(1)} s` +
          (um0 !== undefined && um1 !== undefined ? `, INFO used_memory ${fmt((um1 - um0) / MEMORY_KEYS, 1)} bytes/key` : ""),
      );
    }
  } finally {
    await stopBoth(servers);
  }
}

/**
 * RSS once it holds within 0.5% for a second (10 s at most). Both allocators return freed
 * pages to the OS on a delay (jemalloc's dirty decay in Redis, mimalloc's purge delay in
 * Bun), so a reading right after a load includes memory that is already free.
 */
async function settledRss(pid: number): Promise<number> {
  const deadline = Date.now() + 10_000;
  let last = rssBytes(pid);
  let stableSince = Date.now();
  while (Date.now() < deadline) {
    await Bun.sleep(250);
    const now = rssBytes(pid);
    if (Math.abs(now - last) > last * 0.005) {
      stableSince = Date.now();
      last = now;
    } else if (Date.now() - stableSince >= 1000) {
      return now;
    }
  }
  return rssBytes(pid);
}

function mark(ok: boolean): string {
  return ok ? "ok" : "MISS";
}

function report(results: CaseResults[], mem: MemoryResult[]): object[] {
  const summary: object[] = [];
  const cName = flags.aa ? "redis#2" : "crucible";
  log(`\n== Results (median of ${ROUNDS} rounds per case; ratio = ${cName}/redis; CPU from /proc/PID/stat utime+stime at ${CLK_TCK} ticks/s)`);
  for (const r of results) {
    const med = (who: ServerKind, f: (b: BenchResult) => number | null) => median(r.runs[who].map(f).filter((x): x is number => x !== null));
    // Per-round ratios pair the two runs of one round (adjacent in time); their spread shows
    // how much of a ratio is noise.
    const perRound = (f: (b: BenchResult) => number | null) => {
      const rs: number[] = [];
      for (const b of r.runs.crucible) {
        const a = r.runs.redis.find((x) => x.round === b.round);
        const q = a ? ratio(f(b), f(a)) : NaN;
        if (Number.isFinite(q)) rs.push(q);
      }
      return rs.length ? `${Math.min(...rs).toFixed(2)}-${Math.max(...rs).toFixed(2)}` : "-";
    };
    const row = (label: string, f: (b: BenchResult) => number | null, digits: number, target = "") => {
      const a = med("redis", f);
      const b = med("crucible", f);
      return [label, fmt(a, digits), fmt(b, digits), fmtRatio(ratio(b, a)), perRound(f), target];
    };
    const rpsRatio = ratio(med("crucible", (b) => b.rps), med("redis", (b) => b.rps));
    const cpuRatio = ratio(med("crucible", (b) => b.cpuUsPerReq), med("redis", (b) => b.cpuUsPerReq));
    const tCpu = TARGET_CPU[r.case.pipeline] ?? 1;
    log(`\n${r.id}   (-t ${r.case.test} -c ${r.case.clients} -P ${r.case.pipeline} -r ${r.case.keyspace} -d ${r.case.dataSize} -n ${r.case.requests})`);
    log(
      table([
        ["", "redis", cName, "ratio", "per-round", "target"],
        row("requests/s", (b) => b.rps, 0, `>= ${TARGET_RPS.toFixed(2)}x ${mark(rpsRatio >= TARGET_RPS)}`),
        row("p50 ms", (b) => b.p50Ms, 3),
        row("p99 ms", (b) => b.p99Ms, 3),
        row("server CPU µs/req", (b) => b.cpuUsPerReq, 2, `<= ${tCpu.toFixed(2)}x ${mark(cpuRatio <= tCpu)}`),
        row("  (schedstat µs/req)", (b) => b.cpuUsPerReqNs, 2),
        row("  server CPU ticks", (b) => b.cpuTicks, 0),
      ]),
    );
    if (r.failed.redis + r.failed.crucible > 0) log(`   FAILED invocations: redis ${r.failed.redis}, ${cName} ${r.failed.crucible} (see the !! lines above)`);
    const ticksMin = Math.min(...r.runs.redis.map((b) => b.cpuTicks), ...r.runs.crucible.map((b) => b.cpuTicks));
    if (ticksMin < 200) log(`   note: a run measured only ${ticksMin} ticks; CPU/request resolution is ±1 tick = ±${fmt((1e6 / CLK_TCK) / r.case.requests, 3)} µs/req`);
    summary.push({
      case: r.id,
      redis: { rps: med("redis", (b) => b.rps), p50Ms: med("redis", (b) => b.p50Ms), p99Ms: med("redis", (b) => b.p99Ms), cpuUsPerReq: med("redis", (b) => b.cpuUsPerReq) },
      crucible: { rps: med("crucible", (b) => b.rps), p50Ms: med("crucible", (b) => b.p50Ms), p99Ms: med("crucible", (b) => b.p99Ms), cpuUsPerReq: med("crucible", (b) => b.cpuUsPerReq) },
      rpsRatio,
      cpuRatio,
      targetCpuRatio: tCpu,
    });
  }

  if (results.length > 0) {
    log(`\n== Summary (${cName}/redis)`);
    const rows = [["case", "req/s redis", `req/s ${cName}`, "ratio", "target", "CPU µs/req redis", `CPU ${cName}`, "ratio", "target"]];
    for (const r of results) {
      const rr = (who: ServerKind, f: (b: BenchResult) => number) => median(r.runs[who].map(f));
      const rpsA = rr("redis", (b) => b.rps);
      const rpsB = rr("crucible", (b) => b.rps);
      const cpuA = rr("redis", (b) => b.cpuUsPerReq);
      const cpuB = rr("crucible", (b) => b.cpuUsPerReq);
      const t = TARGET_CPU[r.case.pipeline] ?? 1;
      rows.push([
        r.id,
        fmt(rpsA, 0),
        fmt(rpsB, 0),
        fmtRatio(ratio(rpsB, rpsA)),
        `>=${TARGET_RPS.toFixed(2)}x ${mark(ratio(rpsB, rpsA) >= TARGET_RPS)}`,
        fmt(cpuA, 2),
        fmt(cpuB, 2),
        fmtRatio(ratio(cpuB, cpuA)),
        `<=${t.toFixed(2)}x ${mark(ratio(cpuB, cpuA) <= t)}`,
      ]);
    }
    log(table(rows));
    const idle = (who: ServerKind) => {
      let ticks = 0;
      let ms = 0;
      for (const r of results) {
        for (const b of r.runs[who === "redis" ? "crucible" : "redis"]) {
          ticks += b.otherCpuTicks ?? 0;
          ms += b.wallMs;
        }
      }
      return { ticks, pct: ms > 0 ? ((ticks / CLK_TCK) * 1000 * 100) / ms : 0 };
    };
    const ir = idle("redis");
    const ic = idle("crucible");
    log(`idle server CPU while the other was measured: redis ${ir.ticks} ticks (${ir.pct.toFixed(2)}% of a core), ${cName} ${ic.ticks} ticks (${ic.pct.toFixed(2)}% of a core)`);
  }

  if (mem.length > 0) {
    const a = mem.find((m) => m.server === "redis");
    const b = mem.find((m) => m.server === "crucible");
    const rr = ratio(b?.bytesPerKey, a?.bytesPerKey);
    const rs = ratio(b?.bytesPerKeySettled, a?.bytesPerKeySettled);
    log(`\n== Memory at ${MEMORY_KEYS.toLocaleString("en-US")} keys (RSS after - RSS before) / keys`);
    log(
      table([
        ["", "redis", cName, "ratio", "target"],
        ["RSS before", a ? mib(a.rssBeforeBytes) : "-", b ? mib(b.rssBeforeBytes) : "-", "", ""],
        ["RSS after", a ? mib(a.rssAfterBytes) : "-", b ? mib(b.rssAfterBytes) : "-", "", ""],
        ["DBSIZE", String(a?.dbsize ?? "-"), String(b?.dbsize ?? "-"), "", ""],
        ["RSS settled", a ? mib(a.rssSettledBytes) : "-", b ? mib(b.rssSettledBytes) : "-", "", ""],
        ["bytes/key (RSS at 1 s)", fmt(a?.bytesPerKey, 1), fmt(b?.bytesPerKey, 1), fmtRatio(rr), ""],
        ["bytes/key (RSS settled)", fmt(a?.bytesPerKeySettled, 1), fmt(b?.bytesPerKeySettled, 1), fmtRatio(rs), `<= ${TARGET_RSS.toFixed(2)}x ${mark(rs <= TARGET_RSS)}`],
        [
          "bytes/key (INFO used_memory)",
          a?.usedMemoryAfter !== undefined && a.usedMemoryBefore !== undefined ? fmt((a.usedMemoryAfter - a.usedMemoryBefore) / a.keys, 1) : "-",
          b?.usedMemoryAfter !== undefined && b.usedMemoryBefore !== undefined ? fmt((b.usedMemoryAfter - b.usedMemoryBefore) / b.keys, 1) : "-",
          "",
          "",
        ],
      ]),
    );
  }
  return summary;
}

async function main(): Promise<number> {
  const machine = machineInfo(ROOT);
  log(`Crucible end-to-end benchmark${QUICK ? " (--quick)" : ""}${flags.aa ? " (A/A self-test: redis-server in both roles)" : ""}${flags.pin ? " (pinned: servers CPU 1, client CPU 0)" : ""}`);
  log(`machine: ${machine.nproc} CPUs, ${machine.cpuModel}, ${machine.memTotalGiB} GiB`);
  log(`kernel:  ${machine.kernel}`);
  log(`bun:     ${machine.bun}`);
  log(`redis:   ${machine.redisServer}`);
  log(`client:  ${machine.redisBenchmark}`);
  log(`tree:    ${machine.gitCommit}, CLK_TCK ${machine.clkTck}`);

  const results: CaseResults[] = [];
  const mem: MemoryResult[] = [];
  let failure: Error | undefined;
  const t0 = performance.now();
  try {
    if (!flags["no-throughput"]) await throughputPhase(results);
    if (!flags["no-memory"]) await memoryPhase(mem);
  } catch (e) {
    failure = e as Error;
  }
  const summary = report(results, mem);
  for (const n of notes) log(`note: ${n}`);
  if (failure) {
    log(`\n!! FAILED: ${failure.message}`);
    if (failure instanceof BenchError) log(`--- redis-benchmark output ---\n${failure.output.trim().split("\n").slice(-30).join("\n")}`);
  }
  if (problems.length > 0) log(`\n${problems.length} problem(s) seen; see the lines marked !! above.`);
  log(`\ntotal ${((performance.now() - t0) / 1000).toFixed(0)} s`);

  if (flags.json) {
    writeFileSync(
      flags.json,
      `${JSON.stringify(
        {
          machine,
          config: { quick: QUICK, rounds: ROUNDS, clients: CLIENTS, keyspace: KEYSPACE, requests: REQUESTS, memoryKeys: MEMORY_KEYS, pinned: flags.pin, aa: flags.aa },
          targets: { cpuRatio: TARGET_CPU, rpsRatio: TARGET_RPS, rssRatio: TARGET_RSS },
          summary,
          cases: results,
          memory: mem,
          problems,
          notes,
          failure: failure ? failure.message : null,
        },
        null,
        2,
      )}\n`,
    );
    log(`results written to ${flags.json}`);
  }
  // Missed targets are results, not failures; errors, crashes and wrong DBSIZE are failures.
  return failure || problems.length > 0 ? 1 : 0;
}

// Exit explicitly: the exit handler kills any server still running (e.g. one started before the other failed).
process.exit(await main());

/**
 * Network engine comparison (issue 3): Crucible with io_engine=uring against Crucible with
 * io_engine=bun (Bun.listen) in the same run, interleaved with alternating order, reporting
 * throughput, latency and server CPU time per request (from /proc/PID/stat) as uring/bun
 * ratios.
 *
 *   bun bench/engines.ts [--quick] [--rounds N] [--pin] [--aa] [--no-1k] [--json FILE]
 *
 * Both servers run with the same settings as bench/e2e.ts (cache.heap_size=1GB,
 * cache.hashtable_power=21, metrics on 127.0.0.1:0). If `io_engine=uring` is refused at
 * start-up (exit code 2: an older config schema without that value), the uring server is
 * started with io_engine=auto instead. Which engine really runs is read from `INFO server`
 * (field io_engine) and from the start-up log ("network engine: io_uring", or engine=io_uring
 * on the "listening for resp" line); a run where the uring server is not on io_uring, or the
 * bun one is, stops with an error rather than compare an engine with itself.
 */
import { rmSync, mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parseArgs } from "node:util";
import { atExit, CLK_TCK, installCleanup, threadCount } from "./lib/proc.ts";
import { BenchError, type BenchResult, caseId, runRedisBenchmark } from "./lib/redis-benchmark.ts";
import { fmt, fmtRatio, machineInfo, median, ratio, table } from "./lib/report.ts";
import { command, parseInfo, type Reply } from "./lib/resp.ts";
import { ROOT, type RunningServer, startCrucible } from "./lib/servers.ts";
import { type CaseResults as SharedCaseResults, caseMatrix, CLIENTS, KEYSPACE, log, notes, problem, problems, requestsPerRun } from "./lib/cases.ts";

const { values: flags } = parseArgs({
  args: Bun.argv.slice(2),
  options: {
    quick: { type: "boolean", default: false },
    rounds: { type: "string" },
    json: { type: "string" },
    pin: { type: "boolean", default: false },
    aa: { type: "boolean", default: false },
    "no-1k": { type: "boolean", default: false },
    help: { type: "boolean", short: "h", default: false },
  },
  strict: true,
});

if (flags.help) {
  console.log(`usage: bun bench/engines.ts [options]
  --quick      short smoke run (2 rounds, small -n)
  --rounds N   rounds of interleaved runs (default 5, at least 2); the median is reported
  --pin        pin both servers to CPU 1 and redis-benchmark to CPU 0 (taskset)
  --aa         A/A self-test: a second io_engine=bun server in the uring server's place (noise)
  --no-1k      only 32-byte values (skip the 1 KiB cases)
  --json FILE  also write all results (every round) as JSON`);
  process.exit(0);
}

const QUICK = flags.quick;
const ROUNDS = Math.max(2, Number(flags.rounds ?? (QUICK ? 2 : 5)));
// Same -n as bench/e2e.ts: a few seconds per run and >= ~200 ticks of server CPU at P16.
const REQUESTS = requestsPerRun(QUICK);
const SERVER_CPUS = flags.pin ? "1" : undefined;
const CLIENT_CPUS = flags.pin ? "0" : undefined;

/** Targets, as uring/bun ratios: CPU/request at P1; "no slower" at P16. */
const TARGET_CPU: Record<number, number> = { 1: 0.85, 16: 1.0 };
const TARGET_RPS: Record<number, number | undefined> = { 1: undefined, 16: 1.0 };

/** The two roles: "a" is the uring server (a second bun server with --aa), "b" the bun server. */
type Role = "a" | "b";
const ROLES: Role[] = ["a", "b"];
const NAME: Record<Role, string> = { a: flags.aa ? "bun#2" : "uring", b: "bun" };
const WANT: Record<Role, Engine> = { a: flags.aa ? "bun" : "uring", b: "bun" };
type Engine = "uring" | "bun";

const CASES = caseMatrix(QUICK, flags["no-1k"] ? [32] : [32, 1024]);
type CaseResults = SharedCaseResults<Role>;

interface Started {
  server: RunningServer;
  /** The io_engine setting it was started with. */
  setting: string;
  engine: Engine;
  evidence: string;
}

installCleanup();
const workDir = mkdtempSync(join(tmpdir(), "crucible-engines-"));
atExit(() => rmSync(workDir, { recursive: true, force: true }));

/** Which engine a started server runs, from INFO server and its start-up log. */
async function detectEngine(s: RunningServer): Promise<{ engine: Engine; evidence: string }> {
  // The log is read asynchronously: give the "listening" line a moment to arrive.
  const listening = `listening for resp on 127.0.0.1:${s.port}`;
  const deadline = Date.now() + 5000;
  while (!s.log.value.includes(listening) && Date.now() < deadline) await Bun.sleep(25);
  const text = s.log.value;
  const listenLine = text.split("\n").find((l) => l.includes(listening));
  const logSays: Engine | undefined =
    /network engine: io_uring/.test(text) || (listenLine !== undefined && /engine"?\s*[=:]\s*"?io_uring/.test(listenLine))
      ? "uring"
      : listenLine !== undefined
        ? "bun"
        : undefined;
  let infoField: string | undefined;
  try {
    const r = await command(s.port, ["INFO", "server"], 5000);
    if (typeof r === "string") infoField = parseInfo(r).io_engine?.trim();
  } catch {
    // INFO failing is not fatal here; the log decides
  }
  const infoSays: Engine | undefined = infoField === undefined ? undefined : /uring/i.test(infoField) ? "uring" : "bun";
  const evidence = `INFO io_engine: ${infoField ?? "(absent)"}; log: ${logSays === "uring" ? "io_uring" : logSays === "bun" ? "no engine=io_uring (Bun.listen)" : "(no listening line)"}`;
  if (infoSays !== undefined && logSays !== undefined && infoSays !== logSays) {
    notes.push(`port ${s.port}: INFO server says io_engine:${infoField} but the start-up log says ${logSays === "uring" ? "io_uring" : "Bun.listen"}; taking io_uring`);
  }
  // Either source naming io_uring wins (INFO's field may still be hard-wired to "bun").
  const engine: Engine = infoSays === "uring" || logSays === "uring" ? "uring" : "bun";
  return { engine, evidence };
}

async function startEngine(role: Role): Promise<Started> {
  const want = WANT[role];
  let setting = `io_engine=${want}`;
  let server: RunningServer;
  try {
    server = await startCrucible({ dir: workDir, cpus: SERVER_CPUS, extraSets: [setting] });
  } catch (e) {
    const msg = (e as Error).message;
    // An older config schema rejects io_engine=uring (exit 2); "auto" takes io_uring where it works.
    if (want !== "uring" || !/exited \(code 2\b/.test(msg)) throw e;
    notes.push(`io_engine=uring was refused at start-up (exit 2); started with io_engine=auto. First lines of the refusal: ${msg.split("\n").slice(0, 3).join(" | ")}`);
    log(`   io_engine=uring refused (exit 2); retrying with io_engine=auto`);
    setting = "io_engine=auto";
    server = await startCrucible({ dir: workDir, cpus: SERVER_CPUS, extraSets: [setting] });
  }
  const { engine, evidence } = await detectEngine(server);
  if (engine !== want) {
    await server.stop();
    throw new Error(
      `${NAME[role]}: started with ${setting} but the server runs the ${engine} engine (${evidence}); ` +
        `nothing to compare.\ncommand: ${server.cmd.join(" ")}\n--- last log lines ---\n${server.log.tail(20)}`,
    );
  }
  return { server, setting, engine, evidence };
}

async function startBoth(): Promise<Record<Role, Started>> {
  const a = await startEngine("a");
  try {
    const b = await startEngine("b");
    return { a, b };
  } catch (e) {
    await a.server.stop();
    throw e;
  }
}

async function stopBoth(servers: Record<Role, Started>): Promise<void> {
  for (const role of ROLES) {
    const s = servers[role].server;
    const r = await s.stop();
    if (r.forced) problem(`${NAME[role]} (pid ${s.pid}) did not exit within 10 s of SIGTERM; killed. Reproduce: ${s.cmd.join(" ")} then kill -TERM <pid>`);
    else if (r.code !== 0 && r.code !== null) problem(`${NAME[role]} (pid ${s.pid}) exited with code ${r.code} after SIGTERM (${r.ms.toFixed(0)} ms). Log tail:\n${s.log.tail(15)}`);
  }
}

function show(r: Reply): string {
  return JSON.stringify(r);
}

/** SET/GET/DEL round trip of a 1 KiB value before measuring. */
async function probe(role: Role, s: RunningServer): Promise<void> {
  const key = `engines:probe:${role}`;
  const value = "x".repeat(1024);
  const set = await command(s.port, ["SET", key, value]);
  const get = await command(s.port, ["GET", key]);
  const del = await command(s.port, ["DEL", key]);
  if (set !== "+OK" || get !== value || del !== 1) {
    throw new Error(`${NAME[role]} failed the SET/GET/DEL probe: SET -> ${show(set)}, GET -> ${show(get).slice(0, 80)}, DEL -> ${show(del)}`);
  }
}

function checkAlive(servers: Record<Role, Started>, when: string): void {
  for (const role of ROLES) {
    const s = servers[role].server;
    if (!s.alive()) {
      throw new Error(`${NAME[role]} (pid ${s.pid}) is no longer running (${when}); exit code ${s.proc.exitCode}, signal ${s.proc.signalCode}.\ncommand: ${s.cmd.join(" ")}\n--- last log lines ---\n${s.log.tail(40)}`);
    }
  }
}

async function dbsize(s: RunningServer): Promise<number | null> {
  const r = await command(s.port, ["DBSIZE"], 10000);
  return typeof r === "number" ? r : null;
}

async function run(results: CaseResults[]): Promise<void> {
  log(`\n== ${ROUNDS} rounds, ${CASES.length} cases, redis-benchmark -c ${CLIENTS} -r ${KEYSPACE} (interleaved, order alternating per round)`);
  const servers = await startBoth();
  for (const role of ROLES) {
    const { server: s, setting, engine, evidence } = servers[role];
    log(`${NAME[role].padEnd(6)} pid ${s.pid}, port ${s.port}, ${setting} -> ${engine} (${evidence})`);
    log(`       ${s.cmd.join(" ")}`);
  }
  try {
    for (const role of ROLES) await probe(role, servers[role].server);

    // Warm-up, not recorded: one pass of every case on each server (JIT, buffers, keyspace).
    // SET -P 16 -d 1024 with the full -n writes ~2 GiB, through the whole 1 GiB arena.
    const tw = performance.now();
    for (const role of ROLES) {
      const s = servers[role].server;
      for (const c of CASES) {
        try {
          await runRedisBenchmark({ port: s.port, pid: s.pid, case: c, cpus: CLIENT_CPUS, timeoutMs: QUICK ? 60_000 : 300_000 });
        } catch (e) {
          if (!(e instanceof BenchError) || !s.alive()) throw e;
          problem(`warm-up on ${NAME[role]}: ${e.message}\n      ${e.output.trim().split("\n").slice(-5).join("\n      ")}`);
        }
      }
    }
    checkAlive(servers, "after the warm-up");
    log(`-- warm-up: one pass of every case on each server, ${((performance.now() - tw) / 1000).toFixed(0)} s`);

    for (let round = 0; round < ROUNDS; round++) {
      const order: Role[] = round % 2 === 0 ? ["a", "b"] : ["b", "a"];
      log(`-- round ${round + 1}/${ROUNDS} (${order.map((r) => NAME[r]).join(" then ")})`);
      for (const [i, c] of CASES.entries()) {
        const entry = (results[i] ??= { case: c, id: caseId(c), runs: { a: [], b: [] }, failed: { a: 0, b: 0 } });
        for (const role of order) {
          const s = servers[role].server;
          const other = servers[role === "a" ? "b" : "a"].server;
          let r: BenchResult;
          try {
            r = await runRedisBenchmark({ port: s.port, pid: s.pid, otherPid: other.pid, case: c, cpus: CLIENT_CPUS, timeoutMs: QUICK ? 60_000 : 300_000 });
          } catch (e) {
            if (!(e instanceof BenchError) || !s.alive()) throw e;
            problem(`${NAME[role]}: ${e.message}\n      ${e.output.trim().split("\n").slice(-5).join("\n      ")}`);
            entry.failed[role]++;
            continue;
          }
          r.round = round;
          entry.runs[role].push(r);
          log(
            `   ${entry.id.padEnd(18)} ${NAME[role].padEnd(6)} ${fmt(r.rps).padStart(10)} req/s  p50 ${fmt(r.p50Ms, 3)}  p99 ${fmt(r.p99Ms, 3)} ms  ` +
              `cpu ${fmt(r.cpuUsPerReq, 2)} µs/req (${r.cpuTicks} ticks, ${(r.wallMs / 1000).toFixed(1)} s)`,
          );
          for (const m of r.messages) log(`      redis-benchmark: ${m}`);
          checkAlive(servers, `after ${entry.id} on ${NAME[role]}`);
        }
      }
    }

    // Both must hold (nearly) the whole keyspace after this many random SETs.
    // Per server: the warm-up pass plus ROUNDS measured passes of every SET case.
    const sets = (ROUNDS + 1) * CASES.filter((c) => c.test === "set").reduce((n, c) => n + c.requests, 0);
    const missing = KEYSPACE * Math.exp(-sets / KEYSPACE);
    const low = Math.floor(KEYSPACE - missing - 4 * Math.sqrt(missing));
    const sizes: Record<Role, number | null> = { a: await dbsize(servers.a.server), b: await dbsize(servers.b.server) };
    const threads: Record<Role, number> = { a: threadCount(servers.a.server.pid), b: threadCount(servers.b.server.pid) };
    log(`-- DBSIZE: ${NAME.a} ${sizes.a}, ${NAME.b} ${sizes.b} (expected ${low === KEYSPACE ? KEYSPACE : `${low}..${KEYSPACE}`}); threads: ${NAME.a} ${threads.a}, ${NAME.b} ${threads.b}`);
    for (const role of ROLES) {
      const n = sizes[role];
      if (n === null || n < low || n > KEYSPACE) problem(`${NAME[role]}: DBSIZE ${n} after the run, expected ${low}..${KEYSPACE} (redis-cli -p ${servers[role].server.port} DBSIZE)`);
    }
  } finally {
    await stopBoth(servers);
  }
}

function mark(ok: boolean): string {
  return ok ? "ok" : "MISS";
}

interface Summary {
  case: string;
  pipeline: number;
  a: { rps: number; p50Ms: number; p99Ms: number; cpuUsPerReq: number };
  b: { rps: number; p50Ms: number; p99Ms: number; cpuUsPerReq: number };
  rpsRatio: number;
  cpuRatio: number;
  targetRpsRatio: number | null;
  targetCpuRatio: number;
  rpsOk: boolean | null;
  cpuOk: boolean;
}

function report(results: CaseResults[]): Summary[] {
  const summary: Summary[] = [];
  log(`\n== Results (median of ${ROUNDS} rounds per case; ratio = ${NAME.a}/${NAME.b}; CPU from /proc/PID/stat utime+stime at ${CLK_TCK} ticks/s)`);
  for (const r of results) {
    const med = (role: Role, f: (b: BenchResult) => number | null) => median(r.runs[role].map(f).filter((x): x is number => x !== null));
    const perRound = (f: (b: BenchResult) => number | null) => {
      const rs: number[] = [];
      for (const x of r.runs.a) {
        const y = r.runs.b.find((q) => q.round === x.round);
        const v = y ? ratio(f(x), f(y)) : NaN;
        if (Number.isFinite(v)) rs.push(v);
      }
      return rs.length ? `${Math.min(...rs).toFixed(2)}-${Math.max(...rs).toFixed(2)}` : "-";
    };
    const tRps = TARGET_RPS[r.case.pipeline];
    const tCpu = TARGET_CPU[r.case.pipeline] ?? 1;
    const rpsRatio = ratio(med("a", (b) => b.rps), med("b", (b) => b.rps));
    const cpuRatio = ratio(med("a", (b) => b.cpuUsPerReq), med("b", (b) => b.cpuUsPerReq));
    const row = (label: string, f: (b: BenchResult) => number | null, digits: number, target = "") => [
      label,
      fmt(med("a", f), digits),
      fmt(med("b", f), digits),
      fmtRatio(ratio(med("a", f), med("b", f))),
      perRound(f),
      target,
    ];
    log(`\n${r.id}   (-t ${r.case.test} -c ${r.case.clients} -P ${r.case.pipeline} -r ${r.case.keyspace} -d ${r.case.dataSize} -n ${r.case.requests})`);
    log(
      table([
        ["", NAME.a, NAME.b, "ratio", "per-round", "target"],
        row("requests/s", (b) => b.rps, 0, tRps === undefined ? "" : `>= ${tRps.toFixed(2)}x ${mark(rpsRatio >= tRps)}`),
        row("p50 ms", (b) => b.p50Ms, 3),
        row("p99 ms", (b) => b.p99Ms, 3),
        row("server CPU µs/req", (b) => b.cpuUsPerReq, 2, `<= ${tCpu.toFixed(2)}x ${mark(cpuRatio <= tCpu)}`),
        row("  (schedstat µs/req)", (b) => b.cpuUsPerReqNs, 2),
        row("  server CPU ticks", (b) => b.cpuTicks, 0),
      ]),
    );
    if (r.failed.a + r.failed.b > 0) log(`   FAILED invocations: ${NAME.a} ${r.failed.a}, ${NAME.b} ${r.failed.b} (see the !! lines above)`);
    const ticksMin = Math.min(...r.runs.a.map((b) => b.cpuTicks), ...r.runs.b.map((b) => b.cpuTicks));
    if (ticksMin < 200) log(`   note: a run measured only ${ticksMin} ticks; CPU/request resolution is ±1 tick = ±${fmt(1e6 / CLK_TCK / r.case.requests, 3)} µs/req`);
    const stats = (role: Role) => ({
      rps: med(role, (b) => b.rps),
      p50Ms: med(role, (b) => b.p50Ms),
      p99Ms: med(role, (b) => b.p99Ms),
      cpuUsPerReq: med(role, (b) => b.cpuUsPerReq),
    });
    summary.push({
      case: r.id,
      pipeline: r.case.pipeline,
      a: stats("a"),
      b: stats("b"),
      rpsRatio,
      cpuRatio,
      targetRpsRatio: tRps ?? null,
      targetCpuRatio: tCpu,
      rpsOk: tRps === undefined ? null : rpsRatio >= tRps,
      cpuOk: cpuRatio <= tCpu,
    });
  }

  if (summary.length > 0) {
    const a = NAME.a;
    const b = NAME.b;
    log(`\n== Summary (${a}/${b}; targets: CPU <= ${TARGET_CPU[1]!.toFixed(2)}x at -P 1; at -P 16 no slower: req/s >= ${TARGET_RPS[16]!.toFixed(2)}x and CPU <= ${TARGET_CPU[16]!.toFixed(2)}x)`);
    const rows = [["case", `req/s ${a}`, `req/s ${b}`, "ratio", `p50 ${a}`, `p50 ${b}`, `CPU µs/req ${a}`, `CPU ${b}`, "ratio", "target"]];
    for (const s of summary) rows.push([s.case, fmt(s.a.rps, 0), fmt(s.b.rps, 0), fmtRatio(s.rpsRatio), fmt(s.a.p50Ms, 3), fmt(s.b.p50Ms, 3), fmt(s.a.cpuUsPerReq, 2), fmt(s.b.cpuUsPerReq, 2), fmtRatio(s.cpuRatio), targetText(s, false)]);
    log(table(rows));
    const idle = (role: Role) => {
      // Ticks this server burnt while the other one was measured.
      let ticks = 0;
      let ms = 0;
      for (const r of results) {
        for (const x of r.runs[role === "a" ? "b" : "a"]) {
          ticks += x.otherCpuTicks ?? 0;
          ms += x.wallMs;
        }
      }
      return `${ticks} ticks (${(ms > 0 ? ((ticks / CLK_TCK) * 1000 * 100) / ms : 0).toFixed(2)}% of a core)`;
    };
    log(`idle server CPU while the other was measured: ${a} ${idle("a")}, ${b} ${idle("b")}`);

    log(`\nMarkdown:\n`);
    log(`| case | req/s ${a} | req/s ${b} | req/s ratio | p50 ms ${a} | p50 ms ${b} | CPU µs/req ${a} | CPU µs/req ${b} | CPU ratio | target |`);
    log(`|---|---:|---:|---:|---:|---:|---:|---:|---:|---|`);
    for (const s of summary) {
      log(
        `| ${s.case} | ${fmt(s.a.rps, 0)} | ${fmt(s.b.rps, 0)} | ${fmtRatio(s.rpsRatio)} | ${fmt(s.a.p50Ms, 3)} | ${fmt(s.b.p50Ms, 3)} | ` +
          `${fmt(s.a.cpuUsPerReq, 2)} | ${fmt(s.b.cpuUsPerReq, 2)} | ${fmtRatio(s.cpuRatio)} | ${targetText(s, true)} |`,
      );
    }
  }
  return summary;
}

function targetText(s: Summary, markdown: boolean): string {
  const miss = markdown ? "**miss**" : "MISS";
  const ok = (b: boolean) => (b ? "ok" : miss);
  const le = markdown ? "≤" : "<=";
  const ge = markdown ? "≥" : ">=";
  const cpu = `CPU ${le} ${s.targetCpuRatio.toFixed(2)}x ${ok(s.cpuOk)}`;
  if (s.targetRpsRatio === null) return cpu;
  return `req/s ${ge} ${s.targetRpsRatio.toFixed(2)}x ${ok(s.rpsOk ?? false)}, ${cpu}`;
}

function treeLine(): string {
  const git = (args: string[]) => {
    try {
      return Bun.spawnSync(["git", "-C", ROOT, ...args], { stdout: "pipe", stderr: "ignore" }).stdout.toString().trim();
    } catch {
      return "";
    }
  };
  const head = git(["rev-parse", "--short", "HEAD"]) || "unknown";
  return git(["status", "--porcelain"]) ? `${head} with uncommitted engine work` : head;
}

async function main(): Promise<number> {
  const machine = machineInfo(ROOT);
  const tree = treeLine();
  log(
    `Crucible network engine benchmark${QUICK ? " (--quick)" : ""}${flags.aa ? " (A/A self-test: io_engine=bun in both roles)" : ""}` +
      `${flags.pin ? " (pinned: servers CPU 1, client CPU 0)" : ""}`,
  );
  log(`machine: ${machine.nproc} CPUs, ${machine.cpuModel}, ${machine.memTotalGiB} GiB`);
  log(`kernel:  ${machine.kernel}`);
  log(`bun:     ${machine.bun}`);
  log(`client:  ${machine.redisBenchmark}`);
  log(`tree:    ${tree}, CLK_TCK ${machine.clkTck}`);

  const results: CaseResults[] = [];
  let failure: Error | undefined;
  const t0 = performance.now();
  try {
    await run(results);
  } catch (e) {
    failure = e as Error;
  }
  const summary = report(results);
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
          machine: { ...machine, tree },
          config: { quick: QUICK, rounds: ROUNDS, clients: CLIENTS, keyspace: KEYSPACE, requests: REQUESTS, dataSizes: [...new Set(CASES.map((c) => c.dataSize))], pinned: flags.pin, aa: flags.aa, roles: NAME },
          targets: { cpuRatio: TARGET_CPU, rpsRatio: TARGET_RPS },
          summary,
          cases: results,
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
  // Missed targets are results, not failures; errors, crashes and a wrong DBSIZE are failures.
  return failure || problems.length > 0 ? 1 : 0;
}

// Exit explicitly: the exit handler kills (by PID) any server still running.
process.exit(await main());

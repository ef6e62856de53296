/**
 * One redis-benchmark invocation against one server, with the server's CPU time read from
 * /proc/PID/stat before and after it.
 */
import { CLK_TCK, cpuNs, cpuTicks, isAlive, track } from "./proc.ts";

export interface BenchCase {
  /** A redis-benchmark -t test ("set", "get", "lpush", ...): one per invocation so CPU is attributed per test. */
  test: string;
  /** Instead of -t: this command line (its CSV row is the only one). */
  command?: string[];
  clients: number;
  pipeline: number;
  keyspace: number;
  dataSize: number;
  requests: number;
}

export function caseId(c: BenchCase): string {
  return `${c.test.toUpperCase()} -P ${c.pipeline} -d ${c.dataSize}`;
}

export interface BenchResult {
  rps: number;
  avgMs: number;
  minMs: number;
  p50Ms: number;
  p95Ms: number;
  p99Ms: number;
  maxMs: number;
  /** Server utime+stime over the invocation, in clock ticks. */
  cpuTicks: number;
  /** Server CPU µs per request from the ticks. */
  cpuUsPerReq: number;
  /** The same from per-thread schedstat (ns resolution), when available. */
  cpuUsPerReqNs: number | null;
  wallMs: number;
  /** CPU ticks the *other* server burnt while this one was measured (should be ~0). */
  otherCpuTicks?: number;
  /** Non-CSV output of redis-benchmark (warnings). redis-benchmark 7 exits 1 on the first error reply. */
  messages: string[];
  args: string[];
  /** Round of the interleaved schedule this run belongs to (set by the caller). */
  round?: number;
}

export class BenchError extends Error {
  constructor(
    message: string,
    readonly args: string[],
    readonly output: string,
  ) {
    super(message);
  }
}

/** The redis-benchmark command line for a case (to run, and to print for reproducing). */
export function benchArgs(port: number, c: BenchCase): string[] {
  return [
    "redis-benchmark",
    "-h",
    "127.0.0.1",
    "-p",
    String(port),
    ...(c.command === undefined ? ["-t", c.test] : []),
    "-c",
    String(c.clients),
    "-P",
    String(c.pipeline),
    "-r",
    String(c.keyspace),
    "-d",
    String(c.dataSize),
    "-n",
    String(c.requests),
    "--csv",
    ...(c.command ?? []),
  ];
}

const CSV_HEADER = '"test","rps","avg_latency_ms","min_latency_ms","p50_latency_ms","p95_latency_ms","p99_latency_ms","max_latency_ms"';

export async function runRedisBenchmark(opts: {
  port: number;
  pid: number;
  case: BenchCase;
  /** PID of the server not under test, to check that it stays idle. */
  otherPid?: number;
  /** taskset CPU list for redis-benchmark itself. */
  cpus?: string;
  timeoutMs: number;
}): Promise<BenchResult> {
  const args = benchArgs(opts.port, opts.case);
  const cmd = opts.cpus === undefined ? args : ["taskset", "-c", opts.cpus, ...args];
  const ticks0 = cpuTicks(opts.pid);
  const ns0 = cpuNs(opts.pid);
  const other0 = opts.otherPid !== undefined && isAlive(opts.otherPid) ? cpuTicks(opts.otherPid) : undefined;
  const t0 = performance.now();
  const proc = track(Bun.spawn(cmd, { stdin: "ignore", stdout: "pipe", stderr: "pipe" }));
  let timedOut = false;
  const timer = setTimeout(() => {
    timedOut = true;
    proc.kill("SIGKILL");
  }, opts.timeoutMs);
  const [stdout, stderr, code] = await Promise.all([new Response(proc.stdout).text(), new Response(proc.stderr).text(), proc.exited]);
  clearTimeout(timer);
  const wallMs = performance.now() - t0;
  const serverAlive = isAlive(opts.pid);
  const ticks1 = serverAlive ? cpuTicks(opts.pid) : ticks0;
  const ns1 = serverAlive ? cpuNs(opts.pid) : null;
  const other1 = other0 !== undefined && opts.otherPid !== undefined && isAlive(opts.otherPid) ? cpuTicks(opts.otherPid) : undefined;
  const output = `${stdout}${stderr ? `\n[stderr]\n${stderr}` : ""}`;
  const repro = args.join(" ");

  if (!serverAlive) throw new BenchError(`server (pid ${opts.pid}) died during: ${repro}`, args, output);
  if (timedOut) throw new BenchError(`redis-benchmark did not finish in ${opts.timeoutMs} ms: ${repro}`, args, output);
  if (code !== 0) throw new BenchError(`redis-benchmark exited with ${code}: ${repro}`, args, output);

  const messages: string[] = [];
  let row: string[] | undefined;
  for (const raw of `${stdout}\n${stderr}`.split(/\r?\n|\r/)) {
    const line = raw.trim();
    if (!line) continue;
    if (line === CSV_HEADER) continue;
    if (line.startsWith('"')) {
      const cells = line.split(",").map((s) => s.replace(/^"|"$/g, ""));
      if (opts.case.command !== undefined || cells[0]?.toUpperCase() === opts.case.test.toUpperCase()) row = cells;
      else messages.push(line);
    } else {
      messages.push(line);
    }
  }
  if (!row || row.length < 8) throw new BenchError(`no CSV result row for ${opts.case.test.toUpperCase()} in redis-benchmark output: ${repro}`, args, output);
  const num = (i: number) => {
    const v = Number(row![i]);
    if (!Number.isFinite(v)) throw new BenchError(`bad number ${JSON.stringify(row![i])} in CSV column ${i}: ${repro}`, args, output);
    return v;
  };
  const ticks = ticks1 - ticks0;
  return {
    rps: num(1),
    avgMs: num(2),
    minMs: num(3),
    p50Ms: num(4),
    p95Ms: num(5),
    p99Ms: num(6),
    maxMs: num(7),
    cpuTicks: ticks,
    cpuUsPerReq: ((ticks / CLK_TCK) * 1e6) / opts.case.requests,
    cpuUsPerReqNs: ns0 !== null && ns1 !== null ? (ns1 - ns0) / 1e3 / opts.case.requests : null,
    wallMs,
    otherCpuTicks: other0 !== undefined && other1 !== undefined ? other1 - other0 : undefined,
    messages,
    args,
  };
}

// The main thread of a run: checks that every endpoint answers, starts the Workers, gives
// them one start time, merges their per-second counters and histograms into one
// SecondRecord per second and a whole-run histogram (warm-up seconds left out), and builds
// the RunSummary.
import { Worker } from "node:worker_threads";
import { decodeFromCompressedBase64, type Histogram } from "hdr-histogram-js";
import type { BenchConfig, Endpoint } from "./config.ts";
import { type ConnSpec, describeConnectError, newHistogram, type MainMessage, type WorkerMessage, type WorkerSetup } from "./load.ts";
import type { RunSummary, SecondRecord } from "./record.ts";

/** A run that could not be done (an endpoint unreachable, a Worker failed): exit code 1. */
export class RunError extends Error {
  readonly exitCode = 1;
  constructor(message: string) {
    super(message);
    this.name = "RunError";
  }
}

export interface RunHooks {
  /** Each second as soon as every Worker has reported it. */
  onSecond?: (row: SecondRecord) => void;
  /** Progress and warnings for people (stderr). */
  onNote?: (text: string) => void;
}

export interface RunResult {
  rows: SecondRecord[];
  summary: RunSummary;
  /** The first error reply or connection problem seen, for the operator. */
  firstError: string | null;
  prefillErrors: number;
  disconnects: number;
  timeouts: number;
}

export function endpointText(e: Endpoint): string {
  return e.host.includes(":") ? `[${e.host}]:${e.port}` : `${e.host}:${e.port}`;
}

/** Open and close one connection to each endpoint; throws RunError naming the one that fails. */
export async function checkEndpoints(endpoints: Endpoint[], timeoutMs: number): Promise<void> {
  for (const ep of endpoints) {
    let timer: ReturnType<typeof setTimeout> | undefined;
    const connecting = Bun.connect({ hostname: ep.host, port: ep.port, socket: { data() {}, error() {} } });
    const timeout = new Promise<"timeout">((resolve) => (timer = setTimeout(() => resolve("timeout"), timeoutMs)));
    try {
      const won = await Promise.race([connecting, timeout]);
      if (won === "timeout") {
        connecting.then((s) => s.terminate(), () => {});
        throw new RunError(`cannot connect to ${endpointText(ep)}: no connection within connect_timeout (${timeoutMs} ms)`);
      }
      won.end();
    } catch (e) {
      if (e instanceof RunError) throw e;
      throw new RunError(`cannot connect to ${endpointText(ep)}: ${describeConnectError(e)}`);
    } finally {
      clearTimeout(timer);
    }
  }
}

/** Connection i goes to Worker i % threads and endpoint i % endpoints. */
export function planWorkers(cfg: BenchConfig, seed: number): WorkerSetup[] {
  const threads = cfg.general.threads;
  const eps = cfg.target.endpoints;
  const setups: WorkerSetup[] = [];
  const count = cfg.workload.keyspace.count;
  for (let w = 0; w < threads; w++) {
    const conns: ConnSpec[] = [];
    for (let i = w; i < cfg.connection.connections; i += threads) {
      const ep = eps[i % eps.length]!;
      conns.push({ host: ep.host, port: ep.port, id: i });
    }
    const prefill = cfg.workload.prefill;
    setups.push({
      config: cfg,
      index: w,
      conns,
      seed: (seed + Math.imul(w + 1, 0x9e3779b1)) >>> 0,
      prefillFrom: prefill ? Math.floor((count * w) / threads) : 0,
      prefillTo: prefill ? Math.floor((count * (w + 1)) / threads) : 0,
    });
  }
  return setups;
}

function percentiles(h: Histogram): { p50: number; p90: number; p99: number; p999: number; max: number } {
  if (h.totalCount === 0) return { p50: 0, p90: 0, p99: 0, p999: 0, max: 0 };
  return {
    p50: h.getValueAtPercentile(50),
    p90: h.getValueAtPercentile(90),
    p99: h.getValueAtPercentile(99),
    p999: h.getValueAtPercentile(99.9),
    max: h.maxValue,
  };
}

interface Pending {
  reports: number;
  elapsedMs: number;
  requests: number;
  errors: number;
  hits: number;
  misses: number;
  bytesSent: number;
  bytesReceived: number;
  connectionsOpen: number;
  connectFailures: number;
  disconnects: number;
  timeouts: number;
  hist: Histogram;
}

/** A run in progress; `stop()` ends it early (the seconds so far are kept). */
export class Run {
  private workers: Worker[] = [];
  private stopped = false;

  constructor(
    private readonly cfg: BenchConfig,
    private readonly hooks: RunHooks = {},
  ) {}

  stop(): void {
    if (this.stopped) return;
    this.stopped = true;
    for (const w of this.workers) w.postMessage({ type: "stop" } satisfies MainMessage);
  }

  async run(): Promise<RunResult> {
    const cfg = this.cfg;
    const note = this.hooks.onNote ?? (() => {});
    await checkEndpoints(cfg.target.endpoints, cfg.connection.connectTimeoutMs);
    const setups = planWorkers(cfg, (Math.random() * 2 ** 32) >>> 0);
    const threads = setups.length;
    const rows: SecondRecord[] = [];
    const pending = new Map<number, Pending>();
    const runHist = newHistogram();
    let nextSecond = 0;
    let firstError: string | null = null;
    let prefillErrors = 0;
    let disconnects = 0;
    let timeouts = 0;
    let startWallMs = 0;
    let measuredMs = 0;

    const finalize = (second: number, p: Pending) => {
      const warmup = second < cfg.general.warmupSecs;
      const pct = percentiles(p.hist);
      const row: SecondRecord = {
        second,
        timestampMs: Math.round(startWallMs + second * 1000 + p.elapsedMs),
        warmup,
        requests: p.requests,
        throughputRps: p.elapsedMs > 0 ? (p.requests * 1000) / p.elapsedMs : 0,
        errors: p.errors,
        hits: p.hits,
        misses: p.misses,
        bytesSent: p.bytesSent,
        bytesReceived: p.bytesReceived,
        p50Us: pct.p50,
        p90Us: pct.p90,
        p99Us: pct.p99,
        p999Us: pct.p999,
        maxUs: pct.max,
        connectionsOpen: p.connectionsOpen,
        connectFailures: p.connectFailures,
      };
      if (!warmup) measuredMs += p.elapsedMs;
      disconnects += warmup ? 0 : p.disconnects;
      timeouts += warmup ? 0 : p.timeouts;
      if (!warmup) runHist.add(p.hist);
      rows.push(row);
      this.hooks.onSecond?.(row);
    };

    const flushComplete = (all: boolean) => {
      for (;;) {
        const p = pending.get(nextSecond);
        if (!p || (p.reports < threads && !all)) break;
        pending.delete(nextSecond);
        finalize(nextSecond, p);
        nextSecond++;
      }
    };

    const onSecond = (m: Extract<WorkerMessage, { type: "second" }>) => {
      let p = pending.get(m.second);
      if (!p) {
        p = { reports: 0, elapsedMs: 0, requests: 0, errors: 0, hits: 0, misses: 0, bytesSent: 0, bytesReceived: 0, connectionsOpen: 0, connectFailures: 0, disconnects: 0, timeouts: 0, hist: newHistogram() };
        pending.set(m.second, p);
      }
      p.reports++;
      p.elapsedMs = Math.max(p.elapsedMs, m.elapsedMs);
      p.requests += m.requests;
      p.errors += m.errors;
      p.hits += m.hits;
      p.misses += m.misses;
      p.bytesSent += m.bytesSent;
      p.bytesReceived += m.bytesReceived;
      p.connectionsOpen += m.connectionsOpen;
      p.connectFailures += m.connectFailures;
      p.disconnects += m.disconnects;
      p.timeouts += m.timeouts;
      if (m.histogram !== "") p.hist.add(decodeFromCompressedBase64(m.histogram, 32, false));
      flushComplete(false);
    };

    // Start the Workers; each connects and prefills, then says "ready".
    if (cfg.workload.prefill) note(`prefilling ${cfg.workload.keyspace.count} keys`);
    let readyCount = 0;
    let doneCount = 0;
    let failure: Error | null = null;
    let wake: (() => void) | null = null;
    const poke = () => {
      const w = wake;
      wake = null;
      w?.();
    };
    const until = (cond: () => boolean) =>
      new Promise<void>((resolve, reject) => {
        const check = () => {
          if (failure) reject(failure);
          else if (cond()) resolve();
          else wake = check;
        };
        check();
      });
    const failWith = (e: Error) => {
      failure ??= e;
      poke();
    };
    for (const setup of setups) {
      const worker = new Worker(new URL("./worker.ts", import.meta.url), { workerData: setup });
      this.workers.push(worker);
      worker.on("message", (m: WorkerMessage) => {
        switch (m.type) {
          case "ready":
            prefillErrors += m.prefillErrors;
            firstError ??= m.firstError;
            readyCount++;
            break;
          case "second":
            onSecond(m);
            break;
          case "done":
            firstError ??= m.firstError;
            doneCount++;
            break;
          case "fatal":
            failWith(new RunError(m.message));
            break;
        }
        poke();
      });
      worker.on("error", (e: Error) => failWith(new RunError(`a load thread failed: ${e.message}`)));
      worker.on("exit", (code) => {
        if (doneCount < threads) failWith(new RunError(`a load thread exited (code ${code}) before the run was over`));
      });
    }
    const terminate = async () => {
      const workers = this.workers;
      this.workers = [];
      doneCount = threads; // exits from here on are expected
      await Promise.all(workers.map((w) => w.terminate().catch(() => 0)));
    };
    try {
      await until(() => readyCount === threads);
      if (prefillErrors > 0) note(`prefill: ${prefillErrors} writes failed${firstError ? ` (first: ${firstError})` : ""}`);
      if (this.stopped) throw new RunError("stopped before the run started");
      startWallMs = Date.now() + 20;
      for (const w of this.workers) w.postMessage({ type: "start", startWallMs } satisfies MainMessage);
      await until(() => doneCount === threads);
    } finally {
      await terminate();
    }
    flushComplete(true);

    const measured = rows.filter((r) => !r.warmup);
    const requests = measured.reduce((n, r) => n + r.requests, 0);
    const errors = measured.reduce((n, r) => n + r.errors, 0);
    const hits = measured.reduce((n, r) => n + r.hits, 0);
    const misses = measured.reduce((n, r) => n + r.misses, 0);
    const durationSecs = measuredMs / 1000;
    const pct = percentiles(runHist);
    const summary: RunSummary = {
      durationSecs,
      requests,
      throughput_rps: durationSecs > 0 ? requests / durationSecs : 0,
      latency_us: pct,
      errors,
      hit_rate: hits + misses > 0 ? hits / (hits + misses) : null,
      config: cfg.toml,
      disconnects,
    };
    return { rows, summary, firstError, prefillErrors, disconnects, timeouts };
  }
}

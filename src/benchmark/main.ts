#!/usr/bin/env bun
// crucible-benchmark: the load generator operators validate a deployment with.
//
//   crucible-benchmark CONFIG.toml [--format text|json] [--parquet FILE]
//                      [--duration D] [--warmup D] [--threads N] [--connections N] [--rate-limit N]
//   crucible-benchmark view FILE [FILE2] [--port N]
//   crucible-benchmark --version
//
// Text output: a line per second (rewritten in place on a terminal) and a summary on stdout;
// notes on stderr. `--format json`: exactly one JSON object (the RunSummary) on stdout, the
// per-second lines on stderr.
//
// Exit codes: 0 ok; 1 the run could not be done (an endpoint unreachable, a load thread
// failed, the Parquet file not written) or `view` could not serve its files; 2 a
// configuration or usage error.

import { type CommandDef, defineCommand, renderUsage, runCommand } from "citty";
import pkg from "../../package.json" with { type: "json" };
import { BenchConfigError, loadConfig, type Overrides } from "./config.ts";
import type { RunSummary, SecondRecord } from "./record.ts";
import { planLine, secondLine, summaryText } from "./report.ts";
import { Run, RunError } from "./runner.ts";

export const VERSION: string = pkg.version;

/** Where a run writes; tests hand in their own. */
export interface MainDeps {
  stdout?: (text: string) => void;
  stderr?: (text: string) => void;
  stdoutIsTTY?: boolean;
  stderrIsTTY?: boolean;
  /** SIGINT handling (the process's by default); returns a function that removes it. */
  onInterrupt?: (handler: () => void) => () => void;
}

class UsageError extends Error {
  readonly exitCode = 2;
}

interface Ctx {
  stdout: (text: string) => void;
  stderr: (text: string) => void;
  stdoutIsTTY: boolean;
  stderrIsTTY: boolean;
  onInterrupt: (handler: () => void) => () => void;
  exitCode: number;
}

let ctx: Ctx;

const runArgs = {
  config: { type: "positional", required: false, description: "Benchmark configuration (TOML)", valueHint: "CONFIG.toml" },
  format: { type: "string", description: 'Output: "text" (default) or "json" (the summary as one JSON object on stdout)', valueHint: "text|json" },
  parquet: { type: "string", description: "Also write one row per second and the summary to this Parquet file", valueHint: "FILE" },
  duration: { type: "string", description: "Override [general] duration (e.g. 10s)", valueHint: "D" },
  warmup: { type: "string", description: "Override [general] warmup (e.g. 2s)", valueHint: "D" },
  threads: { type: "string", description: "Override [general] threads", valueHint: "N" },
  connections: { type: "string", description: "Override [connection] connections", valueHint: "N" },
  "rate-limit": { type: "string", description: "Override [workload] rate_limit (0 = closed loop)", valueHint: "N" },
} as const;
const runOptions = ["format", "parquet", "duration", "warmup", "threads", "connections", "rate-limit"];

const runCommandDef = defineCommand({
  meta: { name: "crucible-benchmark", version: VERSION, description: "Load generator for Crucible, Redis and memcached" },
  args: runArgs,
  async run({ args }) {
    const a = args as { config?: string; format?: string; parquet?: string; duration?: string; warmup?: string; threads?: string; connections?: string; "rate-limit"?: string };
    if (!a.config) throw new UsageError("Name a configuration file: crucible-benchmark CONFIG.toml (see benchmark/config/redis.toml)");
    const format = a.format ?? "text";
    if (format !== "text" && format !== "json") throw new UsageError(`Invalid value for --format: ${JSON.stringify(format)}: expected "text" or "json"`);
    if (a.parquet !== undefined && a.parquet.trim() === "") throw new UsageError("--parquet needs a file name");
    const overrides: Overrides = { duration: a.duration, warmup: a.warmup, threads: a.threads, connections: a.connections, rateLimit: a["rate-limit"] };
    const cfg = loadConfig(a.config, overrides);
    if (cfg.general.cpuList !== "" && process.env[PINNED_ENV] !== cfg.general.cpuList) {
      process.exit(await rerunPinned(cfg.general.cpuList));
    }
    await benchmark(cfg, format, a.parquet);
  },
});

/** Set in the re-run process: its CPUs are already confined to this cpu_list. */
const PINNED_ENV = "CRUCIBLE_BENCHMARK_PINNED";

/**
 * cpu_list: run this same command again under `taskset -c LIST`, so the process and every
 * load thread it starts stay on those CPUs (src/benchmark does not reach the native shim's
 * per-thread affinity). Returns the re-run's exit code.
 */
async function rerunPinned(cpuList: string): Promise<number> {
  const taskset = Bun.which("taskset");
  if (taskset === null) throw new UsageError(`cpu_list = "${cpuList}" needs taskset (Debian: apt install util-linux)`);
  // A compiled binary's argv[1] is its embedded entry point, not a file to run again.
  const compiled = (process.argv[1] ?? "").startsWith("/$bunfs/");
  const args = compiled ? process.argv.slice(2) : process.argv.slice(1);
  ctx.stderr(`cpu_list = "${cpuList}": running under taskset -c ${cpuList}\n`);
  const child = Bun.spawn([taskset, "-c", cpuList, process.execPath, ...args], {
    stdio: ["inherit", "inherit", "inherit"],
    env: { ...process.env, [PINNED_ENV]: cpuList },
  });
  const forward = () => child.kill("SIGINT");
  process.on("SIGINT", forward);
  const code = await child.exited;
  process.off("SIGINT", forward);
  return code;
}

async function benchmark(cfg: ReturnType<typeof loadConfig>, format: "text" | "json", parquetPath: string | undefined): Promise<void> {
  const json = format === "json";
  // Per-second lines: stdout for text, stderr for json (stdout carries only the JSON).
  const lineOut = json ? ctx.stderr : ctx.stdout;
  const live = json ? ctx.stderrIsTTY : ctx.stdoutIsTTY;
  let liveLine = false;
  const note = (text: string) => {
    if (liveLine) {
      lineOut("\n");
      liveLine = false;
    }
    ctx.stderr(`${text}\n`);
  };
  note(planLine(cfg));
  const run = new Run(cfg, {
    onNote: note,
    onSecond: (row: SecondRecord) => {
      if (live) {
        lineOut(`\r\x1b[2K${secondLine(row)}`);
        liveLine = true;
      } else lineOut(`${secondLine(row)}\n`);
    },
  });
  let interrupts = 0;
  const removeInterrupt = ctx.onInterrupt(() => {
    interrupts++;
    if (interrupts === 1) {
      note("interrupted: stopping now; the seconds so far make the summary (Ctrl-C again to quit at once)");
      run.stop();
    } else process.exit(130);
  });
  let result;
  try {
    result = await run.run();
  } finally {
    removeInterrupt();
  }
  if (liveLine) lineOut("\n");
  const { rows, summary } = result;
  if (parquetPath !== undefined) {
    try {
      const { writeParquet } = await import("./parquet.ts");
      await writeParquet(parquetPath, rows, summary);
      ctx.stderr(`wrote ${rows.length} seconds to ${parquetPath}\n`);
    } catch (e) {
      throw new RunError(`cannot write ${parquetPath}: ${(e as Error).message}`);
    }
  }
  if (json) ctx.stdout(`${JSON.stringify(summary satisfies RunSummary)}\n`);
  else ctx.stdout(summaryText(summary, { timeouts: result.timeouts, firstError: result.firstError }));
}

const viewCommandDef = defineCommand({
  meta: { name: "view", description: "Serve a web page charting one run, or two side by side, from files written with --parquet" },
  args: {
    files: { type: "positional", required: false, description: "Parquet files (one, or two to compare)", valueHint: "FILE [FILE2]" },
    port: { type: "string", description: "Port to listen on (default 8787; 0 picks a free one)", valueHint: "N" },
  },
  async run({ args }) {
    const files = (args._ as string[]).filter((f) => f !== "");
    const portText = args.port as string | undefined;
    let port: number | undefined;
    if (portText !== undefined) {
      if (!/^\d{1,5}$/.test(portText.trim()) || Number(portText) > 65535) throw new UsageError(`Invalid value for --port: ${JSON.stringify(portText)}: expected a port from 0 to 65535`);
      port = Number(portText);
    }
    if (files.length === 0) throw new UsageError("view: name a Parquet file written by crucible-benchmark --parquet (view FILE [FILE2])");
    const view = await import("./view/index.ts");
    if (files.length > view.MAX_VIEW_FILES) throw new UsageError(`view: at most ${view.MAX_VIEW_FILES} files (view FILE [FILE2]), got ${files.length}`);
    try {
      const { url } = await view.runView(files, { port });
      ctx.stderr(`view: serving ${files.join(" and ")} on ${url} (Ctrl-C to stop)\n`);
      ctx.stdout(`${url}\n`);
    } catch (e) {
      if (view.isViewUserError(e)) throw new RunError((e as Error).message);
      throw e;
    }
    // The server keeps the process alive until it is interrupted.
    await new Promise<void>(() => {});
  },
});

/** The option names (and whether each takes a value) a command accepts. */
function checkOptions(argv: string[], valued: string[], flags: string[]): void {
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    if (arg === "--") break;
    if (!arg.startsWith("-") || arg === "-") continue;
    const name = arg.replace(/^--?/, "").split("=")[0]!;
    if (flags.includes(name)) continue;
    if (!valued.includes(name)) throw new UsageError(`Unknown option ${arg.split("=")[0]}`);
    if (!arg.includes("=")) {
      if (argv[i + 1] === undefined) throw new UsageError(`${arg} needs a value`);
      i++;
    }
  }
}

/** Print an error the way operators see it; returns the exit code. */
function reportError(e: unknown): number {
  if (e instanceof BenchConfigError || e instanceof UsageError) {
    ctx.stderr(`Error: ${e.message}\n`);
    if (e instanceof UsageError) ctx.stderr("Run crucible-benchmark --help for usage.\n");
    return 2;
  }
  if (e instanceof RunError) {
    ctx.stderr(`Error: ${e.message}\n`);
    return 1;
  }
  ctx.stderr(`Error: ${(e as Error)?.stack ?? String(e)}\n`);
  return 1;
}

/** Run the command line; resolves to the exit code. */
export async function main(argv: string[], deps: MainDeps = {}): Promise<number> {
  ctx = {
    stdout: deps.stdout ?? ((t) => void process.stdout.write(t)),
    stderr: deps.stderr ?? ((t) => void process.stderr.write(t)),
    stdoutIsTTY: deps.stdoutIsTTY ?? Boolean(process.stdout.isTTY),
    stderrIsTTY: deps.stderrIsTTY ?? Boolean(process.stderr.isTTY),
    onInterrupt:
      deps.onInterrupt ??
      ((handler) => {
        process.on("SIGINT", handler);
        return () => void process.off("SIGINT", handler);
      }),
    exitCode: 0,
  };
  try {
    const isView = argv[0] === "view";
    const def = (isView ? viewCommandDef : runCommandDef) as CommandDef<any>;
    const rawArgs = isView ? argv.slice(1) : argv;
    if (rawArgs.includes("--help") || rawArgs.includes("-h")) {
      const usage = isView ? await renderUsage(viewCommandDef as CommandDef<any>, runCommandDef as CommandDef<any>) : await renderUsage(defineCommand({ ...runCommandDef, subCommands: { view: viewCommandDef } }));
      ctx.stdout(`${usage}\n`);
      return 0;
    }
    if (!isView && (rawArgs.includes("--version") || rawArgs.includes("-V"))) {
      ctx.stdout(`crucible-benchmark ${VERSION} (bun ${Bun.version})\n`);
      return 0;
    }
    if (isView) checkOptions(rawArgs, ["port", "p"], []);
    else checkOptions(rawArgs, runOptions, []);
    const positionals = rawArgs.filter((a, i) => !a.startsWith("-") && !(i > 0 && /^--?[a-z-]+$/.test(rawArgs[i - 1]!) && !rawArgs[i - 1]!.includes("=")));
    if (!isView && positionals.length > 1) throw new UsageError(`Unexpected argument ${positionals[1]}: give one configuration file`);
    const normalized = rawArgs.map((a) => (a === "-p" ? "--port" : a));
    await runCommand(def, { rawArgs: normalized });
    return ctx.exitCode;
  } catch (e) {
    return reportError(e);
  }
}

if (import.meta.main) {
  // A finished run leaves nothing running and ends by itself: process.exit could cut short
  // what a pipe on stdout has not taken yet. A failure exits at once (a connect that timed
  // out may still be pending in the kernel).
  const code = await main(process.argv.slice(2));
  if (code !== 0) process.exit(code);
  process.exitCode = 0;
}

#!/usr/bin/env bun
// crucible-server: the composition root. Parses the command line (citty), loads the
// configuration, sets up logging, and starts the admin endpoint and the server.
//
//   crucible-server [CONFIG] [--bind HOST] [--port N] [--set section.key=value]...
//                   [--dump-config] [--test-config]
//   crucible-server init [--output FILE] [--force]
//   crucible-server doctor [CONFIG] [--set ...]
//   crucible-server diagnostics [--output DIR] [--host HOST] [--port N] [--config FILE] [--metrics HOST:PORT]
//   crucible-server version | --version
//
// Exit codes: 0 ok; 1 doctor found a problem, diagnostics could not reach the server, or an
// unexpected failure; 2 configuration, usage or start-up error (bad config, address in use,
// log file not writable).

import { existsSync, writeFileSync } from "node:fs";
import { resolve } from "node:path";
import { type CommandDef, defineCommand, renderUsage, runCommand } from "citty";
import pkg from "../../package.json" with { type: "json" };
import {
  applyListenFlags,
  builtInDefaults,
  type Config,
  parseAddress,
  ConfigError,
  configTemplate,
  configToToml,
  defaultConfig,
  loadConfig,
  type LoadResult,
} from "../config/index.ts";
import { type OptionSpec, preprocess, UsageError } from "./args.ts";
import { formatChecks, nativeFacts, reservedFds, runChecks } from "./doctor.ts";
import { collectDiagnostics, DiagnosticsError, type Target } from "./diagnostics.ts";
import { createProcessLogger, type ProcessLogger } from "./logger.ts";
import { startDataPlane } from "./data-plane.ts";
import type { Logger } from "../stdx/index.ts";
import type { WorkerData } from "./server-worker.ts";
import { Worker } from "node:worker_threads";
import { uringUnavailable, PURGE_DELAY_ENV, PURGE_DELAY_MS, openFileLimit, tuneAllocator, type AllocatorTuning } from "../../ffi/index.ts";

/** Set at the real process entry only; in-process callers (tests) never re-exec. */
let allocatorTuning: AllocatorTuning | undefined;

export const VERSION: string = pkg.version;

const configArgs = {
  config: { type: "positional", required: false, description: "Config file (default: ./crucible.toml when present, else built-in defaults)", valueHint: "CONFIG" },
  "config-file": { type: "string", alias: "c", description: "Config file (same as the CONFIG argument)", valueHint: "FILE" },
  bind: { type: "string", description: "Listen host for the first RESP listener (e.g. 0.0.0.0)", valueHint: "HOST" },
  port: { type: "string", description: "Listen port for the first RESP listener", valueHint: "N" },
  set: { type: "string", description: "Override one key, repeatable: --set cache.heap_size=1GB", valueHint: "section.key=value" },
} as const;

const configOptions: OptionSpec[] = [
  { names: ["config-file", "config", "c"], takesValue: true },
  { names: ["bind"], takesValue: true },
  { names: ["port", "p"], takesValue: true },
];
const helpOption: OptionSpec = { names: ["help", "h"], takesValue: false };

interface CommonArgs {
  config?: string;
  "config-file"?: string;
  bind?: string;
  port?: string;
}

type StartServer = (typeof import("../server/index.ts"))["startServer"];

/** What one run of the command line works with; tests hand in their own. */
export interface MainDeps {
  cwd?: string;
  env?: Record<string, string | undefined>;
  stdout?: (text: string) => void;
  stderr?: (text: string) => void;
  /** Loads the server module; tests hand in a stand-in. */
  loadServer?: () => Promise<{ startServer: StartServer }>;
  /** Called when a started server has stopped; the default exits the process. */
  exit?: (code: number) => void;
}

interface Env {
  cwd: string;
  env: Record<string, string | undefined>;
  sets: string[];
  stdout: (text: string) => void;
  stderr: (text: string) => void;
  loadServer: () => Promise<{ startServer: StartServer }>;
  exit: (code: number) => void;
  exitCode: number;
  /** Run the io_uring engine's data plane in a Worker (off when a test hands in loadServer). */
  dataPlaneWorker: boolean;
}

function defaultEnv(): Env {
  return {
    cwd: process.cwd(),
    env: process.env,
    sets: [],
    stdout: (t) => void process.stdout.write(t),
    stderr: (t) => void process.stderr.write(t),
    // Loaded only when the server runs: --dump-config, --test-config, init and doctor must
    // not pay for (or depend on) the server, the store and the metrics registry.
    loadServer: () => import("../server/index.ts"),
    exit: (code) => process.exit(code),
    exitCode: 0,
    dataPlaneWorker: true,
  };
}

function resolveConfig(args: CommonArgs, ctx: Env): LoadResult {
  const flagPath = args["config-file"] ?? (args as Record<string, unknown>)["c"] as string | undefined;
  if (args.config !== undefined && flagPath !== undefined && args.config !== flagPath) {
    throw new UsageError(`Two config files given (${args.config} and --config ${flagPath}); give one`, false);
  }
  const result = loadConfig({ path: args.config ?? flagPath, cwd: ctx.cwd, overrides: ctx.sets, env: ctx.env });
  applyListenFlags(result.config, { bind: args.bind, port: args.port });
  return result;
}

function out(text: string): void {
  currentEnv.stdout(text);
}

async function runServer(loaded: LoadResult): Promise<void> {
  const { config, source, logModules } = loaded;
  const env = currentEnv;
  const root = createProcessLogger(config.logging, { modules: logModules });
  const log = root.child("cli");
  log.info(`crucible-server ${VERSION} starting`, { version: VERSION, bun: Bun.version, pid: process.pid, config: source });
  // Where the configuration came from: a file (and its full path), or the embedded defaults,
  // and what changed it on the way.
  const sourceFields: Record<string, unknown> =
    source === builtInDefaults ? { config: source, source: "defaults" } : { config: source, source: "file", path: resolve(env.cwd, source) };
  if (env.sets.length > 0) sourceFields.overrides = env.sets;
  const logEnv = env.env.CRUCIBLE_LOG;
  if (logEnv !== undefined && logEnv.trim() !== "") sourceFields.crucible_log = logEnv;
  log.info(`using config: ${source}`, sourceFields);
  log.info(`logging: level ${config.logging.level}, format ${config.logging.format}, to ${config.logging.file === "" ? "stderr" : config.logging.file}`, {
    log_level: config.logging.level,
    format: config.logging.format,
    file: config.logging.file,
    ...(Object.keys(logModules).length > 0 ? { modules: logModules } : {}),
    ...(config.logging.file !== "" && config.logging.max_log_size > 0 ? { max_log_size: config.logging.max_log_size, max_log_files: config.logging.max_log_files } : {}),
  });
  if (config.logging.file === "" && config.logging.max_log_size > 0) {
    log.warn("logging.max_log_size has no effect: the log goes to stderr (set [logging] file to log to a rotated file)");
  }
  if (allocatorTuning && !allocatorTuning.tuned) log.warn(`allocator tuning skipped (${allocatorTuning.why}); set ${PURGE_DELAY_ENV}=${PURGE_DELAY_MS} in the environment for lower CPU under write load`);

  checkOpenFileLimit(config.server.maxclients, log);

  // The admin endpoint starts first so /health answers and /ready says 503 until the
  // listeners are up.
  const { startAdmin } = await import("../admin/index.ts");
  let running: { ready(): boolean } | undefined;
  let admin: ReturnType<typeof startAdmin> | undefined;
  if (config.metrics.address !== "") {
    // Once running, not ready means the shutdown has begun (signal, SHUTDOWN or stop()).
    admin = startAdmin(config.metrics.address, { ready: () => (running === undefined ? "starting" : running.ready() || "shutting down") });
    log.info(`metrics on http://${admin.address}/metrics`, { address: admin.address });
    // /metrics names the per-command series by statistics slot, as the data plane's command
    // table numbers them (here, or in the io_uring engine's Worker).
    const [{ setCommandNames }, { commandSlotNames }] = await Promise.all([import("../metrics/index.ts"), import("../server/index.ts")]);
    setCommandNames(commandSlotNames());
  }
  const stopped = () => {
    admin?.stop();
    log.info("exit: code 0", { code: 0 });
    root.close();
    env.exit(0);
  };
  try {
    if (!env.dataPlaneWorker || !(await uringWorkerWanted(config, env.env))) {
      running = await startDataPlane(config, source, root, env.env, env.loadServer, { onStopped: stopped });
    } else {
      log.info("io_uring engine: serving clients from a dedicated Worker thread", { engine: "io_uring", io_engine: config.io_engine });
      running = await runWorker(loaded, env.env, root, stopped);
    }
  } catch (e) {
    admin?.stop();
    root.close();
    throw e;
  }
}

/**
 * maxclients needs that many descriptors; warn at start-up when the limit is lower. Past it
 * the kernel refuses accepts (EMFILE) before maxclients can answer, and Bun.listen spins on
 * them.
 */
function checkOpenFileLimit(maxclients: number, log: Logger): void {
  const want = maxclients + reservedFds;
  const limit = openFileLimit();
  if ("error" in limit) {
    log.warn(`could not check the open-file limit (${limit.error}); maxclients ${maxclients} needs ${want}`);
  } else if (limit.soft < want) {
    log.warn(
      `maxclients ${maxclients} needs ${want} open files but the limit is ${limit.soft} (hard ${limit.hard}): ` +
        `past about ${Math.max(0, limit.soft - reservedFds)} clients the kernel refuses connections. ` +
        `Raise it (ulimit -n ${want}, or LimitNOFILE=${want} for systemd) or lower maxclients`,
      { soft: limit.soft, hard: limit.hard, needed: want },
    );
  }
}

/** The io_uring engine runs in a Worker: wanted when io_engine allows it and the kernel offers it. */
async function uringWorkerWanted(config: Config, env: Record<string, string | undefined>): Promise<boolean> {
  return config.io_engine !== "bun" && (await uringUnavailable(env)) === null;
}

/**
 * Start the data plane in a Worker and relay to it: signals become a "stop" message, its
 * start-up errors become this process's (exit code 2 where they say so), its end ends us.
 */
async function runWorker(loaded: LoadResult, env: Record<string, string | undefined>, root: ProcessLogger, stopped: () => void): Promise<{ ready(): boolean }> {
  const { config, source, logModules } = loaded;
  const log = root.child("cli");
  // The Worker counts into the same shared counters /metrics reads here, and logs through
  // this thread's sink with the same level state.
  const { countersBuffer } = await import("../metrics/index.ts");
  const workerData: WorkerData = { config, source, env: { ...env }, countersBuffer, logState: root.state, logModules };
  const worker = new Worker(new URL("./server-worker.ts", import.meta.url), { workerData });
  let ready = false;
  let done = false;
  let stopRequested = false;
  // Handlers go in before the Worker can report "listening": a signal in between must not
  // kill the process. The Worker reads the message once it is serving.
  for (const signal of ["SIGTERM", "SIGINT"] as const) {
    process.on(signal, () => {
      if (stopRequested) {
        log.info(`received ${signal} again: shutdown already in progress`, { signal });
        return;
      }
      stopRequested = true;
      log.info(`received ${signal}, shutting down`, { signal, drain_timeout_secs: config.shutdown.drain_timeout_secs });
      ready = false;
      worker.postMessage({ type: "stop", reason: signal });
    });
  }
  return new Promise((resolve, reject) => {
    worker.on("message", (m: { type: string; line?: string; message?: string; code?: string; exitCode?: number }) => {
      if (m.type === "log") {
        root.writeLine(m.line!);
      } else if (m.type === "ready") {
        ready = true;
        resolve({ ready: () => ready });
      } else if (m.type === "stopping") {
        ready = false;
      } else if (m.type === "stopped") {
        done = true;
        stopped();
      } else if (m.type === "error") {
        done = true;
        void worker.terminate();
        reject(Object.assign(new Error(m.message ?? "the server worker failed"), { code: m.code, exitCode: m.exitCode }));
      }
    });
    worker.on("error", (e) => {
      log.error("the server worker crashed", { error: (e as Error)?.stack ?? String(e) });
      if (!ready) reject(e);
      else {
        log.error("exit: code 1", { code: 1 });
        root.close();
        process.exit(1);
      }
    });
    worker.on("exit", (code) => {
      if (done) return;
      log.error("the server worker exited unexpectedly; exit: code 1", { worker_exit_code: code, code: 1 });
      root.close();
      process.exit(1);
    });
  });
}

const serverCommand = defineCommand({
  meta: { name: "crucible-server", version: VERSION, description: "Crucible: a Redis-compatible cache server" },
  args: {
    ...configArgs,
    "dump-config": { type: "boolean", description: "Print the effective configuration as TOML and exit" },
    "test-config": { type: "boolean", description: "Check the configuration and exit" },
  },
  async run({ args }) {
    const ctx = currentEnv;
    const loaded = resolveConfig(args as CommonArgs, ctx);
    const { config, source } = loaded;
    if (args["dump-config"]) {
      out(configToToml(config, { source }));
      return;
    }
    if (args["test-config"]) {
      out(`configuration OK: ${source}\n`);
      return;
    }
    await runServer(loaded);
  },
});

const initCommand = defineCommand({
  meta: { name: "init", description: "Write a config file with every key, its default and what it does" },
  args: {
    output: { type: "string", alias: "o", description: "File to write (default: print to stdout)", valueHint: "FILE" },
    force: { type: "boolean", description: "Overwrite the file if it exists" },
  },
  run({ args }) {
    const text = configTemplate();
    if (!args.output) {
      out(text);
      return;
    }
    const path = resolve(currentEnv.cwd, args.output);
    if (existsSync(path) && !args.force) {
      throw new UsageError(`${args.output} already exists; not overwriting it (use --force to replace it)`, false);
    }
    try {
      writeFileSync(path, text);
    } catch (e) {
      throw new UsageError(`Cannot write ${args.output}: ${(e as NodeJS.ErrnoException).code === "EACCES" ? "permission denied" : (e as Error).message}`, false);
    }
    out(`wrote ${args.output}\nstart with: crucible-server ${args.output}\n`);
  },
});

const doctorCommand = defineCommand({
  meta: { name: "doctor", description: "Check this host against the configuration: config source, kernel, shim, io_uring, open-file limit, ports, memory, hugepages, NUMA, CPUs" },
  args: { ...configArgs },
  async run({ args }) {
    const { config, source } = resolveConfig(args as CommonArgs, currentEnv);
    const { text, problems } = formatChecks(runChecks(config, source, await nativeFacts(currentEnv.env)));
    out(`crucible-server ${VERSION} doctor\n\n${text}`);
    if (problems > 0) currentEnv.exitCode = 1;
  },
});

/** A host to connect to for one that listens on every address. */
function connectHost(host: string): string {
  return host === "0.0.0.0" || host === "" ? "127.0.0.1" : host === "::" ? "::1" : host;
}

const diagnosticsCommand = defineCommand({
  meta: {
    name: "diagnostics",
    description:
      "Collect a diagnostics bundle from a running server (version, INFO, config with secrets redacted, CLIENT LIST, SLOWLOG, /metrics, doctor, system facts) into DIR/crucible-diagnostics-<timestamp>.tar.gz",
  },
  args: {
    output: { type: "string", alias: "o", description: "Directory to write the bundle to (default: the current directory)", valueHint: "DIR" },
    host: { type: "string", description: "Server host (default: the config's first RESP listener)", valueHint: "HOST" },
    port: { type: "string", description: "Server port (default: the config's first RESP listener)", valueHint: "N" },
    config: configArgs.config,
    "config-file": configArgs["config-file"],
    set: configArgs.set,
    metrics: { type: "string", description: 'host:port of the metrics endpoint (default: the config\'s [metrics] address; "" to skip)', valueHint: "HOST:PORT" },
    timeout: { type: "string", description: "Seconds to wait for the connection and for each reply (default 5)", valueHint: "SECS" },
  },
  async run({ args }) {
    const ctx = currentEnv;
    const a = args as CommonArgs & { output?: string; host?: string; metrics?: string; timeout?: string };
    // A config that no longer loads must not stop a bug report: doctor then runs on the
    // defaults, and the file still goes in the bundle (redacted), with the error noted.
    const explicit = a.config ?? a["config-file"] ?? ((a as Record<string, unknown>)["c"] as string | undefined);
    let config: Config;
    let source: string;
    const notes: string[] = [];
    try {
      ({ config, source } = resolveConfig({ config: a.config, "config-file": a["config-file"] }, ctx));
    } catch (e) {
      if (!(e instanceof ConfigError) || (a.host === undefined && a.port === undefined)) throw e;
      notes.push(`the configuration does not load (${e.message.split("\n")[0]}); doctor ran on the built-in defaults`);
      config = defaultConfig();
      source = builtInDefaults;
    }
    const resp = config.listener.find((l) => l.protocol === "resp");
    const fromConfig = resp && resp.path === "" ? parseAddress(resp.address) : null;
    let target: Target;
    if (a.host !== undefined || a.port !== undefined) {
      const port = a.port ?? String(fromConfig?.port ?? 6379);
      if (!/^\d{1,5}$/.test(port.trim()) || Number(port) < 1 || Number(port) > 65535) throw new UsageError(`Invalid value for --port: ${JSON.stringify(port)}: expected a port from 1 to 65535`, false);
      const host = a.host ?? connectHost(fromConfig?.host ?? "127.0.0.1");
      if (host.trim() === "") throw new UsageError("Invalid value for --host: empty", false);
      target = { host: host.trim().replace(/^\[(.*)\]$/, "$1"), port: Number(port) };
    } else if (resp && resp.path !== "") {
      target = { path: resp.path };
    } else if (fromConfig && fromConfig.port !== 0) {
      target = { host: connectHost(fromConfig.host), port: fromConfig.port };
    } else {
      throw new UsageError(`The configuration (${source}) names no RESP address to connect to${fromConfig ? " (its port is 0)" : ""}; give --host HOST --port PORT`, false);
    }
    let metricsAddress = a.metrics ?? config.metrics.address;
    if (a.metrics === undefined && metricsAddress !== "" && parseAddress(metricsAddress)?.port === 0) metricsAddress = "";
    if (metricsAddress !== "" && !parseAddress(metricsAddress)) {
      throw new UsageError(`Invalid value for --metrics: ${JSON.stringify(metricsAddress)}: expected host:port such as 127.0.0.1:9090, or "" to skip`, false);
    }
    const timeoutSecs = a.timeout === undefined ? 5 : Number(a.timeout);
    if (!(timeoutSecs > 0 && timeoutSecs <= 3600)) throw new UsageError(`Invalid value for --timeout: ${JSON.stringify(a.timeout)}: expected seconds, from 0.1 to 3600`, false);
    const result = await collectDiagnostics({
      outputDir: a.output ?? ".",
      target,
      metricsAddress,
      config,
      source,
      configFile: explicit ?? (source === builtInDefaults ? undefined : source),
      notes,
      versionLine: `crucible-server ${VERSION} (bun ${Bun.version})`,
      cwd: ctx.cwd,
      env: ctx.env,
      timeoutMs: timeoutSecs * 1000,
    });
    for (const note of result.notes) ctx.stderr(`note: ${note}\n`);
    out(`${result.bundle}\n`);
  },
});

const versionCommand = defineCommand({
  meta: { name: "version", description: "Print the version" },
  run() {
    out(`crucible-server ${VERSION} (bun ${Bun.version})\n`);
  },
});

const subCommands: Record<string, { def: CommandDef<any>; options: OptionSpec[] }> = {
  init: { def: initCommand, options: [{ names: ["output", "o"], takesValue: true }, { names: ["force", "f"], takesValue: false }] },
  doctor: { def: doctorCommand, options: configOptions },
  diagnostics: {
    def: diagnosticsCommand,
    options: [
      { names: ["output", "o"], takesValue: true },
      { names: ["host"], takesValue: true },
      { names: ["port", "p"], takesValue: true },
      { names: ["config-file", "config", "c"], takesValue: true },
      { names: ["metrics"], takesValue: true },
      { names: ["timeout"], takesValue: true },
    ],
  },
  version: { def: versionCommand, options: [] },
};

/** Only for the usage text: citty cannot mix a positional CONFIG with subcommands. */
const usageCommand = defineCommand({
  ...serverCommand,
  subCommands: { init: initCommand, doctor: doctorCommand, diagnostics: diagnosticsCommand, version: versionCommand },
});

let currentEnv: Env = defaultEnv();

/** Print an error the way operators see it; returns the exit code. */
export function reportError(e: unknown): number {
  const err = e as { message?: string; code?: string; exitCode?: number };
  if (e instanceof DiagnosticsError) {
    currentEnv.stderr(`Error: ${e.message}\n`);
    return e.exitCode;
  }
  if (e instanceof ConfigError || e instanceof UsageError || err?.exitCode === 2 || err?.code === "EADDRINUSE") {
    currentEnv.stderr(`Error: ${err.message}\n`);
    if (e instanceof UsageError && e.showHelp) currentEnv.stderr("Run crucible-server --help for usage.\n");
    return 2;
  }
  currentEnv.stderr(`Error: ${(e as Error)?.stack ?? String(e)}\n`);
  return 1;
}

/**
 * Run the command line; resolves to the exit code once the command is done (for a server:
 * once it is listening; it exits through `deps.exit` when it stops).
 */
export async function main(argv: string[], deps: MainDeps = {}): Promise<number> {
  currentEnv = { ...defaultEnv(), ...Object.fromEntries(Object.entries(deps).filter(([, v]) => v !== undefined)) };
  if (deps.loadServer !== undefined) currentEnv.dataPlaneWorker = false;
  try {
    const sub = subCommands[argv[0] ?? ""];
    const def = sub?.def ?? serverCommand;
    const rawArgs = sub ? argv.slice(1) : argv;
    if (rawArgs.includes("--help") || rawArgs.includes("-h")) {
      out((await renderUsage(sub ? sub.def : usageCommand, sub ? usageCommand : undefined)) + "\n");
      return 0;
    }
    if (!sub && (rawArgs.includes("--version") || rawArgs.includes("-V") || rawArgs.includes("-v"))) {
      await runCommand(versionCommand, { rawArgs: [] });
      return 0;
    }
    const options = sub
      ? [...sub.options, helpOption]
      : [...configOptions, { names: ["dump-config"], takesValue: false }, { names: ["test-config"], takesValue: false }, helpOption];
    const { rest, sets } = preprocess(rawArgs, options);
    const takesConfig = !sub || sub.def === doctorCommand || sub.def === diagnosticsCommand;
    if (sets.length > 0 && !takesConfig) throw new UsageError(`--set is not an option of ${argv[0]}`);
    const positionals = rest.filter((a, i) => !a.startsWith("-") && !(i > 0 && /^--?(config-file|config|c|bind|port|p|output|o|host|metrics|timeout)$/.test(rest[i - 1]!)));
    const maxPositionals = takesConfig ? 1 : 0;
    if (positionals.length > maxPositionals) {
      throw new UsageError(
        maxPositionals === 0 ? `Unexpected argument ${positionals[0]}` : `Unexpected argument ${positionals[1]}: only one config file may be given`,
      );
    }
    currentEnv.sets = sets;
    // -p and --config are accepted as the guides write them; citty knows the long names.
    const normalized = rest.map((a) => (a === "-p" ? "--port" : a === "--config" ? "--config-file" : a.startsWith("--config=") ? a.replace("--config=", "--config-file=") : a));
    await runCommand(def, { rawArgs: normalized });
    return currentEnv.exitCode;
  } catch (e) {
    return reportError(e);
  }
}

/** The argv that starts this same program again: the compiled binary, or bun with its flags and script. */
function selfArgv(): string[] {
  const args = process.argv.slice(2);
  const script = process.argv[1] ?? "";
  if (script.startsWith("/$bunfs/") || script === process.execPath) return [process.execPath, ...args];
  return [process.execPath, ...process.execArgv, script, ...args];
}

if (import.meta.main) {
  allocatorTuning = tuneAllocator(selfArgv(), process.env);
  const code = await main(process.argv.slice(2));
  // A running server keeps the process alive; everything else exits with its code.
  if (code !== 0) process.exit(code);
  process.exitCode = code;
}

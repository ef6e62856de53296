// `crucible-server diagnostics --output DIR`: connect to a running server and pack what a
// bug report needs into DIR/crucible-diagnostics-<UTC timestamp>.tar.gz:
//
//   README.txt       what each file is, where it came from, anything that could not be collected
//   version.txt      this crucible-server's --version and the server's INFO server
//   info.txt         INFO everything
//   config-get.txt   CONFIG GET *, secrets redacted
//   config.toml      the config file, when readable, secrets redacted
//   clients.txt      CLIENT LIST
//   slowlog.txt      SLOWLOG GET 128 (or the error the server answered)
//   metrics.txt      GET /metrics from the metrics endpoint
//   doctor.txt       crucible-server doctor against the same configuration
//   system.txt       uname -a, nproc, ulimit -n, hugepages, io_uring, /proc/meminfo
//   process.txt      the server process's /proc limits and status (when it runs on this host)
//   crucible.log     the last lines of the log file (when the config names one)
//
// Values of keys that look secret (password, requirepass, masterauth, token, secret, tls,
// certificates and keys) are written as "[redacted]".

import { closeSync, existsSync, fstatSync, mkdirSync, openSync, readFileSync, readSync, rmSync, writeFileSync } from "node:fs";
import { connect, type Socket } from "node:net";
import { isAbsolute, join, resolve } from "node:path";
import { builtInDefaults, type Config, parseAddress } from "../config/index.ts";
import { uringUnavailable } from "../../ffi/index.ts";
import { formatChecks, nativeFacts, runChecks } from "./doctor.ts";

export const REDACTED = "[redacted]";

/** A failure the operator can act on: printed as "Error: message", exit code 1. */
export class DiagnosticsError extends Error {
  readonly exitCode = 1;
  constructor(message: string) {
    super(message);
    this.name = "DiagnosticsError";
  }
}

export type Target = { host: string; port: number } | { path: string };

export function describeTarget(t: Target): string {
  return "path" in t ? t.path : `${t.host.includes(":") ? `[${t.host}]` : t.host}:${t.port}`;
}

// ---- a minimal RESP client ------------------------------------------------------------

export type Reply = string | number | bigint | boolean | null | Reply[] | { error: string };

/** Parse one reply at `pos`; undefined while it is incomplete. */
function parseReply(buf: Buffer, pos: number): { value: Reply; end: number } | undefined {
  if (pos >= buf.length) return undefined;
  const eol = buf.indexOf("\r\n", pos);
  if (eol < 0) return undefined;
  const type = String.fromCharCode(buf[pos]!);
  const line = buf.toString("utf8", pos + 1, eol);
  const next = eol + 2;
  switch (type) {
    case "+":
      return { value: line, end: next };
    case "-":
      return { value: { error: line }, end: next };
    case ":":
      return { value: Number(line), end: next };
    case ",":
      return { value: Number(line), end: next };
    case "(":
      return { value: BigInt(line), end: next };
    case "#":
      return { value: line === "t", end: next };
    case "_":
      return { value: null, end: next };
    case "$":
    case "=":
    case "!": {
      const n = Number(line);
      if (n < 0) return { value: null, end: next };
      if (buf.length < next + n + 2) return undefined;
      const text = buf.toString("utf8", next, next + n);
      return { value: type === "!" ? { error: text } : type === "=" ? text.slice(4) : text, end: next + n + 2 };
    }
    case "*":
    case "~":
    case ">":
    case "%": {
      const n = Number(line);
      if (n < 0) return { value: null, end: next };
      const items: Reply[] = [];
      let at = next;
      for (let i = 0; i < (type === "%" ? 2 * n : n); i++) {
        const r = parseReply(buf, at);
        if (!r) return undefined;
        items.push(r.value);
        at = r.end;
      }
      return { value: items, end: at };
    }
    default:
      throw new Error(`unexpected reply type ${JSON.stringify(type)}`);
  }
}

function encodeCommand(args: string[]): Buffer {
  let out = `*${args.length}\r\n`;
  for (const a of args) out += `$${Buffer.byteLength(a)}\r\n${a}\r\n`;
  return Buffer.from(out);
}

class RespClient {
  private buf: Buffer = Buffer.alloc(0);
  private waiting: { resolve: (r: Reply) => void; reject: (e: Error) => void } | null = null;
  private failure: Error | null = null;

  private constructor(private readonly socket: Socket, private readonly timeoutMs: number) {
    socket.on("data", (chunk: Buffer) => {
      this.buf = this.buf.length === 0 ? chunk : Buffer.concat([this.buf, chunk]);
      this.settle();
    });
    const fail = (e: Error) => {
      this.failure ??= e;
      this.waiting?.reject(e);
      this.waiting = null;
    };
    socket.on("error", fail);
    socket.on("close", () => fail(new Error("the server closed the connection")));
  }

  static open(target: Target, timeoutMs: number): Promise<RespClient> {
    return new Promise((resolvePromise, reject) => {
      const socket = "path" in target ? connect({ path: target.path }) : connect({ host: target.host, port: target.port });
      const timer = setTimeout(() => {
        socket.destroy();
        reject(Object.assign(new Error(`no connection after ${timeoutMs / 1000}s`), { code: "ETIMEDOUT" }));
      }, timeoutMs);
      socket.once("connect", () => {
        clearTimeout(timer);
        resolvePromise(new RespClient(socket, timeoutMs));
      });
      socket.once("error", (e) => {
        clearTimeout(timer);
        reject(e);
      });
    });
  }

  private settle(): void {
    if (!this.waiting) return;
    let r: { value: Reply; end: number } | undefined;
    try {
      r = parseReply(this.buf, 0);
    } catch (e) {
      this.waiting.reject(e as Error);
      this.waiting = null;
      return;
    }
    if (!r) return;
    this.buf = this.buf.subarray(r.end);
    const w = this.waiting;
    this.waiting = null;
    w.resolve(r.value);
  }

  /** Send one command and wait for its reply (one at a time). */
  call(...args: string[]): Promise<Reply> {
    if (this.failure) return Promise.reject(this.failure);
    return new Promise((resolvePromise, reject) => {
      const timer = setTimeout(() => {
        // A late reply would answer the next command: fail every later call instead.
        this.waiting = null;
        this.failure = new Error(`no reply to ${args[0]} after ${this.timeoutMs / 1000}s`);
        reject(this.failure);
      }, this.timeoutMs);
      this.waiting = {
        resolve: (r) => {
          clearTimeout(timer);
          resolvePromise(r);
        },
        reject: (e) => {
          clearTimeout(timer);
          reject(e);
        },
      };
      this.socket.write(encodeCommand(args));
      this.settle();
    });
  }

  close(): void {
    this.socket.destroy();
  }
}

function isError(r: Reply): r is { error: string } {
  return typeof r === "object" && r !== null && !Array.isArray(r) && "error" in r;
}

/** A reply as redis-cli would show it (strings raw, errors as "(error) ..."). */
export function replyText(r: Reply, indent = ""): string {
  if (isError(r)) return `(error) ${r.error}`;
  if (r === null) return "(nil)";
  if (typeof r === "string") return r;
  if (typeof r === "number" || typeof r === "bigint") return `(integer) ${r}`;
  if (typeof r === "boolean") return r ? "(true)" : "(false)";
  if (r.length === 0) return "(empty array)";
  return r
    .map((item, i) => {
      const prefix = `${indent}${i + 1}) `;
      const body = Array.isArray(item) && item.length > 0 ? "\n" + replyText(item, indent + "   ") : replyText(item, indent + "   ");
      return prefix + body;
    })
    .join("\n");
}

// ---- redaction --------------------------------------------------------------------------

const SECRET_KEY = /pass|secret|token|auth|tls|cert|private|key_?file|credential/i;
const SECRET_SECTION = /^(tls|auth|acl)(\.|$)/i;

/** Whether a config key's value must not leave the host. */
export function isSecretKey(name: string): boolean {
  return SECRET_KEY.test(name);
}

/** CONFIG GET's flat [name, value, name, value...] as "name value" lines, secrets redacted. */
export function redactConfigGet(reply: Reply): string {
  if (isError(reply) || !Array.isArray(reply)) return replyText(reply) + "\n";
  const lines: string[] = [];
  for (let i = 0; i + 1 < reply.length; i += 2) {
    const name = String(reply[i]);
    const value = isSecretKey(name) ? REDACTED : replyText(reply[i + 1]!);
    lines.push(`${name} ${value}`);
  }
  return lines.join("\n") + "\n";
}

/**
 * A TOML file with the values of secret-looking keys, and of every key in a [tls], [auth] or
 * [acl] table, replaced by "[redacted]". Line-based: comments and layout are kept.
 */
export function redactToml(text: string): string {
  let section = "";
  let inMultiline = false;
  return text
    .split("\n")
    .map((line) => {
      if (inMultiline) {
        if (/'''|"""/.test(line)) inMultiline = false;
        return null;
      }
      const header = /^\s*\[\[?\s*([^\]]+?)\s*\]\]?/.exec(line);
      if (header && !/^\s*\[[^\]]*\]\s*=/.test(line)) {
        section = header[1]!.replace(/["']/g, "");
        return line;
      }
      const kv = /^(\s*)((?:"[^"]*"|'[^']*'|[A-Za-z0-9_.-]+)(?:\s*\.\s*(?:"[^"]*"|'[^']*'|[A-Za-z0-9_-]+))*)(\s*=\s*)(.*)$/.exec(line);
      if (!kv) return line;
      const key = kv[2]!.replace(/["'\s]/g, "");
      const full = section === "" ? key : `${section}.${key}`;
      if (!SECRET_SECTION.test(full) && !isSecretKey(key)) return line;
      const value = kv[4]!;
      const opener = /^("""|''')/.exec(value.trim());
      if (opener && value.trim().indexOf(opener[1]!, 3) < 0) inMultiline = true;
      return `${kv[1]}${kv[2]}${kv[3]}"${REDACTED}"`;
    })
    .filter((l): l is string => l !== null)
    .join("\n");
}

// ---- collecting -------------------------------------------------------------------------

export interface DiagnosticsOptions {
  /** Directory the bundle is written to (created when missing). */
  outputDir: string;
  /** The RESP listener to talk to. */
  target: Target;
  /** host:port of the metrics endpoint; "" to skip it. */
  metricsAddress: string;
  /** The configuration doctor checks, and where it came from. */
  config: Config;
  source: string;
  /** The config file to include (redacted), when there is one. */
  configFile?: string;
  /** This program's `--version` line. */
  versionLine: string;
  cwd: string;
  env: Record<string, string | undefined>;
  /** Per connection attempt and per command. */
  timeoutMs?: number;
  /** The clock, for the bundle's name. */
  now?: Date;
  /** Problems met before collecting (a config that does not load), for README.txt. */
  notes?: string[];
}

export interface DiagnosticsResult {
  bundle: string;
  files: string[];
  /** What could not be collected, also written to README.txt. */
  notes: string[];
}

function timestamp(d: Date): string {
  const p = (n: number) => String(n).padStart(2, "0");
  return `${d.getUTCFullYear()}${p(d.getUTCMonth() + 1)}${p(d.getUTCDate())}-${p(d.getUTCHours())}${p(d.getUTCMinutes())}${p(d.getUTCSeconds())}`;
}

function readMaybe(path: string): string | undefined {
  try {
    return readFileSync(path, "utf8");
  } catch {
    return undefined;
  }
}

function run(argv: string[]): string {
  try {
    const r = Bun.spawnSync(argv, { stdout: "pipe", stderr: "pipe" });
    const text = (r.stdout.toString() + r.stderr.toString()).trimEnd();
    return r.exitCode === 0 ? text : `${text}${text ? "\n" : ""}(exit code ${r.exitCode})`;
  } catch (e) {
    return `(not available: ${(e as Error).message})`;
  }
}

function connectError(target: Target, e: unknown): DiagnosticsError {
  const err = e as NodeJS.ErrnoException;
  const why =
    err.code === "ECONNREFUSED" ? "connection refused"
    : err.code === "ENOENT" ? "no such socket"
    : err.code === "ETIMEDOUT" ? err.message
    : err.code === "EACCES" ? "permission denied"
    : err.message;
  return new DiagnosticsError(
    `Cannot reach crucible-server at ${describeTarget(target)}: ${why}. Is it running? ` +
      "Point at it with --host HOST --port PORT, or --config FILE to take the address from its configuration.",
  );
}

/** The last `maxBytes` of a file, from a line start. */
function tail(path: string, maxBytes: number): string | undefined {
  let fd: number | undefined;
  try {
    fd = openSync(path, "r");
    const size = fstatSync(fd).size;
    const from = Math.max(0, size - maxBytes);
    const buf = Buffer.alloc(size - from);
    const n = readSync(fd, buf, 0, buf.length, from);
    const chunk = buf.subarray(0, n).toString("utf8");
    return from === 0 ? chunk : chunk.slice(chunk.indexOf("\n") + 1);
  } catch {
    return undefined;
  } finally {
    if (fd !== undefined) closeSync(fd);
  }
}

async function fetchMetrics(address: string, timeoutMs: number): Promise<string> {
  const hp = parseAddress(address);
  if (!hp) return `(not collected: bad metrics address ${JSON.stringify(address)})`;
  const host = hp.host === "0.0.0.0" ? "127.0.0.1" : hp.host === "::" ? "::1" : hp.host;
  const url = `http://${host.includes(":") ? `[${host}]` : host}:${hp.port}/metrics`;
  try {
    const res = await fetch(url, { signal: AbortSignal.timeout(timeoutMs) });
    const body = await res.text();
    return res.ok ? body : `(GET ${url} answered ${res.status})\n${body}`;
  } catch (e) {
    return `(not collected: GET ${url} failed: ${(e as Error).message})`;
  }
}

async function systemFacts(env: Record<string, string | undefined>): Promise<string> {
  const sections: [string, string][] = [];
  sections.push(["uname -a", run(["uname", "-a"])]);
  sections.push(["nproc", run(["nproc"])]);
  sections.push(["ulimit -n (soft, then hard)", run(["sh", "-c", "ulimit -n; ulimit -Hn"])]);
  sections.push(["/proc/sys/vm/nr_hugepages", readMaybe("/proc/sys/vm/nr_hugepages")?.trim() ?? "(not readable)"]);
  sections.push(["/sys/kernel/mm/transparent_hugepage/enabled", readMaybe("/sys/kernel/mm/transparent_hugepage/enabled")?.trim() ?? "(not readable)"]);
  const disabled = readMaybe("/proc/sys/kernel/io_uring_disabled")?.trim();
  let uring: string;
  try {
    const why = await uringUnavailable(env);
    uring = why === null ? "available (the io_uring engine can run here)" : `unavailable: ${why}`;
  } catch (e) {
    uring = `unknown: ${(e as Error).message}`;
  }
  sections.push(["io_uring", `${uring}\n/proc/sys/kernel/io_uring_disabled: ${disabled ?? "(absent: io_uring is not restricted by sysctl)"}`]);
  sections.push(["/proc/meminfo", readMaybe("/proc/meminfo")?.trimEnd() ?? "(not readable)"]);
  return sections.map(([title, body]) => `## ${title}\n${body}\n`).join("\n");
}

/**
 * Collect the bundle. Throws DiagnosticsError when the server cannot be reached (nothing
 * is written then) or the archive cannot be made.
 */
export async function collectDiagnostics(opts: DiagnosticsOptions): Promise<DiagnosticsResult> {
  const timeoutMs = opts.timeoutMs ?? 5000;
  let client: RespClient;
  try {
    client = await RespClient.open(opts.target, timeoutMs);
  } catch (e) {
    throw connectError(opts.target, e);
  }

  const notes: string[] = [...(opts.notes ?? [])];
  const files = new Map<string, string>();
  const ask = async (...args: string[]): Promise<Reply> => {
    try {
      return await client.call(...args);
    } catch (e) {
      return { error: `(no reply: ${(e as Error).message})` };
    }
  };
  let infoServer: string;
  try {
    const first = await client.call("INFO", "server");
    infoServer = replyText(first);
  } catch (e) {
    client.close();
    throw connectError(opts.target, e);
  }
  let info = await ask("INFO", "everything");
  if (isError(info)) info = await ask("INFO", "all");
  const configGet = await ask("CONFIG", "GET", "*");
  const clients = await ask("CLIENT", "LIST");
  const slowlog = await ask("SLOWLOG", "GET", "128");
  client.close();

  const infoField = (name: string) => new RegExp(`^${name}:(.*)$`, "m").exec(infoServer)?.[1]?.trim();
  files.set("version.txt", `${opts.versionLine}\n\n# INFO server (from ${describeTarget(opts.target)})\n${infoServer.trimEnd()}\n`);
  files.set("info.txt", replyText(info).trimEnd() + "\n");
  if (isError(info)) notes.push(`INFO everything: ${info.error}`);
  files.set("config-get.txt", redactConfigGet(configGet));
  if (isError(configGet)) notes.push(`CONFIG GET *: ${configGet.error}`);
  files.set("clients.txt", replyText(clients).trimEnd() + "\n");
  if (isError(clients)) notes.push(`CLIENT LIST: ${clients.error}`);
  files.set("slowlog.txt", `# SLOWLOG GET 128\n${replyText(slowlog)}\n`);
  if (isError(slowlog)) notes.push(`SLOWLOG GET 128: ${slowlog.error}`);

  // The config file: the one given, else the one the server says it loaded (when this host can read it).
  const candidates = [opts.configFile, infoField("config_file")].filter((p): p is string => !!p && p !== builtInDefaults);
  let configText: string | undefined;
  let configPath: string | undefined;
  for (const c of candidates) {
    const full = isAbsolute(c) ? c : resolve(opts.cwd, c);
    configText = readMaybe(full);
    if (configText !== undefined) {
      configPath = full;
      break;
    }
  }
  if (configText !== undefined) {
    files.set("config.toml", `# ${configPath} (secret values redacted)\n${redactToml(configText)}${configText.endsWith("\n") ? "" : "\n"}`);
  } else {
    const why = candidates.length === 0 ? "the server runs on its built-in defaults (no config file)" : `not readable from here: ${candidates.join(", ")}`;
    files.set("config.toml", `# No config file collected: ${why}\n`);
  }

  const metrics = opts.metricsAddress === "" ? "(not collected: no metrics address; give --metrics HOST:PORT)" : await fetchMetrics(opts.metricsAddress, timeoutMs);
  files.set("metrics.txt", metrics.endsWith("\n") ? metrics : metrics + "\n");
  if (metrics.startsWith("(")) notes.push(`metrics: ${metrics.split("\n")[0]}`);

  const doctor = formatChecks(runChecks(opts.config, opts.source, await nativeFacts(opts.env)));
  files.set(
    "doctor.txt",
    `# crucible-server doctor (config: ${opts.source}), run beside the running server: its own ports show as in use.\n\n${doctor.text}`,
  );
  files.set("system.txt", await systemFacts(opts.env));

  // The server process, when it runs on this host.
  const pid = Number(infoField("process_id"));
  const local = "path" in opts.target || ["127.0.0.1", "::1", "localhost"].includes(opts.target.host);
  if (local && pid > 0) {
    const limits = readMaybe(`/proc/${pid}/limits`);
    const status = readMaybe(`/proc/${pid}/status`);
    if (limits !== undefined || status !== undefined) {
      files.set("process.txt", `## /proc/${pid}/limits\n${limits ?? "(not readable)"}\n## /proc/${pid}/status\n${status ?? "(not readable)"}`);
    }
  }

  // The log file the configuration names, when it is readable here.
  if (opts.config.logging.file !== "") {
    const path = isAbsolute(opts.config.logging.file) ? opts.config.logging.file : resolve(opts.cwd, opts.config.logging.file);
    const text = tail(path, 4 * 1024 * 1024);
    if (text !== undefined && text !== "") files.set("crucible.log", text);
    else notes.push(`log file ${path}: not readable`);
  }

  const descriptions: Record<string, string> = {
    "version.txt": "crucible-server --version and INFO server",
    "info.txt": "INFO everything",
    "config-get.txt": "CONFIG GET * (secret values redacted)",
    "config.toml": "the config file (secret values redacted)",
    "clients.txt": "CLIENT LIST",
    "slowlog.txt": "SLOWLOG GET 128",
    "metrics.txt": "GET /metrics",
    "doctor.txt": "crucible-server doctor",
    "system.txt": "uname -a, nproc, ulimit -n, hugepages, io_uring, /proc/meminfo",
    "process.txt": "the server process's /proc limits and status",
    "crucible.log": "the last lines of the log file",
  };
  const now = opts.now ?? new Date();
  const readme = [
    `Crucible diagnostics, collected ${now.toISOString()} by ${opts.versionLine}`,
    `server: ${describeTarget(opts.target)}${opts.metricsAddress ? `, metrics: ${opts.metricsAddress}` : ""}`,
    `config (for doctor): ${opts.source}`,
    "",
    "Files:",
    ...[...files.keys()].map((f) => `  ${f.padEnd(16)} ${descriptions[f] ?? ""}`),
    "",
    notes.length === 0 ? "Everything was collected." : "Not collected, or answered with an error:",
    ...notes.map((n) => `  ${n}`),
    "",
    `Secret values (keys matching ${SECRET_KEY.source}, and every key of [tls], [auth] and [acl]) are replaced by "${REDACTED}".`,
  ].join("\n");
  files.set("README.txt", readme + "\n");

  // Stage the files in DIR/crucible-diagnostics-<ts>/, pack them, remove the staging directory.
  const outputDir = resolve(opts.cwd, opts.outputDir);
  try {
    mkdirSync(outputDir, { recursive: true });
  } catch (e) {
    throw new DiagnosticsError(`Cannot create the output directory ${opts.outputDir}: ${(e as Error).message}`);
  }
  let name = `crucible-diagnostics-${timestamp(now)}`;
  for (let i = 2; existsSync(join(outputDir, name)) || existsSync(join(outputDir, `${name}.tar.gz`)); i++) name = `crucible-diagnostics-${timestamp(now)}-${i}`;
  const staging = join(outputDir, name);
  try {
    mkdirSync(staging);
    for (const [file, text] of files) writeFileSync(join(staging, file), text);
  } catch (e) {
    throw new DiagnosticsError(`Cannot write to ${opts.outputDir}: ${(e as Error).message}`);
  }
  const bundle = join(outputDir, `${name}.tar.gz`);
  let result: { exitCode: number | null; stderr: Buffer };
  try {
    result = Bun.spawnSync(["tar", "-czf", bundle, "-C", outputDir, name], { stdout: "ignore", stderr: "pipe" }) as never;
  } catch (e) {
    throw new DiagnosticsError(
      `Cannot run tar (${(e as Error).message}): install it (Debian/Ubuntu: sudo apt-get install tar gzip). The collected files are in ${staging}/`,
    );
  }
  if (result.exitCode !== 0) {
    throw new DiagnosticsError(`tar failed (exit code ${result.exitCode}): ${result.stderr.toString().trim()}. The collected files are in ${staging}/`);
  }
  rmSync(staging, { recursive: true, force: true });
  return { bundle, files: [...files.keys()], notes };
}

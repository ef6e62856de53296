// crucible-benchmark's configuration: one TOML file in the operations guide's style, checked
// strictly. Every key has a type, a default and bounds here; unknown keys and bad values are
// errors that name the file, the line, the key and what is allowed (exit code 2, as the
// server's configuration errors).
//
//   [general]            duration, warmup, threads, cpu_list
//   [target]             endpoints, protocol
//   [connection]         connections, pipeline_depth, connect_timeout, request_timeout
//   [workload]           rate_limit, prefill
//   [workload.keyspace]  length, count, distribution, exponent
//   [workload.commands]  get, set, delete, incr, mget (relative weights), mget_batch
//   [workload.values]    length, or min and max
import { readFileSync } from "node:fs";
import { parse as parseToml, stringify as stringifyToml, TomlError } from "smol-toml";

export type Protocol = "resp" | "resp3" | "memcache" | "memcache_binary";
export const PROTOCOLS: readonly Protocol[] = ["resp", "resp3", "memcache", "memcache_binary"];
export type Distribution = "uniform" | "zipf";

export interface Endpoint {
  host: string;
  port: number;
}

/** The validated configuration: plain data (it is posted to the Worker threads as is). */
export interface BenchConfig {
  general: {
    durationSecs: number;
    warmupSecs: number;
    threads: number;
    /** The cpu_list as written ("" when absent). */
    cpuList: string;
  };
  target: { endpoints: Endpoint[]; protocol: Protocol };
  connection: {
    /** Total over all threads and endpoints. */
    connections: number;
    pipelineDepth: number;
    connectTimeoutMs: number;
    /** 0 = no timeout. */
    requestTimeoutMs: number;
  };
  workload: {
    /** Requests per second over all connections; 0 = closed loop (as fast as the pipeline allows). */
    rateLimit: number;
    prefill: boolean;
    keyspace: { length: number; count: number; distribution: Distribution; exponent: number };
    commands: { get: number; set: number; delete: number; incr: number; mget: number; mgetBatch: number };
    values: { minLength: number; maxLength: number };
  };
  /** The effective configuration as TOML (every key, defaults filled in), for the summary. */
  toml: string;
}

/** A configuration or command-line problem: the CLI prints the message and exits 2. */
export class BenchConfigError extends Error {
  readonly exitCode = 2;
  readonly key?: string;
  readonly line?: number;
  constructor(message: string, where: { key?: string; line?: number } = {}) {
    super(message);
    this.name = "BenchConfigError";
    this.key = where.key;
    this.line = where.line;
  }
}

// ---- the schema -------------------------------------------------------------------------

type KeyType = "duration_secs" | "duration_ms" | "int" | "float" | "bool" | "enum" | "cpulist" | "endpoints";

interface KeyDef {
  name: string;
  type: KeyType;
  /** undefined = no default (optional, or required when `required`). */
  default?: unknown;
  required?: boolean;
  min?: number;
  max?: number;
  values?: readonly string[];
  /** What 0 means, for the "allowed" text. */
  zeroMeans?: string;
  doc: string;
}

interface SectionDef {
  name: string;
  keys: KeyDef[];
  /** Subsections (TOML tables inside this one). */
  tables?: string[];
}

const MAX_KEY_COUNT = 2 ** 32;
const MAX_VALUE_BYTES = 64 * 1024 * 1024;

export const SECTIONS: SectionDef[] = [
  {
    name: "general",
    keys: [
      { name: "duration", type: "duration_secs", default: 60, min: 1, max: 7 * 86400, doc: "measured run time, after the warm-up" },
      { name: "warmup", type: "duration_secs", default: 0, min: 0, max: 86400, doc: "seconds run first, measured but left out of the summary" },
      { name: "threads", type: "int", default: 1, min: 1, max: 256, doc: "Worker threads generating load" },
      { name: "cpu_list", type: "cpulist", default: "", doc: "CPUs the benchmark's threads run on (the process re-runs itself under taskset -c)" },
    ],
  },
  {
    name: "target",
    keys: [
      { name: "endpoints", type: "endpoints", required: true, doc: 'servers as "host:port"; connections are spread over them' },
      { name: "protocol", type: "enum", default: "resp", values: PROTOCOLS, doc: "wire protocol" },
    ],
  },
  {
    name: "connection",
    keys: [
      { name: "connections", type: "int", default: 16, min: 1, max: 100_000, doc: "connections in all, spread over threads and endpoints" },
      { name: "pipeline_depth", type: "int", default: 1, min: 1, max: 4096, doc: "requests in flight per connection" },
      { name: "connect_timeout", type: "duration_ms", default: 2000, min: 1, max: 3_600_000, doc: "time allowed for a connect" },
      { name: "request_timeout", type: "duration_ms", default: 5000, min: 0, max: 3_600_000, zeroMeans: "no timeout", doc: "time allowed for a reply" },
    ],
  },
  {
    name: "workload",
    tables: ["keyspace", "commands", "values"],
    keys: [
      { name: "rate_limit", type: "int", default: 0, min: 0, max: 1_000_000_000, zeroMeans: "closed loop, as fast as the pipeline allows", doc: "requests per second in all (open loop)" },
      { name: "prefill", type: "bool", default: false, doc: "write every key once before the run" },
    ],
  },
  {
    name: "workload.keyspace",
    keys: [
      { name: "length", type: "int", default: 16, min: 1, max: 250, doc: "key length in bytes (zero-padded decimal index)" },
      { name: "count", type: "int", default: 100_000, min: 1, max: MAX_KEY_COUNT, doc: "number of distinct keys" },
      { name: "distribution", type: "enum", default: "uniform", values: ["uniform", "zipf"], doc: "how keys are drawn" },
      { name: "exponent", type: "float", default: 1.0, min: 0.01, max: 10, doc: "zipf exponent s (key of rank k drawn with weight 1/k^s)" },
    ],
  },
  {
    name: "workload.commands",
    keys: [
      { name: "get", type: "int", default: 0, min: 0, max: 1_000_000, doc: "relative weight of GET" },
      { name: "set", type: "int", default: 0, min: 0, max: 1_000_000, doc: "relative weight of SET" },
      { name: "delete", type: "int", default: 0, min: 0, max: 1_000_000, doc: "relative weight of DEL (memcache delete)" },
      { name: "incr", type: "int", default: 0, min: 0, max: 1_000_000, doc: "relative weight of INCR on counter keys (memcache: ma with autovivify)" },
      { name: "mget", type: "int", default: 0, min: 0, max: 1_000_000, doc: "relative weight of MGET (memcache: multi-key get)" },
      { name: "mget_batch", type: "int", default: 10, min: 1, max: 1000, doc: "keys per MGET (not a weight)" },
    ],
  },
  {
    name: "workload.values",
    keys: [
      { name: "length", type: "int", min: 0, max: MAX_VALUE_BYTES, doc: "value length in bytes (default 64)" },
      { name: "min", type: "int", min: 0, max: MAX_VALUE_BYTES, doc: "shortest value, with max: lengths uniform in [min, max]" },
      { name: "max", type: "int", min: 0, max: MAX_VALUE_BYTES, doc: "longest value, with min" },
    ],
  },
];

/** Weights used when the file has no [workload.commands] at all. */
const DEFAULT_WEIGHTS = { get: 80, set: 20 };
const DEFAULT_VALUE_LENGTH = 64;

function sectionDef(name: string): SectionDef | undefined {
  return SECTIONS.find((s) => s.name === name);
}

function describeAllowed(def: KeyDef): string {
  const range = def.min !== undefined && def.max !== undefined ? ` from ${def.min} to ${def.max}` : "";
  const zero = def.zeroMeans ? ` (0 = ${def.zeroMeans})` : "";
  switch (def.type) {
    case "enum":
      return `one of ${def.values!.map((v) => JSON.stringify(v)).join(", ")}`;
    case "int":
      return `an integer${range}${zero}`;
    case "float":
      return `a number${range}`;
    case "bool":
      return "true or false";
    case "duration_secs":
      return `a duration in whole seconds such as "60s", "5m" or a number of seconds, from ${def.min} to ${def.max} seconds`;
    case "duration_ms":
      return `a duration such as "500ms", "2s" or a number of seconds, from ${def.min} ms to ${def.max! / 1000} s${zero}`;
    case "cpulist":
      return 'a CPU list such as "0-3", "1,3,8" or "0-15:2"';
    case "endpoints":
      return 'a non-empty list of "host:port" strings such as ["127.0.0.1:6379"]';
  }
}

function show(value: unknown): string {
  if (typeof value === "string") return JSON.stringify(value);
  if (typeof value === "number" || typeof value === "bigint" || typeof value === "boolean") return String(value);
  if (Array.isArray(value)) return `[${value.map(show).join(", ")}]`;
  if (value instanceof Date) return "a date";
  if (value && typeof value === "object") return "a table";
  return String(value);
}

const durationUnits: Record<string, number> = { ms: 1, s: 1000, "": 1000, m: 60_000, h: 3_600_000, d: 86_400_000 };

/** "60s", "1500ms", "5m", "1h" or a number of seconds → milliseconds; null when malformed. */
export function parseDurationMs(value: unknown): number | null {
  if (typeof value === "number") return Number.isFinite(value) && value >= 0 ? Math.round(value * 1000) : null;
  if (typeof value === "bigint") return value >= 0n ? Number(value) * 1000 : null;
  if (typeof value !== "string") return null;
  const m = /^\s*(\d+(?:\.\d+)?)\s*([a-zA-Z]*)\s*$/.exec(value);
  if (!m) return null;
  const mult = durationUnits[m[2]!.toLowerCase()];
  if (mult === undefined) return null;
  const ms = Number(m[1]) * mult;
  return Number.isFinite(ms) ? Math.round(ms) : null;
}

/** "host:port", "[::1]:port" → host and port (1-65535); null when malformed. */
export function parseEndpoint(value: string): Endpoint | null {
  const m = /^(?:\[([0-9A-Fa-f:.]+)\]|([A-Za-z0-9_.-]+)):(\d{1,5})$/.exec(value.trim());
  if (!m) return null;
  const port = Number(m[3]);
  if (port < 1 || port > 65535) return null;
  return { host: m[1] ?? m[2]!, port };
}

/** "0-3", "1,3,8", "0-15:2" → the CPUs; null when malformed. */
export function parseCpuList(value: string): number[] | null {
  if (value.trim() === "") return [];
  const cpus: number[] = [];
  for (const part of value.split(",")) {
    const m = /^\s*(\d+)(?:\s*-\s*(\d+)(?::(\d+))?)?\s*$/.exec(part);
    if (!m) return null;
    const lo = Number(m[1]);
    const hi = m[2] === undefined ? lo : Number(m[2]);
    const step = m[3] === undefined ? 1 : Number(m[3]);
    if (hi < lo || step < 1 || hi > 4095) return null;
    for (let c = lo; c <= hi; c += step) cpus.push(c);
  }
  return cpus;
}

// ---- key positions (smol-toml reports none) -----------------------------------------------

const headerRe = /^\s*\[\[?\s*([^\]]+?)\s*\]\]?/;

/** The 1-based line of `key` in table `section` (or of the header when key is undefined). */
export function findKeyLine(text: string, section: string, key?: string): number | undefined {
  const lines = text.split(/\r?\n/);
  let current = "";
  let header: number | undefined;
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]!;
    const h = headerRe.exec(line);
    if (h && !/^\s*\[[^\]]*\]\s*=/.test(line)) {
      current = h[1]!.split(".").map((p) => p.trim().replace(/^["']|["']$/g, "")).join(".");
      if (current === section && header === undefined) header = i + 1;
      continue;
    }
    if (key === undefined) continue;
    const k = /^\s*([A-Za-z0-9_."'-]+?)\s*=/.exec(line);
    if (!k) continue;
    const path = k[1]!.split(".").map((p) => p.trim().replace(/^["']|["']$/g, ""));
    const full = [...(current === "" ? [] : current.split(".")), ...path].join(".");
    if (full === (section === "" ? key : `${section}.${key}`)) return i + 1;
  }
  return header;
}

// ---- validation -----------------------------------------------------------------------------

interface Origin {
  file: string;
  text?: string;
}

function where(o: Origin, section: string, key?: string): { text: string; line?: number } {
  const line = o.text !== undefined ? findKeyLine(o.text, section, key) : undefined;
  return { text: line ? ` in ${o.file} (line ${line})` : ` in ${o.file}`, line };
}

function isTable(v: unknown): v is Record<string, unknown> {
  return typeof v === "object" && v !== null && !Array.isArray(v) && !(v instanceof Date);
}

function closest(word: string, candidates: string[]): string | undefined {
  const lower = word.toLowerCase();
  let best: string | undefined;
  let bestD = Infinity;
  for (const c of candidates) {
    const d = editDistance(lower, c);
    if (d < bestD) [best, bestD] = [c, d];
  }
  if (best !== undefined && bestD <= Math.max(2, Math.floor(best.length / 3))) return best;
  return candidates.find((c) => c.length >= 3 && (lower.startsWith(c) || c.startsWith(lower)));
}

function editDistance(a: string, b: string): number {
  const row = Array.from({ length: b.length + 1 }, (_, i) => i);
  for (let i = 1; i <= a.length; i++) {
    let prev = row[0]!;
    row[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const tmp = row[j]!;
      row[j] = Math.min(row[j]! + 1, row[j - 1]! + 1, prev + (a[i - 1] === b[j - 1] ? 0 : 1));
      prev = tmp;
    }
  }
  return row[b.length]!;
}

/** Check one value against its key's definition; returns the typed value or throws. */
function coerce(section: string, def: KeyDef, raw: unknown, origin: Origin): unknown {
  const dotted = `${section}.${def.name}`;
  const bad = (why?: string): never => {
    const w = where(origin, section, def.name);
    throw new BenchConfigError(`Invalid value for ${dotted}${w.text}: ${show(raw)}: ${why ?? `expected ${describeAllowed(def)}`}`, { key: dotted, line: w.line });
  };
  const inRange = (n: number) => (def.min === undefined || n >= def.min) && (def.max === undefined || n <= def.max);
  switch (def.type) {
    case "enum": {
      if (typeof raw !== "string") return bad();
      const lower = raw.toLowerCase();
      if (!def.values!.includes(lower)) return bad();
      return lower;
    }
    case "int": {
      const n = typeof raw === "bigint" ? Number(raw) : raw;
      if (typeof n !== "number" || !Number.isSafeInteger(n) || !inRange(n)) return bad();
      return n;
    }
    case "float": {
      const n = typeof raw === "bigint" ? Number(raw) : raw;
      if (typeof n !== "number" || !Number.isFinite(n) || !inRange(n)) return bad();
      return n;
    }
    case "bool":
      if (typeof raw !== "boolean") return bad();
      return raw;
    case "duration_secs": {
      const ms = parseDurationMs(raw);
      if (ms === null || ms % 1000 !== 0 || !inRange(ms / 1000)) return bad();
      return ms! / 1000;
    }
    case "duration_ms": {
      const ms = parseDurationMs(raw);
      if (ms === null || !inRange(ms)) return bad();
      return ms;
    }
    case "cpulist":
      if (typeof raw !== "string" || parseCpuList(raw) === null) return bad();
      return raw;
    case "endpoints": {
      const list = typeof raw === "string" ? [raw] : raw;
      if (!Array.isArray(list) || list.length === 0) return bad();
      return list.map((e) => {
        if (typeof e !== "string") return bad(`every endpoint must be a "host:port" string`);
        const ep = parseEndpoint(e);
        if (!ep) return bad(`${JSON.stringify(e)} is not "host:port" (port 1-65535; IPv6 in brackets: "[::1]:6379")`);
        return ep;
      });
    }
  }
}

/** Values from the command line (--duration 2s) laid over the file's. */
export interface Overrides {
  duration?: string;
  warmup?: string;
  threads?: string;
  connections?: string;
  rateLimit?: string;
}

/** Parse and validate a configuration file's text. */
export function parseConfig(text: string, file = "config", overrides: Overrides = {}): BenchConfig {
  let doc: Record<string, unknown>;
  try {
    doc = parseToml(text) as Record<string, unknown>;
  } catch (e) {
    if (e instanceof TomlError) {
      throw new BenchConfigError(`TOML syntax error in ${file} (line ${e.line}, column ${e.column}): ${e.message.split("\n")[0]}`, { line: e.line });
    }
    throw e;
  }
  return validate(doc, { file, text }, overrides);
}

/** Read, parse and validate a configuration file. */
export function loadConfig(path: string, overrides: Overrides = {}): BenchConfig {
  let text: string;
  try {
    text = readFileSync(path, "utf8");
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    const why = code === "ENOENT" ? "no such file" : code === "EACCES" ? "permission denied" : code === "EISDIR" ? "it is a directory" : (e as Error).message;
    throw new BenchConfigError(`Cannot read config file ${path}: ${why}`);
  }
  return parseConfig(text, path, overrides);
}

function validate(doc: Record<string, unknown>, origin: Origin, overrides: Overrides): BenchConfig {
  const top = SECTIONS.filter((s) => !s.name.includes("."));
  // Typed values per "section.key", and the raw form for the effective TOML.
  const values = new Map<string, unknown>();
  const present = new Set<string>();

  const checkTable = (name: string, table: Record<string, unknown>) => {
    const def = sectionDef(name)!;
    const allowed = [...def.keys.map((k) => k.name), ...(def.tables ?? [])];
    present.add(name);
    for (const [key, raw] of Object.entries(table)) {
      if (def.tables?.includes(key)) {
        if (!isTable(raw)) {
          const w = where(origin, name, key);
          throw new BenchConfigError(`Invalid value for ${name}.${key}${w.text}: ${show(raw)}: expected a table ([${name}.${key}])`, { key: `${name}.${key}`, line: w.line });
        }
        checkTable(`${name}.${key}`, raw);
        continue;
      }
      const kd = def.keys.find((k) => k.name === key);
      if (!kd) {
        const w = where(origin, name, key);
        if (name === "target" && key === "tls") {
          throw new BenchConfigError(`TLS is not supported yet by crucible-benchmark${w.text}: remove target.tls to run over plain TCP`, { key: "target.tls", line: w.line });
        }
        const guess = closest(key, allowed);
        throw new BenchConfigError(
          `Unknown key "${key}" in section [${name}]${w.text}${guess ? `; did you mean "${guess}"?` : "."} Known keys in [${name}]: ${allowed.join(", ")}`,
          { key: `${name}.${key}`, line: w.line },
        );
      }
      values.set(`${name}.${key}`, coerce(name, kd, raw, origin));
    }
  };

  for (const [name, value] of Object.entries(doc)) {
    if (name === "tls") {
      const w = where(origin, "tls");
      throw new BenchConfigError(`TLS is not supported yet by crucible-benchmark${w.text}: remove the [tls] section to run over plain TCP`, { key: "tls", line: w.line });
    }
    const def = top.find((s) => s.name === name);
    if (!def) {
      const known = top.map((s) => s.name);
      const guess = closest(name, known);
      const w = where(origin, name);
      throw new BenchConfigError(
        `Unknown section [${name}]${w.text}${guess ? `; did you mean [${guess}]?` : "."} Known sections: ${[...known, "workload.keyspace", "workload.commands", "workload.values"].map((s) => `[${s}]`).join(", ")}`,
        { key: name, line: w.line },
      );
    }
    if (!isTable(value)) {
      const w = where(origin, "", name);
      throw new BenchConfigError(`Invalid value for ${name}${w.text}: ${show(value)}: expected a table ([${name}])`, { key: name, line: w.line });
    }
    checkTable(name, value);
  }

  // Command-line overrides, checked as the file's values are.
  const cli: Origin = { file: "the command line" };
  const applyOverride = (section: string, key: string, raw: string | undefined, flag: string) => {
    if (raw === undefined) return;
    const kd = sectionDef(section)!.keys.find((k) => k.name === key)!;
    const parsed = kd.type === "int" ? (/^\s*\d+\s*$/.test(raw) ? Number(raw) : raw) : raw;
    try {
      values.set(`${section}.${key}`, coerce(section, kd, parsed, cli));
    } catch (e) {
      throw new BenchConfigError((e as Error).message.replace(`${section}.${key} in the command line`, `${flag}`), { key: `${section}.${key}` });
    }
  };
  applyOverride("general", "duration", overrides.duration, "--duration");
  applyOverride("general", "warmup", overrides.warmup, "--warmup");
  applyOverride("general", "threads", overrides.threads, "--threads");
  applyOverride("connection", "connections", overrides.connections, "--connections");
  applyOverride("workload", "rate_limit", overrides.rateLimit, "--rate-limit");

  const get = <T>(section: string, key: string): T => {
    const v = values.get(`${section}.${key}`);
    if (v !== undefined) return v as T;
    const kd = sectionDef(section)!.keys.find((k) => k.name === key)!;
    return kd.default as T;
  };

  const endpoints = values.get("target.endpoints") as Endpoint[] | undefined;
  if (!endpoints) {
    throw new BenchConfigError(`Missing key target.endpoints in ${origin.file}: ${describeAllowed(sectionDef("target")!.keys[0]!)} is required`, { key: "target.endpoints" });
  }

  // Weights: all zero when [workload.commands] is present but names none; defaults when absent.
  const commandsGiven = present.has("workload.commands") && [...values.keys()].some((k) => k.startsWith("workload.commands.") && k !== "workload.commands.mget_batch");
  const weight = (name: string) => (commandsGiven ? get<number>("workload.commands", name) : ((DEFAULT_WEIGHTS as Record<string, number>)[name] ?? 0));
  const commands = {
    get: weight("get"),
    set: weight("set"),
    delete: weight("delete"),
    incr: weight("incr"),
    mget: weight("mget"),
    mgetBatch: get<number>("workload.commands", "mget_batch"),
  };
  if (commands.get + commands.set + commands.delete + commands.incr + commands.mget === 0) {
    const w = where(origin, "workload.commands");
    throw new BenchConfigError(`Invalid [workload.commands]${w.text}: every weight is 0; give at least one of get, set, delete, incr, mget a weight above 0`, { key: "workload.commands", line: w.line });
  }

  // Values: length, or min and max.
  const vLen = values.get("workload.values.length") as number | undefined;
  const vMin = values.get("workload.values.min") as number | undefined;
  const vMax = values.get("workload.values.max") as number | undefined;
  let minLength = DEFAULT_VALUE_LENGTH;
  let maxLength = DEFAULT_VALUE_LENGTH;
  if (vLen !== undefined && (vMin !== undefined || vMax !== undefined)) {
    const w = where(origin, "workload.values", vMin !== undefined ? "min" : "max");
    throw new BenchConfigError(`Invalid value for workload.values.${vMin !== undefined ? "min" : "max"}${w.text}: give either length, or min and max, not both`, { key: `workload.values.${vMin !== undefined ? "min" : "max"}`, line: w.line });
  }
  if (vLen !== undefined) minLength = maxLength = vLen;
  else if (vMin !== undefined || vMax !== undefined) {
    if (vMin === undefined || vMax === undefined) {
      const missing = vMin === undefined ? "min" : "max";
      const w = where(origin, "workload.values", missing === "min" ? "max" : "min");
      throw new BenchConfigError(`Missing key workload.values.${missing}${w.text}: min and max go together (lengths uniform in [min, max])`, { key: `workload.values.${missing}`, line: w.line });
    }
    if (vMin > vMax) {
      const w = where(origin, "workload.values", "min");
      throw new BenchConfigError(`Invalid value for workload.values.min${w.text}: ${vMin}: expected at most max (${vMax})`, { key: "workload.values.min", line: w.line });
    }
    minLength = vMin;
    maxLength = vMax;
  }

  const keyLength = get<number>("workload.keyspace", "length");
  const count = get<number>("workload.keyspace", "count");
  const digits = String(count - 1).length;
  if (digits > keyLength) {
    const w = where(origin, "workload.keyspace", "length");
    throw new BenchConfigError(
      `Invalid value for workload.keyspace.length${w.text}: ${keyLength}: keys are zero-padded decimal indexes, and ${count} keys need at least ${digits} bytes`,
      { key: "workload.keyspace.length", line: w.line },
    );
  }

  const threads = get<number>("general", "threads");
  const connections = get<number>("connection", "connections");
  if (threads > connections) {
    const w = where(origin, "general", "threads");
    throw new BenchConfigError(`Invalid value for general.threads${w.text}: ${threads}: expected at most connection.connections (${connections}); every thread needs a connection`, { key: "general.threads", line: w.line });
  }
  const protocol = get<Protocol>("target", "protocol");
  if (protocol.startsWith("memcache") && keyLength > 250) {
    throw new BenchConfigError(`Invalid value for workload.keyspace.length in ${origin.file}: ${keyLength}: memcache keys are at most 250 bytes`, { key: "workload.keyspace.length" });
  }

  const config: Omit<BenchConfig, "toml"> = {
    general: { durationSecs: get("general", "duration"), warmupSecs: get("general", "warmup"), threads, cpuList: get("general", "cpu_list") },
    target: { endpoints, protocol },
    connection: {
      connections,
      pipelineDepth: get("connection", "pipeline_depth"),
      connectTimeoutMs: get("connection", "connect_timeout"),
      requestTimeoutMs: get("connection", "request_timeout"),
    },
    workload: {
      rateLimit: get("workload", "rate_limit"),
      prefill: get("workload", "prefill"),
      keyspace: { length: keyLength, count, distribution: get("workload.keyspace", "distribution"), exponent: get("workload.keyspace", "exponent") },
      commands,
      values: { minLength, maxLength },
    },
  };
  return { ...config, toml: configToToml(config) };
}

function durationText(ms: number): string {
  return ms % 1000 === 0 ? `${ms / 1000}s` : `${ms}ms`;
}

/** The effective configuration as TOML, every key written (it loads back). */
export function configToToml(c: Omit<BenchConfig, "toml">): string {
  const values = c.workload.values.minLength === c.workload.values.maxLength ? { length: c.workload.values.minLength } : { min: c.workload.values.minLength, max: c.workload.values.maxLength };
  const doc = {
    general: {
      duration: durationText(c.general.durationSecs * 1000),
      warmup: durationText(c.general.warmupSecs * 1000),
      threads: c.general.threads,
      ...(c.general.cpuList !== "" ? { cpu_list: c.general.cpuList } : {}),
    },
    target: { endpoints: c.target.endpoints.map((e) => (e.host.includes(":") ? `[${e.host}]:${e.port}` : `${e.host}:${e.port}`)), protocol: c.target.protocol },
    connection: {
      connections: c.connection.connections,
      pipeline_depth: c.connection.pipelineDepth,
      connect_timeout: durationText(c.connection.connectTimeoutMs),
      request_timeout: durationText(c.connection.requestTimeoutMs),
    },
    workload: {
      rate_limit: c.workload.rateLimit,
      prefill: c.workload.prefill,
      keyspace: { ...c.workload.keyspace },
      commands: {
        get: c.workload.commands.get,
        set: c.workload.commands.set,
        delete: c.workload.commands.delete,
        incr: c.workload.commands.incr,
        mget: c.workload.commands.mget,
        mget_batch: c.workload.commands.mgetBatch,
      },
      values,
    },
  };
  return stringifyToml(doc) + "\n";
}

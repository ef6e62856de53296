// Loading: resolve the file, parse TOML, check every key against the schema, apply
// CRUCIBLE_LOG and --set overrides, then check the keys against each other. Every refusal
// is a ConfigError naming the file, line, key and value, and what is allowed.

import { existsSync, readFileSync, statSync } from "node:fs";
import { isAbsolute, join, resolve } from "node:path";
import { parse as parseToml, TomlError } from "smol-toml";
import type { LogLevel, LogModule, LogModuleLevels } from "../stdx/index.ts";
import { logLevels, logModules } from "../stdx/index.ts";
import { ConfigError } from "./errors.ts";
import {
  type Config,
  dotted,
  findKey,
  keyHints,
  type KeyDef,
  type KeyValue,
  keysOf,
  notYetSections,
  schema,
  sectionDef,
  sections,
} from "./schema.ts";
import { scanToml } from "./toml-edit.ts";
import { formatAddress, formatSize, parseAddress, parseCpuList, parseDurationSecs, parseSize } from "./units.ts";

/** The name of the config file looked for in the working directory. */
export const defaultConfigFile = "crucible.toml";
/** Fallback looked for after crucible.toml, as the troubleshooting guide describes. */
export const exampleConfigFile = "crucible.example.toml";
export const builtInDefaults = "built-in defaults";

export function defaultConfig(): Config {
  const cfg: Record<string, unknown> = {};
  for (const s of sections) {
    if (s.name === "") continue;
    const table: Record<string, unknown> = {};
    for (const k of keysOf(s.name)) table[k.name] = k.default;
    cfg[s.name] = s.array ? [table] : table;
  }
  for (const k of keysOf("")) cfg[k.name] = k.default;
  return cfg as unknown as Config;
}

/** Where a value came from, for error messages. */
interface Origin {
  /** "./crucible.toml", "--set", "CRUCIBLE_LOG", or undefined for CONFIG SET. */
  file?: string;
  /** The TOML text, to find the line of a key in. */
  text?: string;
  /** The whole override, e.g. "cache.heap_size=64XB". */
  override?: string;
}

function where(o: Origin, line?: number): string {
  if (o.override !== undefined) return ` in ${o.file} ${o.override}`;
  if (o.file === undefined) return "";
  return line ? ` in ${o.file} (line ${line})` : ` in ${o.file}`;
}

function show(value: unknown): string {
  if (typeof value === "string") return JSON.stringify(value);
  if (typeof value === "number" || typeof value === "bigint" || typeof value === "boolean") return String(value);
  if (Array.isArray(value)) return "an array";
  if (value instanceof Date) return "a date";
  if (value && typeof value === "object") return "a table";
  return String(value);
}

/** What a key accepts, in words, for "bad value" messages. */
export function describeAllowed(def: KeyDef): string {
  const zero = def.zeroMeans ? ` (or ${def.type === "address" ? '""' : "0"} = ${def.zeroMeans})` : "";
  const sentinel = def.sentinel ? ` (or ${def.sentinel.value} = ${def.sentinel.means})` : "";
  const range = (fmt: (n: number) => string) =>
    def.min !== undefined && def.max !== undefined ? ` from ${fmt(def.min)} to ${fmt(def.max)}` : "";
  switch (def.type) {
    case "enum":
      return `one of ${def.values!.map((v) => JSON.stringify(v)).join(", ")}`;
    case "int":
      return `${def.powerOfTwo ? "a power of two" : "an integer"}${range(String)}${zero}${sentinel}`;
    case "size":
      return `a size such as "64MB" or "1GB" (KB/MB/GB/TB are 1024-based) or a number of bytes,${range(formatSize)}${zero}`;
    case "duration":
      return `a duration such as "30s" or "5m" or a number of seconds,${range(String).replace(/(\d+)$/, "$1 seconds")}${zero}`;
    case "address":
      return `"host:port" such as "127.0.0.1:6379" or "[::1]:6379", port 0-65535${zero}`;
    case "cpulist":
      return `a CPU list such as "0-3", "1,3,8" or "0-15:2" (a range with a stride), joined by commas, or "" for none`;
    case "path":
      return "a file path";
    case "string":
      return def.patternDoc ?? "a string";
    case "bool":
      return "true or false";
  }
}

/**
 * Turn a raw value (from TOML, or text from --set / CONFIG SET when `fromText`) into the
 * key's typed value, or throw a ConfigError saying what is allowed.
 */
function coerce(def: KeyDef, raw: unknown, origin: Origin, line: number | undefined, fromText: boolean): KeyValue {
  const bad = (why?: string): never => {
    throw new ConfigError(
      `Invalid value for ${dotted(def)}${where(origin, line)}: ${show(raw)}: ${why ?? `expected ${describeAllowed(def)}`}`,
      { file: origin.file, line, key: dotted(def) },
    );
  };
  let value: KeyValue;
  switch (def.type) {
    case "enum": {
      if (typeof raw !== "string") bad();
      const lower = (raw as string).toLowerCase();
      if (!def.values!.includes(lower)) bad();
      value = lower;
      break;
    }
    case "int": {
      let n: number;
      if (typeof raw === "number") n = raw;
      else if (typeof raw === "bigint") n = Number(raw);
      else if (fromText && typeof raw === "string" && /^\s*-?\d+\s*$/.test(raw)) n = Number(raw);
      else return bad();
      if (!Number.isSafeInteger(n)) bad();
      value = n;
      break;
    }
    case "size": {
      const text = fromText && typeof raw === "string" && /^\s*\d+\s*$/.test(raw) ? Number(raw) : raw;
      const n = parseSize(text);
      if (n === null) bad();
      value = n!;
      break;
    }
    case "duration": {
      const n = parseDurationSecs(raw);
      if (n === null) bad();
      value = n!;
      break;
    }
    case "address": {
      if (typeof raw !== "string") bad();
      const s = (raw as string).trim();
      if (s === "" && def.zeroMeans) return "";
      const hp = parseAddress(s);
      if (!hp) bad();
      value = formatAddress(hp!.host, hp!.port);
      break;
    }
    case "cpulist": {
      if (typeof raw !== "string" || parseCpuList(raw) === null) bad();
      value = (raw as string).trim();
      break;
    }
    case "path": {
      if (typeof raw !== "string" || raw.includes("\0")) bad();
      value = raw as string;
      break;
    }
    case "string": {
      if (typeof raw !== "string" || (def.pattern !== undefined && !def.pattern.test(raw))) bad();
      value = raw as string;
      break;
    }
    case "bool": {
      // TOML has true/false; --set and CONFIG SET also take Redis's yes/no.
      const text = fromText && typeof raw === "string" ? raw.trim().toLowerCase() : undefined;
      if (typeof raw === "boolean") value = raw;
      else if (text === "true" || text === "yes") value = true;
      else if (text === "false" || text === "no") value = false;
      else return bad();
      break;
    }
  }
  if (typeof value === "number") {
    const allowed =
      (def.zeroMeans !== undefined && value === 0) || (def.sentinel !== undefined && value === def.sentinel.value);
    if (!allowed && ((def.min !== undefined && value < def.min) || (def.max !== undefined && value > def.max))) bad();
    if (!allowed && def.powerOfTwo && (value & (value - 1)) !== 0) bad();
  }
  const hostProblem = def.hostCheck?.(value);
  if (hostProblem !== undefined) bad(hostProblem);
  const reason = typeof def.notYet === "function" ? def.notYet(value) : def.notYet !== undefined && value !== def.default ? def.notYet : undefined;
  if (reason !== undefined) {
    throw new ConfigError(
      `Unsupported setting ${dotted(def)} = ${show(raw)}${where(origin, line)}: ${reason}`,
      { file: origin.file, line, key: dotted(def) },
    );
  }
  return value;
}

/**
 * Check a value for a key, as CONFIG SET does on a running server: returns the typed value
 * (bytes for sizes, seconds for durations) or throws a ConfigError. `section` is "" for
 * top-level keys. It does not check whether the key may change at runtime (see
 * KeyDef.runtime).
 */
export function validateValue(section: string, key: string, rawValue: KeyValue): KeyValue {
  const def = findKey(section, key);
  if (!def) throw unknownKey(section, key, {}, undefined);
  return coerce(def, rawValue, {}, undefined, typeof rawValue === "string");
}

// ---- did-you-mean -------------------------------------------------------------------

function editDistance(a: string, b: string): number {
  const prev = Array.from({ length: b.length + 1 }, (_, i) => i);
  for (let i = 1; i <= a.length; i++) {
    let diag = prev[0]!;
    prev[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const tmp = prev[j]!;
      prev[j] = Math.min(prev[j]! + 1, prev[j - 1]! + 1, diag + (a[i - 1] === b[j - 1] ? 0 : 1));
      diag = tmp;
    }
  }
  return prev[b.length]!;
}

export function closest(name: string, candidates: readonly string[]): string | undefined {
  const lower = name.toLowerCase().replaceAll("-", "_");
  let best: string | undefined;
  let bestD = Infinity;
  for (const c of candidates) {
    const d = c === lower ? 0 : editDistance(lower, c);
    if (d < bestD) [best, bestD] = [c, d];
  }
  if (best !== undefined && bestD <= Math.max(2, Math.floor(best.length / 3))) return best;
  return candidates.find((c) => c.length >= 4 && (lower.includes(c) || c.includes(lower)));
}

function unknownKey(section: string, key: string, origin: Origin, line: number | undefined): ConfigError {
  const full = section === "" ? key : `${section}.${key}`;
  const sectionName = section === "" ? "at the top level" : `in section [${section}]`;
  const hint = keyHints[full];
  const known = keysOf(section).map((k) => k.name);
  let msg = `Unknown key "${key}" ${sectionName}${where(origin, line)}`;
  if (hint) msg += `; ${hint}`;
  else {
    const guess = closest(key, known);
    msg += guess ? `; did you mean "${guess}"?` : ".";
    msg += ` Known keys ${sectionName}: ${known.join(", ")}`;
  }
  return new ConfigError(msg, { file: origin.file, line, key: full });
}

function unknownSection(name: string, origin: Origin, line: number | undefined): ConfigError {
  const notYet = notYetSections[name];
  if (notYet) {
    return new ConfigError(
      `Unsupported section [${name}]${where(origin, line)}: ${notYet} in this version of Crucible. Remove the section to start without it.`,
      { file: origin.file, line, key: name },
    );
  }
  const known = sections.filter((s) => s.name !== "").map((s) => s.name);
  const guess = closest(name, known);
  let msg = `Unknown section [${name}]${where(origin, line)}`;
  msg += guess ? `; did you mean [${guess}]?` : ".";
  msg += ` Known sections: ${known.map((s) => `[${s}]`).join(", ")}`;
  return new ConfigError(msg, { file: origin.file, line, key: name });
}

// ---- key positions ------------------------------------------------------------------

/**
 * The 1-based line of `key` in `section` (index-th table for arrays of tables), or of the
 * section header when `key` is undefined. smol-toml does not report key positions, so the
 * source is scanned (scanToml): headers, `key =`, and dotted `section.key =` at the top.
 */
export function findKeyLine(text: string, section: string, key?: string, index = 0): number | undefined {
  const found = scanToml(text.split(/\r?\n/));
  let seen = -1;
  let inside = section === "";
  let headerLine: number | undefined;
  for (const t of found) {
    if (t.kind === "header") {
      if (t.name === section) {
        seen++;
        inside = seen === index || !t.array;
        if (inside && headerLine === undefined) headerLine = t.line + 1;
      } else inside = false;
      continue;
    }
    if (key === undefined) continue;
    if (inside && t.path.length === 1 && t.path[0] === key) return t.line + 1;
    if (t.table === null && t.path.join(".") === (section === "" ? key : `${section}.${key}`)) return t.line + 1;
  }
  if (key === undefined) return headerLine;
  if (section === "") return undefined;
  // The section itself (its header, or an inline table): point at it.
  const top = found.find((t) => t.kind === "key" && t.table === null && t.path[0] === section);
  return headerLine ?? (top === undefined ? undefined : top.line + 1);
}

// ---- the document -------------------------------------------------------------------

function isTable(v: unknown): v is Record<string, unknown> {
  return typeof v === "object" && v !== null && !Array.isArray(v) && !(v instanceof Date);
}

/** Check a parsed TOML document against the schema and build the Config it describes. */
export function configFromDocument(doc: Record<string, unknown>, origin: Origin = {}): Config {
  const cfg = defaultConfig() as unknown as Record<string, unknown>;
  const text = origin.text ?? "";
  const lineOf = (section: string, key?: string, index = 0) => (text ? findKeyLine(text, section, key, index) : undefined);

  const fillTable = (section: string, table: Record<string, unknown>, target: Record<string, unknown>, index = 0) => {
    for (const [key, raw] of Object.entries(table)) {
      const def = findKey(section, key);
      if (!def) throw unknownKey(section, key, origin, lineOf(section, key, index));
      target[key] = coerce(def, raw, origin, lineOf(section, key, index), false);
    }
  };

  for (const [name, value] of Object.entries(doc)) {
    const topKey = findKey("", name);
    if (topKey) {
      cfg[name] = coerce(topKey, value, origin, lineOf("", name), false);
      continue;
    }
    const sec = sectionDef(name);
    if (!sec || name === "") {
      if (isTable(value) || Array.isArray(value) || notYetSections[name]) throw unknownSection(name, origin, lineOf(name) ?? lineOf("", name));
      throw unknownKey("", name, origin, lineOf("", name));
    }
    if (sec.array) {
      // [[listener]] tables; a single [listener] table is taken as one.
      const tables = Array.isArray(value) ? value : [value];
      if (tables.length === 0) {
        throw new ConfigError(`Invalid value for ${name}${where(origin, lineOf("", name))}: at least one [[${name}]] is needed`, { file: origin.file, key: name });
      }
      cfg[name] = tables.map((t, i) => {
        if (!isTable(t)) {
          throw new ConfigError(`Invalid value for ${name}${where(origin, lineOf(name, undefined, i) ?? lineOf("", name))}: expected [[${name}]] tables, got ${show(t)}`, { file: origin.file, key: name });
        }
        const target: Record<string, unknown> = {};
        for (const k of keysOf(name)) target[k.name] = k.default;
        fillTable(name, t, target, i);
        return target;
      });
      continue;
    }
    if (!isTable(value)) {
      throw new ConfigError(`Invalid value for ${name}${where(origin, lineOf("", name))}: expected a [${name}] table, got ${show(value)}`, { file: origin.file, key: name });
    }
    fillTable(name, value, cfg[name] as Record<string, unknown>);
  }
  return cfg as unknown as Config;
}

/** Keys checked against each other once every source has been applied. */
export function checkConsistency(cfg: Config, source?: string): void {
  const src = source && source !== builtInDefaults ? ` (config: ${source})` : "";
  const fail = (msg: string, key: string): never => {
    throw new ConfigError(msg + src, { file: source, key });
  };
  if (cfg.cache.heap_size < cfg.cache.segment_size) {
    fail(`cache.heap_size (${formatSize(cfg.cache.heap_size)}) must be at least cache.segment_size (${formatSize(cfg.cache.segment_size)})`, "cache.heap_size");
  }
  if (cfg.cache.max_value_size > cfg.cache.heap_size) {
    fail(`cache.max_value_size (${formatSize(cfg.cache.max_value_size)}) must not exceed cache.heap_size (${formatSize(cfg.cache.heap_size)})`, "cache.max_value_size");
  }
  if (cfg.listener.length === 0) fail("at least one [[listener]] is needed", "listener");
  const seen = new Map<string, string>();
  const claim = (addr: string, what: string) => {
    const hp = parseAddress(addr);
    if (!hp || hp.port === 0) return;
    const prev = [...seen.entries()].find(([a]) => {
      const p = parseAddress(a)!;
      const wildcard = (h: string) => h === "0.0.0.0" || h === "::";
      return p.port === hp.port && (p.host === hp.host || wildcard(p.host) || wildcard(hp.host));
    });
    if (prev) fail(`${what} address ${addr} conflicts with ${prev[1]} address ${prev[0]}: each socket needs its own port`, what);
    seen.set(addr, what);
  };
  cfg.listener.forEach((l, i) => {
    if (l.path === "") claim(l.address, `listener[${i}]`);
    else if (cfg.listener.some((o, j) => j < i && o.path === l.path)) fail(`listener[${i}] path ${l.path} is also listener path of an earlier [[listener]]: each socket needs its own path`, `listener[${i}]`);
  });
  if (cfg.metrics.address !== "") claim(cfg.metrics.address, "metrics");
}

// ---- overrides ------------------------------------------------------------------------

/**
 * Apply one "section.key=value" override (from --set) to `cfg` in place. "key=value" sets
 * a top-level key; "listener.address=..." sets the first listener, "listener.1.address=..."
 * the second (adding it when it is the next one).
 */
export function applyOverride(cfg: Config, override: string, file = "--set"): void {
  const origin: Origin = { file, override };
  const eq = override.indexOf("=");
  if (eq <= 0) {
    throw new ConfigError(`Invalid override ${JSON.stringify(override)}${file ? ` (${file})` : ""}: expected section.key=value, e.g. --set cache.heap_size=1GB`, { file });
  }
  const path = override.slice(0, eq).trim().split(".");
  let raw = override.slice(eq + 1).trim();
  if (raw.length >= 2 && (raw[0] === '"' || raw[0] === "'") && raw.at(-1) === raw[0]) raw = raw.slice(1, -1);
  let section = "";
  let key: string;
  let index = 0;
  if (path.length === 1) key = path[0]!;
  else if (path.length === 2) [section, key] = path as [string, string];
  else if (path.length === 3 && /^\d+$/.test(path[1]!)) {
    section = path[0]!;
    index = Number(path[1]);
    key = path[2]!;
  } else throw unknownKey(path.slice(0, -1).join("."), path.at(-1)!, origin, undefined);

  if (section !== "" && !sectionDef(section)) throw unknownSection(section, origin, undefined);
  const def = findKey(section, key);
  if (!def) {
    const all = schema.map(dotted);
    const guess = closest(override.slice(0, eq).trim(), all);
    const e = unknownKey(section, key, origin, undefined);
    if (guess && !e.message.includes("did you mean")) {
      throw new ConfigError(`${e.message.split(" Known")[0].replace(/\.$/, "")}; did you mean "${guess}"?`, { file, key: e.key });
    }
    throw e;
  }
  const value = coerce(def, raw, origin, undefined, true);
  const c = cfg as unknown as Record<string, unknown>;
  if (section === "") c[key] = value;
  else if (sectionDef(section)!.array) {
    const arr = c[section] as Record<string, unknown>[];
    if (index > arr.length) {
      throw new ConfigError(`Invalid override ${JSON.stringify(override)}: there is no ${section}.${index - 1} to add ${section}.${index} after`, { file });
    }
    if (index === arr.length) arr.push(Object.fromEntries(keysOf(section).map((k) => [k.name, k.default])));
    arr[index]![key] = value;
  } else (c[section] as Record<string, unknown>)[key] = value;
}

/** CRUCIBLE_LOG's meaning: the level of every module, and levels for some modules apart. */
export interface LogFilter {
  /** From a bare level ("debug") or "crucible=LEVEL"; undefined: keep logging.level. */
  level?: LogLevel;
  /** "server=debug", "crucible::store=trace" → { server: "debug", store: "trace" }. */
  modules: LogModuleLevels;
}

/** The troubleshooting guide's module names that Crucible calls otherwise. */
const moduleAliases: Record<string, LogModule> = { storage: "store" };

/**
 * Parse CRUCIBLE_LOG, which takes RUST_LOG's forms: "debug", "crucible=debug",
 * "info,server=debug", "crucible::storage=trace,crucible::server=debug,crucible=info".
 * A bare level or "crucible=LEVEL" sets every module; "MODULE=LEVEL" or
 * "crucible::MODULE=LEVEL" sets one (see logModules; "storage" is "store"); a later
 * directive wins over an earlier one. Anything else (a level that does not exist, a module
 * Crucible does not have) is refused with the reason, so a typo cannot go unnoticed.
 */
export function parseLogFilter(value: string): LogFilter {
  const fail = (why: string): never => {
    throw new ConfigError(`Invalid CRUCIBLE_LOG=${JSON.stringify(value)}: ${why}`, { file: "CRUCIBLE_LOG", key: "logging.level" });
  };
  const example = "e.g. CRUCIBLE_LOG=debug or CRUCIBLE_LOG=info,server=debug";
  const filter: LogFilter = { modules: {} };
  let any = false;
  for (const directive of value.split(",").map((d) => d.trim()).filter(Boolean)) {
    const eq = directive.lastIndexOf("=");
    const target = eq < 0 ? "" : directive.slice(0, eq).trim();
    let level = (eq < 0 ? directive : directive.slice(eq + 1)).trim().toLowerCase();
    if (level === "warning") level = "warn";
    if (!(logLevels as string[]).includes(level)) {
      fail(`${JSON.stringify(level)} is not a log level; expected one of ${logLevels.join(", ")}, ${example}`);
    }
    any = true;
    const lower = target.toLowerCase();
    if (lower === "" || lower === "crucible") {
      filter.level = level as LogLevel;
      continue;
    }
    const path = lower.startsWith("crucible::") ? lower.slice("crucible::".length) : lower;
    const module = moduleAliases[path] ?? path;
    if (!(logModules as readonly string[]).includes(module)) {
      const guide = /^ferrite(::|$)/.test(lower) ? ` (the guide's ferrite:: is crucible:: here, its storage module is store)` : "";
      fail(
        `${JSON.stringify(target)} is not a Crucible module${guide}; per-module levels take one of ${logModules.join(", ")} ` +
          `(written "server=debug" or "crucible::server=debug"), ${example}`,
      );
    }
    filter.modules[module] = level as LogLevel;
  }
  if (!any) fail(`no level given; ${example}`);
  return filter;
}

// ---- files --------------------------------------------------------------------------

export interface LoadOptions {
  /** An explicit config file (CLI argument); relative to cwd. */
  path?: string;
  cwd: string;
  /** "section.key=value" overrides, applied in order after the file and CRUCIBLE_LOG. */
  overrides?: string[];
  env?: Record<string, string | undefined>;
}

export interface LoadResult {
  config: Config;
  /** The file used (as given, or the path found in cwd), or "built-in defaults". */
  source: string;
  /** Per-module log levels from CRUCIBLE_LOG ({} when it sets none). */
  logModules: LogModuleLevels;
}

/** Parse TOML text (from `file`, for messages) into a checked Config. */
export function parseConfigText(text: string, file: string): Config {
  let doc: Record<string, unknown>;
  try {
    doc = parseToml(text) as Record<string, unknown>;
  } catch (e) {
    if (e instanceof TomlError) {
      const inner = e.message.replace(/^Invalid TOML document: /, "").split("\n\n")[0];
      throw new ConfigError(
        `Failed to parse config: TOML parse error at line ${e.line}, column ${e.column}: ${inner} (in ${file})\n${e.codeblock.trimEnd()}`,
        { file, line: e.line },
      );
    }
    throw e;
  }
  return configFromDocument(doc, { file, text });
}

function readConfigFile(path: string, shown: string): string {
  try {
    if (statSync(path).isDirectory()) throw new ConfigError(`Config file ${shown} is a directory; give the path of a .toml file`, { file: shown });
    return readFileSync(path, "utf8");
  } catch (e) {
    if (e instanceof ConfigError) throw e;
    const code = (e as NodeJS.ErrnoException).code;
    if (code === "ENOENT" || code === "ENOTDIR") throw notFound(shown);
    if (code === "EACCES" || code === "EPERM") {
      throw new ConfigError(`Cannot read config file ${shown}: permission denied (check with: ls -l ${shown})`, { file: shown });
    }
    throw new ConfigError(`Cannot read config file ${shown}: ${(e as Error).message}`, { file: shown });
  }
}

function notFound(shown: string): ConfigError {
  return new ConfigError(
    `Config file not found: ${shown}\n` +
      `  Create one with every key and its default: crucible-server init --output ${shown}\n` +
      `  or start without it (./${defaultConfigFile} is used when present, else built-in defaults).`,
    { file: shown },
  );
}

/**
 * Resolve and load the configuration: the explicit `path`, else ./crucible.toml, else
 * ./crucible.example.toml in `cwd`, else built-in defaults; then CRUCIBLE_LOG, then each
 * --set override in order. Throws ConfigError.
 */
export function loadConfig(opts: LoadOptions): LoadResult {
  let config: Config;
  let source: string;
  if (opts.path !== undefined && opts.path !== "") {
    const full = isAbsolute(opts.path) ? opts.path : resolve(opts.cwd, opts.path);
    config = parseConfigText(readConfigFile(full, opts.path), opts.path);
    source = opts.path;
  } else {
    const found = [defaultConfigFile, exampleConfigFile].map((f) => join(opts.cwd, f)).find((f) => existsSync(f));
    if (found) {
      config = parseConfigText(readConfigFile(found, found), found);
      source = found;
    } else {
      config = defaultConfig();
      source = builtInDefaults;
    }
  }
  const logEnv = opts.env?.CRUCIBLE_LOG;
  let logModules: LogModuleLevels = {};
  if (logEnv !== undefined && logEnv.trim() !== "") {
    const filter = parseLogFilter(logEnv);
    if (filter.level !== undefined) config.logging.level = filter.level;
    logModules = filter.modules;
  }
  for (const o of opts.overrides ?? []) applyOverride(config, o);
  checkConsistency(config, source);
  return { config, source, logModules };
}

/**
 * --bind HOST / --port N: change the first RESP TCP listener's address (keeping the other
 * half). Throws ConfigError for a bad host or port.
 */
export function applyListenFlags(cfg: Config, flags: { bind?: string; port?: string | number }): void {
  if (flags.bind === undefined && flags.port === undefined) return;
  let l = cfg.listener.find((x) => x.protocol === "resp" && x.path === "");
  if (!l) {
    l = { protocol: "resp", address: String(findKey("listener", "address")!.default), path: "" };
    cfg.listener.unshift(l);
  }
  const current = parseAddress(l.address)!;
  let host = current.host;
  let port = current.port;
  if (flags.bind !== undefined) {
    const h = flags.bind.trim().replace(/^\[(.*)\]$/, "$1");
    if (h === "" || !parseAddress(formatAddress(h, 1))) {
      throw new ConfigError(`Invalid value for --bind: ${JSON.stringify(flags.bind)}: expected a host such as 127.0.0.1, 0.0.0.0 or ::1`, { file: "--bind", key: "listener.address" });
    }
    host = h;
  }
  if (flags.port !== undefined) {
    const p = String(flags.port).trim();
    if (!/^\d{1,5}$/.test(p) || Number(p) > 65535) {
      throw new ConfigError(`Invalid value for --port: ${JSON.stringify(String(flags.port))}: expected a port from 0 to 65535`, { file: "--port", key: "listener.address" });
    }
    port = Number(p);
  }
  l.address = formatAddress(host, port);
}

import { afterEach, describe, expect, test } from "bun:test";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import {
  applyListenFlags,
  applyOverride,
  ConfigError,
  defaultConfig,
  findKeyLine,
  loadConfig,
  parseConfigText,
  parseLogFilter,
  validateValue,
} from "../../../src/config/index.ts";

const dirs: string[] = [];
function tmp(files: Record<string, string> = {}): string {
  const dir = mkdtempSync(join(tmpdir(), "crucible-config-"));
  dirs.push(dir);
  for (const [name, text] of Object.entries(files)) writeFileSync(join(dir, name), text);
  return dir;
}
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

/** The ConfigError `fn` throws. */
function configError(fn: () => unknown): ConfigError {
  try {
    fn();
  } catch (e) {
    expect(e).toBeInstanceOf(ConfigError);
    return e as ConfigError;
  }
  throw new Error("expected a ConfigError");
}

const parse = (text: string) => parseConfigText(text, "crucible.toml");

describe("parsing a file", () => {
  test("a full file", () => {
    const cfg = parse(`
io_engine = "bun"

[cache]
heap_size = "1GB"
segment_size = "4MB"
hashtable_power = 21
max_value_size = 1048576
eviction = "noeviction"

[[listener]]
protocol = "resp"
address = "0.0.0.0:6380"

[[listener]]
address = "127.0.0.1:6381"

[metrics]
address = ""

[logging]
level = "debug"
format = "json"
file = "/var/log/crucible.log"

[shutdown]
drain_timeout_secs = "2m"

[server]
maxclients = 50
timeout = "5m"
tcp_keepalive = 0
client_output_buffer_limit = 0
`);
    expect(cfg.io_engine).toBe("bun");
    expect(cfg.cache).toMatchObject({ heap_size: 1024 ** 3, segment_size: 4 * 1024 ** 2, hashtable_power: 21, max_value_size: 1048576, eviction: "noeviction" });
    expect(cfg.listener).toEqual([
      { protocol: "resp", address: "0.0.0.0:6380", path: "" },
      { protocol: "resp", address: "127.0.0.1:6381", path: "" },
    ]);
    expect(cfg.metrics.address).toBe("");
    expect(cfg.logging).toEqual({ level: "debug", format: "json", file: "/var/log/crucible.log", max_log_size: 0, max_log_files: 10 });
    expect(cfg.shutdown.drain_timeout_secs).toBe(120);
    expect(cfg.server).toMatchObject({ maxclients: 50, timeout: 300, tcp_keepalive: 0, client_output_buffer_limit: 0, databases: 16 });
  });

  test("keys left out keep their defaults; an empty file is the defaults", () => {
    expect(parse("")).toEqual(defaultConfig());
    expect(parse("[cache]\n").cache).toEqual(defaultConfig().cache);
  });

  test("dotted keys and a single [listener] table are accepted", () => {
    expect(parse('cache.heap_size = "2MB"\n').cache.heap_size).toBe(2 * 1024 * 1024);
    expect(parse('[listener]\naddress = "127.0.0.1:7000"\n').listener).toEqual([{ protocol: "resp", address: "127.0.0.1:7000", path: "" }]);
  });

  test("enum values are case-insensitive", () => {
    expect(parse('[logging]\nlevel = "DEBUG"\n').logging.level).toBe("debug");
  });
});

describe("errors name the file, line, key and what is allowed", () => {
  test("TOML syntax: smol-toml's line and column, in the guide's form", () => {
    const e = configError(() => parse('[cache]\nheap_size = "1GB"\nenabled = yes\n'));
    expect(e.message).toStartWith("Failed to parse config: TOML parse error at line 3, column 11:");
    expect(e.message).toContain("crucible.toml");
    expect(e.line).toBe(3);
  });

  test("duplicate keys are a parse error", () => {
    const e = configError(() => parse("[server]\nmaxclients = 1\nmaxclients = 2\n"));
    expect(e.message).toContain("TOML parse error at line 3");
  });

  test("unknown key with a did-you-mean", () => {
    const e = configError(() => parse('[cache]\nheap_size = "1GB"\n\nheap_sise = "2GB"\n'));
    expect(e.message).toContain('Unknown key "heap_sise" in section [cache]');
    expect(e.message).toContain("crucible.toml (line 4)");
    expect(e.message).toContain('did you mean "heap_size"?');
    expect(e.line).toBe(4);
    expect(e.key).toBe("cache.heap_sise");
  });

  test("unknown key without a close match lists the known keys", () => {
    const e = configError(() => parse("[shutdown]\nfoo = 1\n"));
    expect(e.message).toContain('Unknown key "foo" in section [shutdown]');
    expect(e.message).toContain("Known keys in section [shutdown]: drain_timeout_secs");
  });

  test("unknown top-level key and unknown section", () => {
    expect(configError(() => parse("io_engin = \"bun\"\n")).message).toContain('Unknown key "io_engin" at the top level in crucible.toml (line 1); did you mean "io_engine"?');
    const e = configError(() => parse("[cache]\n[cahce]\nheap_size = 1\n"));
    expect(e.message).toContain("Unknown section [cahce] in crucible.toml (line 2); did you mean [cache]?");
  });

  test("keys the guides use under other names get a pointed hint", () => {
    const e = configError(() => parse('[server]\nbind = "0.0.0.0:6379"\n'));
    expect(e.message).toContain('Unknown key "bind" in section [server]');
    expect(e.message).toContain("[[listener]] address");
    expect(configError(() => parse('[logging]\nlog_file = "/tmp/x"\n')).message).toContain("use [logging] file");
  });

  test("log rotation keys: sizes and counts, bad values refused with file, line and what is allowed", () => {
    // The troubleshooting guide's form: a byte count.
    expect(parse("[logging]\nmax_log_size = 104857600\nmax_log_files = 10\n").logging).toMatchObject({ max_log_size: 100 * 1024 * 1024, max_log_files: 10 });
    expect(parse('[logging]\nmax_log_size = "64KB"\nmax_log_files = 3\n').logging).toMatchObject({ max_log_size: 64 * 1024, max_log_files: 3 });
    expect(parse("[logging]\nmax_log_size = 0\n").logging.max_log_size).toBe(0);

    let e = configError(() => parse('[logging]\nfile = "/tmp/c.log"\nmax_log_size = "lots"\n'));
    expect(e.message).toStartWith('Invalid value for logging.max_log_size in crucible.toml (line 3): "lots": expected a size such as "64MB"');
    expect(e.message).toContain("from 1KB to 1TB (or 0 = never rotate)");
    expect(e.line).toBe(3);
    expect(e.key).toBe("logging.max_log_size");
    e = configError(() => parse("[logging]\nmax_log_size = 100\n"));
    expect(e.message).toContain("Invalid value for logging.max_log_size in crucible.toml (line 2): 100");
    e = configError(() => parse("[logging]\n\nmax_log_files = 0\n"));
    expect(e.message).toBe("Invalid value for logging.max_log_files in crucible.toml (line 3): 0: expected an integer from 1 to 1000");
    expect(configError(() => parse('[logging]\nmax_log_files = "ten"\n')).message).toContain("expected an integer from 1 to 1000");
    expect(configError(() => applyOverride(defaultConfig(), "logging.max_log_files=-1")).message).toStartWith(
      "Invalid value for logging.max_log_files in --set logging.max_log_files=-1",
    );
    // The guide's time-based rotation and thread keys get a pointed hint.
    expect(configError(() => parse('[logging]\nlog_rotation = "daily"\n')).message).toContain("logs rotate by size only: set [logging] max_log_size");
    expect(configError(() => parse("[logging]\nlog_thread_ids = true\n")).message).toContain('Unknown key "log_thread_ids" in section [logging]');
  });

  test("a key in the wrong [[listener]] table is found on its own line", () => {
    const text = '[[listener]]\naddress = "127.0.0.1:1"\n\n[[listener]]\naddress = "nope"\n';
    const e = configError(() => parse(text));
    expect(e.message).toContain('Invalid value for listener.address in crucible.toml (line 5): "nope"');
  });

  test.each([
    ['[cache]\nheap_size = "64XB"\n', 'cache.heap_size in crucible.toml (line 2): "64XB"', 'a size such as "64MB"'],
    ['[cache]\nheap_size = "512KB"\n', 'cache.heap_size in crucible.toml (line 2): "512KB"', "from 1MB to 1TB"],
    ["[cache]\nhashtable_power = 41\n", "cache.hashtable_power in crucible.toml (line 2): 41", "an integer from 8 to 40"],
    ['[cache]\nhashtable_power = "16"\n', 'cache.hashtable_power in crucible.toml (line 2): "16"', "an integer"],
    ['[cache]\nmax_value_size = "1GB"\n', "cache.max_value_size", "to 512MB"],
    ['[cache]\neviction = "lru"\n', 'cache.eviction in crucible.toml (line 2): "lru"', 'one of "fifo", "random", "s3fifo", "noeviction"'],
    ['[[listener]]\naddress = "6379"\n', 'listener.address in crucible.toml (line 2): "6379"', '"host:port"'],
    ['[[listener]]\nprotocol = "http"\n', "listener.protocol", 'one of "resp", "memcache"'],
    ['[metrics]\naddress = "localhost"\n', "metrics.address", '(or "" = disabled)'],
    ['[logging]\nlevel = "verbose"\n', "logging.level", '"error", "warn", "info", "debug", "trace"'],
    ['[logging]\nformat = "xml"\n', "logging.format", '"pretty", "json"'],
    ["[server]\ndatabases = 0\n", "server.databases in crucible.toml (line 2): 0", "from 1 to 64"],
    ["[server]\ndatabases = 65\n", "server.databases", "from 1 to 64"],
    ["[server]\nmaxclients = -5\n", "server.maxclients", "an integer"],
    ['[server]\ntimeout = "soon"\n', "server.timeout", 'a duration such as "30s"'],
    ["[server]\nclient_output_buffer_limit = 100\n", "server.client_output_buffer_limit", "(or 0 = unlimited)"],
    ['[shutdown]\ndrain_timeout_secs = "2h"\n', "shutdown.drain_timeout_secs", "to 3600 seconds"],
    ["[cache]\nheap_size = true\n", "cache.heap_size in crucible.toml (line 2): true", "a size"],
    ["cache = 5\n", "Invalid value for cache in crucible.toml (line 1)", "expected a [cache] table, got 5"],
    ["listener = []\n", "Invalid value for listener", "at least one [[listener]]"],
  ])("bad value %#", (text, where, allowed) => {
    const e = configError(() => parse(text));
    expect(e.message).toStartWith("Invalid value for ");
    expect(e.message).toContain(where);
    expect(e.message).toContain(allowed);
  });

  test.each([
    ["[workers]\nthreads = 4\n", "workers.threads = 4", "multi-threaded workers are not built yet"],
  ])("capability not built yet %#", (text, what, reason) => {
    const e = configError(() => parse(text));
    expect(e.message).toStartWith(`Unsupported setting ${what} in crucible.toml (line `);
    expect(e.message).toContain(reason);
  });

  test("memcache listeners on TCP and Unix sockets", () => {
    const cfg = parse('[[listener]]\naddress = "127.0.0.1:6379"\n[[listener]]\nprotocol = "memcache"\naddress = "127.0.0.1:11211"\n[[listener]]\nprotocol = "memcache"\npath = "/tmp/mc.sock"\n');
    expect(cfg.listener).toEqual([
      { protocol: "resp", address: "127.0.0.1:6379", path: "" },
      { protocol: "memcache", address: "127.0.0.1:11211", path: "" },
      { protocol: "memcache", address: "127.0.0.1:6379", path: "/tmp/mc.sock" },
    ]);
    const twice = configError(() => loadWith('[[listener]]\npath = "/tmp/a.sock"\n[[listener]]\nprotocol = "memcache"\npath = "/tmp/a.sock"\n'));
    expect(twice.message).toContain("each socket needs its own path");
  });

  test("the not-yet keys still accept their defaults", () => {
    expect(parse('[workers]\nthreads = 1\ncpu_affinity = ""\n[cache]\nhugepage = "none"\nnuma_node = -1\n')).toEqual(defaultConfig());
  });

  test("a bad value of a not-yet key is a bad value first", () => {
    expect(configError(() => parse('[workers]\nthreads = 0\n')).message).toStartWith("Invalid value for workers.threads");
  });

  test.each(["persistence", "replication", "tls", "auth"])("section [%s] is 'not supported yet', not 'unknown'", (name) => {
    const e = configError(() => parse(`[server]\nmaxclients = 10\n\n[${name}]\nx = 1\n`));
    expect(e.message).toStartWith(`Unsupported section [${name}] in crucible.toml (line 4):`);
    expect(e.message).toContain("not supported yet");
    expect(e.message).not.toContain("Unknown");
  });

  test("keys checked against each other", () => {
    expect(configError(() => loadWith('[cache]\nheap_size = "1MB"\nsegment_size = "4MB"\n')).message).toContain(
      "cache.heap_size (1MB) must be at least cache.segment_size (4MB)",
    );
    expect(configError(() => loadWith('[metrics]\naddress = "127.0.0.1:6379"\n')).message).toContain(
      "metrics address 127.0.0.1:6379 conflicts with listener[0] address 127.0.0.1:6379",
    );
    expect(configError(() => loadWith('[[listener]]\naddress = "0.0.0.0:7000"\n[[listener]]\naddress = "127.0.0.1:7000"\n')).message).toContain("conflicts");
    // Port 0 never conflicts.
    expect(loadWith('[[listener]]\naddress = "127.0.0.1:0"\n[metrics]\naddress = "127.0.0.1:0"\n').config.listener[0]!.address).toBe("127.0.0.1:0");
  });
});

function loadWith(text: string) {
  const dir = tmp({ "crucible.toml": text });
  return loadConfig({ cwd: dir, env: {} });
}

describe("resolution", () => {
  test("explicit path, relative to cwd", () => {
    const dir = tmp({ "my.toml": "[server]\nmaxclients = 7\n", "crucible.toml": "[server]\nmaxclients = 8\n" });
    const r = loadConfig({ path: "my.toml", cwd: dir, env: {} });
    expect(r.source).toBe("my.toml");
    expect(r.config.server.maxclients).toBe(7);
    expect(loadConfig({ path: join(dir, "my.toml"), cwd: "/", env: {} }).config.server.maxclients).toBe(7);
  });

  test("./crucible.toml when present", () => {
    const dir = tmp({ "crucible.toml": "[server]\nmaxclients = 8\n", "crucible.example.toml": "[server]\nmaxclients = 9\n" });
    const r = loadConfig({ cwd: dir, env: {} });
    expect(r.source).toBe(join(dir, "crucible.toml"));
    expect(r.config.server.maxclients).toBe(8);
  });

  test("then ./crucible.example.toml, as the troubleshooting guide describes", () => {
    const dir = tmp({ "crucible.example.toml": "[server]\nmaxclients = 9\n" });
    expect(loadConfig({ cwd: dir, env: {} }).config.server.maxclients).toBe(9);
  });

  test("then built-in defaults", () => {
    const r = loadConfig({ cwd: tmp(), env: {} });
    expect(r.source).toBe("built-in defaults");
    expect(r.config).toEqual(defaultConfig());
  });

  test("a missing explicit file is an error in the guide's words", () => {
    const e = configError(() => loadConfig({ path: "nope.toml", cwd: tmp({ "crucible.toml": "" }), env: {} }));
    expect(e.message).toStartWith("Config file not found: nope.toml");
    expect(e.message).toContain("crucible-server init --output nope.toml");
  });

  test("a directory is not a config file", () => {
    const dir = tmp();
    expect(configError(() => loadConfig({ path: ".", cwd: dir, env: {} })).message).toContain("is a directory");
  });

  test("errors in a discovered file name that file", () => {
    const dir = tmp({ "crucible.toml": "[cache]\nbogus = 1\n" });
    expect(configError(() => loadConfig({ cwd: dir, env: {} })).message).toContain(`in ${join(dir, "crucible.toml")} (line 2)`);
  });
});

describe("overrides", () => {
  test("--set section.key=value, applied after the file, in order", () => {
    const dir = tmp({ "crucible.toml": '[cache]\nheap_size = "1GB"\n' });
    const r = loadConfig({ cwd: dir, env: {}, overrides: ["cache.heap_size=2GB", "server.maxclients=5", "cache.heap_size=128MB", "io_engine=bun"] });
    expect(r.config.cache.heap_size).toBe(128 * 1024 * 1024);
    expect(r.config.server.maxclients).toBe(5);
    expect(r.config.io_engine).toBe("bun");
  });

  test("values may be quoted; listeners by index", () => {
    const cfg = defaultConfig();
    applyOverride(cfg, 'logging.file="/tmp/a b.log"');
    applyOverride(cfg, "listener.address=0.0.0.0:7000");
    applyOverride(cfg, "listener.1.address=127.0.0.1:7001");
    expect(cfg.logging.file).toBe("/tmp/a b.log");
    expect(cfg.listener).toEqual([
      { protocol: "resp", address: "0.0.0.0:7000", path: "" },
      { protocol: "resp", address: "127.0.0.1:7001", path: "" },
    ]);
    expect(configError(() => applyOverride(cfg, "listener.5.address=127.0.0.1:1")).message).toContain("no listener.4");
  });

  test("bad overrides", () => {
    const cfg = defaultConfig();
    expect(configError(() => applyOverride(cfg, "cache.heap_size")).message).toContain("expected section.key=value");
    expect(configError(() => applyOverride(cfg, "cache.heap_size=huge")).message).toStartWith('Invalid value for cache.heap_size in --set cache.heap_size=huge: "huge"');
    expect(configError(() => applyOverride(cfg, "heap_size=1GB")).message).toContain('did you mean "cache.heap_size"?');
    expect(configError(() => applyOverride(cfg, "cache.heapsize=1GB")).message).toContain('did you mean "heap_size"?');
    expect(configError(() => applyOverride(cfg, "persistence.aof=yes")).message).toContain("Unsupported section [persistence]");
    expect(configError(() => applyOverride(cfg, "workers.threads=8")).message).toContain("not built yet");
  });

  test("CRUCIBLE_LOG overrides logging.level; --set wins over both", () => {
    const dir = tmp({ "crucible.toml": '[logging]\nlevel = "warn"\n' });
    expect(loadConfig({ cwd: dir, env: { CRUCIBLE_LOG: "debug" } }).config.logging.level).toBe("debug");
    expect(loadConfig({ cwd: dir, env: { CRUCIBLE_LOG: "" } }).config.logging.level).toBe("warn");
    expect(loadConfig({ cwd: dir, env: { CRUCIBLE_LOG: "debug" }, overrides: ["logging.level=error"] }).config.logging.level).toBe("error");
    expect(configError(() => loadConfig({ cwd: dir, env: { CRUCIBLE_LOG: "loud" } })).message).toContain("Invalid CRUCIBLE_LOG");
  });

  test("CRUCIBLE_LOG takes RUST_LOG's forms, with Crucible's modules", () => {
    expect(parseLogFilter("trace")).toEqual({ level: "trace", modules: {} });
    expect(parseLogFilter("crucible=debug")).toEqual({ level: "debug", modules: {} });
    expect(parseLogFilter("WARNING")).toEqual({ level: "warn", modules: {} });
    // The troubleshooting guide's lines, with crucible:: for ferrite:: (its storage is store).
    expect(parseLogFilter("crucible::storage=trace,crucible::server=debug,crucible=info")).toEqual({ level: "info", modules: { store: "trace", server: "debug" } });
    expect(parseLogFilter("crucible::storage=debug,crucible::protocol=info")).toEqual({ modules: { store: "debug", protocol: "info" } });
    expect(parseLogFilter("info,server=debug")).toEqual({ level: "info", modules: { server: "debug" } });
    // A later directive wins.
    expect(parseLogFilter("debug,warn,server=trace,server=error")).toEqual({ level: "warn", modules: { server: "error" } });
  });

  test("CRUCIBLE_LOG refuses what does not map onto Crucible, saying why", () => {
    const msg = (v: string) => configError(() => parseLogFilter(v)).message;
    expect(msg("tokio=trace")).toContain('"tokio" is not a Crucible module');
    expect(msg("tokio=trace")).toContain("cli, config, server, store");
    expect(msg("ferrite::storage=debug")).toContain("the guide's ferrite:: is crucible:: here");
    expect(msg("crucible::nosuch=debug")).toContain('"crucible::nosuch" is not a Crucible module');
    expect(msg("server=loud")).toContain('"loud" is not a log level');
    expect(msg(",")).toContain("no level given");
    expect(configError(() => parseLogFilter("store=verbose")).file).toBe("CRUCIBLE_LOG");
  });

  test("CRUCIBLE_LOG's module levels come back from loadConfig beside the config", () => {
    const dir = tmp({ "crucible.toml": '[logging]\nlevel = "warn"\n' });
    const r = loadConfig({ cwd: dir, env: { CRUCIBLE_LOG: "server=debug" } });
    expect(r.config.logging.level).toBe("warn");
    expect(r.logModules).toEqual({ server: "debug" });
    expect(loadConfig({ cwd: dir, env: {} }).logModules).toEqual({});
  });

  test("--bind and --port change the first RESP listener", () => {
    const cfg = defaultConfig();
    applyListenFlags(cfg, { port: "6380" });
    expect(cfg.listener[0]!.address).toBe("127.0.0.1:6380");
    applyListenFlags(cfg, { bind: "0.0.0.0" });
    expect(cfg.listener[0]!.address).toBe("0.0.0.0:6380");
    applyListenFlags(cfg, { bind: "::1", port: 0 });
    expect(cfg.listener[0]!.address).toBe("[::1]:0");
    expect(configError(() => applyListenFlags(cfg, { port: "70000" })).message).toContain("--port");
    expect(configError(() => applyListenFlags(cfg, { bind: "not a host" })).message).toContain("--bind");
  });
});

describe("validateValue (CONFIG SET)", () => {
  test("typed values from text", () => {
    expect(validateValue("server", "maxclients", "500")).toBe(500);
    expect(validateValue("cache", "heap_size", "1gb")).toBe(1024 ** 3);
    expect(validateValue("server", "timeout", "5m")).toBe(300);
    expect(validateValue("logging", "level", "DEBUG")).toBe("debug");
    expect(validateValue("", "io_engine", "bun")).toBe("bun");
  });
  test("errors say what is allowed, without a file", () => {
    const e = configError(() => validateValue("server", "maxclients", "lots"));
    expect(e.message).toBe('Invalid value for server.maxclients: "lots": expected an integer from 1 to 1000000');
    expect(configError(() => validateValue("server", "nope", "1")).message).toContain('Unknown key "nope" in section [server]');
    expect(configError(() => validateValue("workers", "threads", "2")).message).toContain("not built yet");
  });
});

describe("findKeyLine", () => {
  const text = [
    "# comment",
    'io_engine = "bun"',
    "[cache]",
    "heap_size = 1",
    "  \"eviction\" = 'fifo'",
    "[[listener]]",
    "address = 'a'",
    "[[listener]]",
    "protocol = 'resp'",
    "address = 'b'",
    "[server . 'x']",
  ].join("\n");
  test("keys, quoted keys, array tables, headers", () => {
    expect(findKeyLine(text, "", "io_engine")).toBe(2);
    expect(findKeyLine(text, "cache", "heap_size")).toBe(4);
    expect(findKeyLine(text, "cache", "eviction")).toBe(5);
    expect(findKeyLine(text, "listener", "address", 0)).toBe(7);
    expect(findKeyLine(text, "listener", "address", 1)).toBe(10);
    expect(findKeyLine(text, "cache")).toBe(3);
    expect(findKeyLine(text, "server.x")).toBe(11);
    expect(findKeyLine(text, "cache", "missing")).toBe(3);
  });
});

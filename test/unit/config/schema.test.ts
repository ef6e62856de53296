import { describe, expect, test } from "bun:test";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import {
  configTemplate,
  configToToml,
  defaultConfig,
  dotted,
  evictionPolicies,
  findKey,
  findKeyByRedisName,
  keysOf,
  parseConfigText,
  schema,
  sections,
  validateValue,
} from "../../../src/config/index.ts";
import { params, tomlSettings } from "../../../src/server/params.ts";
import { EvictionPolicies } from "../../../src/store/types.ts";

const ROOT = join(import.meta.dir, "..", "..", "..");

describe("schema", () => {
  test("every key has a doc, a known section and a unique name", () => {
    const names = new Set<string>();
    for (const k of schema) {
      expect(k.doc.length).toBeGreaterThan(10);
      expect(sections.some((s) => s.name === k.section)).toBe(true);
      expect(names.has(dotted(k))).toBe(false);
      names.add(dotted(k));
    }
  });

  test("every default is a valid value of its key", () => {
    for (const k of schema) expect(validateValue(k.section, k.name, k.default)).toBe(k.default);
  });

  test("the Config shape mirrors the schema", () => {
    const cfg = defaultConfig() as unknown as Record<string, unknown>;
    for (const s of sections) {
      if (s.name === "") continue;
      const table = (s.array ? (cfg[s.name] as unknown[])[0] : cfg[s.name]) as Record<string, unknown>;
      expect(Object.keys(table).sort()).toEqual(keysOf(s.name).map((k) => k.name).sort());
    }
    const top = Object.keys(cfg).filter((k) => !sections.some((s) => s.name === k));
    expect(top.sort()).toEqual(keysOf("").map((k) => k.name).sort());
  });

  test("the documented keys and defaults", () => {
    const cfg = defaultConfig();
    expect(cfg.io_engine).toBe("auto");
    expect(cfg.workers).toEqual({ threads: 1, cpu_affinity: "" });
    expect(cfg.cache.heap_size).toBe(1024 * 1024 * 1024);
    expect(cfg.cache.segment_size).toBe(1024 * 1024);
    expect(cfg.cache.hashtable_power).toBe(20);
    expect(cfg.cache.max_value_size).toBe(1024 * 1024);
    expect(cfg.cache.hugepage).toBe("none");
    expect(cfg.cache.numa_node).toBe(-1);
    // The operations guide's [uring] tuning values, with 512 buffers: the whole pool becomes resident.
    expect(cfg.uring).toEqual({ buffer_count: 512, buffer_size: 16 * 1024, sq_depth: 2048, sqpoll: false });
    expect(cfg.listener).toEqual([{ protocol: "resp", address: "127.0.0.1:6379", path: "" }]);
    expect(cfg.metrics.address).toBe("127.0.0.1:9090");
    expect(cfg.logging).toEqual({ level: "info", format: "pretty", file: "", max_log_size: 0, max_log_files: 10 });
    expect(cfg.shutdown.drain_timeout_secs).toBe(30);
    expect(cfg.server).toEqual({
      maxclients: 10000,
      timeout: 0,
      tcp_keepalive: 300,
      databases: 16,
      proto_max_bulk_len: 512 * 1024 * 1024,
      client_query_buffer_limit: 1024 ** 3,
      client_output_buffer_limit: 256 * 1024 * 1024,
      client_output_buffer_limit_pubsub: 32 * 1024 * 1024,
      slowlog_log_slower_than: 10_000,
      slowlog_max_len: 128,
      latency_monitor_threshold: 0,
      latency_tracking: true,
      notify_keyspace_events: "",
    });
    expect(cfg.cache.lfu_log_factor).toBe(10);
    expect(cfg.cache.lfu_decay_time).toBe(1);
  });

  test("defaultConfig returns a fresh object each time", () => {
    const a = defaultConfig();
    a.listener[0]!.address = "0.0.0.0:1";
    expect(defaultConfig().listener[0]!.address).toBe("127.0.0.1:6379");
  });

  test("the eviction list matches the store's (duplicated because of layering)", () => {
    expect([...evictionPolicies]).toEqual([...EvictionPolicies]);
    expect(evictionPolicies).toContain(defaultConfig().cache.eviction);
    expect(defaultConfig().cache.eviction).not.toBe("noeviction");
  });

  test("Redis names for CONFIG GET/SET", () => {
    expect(dotted(findKeyByRedisName("maxclients")!)).toBe("server.maxclients");
    expect(dotted(findKeyByRedisName("LOGLEVEL")!)).toBe("logging.level");
    expect(dotted(findKeyByRedisName("tcp-keepalive")!)).toBe("server.tcp_keepalive");
    expect(dotted(findKeyByRedisName("cache.heap_size")!)).toBe("cache.heap_size");
    expect(findKeyByRedisName("nonsense")).toBeUndefined();
    expect(findKey("server", "maxclients")!.runtime).toBe(true);
  });

  test("the server's CONFIG parameters save under the schema's runtime keys, by their Redis names", () => {
    const ids = (keys: { section: string; key: string }[]) => keys.map((t) => `${t.section}.${t.key}`).sort();
    expect(ids(tomlSettings())).toEqual(ids(schema.filter((k) => k.runtime).map((k) => ({ section: k.section, key: k.name }))));
    for (const [name, p] of Object.entries(params)) {
      if (p.toml?.length === 1) expect(`${name} ${dotted(findKeyByRedisName(name)!)}`).toBe(`${name} ${ids(p.toml)[0]}`);
    }
  });
});

describe("template and example.toml", () => {
  test("config/example.toml is exactly what init writes (regenerate: crucible-server init -o config/example.toml --force)", () => {
    expect(readFileSync(join(ROOT, "config", "example.toml"), "utf8")).toBe(configTemplate());
  });

  test("the template loads to the defaults", () => {
    expect(parseConfigText(configTemplate(), "template")).toEqual(defaultConfig());
  });

  test("the template documents every key and every section", () => {
    const t = configTemplate();
    for (const s of sections) if (s.name) expect(t).toContain(s.array ? `[[${s.name}]]` : `[${s.name}]`);
    for (const k of schema) {
      expect(t).toMatch(new RegExp(`^${k.name} = `, "m"));
      expect(t).toContain(k.doc.split(" ").slice(0, 3).join(" "));
    }
    for (const s of ["uring", "persistence", "replication", "tls", "auth"]) expect(t).toContain(`[${s}]`);
  });

  test("configToToml round-trips non-default values", () => {
    const cfg = defaultConfig();
    cfg.cache.heap_size = 3 * 1024 ** 3 + 4096;
    cfg.cache.eviction = "noeviction";
    cfg.server.client_output_buffer_limit = 0;
    cfg.server.timeout = 90;
    cfg.metrics.address = "";
    cfg.logging.file = '/tmp/odd "name"\\x.log';
    cfg.listener.push({ protocol: "resp", address: "[::1]:7000", path: "" });
    cfg.io_engine = "uring";
    cfg.uring = { buffer_count: 256, buffer_size: 64 * 1024, sq_depth: 128, sqpoll: true };
    cfg.cache.hugepage = "2mb";
    expect(parseConfigText(configToToml(cfg), "dump")).toEqual(cfg);
  });
});

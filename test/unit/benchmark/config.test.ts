// crucible-benchmark's configuration: every section parses into typed values, the example
// files load, and unknown keys and bad values are errors naming the key, its line and what
// is allowed.
import { describe, expect, test } from "bun:test";
import { join } from "node:path";
import { BenchConfigError, loadConfig, parseConfig, parseCpuList, parseDurationMs, parseEndpoint } from "../../../src/benchmark/config.ts";

const ROOT = join(import.meta.dir, "..", "..", "..");

const FULL = `
[general]
duration = "30s"
warmup = "2s"
threads = 2
cpu_list = "0-1"

[target]
endpoints = ["127.0.0.1:6379", "[::1]:7000"]
protocol = "resp3"

[connection]
connections = 8
pipeline_depth = 4
connect_timeout = "500ms"
request_timeout = "3s"

[workload]
rate_limit = 1000
prefill = true

[workload.keyspace]
length = 12
count = 5000
distribution = "zipf"
exponent = 0.9

[workload.commands]
get = 6
set = 2
delete = 1
incr = 1
mget = 1
mget_batch = 5

[workload.values]
min = 10
max = 100
`;

function errorOf(text: string): BenchConfigError {
  try {
    parseConfig(text, "bench.toml");
  } catch (e) {
    expect(e).toBeInstanceOf(BenchConfigError);
    return e as BenchConfigError;
  }
  throw new Error("expected a configuration error");
}

const MINIMAL = `[target]\nendpoints = ["127.0.0.1:6379"]\n`;

describe("parsing", () => {
  test("every section and key", () => {
    const c = parseConfig(FULL, "bench.toml");
    expect(c.general).toEqual({ durationSecs: 30, warmupSecs: 2, threads: 2, cpuList: "0-1" });
    expect(c.target).toEqual({ endpoints: [{ host: "127.0.0.1", port: 6379 }, { host: "::1", port: 7000 }], protocol: "resp3" });
    expect(c.connection).toEqual({ connections: 8, pipelineDepth: 4, connectTimeoutMs: 500, requestTimeoutMs: 3000 });
    expect(c.workload.rateLimit).toBe(1000);
    expect(c.workload.prefill).toBe(true);
    expect(c.workload.keyspace).toEqual({ length: 12, count: 5000, distribution: "zipf", exponent: 0.9 });
    expect(c.workload.commands).toEqual({ get: 6, set: 2, delete: 1, incr: 1, mget: 1, mgetBatch: 5 });
    expect(c.workload.values).toEqual({ minLength: 10, maxLength: 100 });
  });

  test("defaults", () => {
    const c = parseConfig(MINIMAL);
    expect(c.general).toEqual({ durationSecs: 60, warmupSecs: 0, threads: 1, cpuList: "" });
    expect(c.target.protocol).toBe("resp");
    expect(c.connection).toEqual({ connections: 16, pipelineDepth: 1, connectTimeoutMs: 2000, requestTimeoutMs: 5000 });
    expect(c.workload.rateLimit).toBe(0);
    expect(c.workload.prefill).toBe(false);
    expect(c.workload.keyspace).toEqual({ length: 16, count: 100000, distribution: "uniform", exponent: 1 });
    // Without [workload.commands]: 80/20 reads and writes.
    expect(c.workload.commands).toEqual({ get: 80, set: 20, delete: 0, incr: 0, mget: 0, mgetBatch: 10 });
    expect(c.workload.values).toEqual({ minLength: 64, maxLength: 64 });
  });

  test("a [workload.commands] section gives weight 0 to the commands it leaves out", () => {
    const c = parseConfig(`${MINIMAL}[workload.commands]\nset = 1\n`);
    expect(c.workload.commands).toEqual({ get: 0, set: 1, delete: 0, incr: 0, mget: 0, mgetBatch: 10 });
  });

  test("values.length is a fixed length; a protocol name is case-insensitive", () => {
    const c = parseConfig(`[target]\nendpoints = ["h:1"]\nprotocol = "MEMCACHE_BINARY"\n[workload.values]\nlength = 7\n`);
    expect(c.workload.values).toEqual({ minLength: 7, maxLength: 7 });
    expect(c.target.protocol).toBe("memcache_binary");
  });

  test("dotted keys and inline tables are the same tables", () => {
    const c = parseConfig(`${MINIMAL}[workload]\nkeyspace.count = 10\ncommands = { get = 1 }\n`);
    expect(c.workload.keyspace.count).toBe(10);
    expect(c.workload.commands.get).toBe(1);
  });

  test("the effective configuration is TOML that loads back to the same values", () => {
    const c = parseConfig(FULL);
    const again = parseConfig(c.toml);
    const { toml: _a, ...x } = c;
    const { toml: _b, ...y } = again;
    expect(y).toEqual(x);
  });

  test("command-line overrides are checked like the file's values", () => {
    const c = parseConfig(MINIMAL, "f", { duration: "3s", warmup: "1s", threads: "2", connections: "4", rateLimit: "100" });
    expect(c.general.durationSecs).toBe(3);
    expect(c.general.warmupSecs).toBe(1);
    expect(c.general.threads).toBe(2);
    expect(c.connection.connections).toBe(4);
    expect(c.workload.rateLimit).toBe(100);
    expect(() => parseConfig(MINIMAL, "f", { duration: "soon" })).toThrow(/--duration: "soon"/);
    expect(() => parseConfig(MINIMAL, "f", { threads: "0" })).toThrow(/--threads/);
  });

  test("the example configurations load", () => {
    const redis = loadConfig(join(ROOT, "benchmark", "config", "redis.toml"));
    expect(redis.target.protocol).toBe("resp");
    expect(redis.target.endpoints).toEqual([{ host: "127.0.0.1", port: 6379 }]);
    const mc = loadConfig(join(ROOT, "benchmark", "config", "memcache.toml"));
    expect(mc.target.protocol).toBe("memcache");
    expect(mc.workload.keyspace.distribution).toBe("zipf");
  });
});

describe("errors name the key", () => {
  test("an unknown key, with its section, line and the known keys", () => {
    const e = errorOf(`${MINIMAL}[connection]\nconnections = 4\npipline_depth = 8\n`);
    expect(e.key).toBe("connection.pipline_depth");
    expect(e.line).toBe(5);
    expect(e.message).toContain('Unknown key "pipline_depth" in section [connection] in bench.toml (line 5)');
    expect(e.message).toContain('did you mean "pipeline_depth"?');
    expect(e.exitCode).toBe(2);
  });

  test("an unknown key in a subsection", () => {
    const e = errorOf(`${MINIMAL}[workload.keyspace]\ncount = 5\nshape = "zipf"\n`);
    expect(e.key).toBe("workload.keyspace.shape");
    expect(e.message).toContain("[workload.keyspace]");
    expect(e.message).toContain("length, count, distribution, exponent");
  });

  test("an unknown section", () => {
    const e = errorOf(`${MINIMAL}[genral]\nthreads = 2\n`);
    expect(e.key).toBe("genral");
    expect(e.message).toContain("Unknown section [genral]");
    expect(e.message).toContain("did you mean [general]?");
  });

  test("an unknown command weight", () => {
    const e = errorOf(`${MINIMAL}[workload.commands]\nget = 1\nhgetall = 1\n`);
    expect(e.key).toBe("workload.commands.hgetall");
    expect(e.message).toContain("get, set, delete, incr, mget, mget_batch");
  });

  const bad: [string, string, string, RegExp][] = [
    ["bad enum", `[target]\nendpoints = ["h:1"]\nprotocol = "http"\n`, "target.protocol", /"resp", "resp3", "memcache", "memcache_binary"/],
    ["bad distribution", `${MINIMAL}[workload.keyspace]\ndistribution = "pareto"\n`, "workload.keyspace.distribution", /one of "uniform", "zipf"/],
    ["bad duration", `${MINIMAL}[general]\nduration = "ten seconds"\n`, "general.duration", /a duration in whole seconds/],
    ["fractional duration", `${MINIMAL}[general]\nduration = "1500ms"\n`, "general.duration", /whole seconds/],
    ["zero duration", `${MINIMAL}[general]\nduration = "0s"\n`, "general.duration", /from 1 to/],
    ["threads out of range", `${MINIMAL}[general]\nthreads = 0\n`, "general.threads", /an integer from 1 to 256/],
    ["threads a string", `${MINIMAL}[general]\nthreads = "2"\n`, "general.threads", /an integer/],
    ["cpu list", `${MINIMAL}[general]\ncpu_list = "a-b"\n`, "general.cpu_list", /CPU list/],
    ["endpoint without port", `[target]\nendpoints = ["localhost"]\n`, "target.endpoints", /host:port/],
    ["endpoint port 0", `[target]\nendpoints = ["localhost:0"]\n`, "target.endpoints", /port 1-65535/],
    ["no endpoints", `[target]\nendpoints = []\n`, "target.endpoints", /non-empty list/],
    ["connections negative", `${MINIMAL}[connection]\nconnections = -1\n`, "connection.connections", /from 1 to/],
    ["pipeline float", `${MINIMAL}[connection]\npipeline_depth = 1.5\n`, "connection.pipeline_depth", /an integer/],
    ["timeout unit", `${MINIMAL}[connection]\nconnect_timeout = "2 fortnights"\n`, "connection.connect_timeout", /"500ms"/],
    ["rate negative", `${MINIMAL}[workload]\nrate_limit = -5\n`, "workload.rate_limit", /0 = closed loop/],
    ["prefill not bool", `${MINIMAL}[workload]\nprefill = "yes"\n`, "workload.prefill", /true or false/],
    ["exponent zero", `${MINIMAL}[workload.keyspace]\nexponent = 0\n`, "workload.keyspace.exponent", /a number from 0.01 to 10/],
    ["weight negative", `${MINIMAL}[workload.commands]\nget = -1\n`, "workload.commands.get", /an integer from 0/],
    ["key too short for the count", `${MINIMAL}[workload.keyspace]\nlength = 3\ncount = 5000\n`, "workload.keyspace.length", /5000 keys need at least 4 bytes/],
    ["all weights zero", `${MINIMAL}[workload.commands]\nget = 0\n`, "workload.commands", /every weight is 0/],
    ["length with min", `${MINIMAL}[workload.values]\nlength = 5\nmin = 1\n`, "workload.values.min", /either length, or min and max/],
    ["min without max", `${MINIMAL}[workload.values]\nmin = 1\n`, "workload.values.max", /min and max go together/],
    ["min above max", `${MINIMAL}[workload.values]\nmin = 10\nmax = 5\n`, "workload.values.min", /at most max/],
    ["threads above connections", `${MINIMAL}[general]\nthreads = 4\n[connection]\nconnections = 2\n`, "general.threads", /at most connection.connections/],
    ["a section that is not a table", `general = 5\n${MINIMAL}`, "general", /expected a table/],
  ];
  for (const [name, text, key, allowed] of bad) {
    test(name, () => {
      const e = errorOf(text);
      expect(e.key).toBe(key);
      expect(e.message).toMatch(allowed);
      expect(e.message).toContain(key);
    });
  }

  test("the line of a bad value", () => {
    const e = errorOf(`${MINIMAL}\n[workload.keyspace]\ncount = 10\ndistribution = "normal"\n`);
    expect(e.line).toBe(6);
    expect(e.message).toContain("in bench.toml (line 6)");
  });

  test("endpoints are required", () => {
    const e = errorOf(`[general]\nthreads = 1\n`);
    expect(e.key).toBe("target.endpoints");
    expect(e.message).toContain("Missing key target.endpoints");
  });

  test("TLS is refused as not supported yet", () => {
    expect(errorOf(`[target]\nendpoints = ["h:1"]\ntls = true\n`).message).toContain("TLS is not supported yet");
    expect(errorOf(`${MINIMAL}[tls]\nverify = true\n`).message).toContain("TLS is not supported yet");
  });

  test("TOML syntax errors give the line", () => {
    const e = errorOf(`[general]\nthreads = = 2\n`);
    expect(e.message).toMatch(/TOML syntax error in bench.toml \(line 2/);
  });

  test("a missing file", () => {
    expect(() => loadConfig("/nonexistent/bench.toml")).toThrow("Cannot read config file /nonexistent/bench.toml: no such file");
  });
});

describe("value forms", () => {
  test("durations", () => {
    expect(parseDurationMs("60s")).toBe(60_000);
    expect(parseDurationMs("1500ms")).toBe(1500);
    expect(parseDurationMs("5m")).toBe(300_000);
    expect(parseDurationMs(2)).toBe(2000);
    expect(parseDurationMs("1.5s")).toBe(1500);
    expect(parseDurationMs("2 weeks")).toBeNull();
    expect(parseDurationMs(-1)).toBeNull();
  });

  test("endpoints", () => {
    expect(parseEndpoint("localhost:6379")).toEqual({ host: "localhost", port: 6379 });
    expect(parseEndpoint("[::1]:11211")).toEqual({ host: "::1", port: 11211 });
    expect(parseEndpoint("::1:11211")).toBeNull();
    expect(parseEndpoint("host:70000")).toBeNull();
  });

  test("CPU lists", () => {
    expect(parseCpuList("0-3")).toEqual([0, 1, 2, 3]);
    expect(parseCpuList("1,3,8")).toEqual([1, 3, 8]);
    expect(parseCpuList("0-6:2")).toEqual([0, 2, 4, 6]);
    expect(parseCpuList("3-1")).toBeNull();
  });
});

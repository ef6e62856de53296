// The keys for the native layer: hugepages, NUMA node, CPU pinning, the io engine and the
// [uring] section. Node and CPU checks run against this host's /sys and /proc, or against
// fixture files where a test needs a host shape this machine lacks.
import { afterEach, describe, expect, test } from "bun:test";
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import {
  allowedCpus,
  applyOverride,
  ConfigError,
  defaultConfig,
  formatCpuList,
  hostPaths,
  numaNodeCpus,
  numaNodes,
  parseConfigText,
  validateValue,
} from "../../../src/config/index.ts";

const realPaths = { ...hostPaths };
const dirs: string[] = [];
afterEach(() => {
  Object.assign(hostPaths, realPaths);
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

/** A fake host: NUMA nodes with their CPUs, and this process's allowed CPU list. */
function fakeHost(nodes: Record<number, string>, allowed: string): void {
  const dir = mkdtempSync(join(tmpdir(), "crucible-host-"));
  dirs.push(dir);
  mkdirSync(join(dir, "node"));
  for (const [n, cpus] of Object.entries(nodes)) {
    mkdirSync(join(dir, "node", `node${n}`));
    writeFileSync(join(dir, "node", `node${n}`, "cpulist"), `${cpus}\n`);
  }
  writeFileSync(join(dir, "node", "possible"), "0\n");
  writeFileSync(join(dir, "status"), `Name:\tbun\nCpus_allowed:\tff\nCpus_allowed_list:\t${allowed}\nMems_allowed_list:\t0\n`);
  hostPaths.nodeDir = join(dir, "node");
  hostPaths.procStatus = join(dir, "status");
}

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

describe("host facts", () => {
  test("this host's NUMA nodes and allowed CPUs are read from /sys and /proc", () => {
    const nodes = readdirSync("/sys/devices/system/node").filter((e) => /^node\d+$/.test(e)).map((e) => Number(e.slice(4)));
    expect(numaNodes()).toEqual(nodes.sort((a, b) => a - b));
    const list = /^Cpus_allowed_list:\s*(\S+)/m.exec(readFileSync("/proc/self/status", "utf8"))![1]!;
    expect(formatCpuList(allowedCpus()!)).toBe(formatCpuList(list.split(",").flatMap((p) => {
      const [a, b] = p.split("-").map(Number);
      return Array.from({ length: (b ?? a!) - a! + 1 }, (_, i) => a! + i);
    })));
  });

  test("fixtures: nodes, node CPUs, allowed CPUs; a host without nodes shows none", () => {
    fakeHost({ 0: "0-3", 1: "4-7" }, "0-5");
    expect(numaNodes()).toEqual([0, 1]);
    expect(numaNodeCpus(1)).toEqual([4, 5, 6, 7]);
    expect(numaNodeCpus(9)).toBeNull();
    expect(allowedCpus()).toEqual([0, 1, 2, 3, 4, 5]);
    hostPaths.nodeDir = "/nonexistent";
    hostPaths.procStatus = "/nonexistent";
    expect(numaNodes()).toEqual([]);
    expect(allowedCpus()).toBeNull();
  });
});

describe("cache.hugepage", () => {
  test.each(["none", "2mb", "1gb", "2MB"])("accepts %p", (v) => {
    expect(parse(`[cache]\nhugepage = "${v}"\n`).cache.hugepage).toBe(v.toLowerCase() as "none");
  });
  test.each(['"4mb"', '"2m"', "2", "true", '""'])("refuses %s with the allowed values, file and line", (v) => {
    const e = configError(() => parse(`[cache]\nheap_size = "64MB"\nhugepage = ${v}\n`));
    expect(e.message).toStartWith(`Invalid value for cache.hugepage in crucible.toml (line 3): `);
    expect(e.message).toContain('expected one of "none", "2mb", "1gb"');
    expect(e.key).toBe("cache.hugepage");
    expect(e.exitCode).toBe(2);
  });
});

describe("cache.numa_node", () => {
  test("a node this host has is accepted, and -1 means no binding", () => {
    const node = numaNodes()[0];
    if (node !== undefined) expect(parse(`[cache]\nnuma_node = ${node}\n`).cache.numa_node).toBe(node);
    expect(parse("[cache]\nnuma_node = -1\n").cache.numa_node).toBe(-1);
  });

  test("a node this host lacks is refused, naming the key and the nodes it has", () => {
    const missing = Math.max(-1, ...numaNodes()) + 1;
    const e = configError(() => parse(`[cache]\nnuma_node = ${missing}\n`));
    expect(e.message).toStartWith(`Invalid value for cache.numa_node in crucible.toml (line 2): ${missing}: NUMA node ${missing} does not exist`);
    expect(e.message).toContain(`(see: numactl --hardware)`);
    expect(e.message).toContain(formatCpuList(numaNodes()));
    expect(e.key).toBe("cache.numa_node");
  });

  test("on a two-node host: node 1 is fine, node 2 names nodes 0-1", () => {
    fakeHost({ 0: "0-3", 1: "4-7" }, "0-7");
    expect(parse("[cache]\nnuma_node = 1\n").cache.numa_node).toBe(1);
    expect(configError(() => parse("[cache]\nnuma_node = 2\n")).message).toContain("NUMA node 2 does not exist: this host has nodes 0-1");
  });

  test("a host that shows no NUMA nodes refuses any node", () => {
    hostPaths.nodeDir = "/nonexistent/node";
    expect(configError(() => parse("[cache]\nnuma_node = 0\n")).message).toContain("this host shows no NUMA nodes (/nonexistent/node is missing)");
  });

  test("bounds and types", () => {
    expect(configError(() => parse("[cache]\nnuma_node = -2\n")).message).toContain("an integer from 0 to 1023 (or -1 = no binding)");
    expect(configError(() => parse('[cache]\nnuma_node = "0"\n')).message).toStartWith("Invalid value for cache.numa_node");
  });

  test("--set and CONFIG SET check the node too", () => {
    fakeHost({ 0: "0-1" }, "0-1");
    expect(configError(() => applyOverride(defaultConfig(), "cache.numa_node=3")).message).toStartWith(
      "Invalid value for cache.numa_node in --set cache.numa_node=3: \"3\": NUMA node 3 does not exist: this host has node 0",
    );
    expect(validateValue("cache", "numa_node", "0")).toBe(0);
  });
});

describe("workers.cpu_affinity", () => {
  test("the list forms are accepted as written", () => {
    fakeHost({ 0: "0-15" }, "0-15");
    for (const v of ["0-3", "1,3,8", "0-15:2", "0-3,8-15:2", "", "15"]) {
      expect(parse(`[workers]\ncpu_affinity = "${v}"\n`).workers.cpu_affinity).toBe(v);
    }
  });

  test("CPUs this process may not use are refused, naming them and the allowed list", () => {
    fakeHost({ 0: "0-7" }, "0-1,4");
    const e = configError(() => parse('[workers]\nthreads = 1\ncpu_affinity = "0-7:2"\n'));
    expect(e.message).toBe(
      `Invalid value for workers.cpu_affinity in crucible.toml (line 3): "0-7:2": CPUs 2,6 are not available to this process, which may run on CPUs 0-1,4 (Cpus_allowed_list in ${hostPaths.procStatus}; check with: taskset -cp $$)`,
    );
    expect(e.key).toBe("workers.cpu_affinity");
    expect(e.exitCode).toBe(2);
    expect(configError(() => parse('[workers]\ncpu_affinity = "5"\n')).message).toContain("CPU 5 is not available to this process");
  });

  test("on this host: a CPU beyond the allowed set is refused", () => {
    const allowed = allowedCpus()!;
    const beyond = Math.max(...allowed) + 1;
    const e = configError(() => parse(`[workers]\ncpu_affinity = "${allowed[0]}-${beyond + 2}"\n`));
    expect(e.message).toContain(`CPUs ${beyond}-${beyond + 2} are not available to this process, which may run on CPUs ${formatCpuList(allowed)}`);
    expect(parse(`[workers]\ncpu_affinity = "${formatCpuList(allowed)}"\n`).workers.cpu_affinity).toBe(formatCpuList(allowed));
  });

  test.each(['"0-"', '"a"', '"3-1"', '"0-15:0"', '"0:2"', '"1;2"', '"4096"', "3"])("bad syntax %s says what is allowed", (v) => {
    const e = configError(() => parse(`[workers]\ncpu_affinity = ${v}\n`));
    expect(e.message).toStartWith("Invalid value for workers.cpu_affinity in crucible.toml (line 2): ");
    expect(e.message).toContain('expected a CPU list such as "0-3", "1,3,8" or "0-15:2"');
  });

  test("threads > 1 is still refused", () => {
    expect(configError(() => parse("[workers]\nthreads = 2\n")).message).toContain("multi-threaded workers are not built yet");
  });
});

describe("io_engine and [uring]", () => {
  test.each(["auto", "uring", "bun"])("io_engine = %p is accepted", (v) => {
    expect(parse(`io_engine = "${v}"\n`).io_engine).toBe(v as "auto");
  });

  test("io_engine refuses other engines", () => {
    expect(configError(() => parse('io_engine = "epoll"\n')).message).toBe(
      'Invalid value for io_engine in crucible.toml (line 1): "epoll": expected one of "auto", "bun", "uring"',
    );
  });

  test("the guide's [uring] example loads", () => {
    const cfg = parse('[uring]\nbuffer_count = 4096\nbuffer_size = "16KB"\nsq_depth = 2048\nsqpoll = false\n');
    expect(cfg.uring).toEqual({ buffer_count: 4096, buffer_size: 16384, sq_depth: 2048, sqpoll: false });
    expect(parse('[uring]\nbuffer_count = 8\nbuffer_size = "1MB"\nsq_depth = 32768\nsqpoll = true\n').uring).toEqual({
      buffer_count: 8, buffer_size: 1024 * 1024, sq_depth: 32768, sqpoll: true,
    });
  });

  test.each([
    ["buffer_count = 1000", "uring.buffer_count", "1000: expected a power of two from 8 to 32768"],
    ["buffer_count = 4", "uring.buffer_count", "4: expected a power of two from 8 to 32768"],
    ["buffer_count = 65536", "uring.buffer_count", "65536: expected a power of two from 8 to 32768"],
    ["sq_depth = 3000", "uring.sq_depth", "3000: expected a power of two from 8 to 32768"],
    ["sq_depth = 0", "uring.sq_depth", "0: expected a power of two"],
    ['buffer_size = "512"', "uring.buffer_size", "from 1KB to 1MB"],
    ['buffer_size = "2MB"', "uring.buffer_size", "from 1KB to 1MB"],
    ['sqpoll = "yes"', "uring.sqpoll", '"yes": expected true or false'],
    ["sqpoll = 1", "uring.sqpoll", "1: expected true or false"],
  ])("%s is refused", (line, key, why) => {
    const e = configError(() => parse(`[uring]\n${line}\n`));
    expect(e.message).toStartWith(`Invalid value for ${key} in crucible.toml (line 2): `);
    expect(e.message).toContain(why);
  });

  test("an unknown [uring] key is unknown, not 'not supported yet'", () => {
    const e = configError(() => parse("[uring]\nsq_entries = 64\n"));
    expect(e.message).toContain('Unknown key "sq_entries" in section [uring]');
    expect(e.message).toContain("Known keys in section [uring]: buffer_count, buffer_size, sq_depth, sqpoll");
  });

  test("--set and CONFIG SET take booleans as true/false or yes/no", () => {
    const cfg = defaultConfig();
    applyOverride(cfg, "uring.sqpoll=yes");
    expect(cfg.uring.sqpoll).toBe(true);
    applyOverride(cfg, "uring.sqpoll=false");
    expect(cfg.uring.sqpoll).toBe(false);
    applyOverride(cfg, "uring.buffer_count=512");
    expect(cfg.uring.buffer_count).toBe(512);
    expect(validateValue("uring", "sqpoll", "no")).toBe(false);
    expect(configError(() => validateValue("uring", "sqpoll", "maybe")).message).toBe('Invalid value for uring.sqpoll: "maybe": expected true or false');
  });
});

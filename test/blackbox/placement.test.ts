// Memory and CPU placement of a real server process: the arena on explicit hugepages
// (/proc/PID/smaps KernelPageSize), bound to a NUMA node (/proc/PID/numa_maps bind:N), the
// main thread pinned (/proc/PID/task/PID/status), and every fallback saying why: too few
// hugepages, no shim. Config errors for these keys exit 2 before anything starts.
//
// Tests that need hugepages raise /proc/sys/vm/nr_hugepages themselves and put the old
// value back in `finally`; they are skipped, with the reason, when not root or when the
// kernel cannot reserve them.

import { afterAll, describe, expect, test } from "bun:test";
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { allowedCpus, formatCpuList, numaNodes } from "../../src/config/index.ts";
import { RawClient } from "../helpers/raw.ts";
import { ROOT, startServer, type TestServer } from "../helpers/server.ts";
import { mappings, numaMapsLine, threadCpus, threadsCpus } from "../helpers/smaps.ts";

const MiB = 1024 * 1024;
const NR_HUGEPAGES = "/proc/sys/vm/nr_hugepages";
const POOL_2MB = "/sys/kernel/mm/hugepages/hugepages-2048kB";
const MAIN = join(ROOT, "src", "cli", "main.ts");

const isRoot = process.getuid?.() === 0;
const readNum = (path: string) => Number(readFileSync(path, "utf8").trim());
const nrAtStart = readNum(NR_HUGEPAGES);
const pool2mb = () => ({ total: readNum(`${POOL_2MB}/nr_hugepages`), free: readNum(`${POOL_2MB}/free_hugepages`), reserved: readNum(`${POOL_2MB}/resv_hugepages`) });

/** Whether root can reserve `pages` more 2 MiB pages here (tried, then put back). */
function canReserve(pages: number): boolean {
  if (!isRoot) return false;
  const old = readNum(NR_HUGEPAGES);
  try {
    writeFileSync(NR_HUGEPAGES, String(old + pages));
    return readNum(NR_HUGEPAGES) >= old + pages;
  } catch {
    return false;
  } finally {
    writeFileSync(NR_HUGEPAGES, String(old));
  }
}

const HEAP_PAGES = 32; // a 64 MiB heap
const reservable = canReserve(HEAP_PAGES + 8);
const skipHugepages = !reservable;
if (skipHugepages) {
  console.warn(`skipping hugepage-backed tests: ${isRoot ? `the kernel could not reserve ${HEAP_PAGES + 8} 2 MiB pages` : "not root (raising vm.nr_hugepages needs root)"}`);
}

afterAll(() => {
  // Whatever happened, leave the host's hugepage pool as it was.
  if (isRoot && readNum(NR_HUGEPAGES) !== nrAtStart) writeFileSync(NR_HUGEPAGES, String(nrAtStart));
});

interface LogLine {
  level: string;
  msg: string;
  [field: string]: unknown;
}
function logLines(server: TestServer): LogLine[] {
  return server.logs().split("\n").filter((l) => l.startsWith("{")).map((l) => JSON.parse(l) as LogLine);
}
function warnings(server: TestServer): string[] {
  return logLines(server).filter((l) => l.level === "warn").map((l) => l.msg);
}
function placementLine(server: TestServer): LogLine {
  const line = logLines(server).find((l) => l.msg.startsWith("placement: "));
  if (!line) throw new Error(`no placement line in:\n${server.logs()}`);
  return line;
}

function infoFields(text: string): Map<string, string> {
  return new Map(text.split("\r\n").filter((l) => l.includes(":")).map((l) => [l.slice(0, l.indexOf(":")), l.slice(l.indexOf(":") + 1)]));
}
async function info(client: RawClient, section: string): Promise<Map<string, string>> {
  return infoFields(String(await client.call("INFO", section)));
}

/** SET and GET values enough to touch several megabytes of the arena. */
async function roundTrip(client: RawClient): Promise<void> {
  for (let i = 0; i < 6; i++) {
    const value = String.fromCharCode(97 + i).repeat(768 * 1024);
    expect(await client.call("SET", `placed:${i}`, value)).toBe("OK");
    expect(await client.call("GET", `placed:${i}`)).toBe(value);
  }
  expect(await client.call("SET", "k", "small")).toBe("OK");
  expect(await client.call("GET", "k")).toBe("small");
}

describe("config errors for placement keys exit 2 before starting", () => {
  function run(args: string[]): { code: number; stderr: string } {
    const r = Bun.spawnSync([process.execPath, MAIN, "--port", "0", "--set", "metrics.address=", ...args], { stdout: "pipe", stderr: "pipe", env: { ...process.env, NO_COLOR: "1" } });
    return { code: r.exitCode, stderr: r.stderr.toString() };
  }

  test("a hugepage size that does not exist", () => {
    const r = run(["--set", "cache.hugepage=4mb"]);
    expect(r.code).toBe(2);
    expect(r.stderr).toBe('Error: Invalid value for cache.hugepage in --set cache.hugepage=4mb: "4mb": expected one of "none", "2mb", "1gb"\n');
  });

  test("a NUMA node this host lacks names the nodes it has", () => {
    const nodes = numaNodes();
    const missing = Math.max(-1, ...nodes) + 1;
    const r = run(["--set", `cache.numa_node=${missing}`]);
    expect(r.code).toBe(2);
    expect(r.stderr).toStartWith(`Error: Invalid value for cache.numa_node in --set cache.numa_node=${missing}: "${missing}": NUMA node ${missing} does not exist: `);
    expect(r.stderr).toContain(nodes.length ? `this host has node${nodes.length === 1 ? "" : "s"} ${formatCpuList(nodes)}` : "no NUMA nodes");
  });

  test("CPUs outside this process's allowed set, from a config file with its line", () => {
    const allowed = allowedCpus()!;
    const beyond = Math.max(...allowed) + 1;
    const dir = require("node:fs").mkdtempSync(join(require("node:os").tmpdir(), "crucible-placement-"));
    writeFileSync(join(dir, "crucible.toml"), `[workers]\nthreads = 1\ncpu_affinity = "${allowed[0]},${beyond}-${beyond + 1}"\n`);
    const r = run([join(dir, "crucible.toml")]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain(`Invalid value for workers.cpu_affinity in ${join(dir, "crucible.toml")} (line 3): "${allowed[0]},${beyond}-${beyond + 1}": CPUs ${beyond}-${beyond + 1} are not available to this process, which may run on CPUs ${formatCpuList(allowed)}`);
    require("node:fs").rmSync(dir, { recursive: true, force: true });
  });

  test.each(["0-", "1;2", "0-7:0", "x"])("bad CPU list syntax %p", (list) => {
    const r = run(["--set", `workers.cpu_affinity=${list}`]);
    expect(r.code).toBe(2);
    expect(r.stderr).toStartWith(`Error: Invalid value for workers.cpu_affinity in --set workers.cpu_affinity=${list}: "${list}": expected a CPU list such as "0-3", "1,3,8" or "0-15:2"`);
  });
});

describe("placement of a running server", () => {
  test("defaults: 4 KiB pages, unbound, unpinned, and INFO says so", async () => {
    const server = await startServer({ set: ["cache.heap_size=64MB"] });
    try {
      const line = placementLine(server);
      expect(line.msg).toBe("placement: heap on 4 KiB pages, no NUMA binding, not pinned");
      expect(line.page_size).toBe("4k");
      const client = await RawClient.connect(server.port);
      const mem = await info(client, "memory");
      expect(mem.get("mem_page_size")).toBe("4k");
      expect(mem.get("mem_numa_node")).toBe("-1");
      const srv = await info(client, "server");
      expect(srv.get("pinned_cpus")).toBe("");
      expect(["bun", "uring"]).toContain(srv.get("io_engine")!);
      expect(threadCpus(server.proc.pid)).toBe(formatCpuList(allowedCpus()!));
      await roundTrip(client);
      client.close();
    } finally {
      expect(await server.stop()).toBe(0);
    }
  });

  test.skipIf(skipHugepages)("hugepage = 2mb with pages reserved: the arena is on 2 MiB pages, bound to the node, the thread pinned", async () => {
    const old = readNum(NR_HUGEPAGES);
    const node = numaNodes()[0] ?? 0;
    const cpu = allowedCpus()![0]!;
    let server: TestServer | undefined;
    try {
      writeFileSync(NR_HUGEPAGES, String(old + HEAP_PAGES + 8));
      const before = pool2mb();
      server = await startServer({
        set: ["cache.heap_size=64MB", "cache.hugepage=2mb", `cache.numa_node=${node}`, `workers.cpu_affinity=${cpu}`],
      });
      const pid = server.proc.pid;
      expect(warnings(server)).toEqual([]);
      const line = placementLine(server);
      expect(line.msg).toBe(`placement: heap on 2 MiB hugepages, NUMA node ${node}, pinned to CPUs ${cpu}`);
      expect(line).toMatchObject({ page_size: "2mb", numa_node: node, pinned_cpus: String(cpu), mapped_by: "shim" });

      // smaps: one hugetlb mapping covering the heap.
      const huge = mappings(pid).filter((m) => m.kernelPageBytes === 2 * MiB);
      const arena = huge.find((m) => m.end - m.start >= 64 * MiB);
      expect(arena).toBeDefined();
      // numa_maps: that mapping is bound to the node and is hugepage memory.
      const numa = numaMapsLine(pid, arena!.start)!;
      expect(numa).toContain(`bind:${node}`);
      expect(numa).toContain("huge");
      // The reservation was taken from the pool.
      expect(pool2mb().reserved).toBeGreaterThanOrEqual(before.reserved + HEAP_PAGES);

      const client = await RawClient.connect(server.port);
      // The thread that serves is pinned: the main thread on Bun.listen, the data plane's
      // Worker on io_uring (which is started from the main thread, unpinned).
      const engine = (await info(client, "server")).get("io_engine");
      if (engine === "bun") expect(threadCpus(pid)).toBe(String(cpu));
      else expect([...threadsCpus(pid).values()]).toContain(String(cpu));
      const mem = await info(client, "memory");
      expect(mem.get("mem_page_size")).toBe("2mb");
      expect(mem.get("mem_numa_node")).toBe(String(node));
      expect((await info(client, "server")).get("pinned_cpus")).toBe(String(cpu));
      expect((await info(client, "crucible")).get("page_size")).toBe(String(2 * MiB));
      // Data lands in hugepages: writing faults pages out of the pool.
      await roundTrip(client);
      expect(pool2mb().free).toBeLessThan(before.free);
      // The touched pages are 2 MiB pages on the node.
      const touched = numaMapsLine(pid, arena!.start)!;
      expect(touched).toMatch(new RegExp(`bind:${node} .*huge.* N${node}=\\d+ kernelpagesize_kB=2048`));
      client.close();
      expect(await server.stop()).toBe(0);
      server = undefined;
    } finally {
      if (server) await server.stop();
      writeFileSync(NR_HUGEPAGES, String(old));
    }
  });

  test("hugepage = 2mb with too few free pages starts on 4 KiB pages, naming free pages and the nr_hugepages needed", async () => {
    const pool = pool2mb();
    const free = Math.max(0, pool.free - pool.reserved);
    const pages = free + 32;
    const server = await startServer({ set: [`cache.heap_size=${pages * 2}MB`, "cache.hugepage=2mb", "cache.hashtable_power=16"] });
    try {
      const warn = warnings(server).find((w) => w.startsWith('hugepage = "2mb"'));
      expect(warn).toBeDefined();
      expect(warn).toContain(`could not map ${pages * 2} MiB on 2 MiB hugepages (ENOMEM)`);
      expect(warn).toContain(`${pages} pages needed, ${free} free (nr_hugepages = ${pool.total}`);
      expect(warn).toContain(`echo ${pool.total + pages - free} > /proc/sys/vm/nr_hugepages`);
      expect(warn).toContain("starting on 4 KiB pages with transparent hugepages advised");
      expect(placementLine(server).msg).toStartWith("placement: heap on 4 KiB pages");
      expect(mappings(server.proc.pid).some((m) => m.kernelPageBytes === 2 * MiB)).toBe(false);
      const client = await RawClient.connect(server.port);
      expect((await info(client, "memory")).get("mem_page_size")).toBe("4k");
      await roundTrip(client);
      client.close();
    } finally {
      expect(await server.stop()).toBe(0);
    }
  });

  test("hugepage = 1gb without 1 GiB pages falls back the same way", async () => {
    const server = await startServer({ set: ["cache.heap_size=64MB", "cache.hugepage=1gb", "cache.hashtable_power=16"] });
    try {
      const warn = warnings(server).find((w) => w.startsWith('hugepage = "1gb"'))!;
      expect(warn).toContain("could not map 1 GiB on 1 GiB hugepages");
      expect(warn).toMatch(/1 pages needed, 0 free|no 1gb hugepage pool/);
      expect(warn).toContain("starting on 4 KiB pages");
      expect(placementLine(server).page_size).toBe("4k");
      const client = await RawClient.connect(server.port);
      await roundTrip(client);
      client.close();
    } finally {
      expect(await server.stop()).toBe(0);
    }
  });

  test("without the shim: ordinary memory, a warning for each request that fell back, and it still serves", async () => {
    const node = numaNodes()[0] ?? 0;
    const cpu = allowedCpus()![0]!;
    const server = await startServer({
      env: { CRUCIBLE_SHIM: "off" },
      set: ["cache.heap_size=64MB", "cache.hugepage=2mb", `cache.numa_node=${node}`, `workers.cpu_affinity=${cpu}`, "io_engine=auto"],
    });
    try {
      const w = warnings(server);
      expect(w).toContain(`cpu_affinity = "${cpu}" needs the shim (CRUCIBLE_SHIM=off): fell back to not pinned`);
      expect(w).toContain("the native shim is not loaded (CRUCIBLE_SHIM=off): the heap is ordinary memory");
      expect(w).toContain('hugepage = "2mb" needs the shim: fell back to 4 KiB pages with transparent hugepages advised');
      expect(w).toContain(`numa_node = ${node} needs the shim: fell back to no NUMA binding`);
      const line = placementLine(server);
      expect(line.msg).toBe("placement: heap on 4 KiB pages, no NUMA binding, not pinned");
      expect(line.mapped_by).toBe("arraybuffer");
      expect(line.shim).toBe("not loaded: CRUCIBLE_SHIM=off");
      expect(threadCpus(server.proc.pid)).toBe(formatCpuList(allowedCpus()!));
      const client = await RawClient.connect(server.port);
      const mem = await info(client, "memory");
      expect(mem.get("mem_page_size")).toBe("4k");
      expect(mem.get("mem_numa_node")).toBe("-1");
      expect((await info(client, "server")).get("pinned_cpus")).toBe("");
      await roundTrip(client);
      client.close();
    } finally {
      expect(await server.stop()).toBe(0);
    }
  });
});

describe("doctor's native checks", () => {
  function doctor(args: string[], env: Record<string, string> = {}): { code: number; stdout: string } {
    const r = Bun.spawnSync([process.execPath, MAIN, "doctor", "--port", "0", "--set", "metrics.address=", ...args], { stdout: "pipe", stderr: "pipe", env: { ...process.env, ...env } });
    return { code: r.exitCode, stdout: r.stdout.toString() };
  }

  test("kernel, shim, io_uring, hugepages, THP, NUMA nodes and CPUs are reported", () => {
    const r = doctor([]);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^ok\s+kernel\s+Linux \S+/m);
    expect(r.stdout).toMatch(/^ok\s+shim\s+loaded \/\S+libcrucible_shim\.so$/m);
    expect(r.stdout).toMatch(/^(ok|warn)\s+io_uring\s+(available|not usable)/m);
    expect(r.stdout).toMatch(/^ok\s+hugepages\s+not used \(hugepage = "none".*2mb pool: nr_hugepages \d+, free \d+, reserved \d+/m);
    expect(r.stdout).toMatch(/^(ok|warn)\s+thp\s+transparent hugepages/m);
    const nodes = numaNodes();
    if (nodes.length) expect(r.stdout).toMatch(new RegExp(`^ok\\s+numa\\s+node${nodes[0]}: CPUs \\S+`, "m"));
    expect(r.stdout).toMatch(new RegExp(`^ok\\s+cpus\\s+\\d+ online; this process may run on CPUs ${formatCpuList(allowedCpus()!)}; not pinned`, "m"));
  });

  test("hugepage = 2mb with too few free pages is a problem with the command that reserves them", () => {
    const pool = pool2mb();
    const free = Math.max(0, pool.free - pool.reserved);
    const pages = free + 16;
    const r = doctor(["--set", `cache.heap_size=${pages * 2}MB`, "--set", "cache.hugepage=2mb"]);
    expect(r.code).toBe(1);
    expect(r.stdout).toMatch(new RegExp(`^PROBLEM\\s+hugepages\\s+heap_size ${pages * 2}MB needs ${pages} 2mb pages, ${free} are free`, "m"));
    expect(r.stdout).toContain(`fix: reserve them (nr_hugepages = ${pool.total + pages - free}): echo ${pool.total + pages - free} > /proc/sys/vm/nr_hugepages`);
  });

  test("without the shim: says why, and a config that needs it is a problem", () => {
    let r = doctor(["--set", "io_engine=bun"], { CRUCIBLE_SHIM: "off" });
    expect(r.stdout).toMatch(/^warn\s+shim\s+not loaded \(CRUCIBLE_SHIM=off\)/m);
    expect(r.stdout).toContain("fix: unset CRUCIBLE_SHIM to load it");
    expect(r.code).toBe(0);
    r = doctor(["--set", "io_engine=bun", "--set", `workers.cpu_affinity=${allowedCpus()![0]}`], { CRUCIBLE_SHIM: "off" });
    expect(r.stdout).toMatch(/^PROBLEM\s+shim\s+not loaded \(CRUCIBLE_SHIM=off\).*the config asks for cpu_affinity = "\d+"/m);
    expect(r.code).toBe(1);
  });
});

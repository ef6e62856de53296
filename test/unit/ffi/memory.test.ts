// ffi/memory.ts and ffi/affinity.ts in-process: the arena mapped by the shim (4 KiB pages
// with THP advice, explicit hugepages when root can reserve them, NUMA binding), the
// fallbacks and their warnings, and pinning the calling thread.
import { formatCpuList } from "../../../src/config/index.ts";
import { describe, expect, test } from "bun:test";
import { readFileSync, writeFileSync } from "node:fs";
import {
  availablePages,
  bufferAddress,
  errnoName,
  hugepagePool,
  loadShim,
  mapArena,
  nrHugepagesNeeded,
  pinThread,
  reserveCommand,
  threadAffinity,
  transparentHugePageMode,
  type HugepagePool,
} from "../../../ffi/index.ts";
import { mappings, numaMapsLine } from "../../helpers/smaps.ts";

const MiB = 1024 * 1024;
const load = await loadShim();
const shim = load.loaded ? load.shim : null;
const thp = transparentHugePageMode();
const NR_HUGEPAGES = "/proc/sys/vm/nr_hugepages";
const isRoot = process.getuid?.() === 0;

describe("hugepage pool arithmetic", () => {
  const pool = (total: number, free: number, reserved: number): HugepagePool => ({
    size: "2mb", pageBytes: 2 * MiB, total, free, reserved, surplus: 0, sysfs: "",
  });
  test("available pages leave out those reserved by other mappings", () => {
    expect(availablePages(pool(10, 10, 0))).toBe(10);
    expect(availablePages(pool(10, 6, 4))).toBe(2);
    expect(availablePages(pool(0, 0, 0))).toBe(0);
  });
  test("nr_hugepages needed: what is in use stays, the shortfall is added", () => {
    expect(nrHugepagesNeeded(pool(0, 0, 0), 32)).toBe(32);
    expect(nrHugepagesNeeded(pool(20, 5, 0), 32)).toBe(47);
    expect(nrHugepagesNeeded(pool(40, 40, 0), 32)).toBe(40);
    expect(nrHugepagesNeeded(pool(40, 40, 30), 32)).toBe(62);
  });
  test("the commands that reserve them", () => {
    expect(reserveCommand("2mb", 32)).toBe("echo 32 > /proc/sys/vm/nr_hugepages");
    expect(reserveCommand("1gb", 4)).toContain("hugepagesz=1G hugepages=4");
  });
  test("this host's 2 MiB pool is read from sysfs", () => {
    const p = hugepagePool("2mb");
    expect(p).not.toBeNull();
    expect(p!.total).toBe(Number(readFileSync(NR_HUGEPAGES, "utf8").trim()));
    expect(p!.pageBytes).toBe(2 * MiB);
    expect(hugepagePool("2mb", "/nonexistent")).toBeNull();
  });
  test("errno names", () => {
    expect(errnoName(-12)).toBe("ENOMEM");
    expect(errnoName(22)).toBe("EINVAL");
    expect(errnoName(99999)).toBe("errno 99999");
  });
});

describe("mapArena without the shim", () => {
  const off = { loaded: false as const, why: "CRUCIBLE_SHIM=off" };
  test("ordinary ArrayBuffers of the chunk sizes, and a warning naming why", () => {
    const m = mapArena({ chunkBytes: [4 * MiB, 1 * MiB], hugepage: "none", numaNode: -1, shim: off });
    expect(m.chunks.map((c) => c.byteLength)).toEqual([4 * MiB, MiB]);
    expect(m.mappedBy).toBe("arraybuffer");
    expect(m.pageSize).toBe("4k");
    expect(m.numaNode).toBe(-1);
    expect(m.warnings).toEqual(["the native shim is not loaded (CRUCIBLE_SHIM=off): the heap is ordinary memory"]);
    if (thp === "madvise" || thp === "always") expect(m.thpAdvisedBytes).toBeGreaterThanOrEqual(2 * MiB);
  });
  test("hugepage and numa_node requests fall back, each with its warning", () => {
    const m = mapArena({ chunkBytes: [MiB], hugepage: "1gb", numaNode: 0, shim: off });
    expect(m.pageSize).toBe("4k");
    expect(m.numaNode).toBe(-1);
    expect(m.warnings).toContain('hugepage = "1gb" needs the shim: fell back to 4 KiB pages with transparent hugepages advised');
    expect(m.warnings).toContain("numa_node = 0 needs the shim: fell back to no NUMA binding");
  });
  test("bad chunk sizes are a programming error", () => {
    expect(() => mapArena({ chunkBytes: [], hugepage: "none", numaNode: -1, shim: off })).toThrow(/positive integers/);
    expect(() => mapArena({ chunkBytes: [MiB, 0], hugepage: "none", numaNode: -1, shim: off })).toThrow(/positive integers/);
  });
});

describe.skipIf(shim === null)("mapArena with the shim", () => {
  test("4 KiB pages: one mapping, chunks laid end to end, advised for THP, zeroed and writable", () => {
    const m = mapArena({ chunkBytes: [8 * MiB, 8 * MiB, 4 * MiB], hugepage: "none", numaNode: -1, shim: load });
    expect(m.warnings).toEqual([]);
    expect(m.mappedBy).toBe("shim");
    expect(m.pageSize).toBe("4k");
    expect(m.mappedBytes).toBe(20 * MiB);
    expect(m.chunks.map((c) => c.byteLength)).toEqual([8 * MiB, 8 * MiB, 4 * MiB]);
    expect(m.chunks.map(bufferAddress)).toEqual([m.address, m.address + 8 * MiB, m.address + 16 * MiB]);
    const mapping = mappings("self").find((x) => x.start <= m.address && m.address < x.end)!;
    expect(mapping.end).toBeGreaterThanOrEqual(m.address + 20 * MiB);
    if (thp === "madvise" || thp === "always") {
      const from = Math.ceil(m.address / (2 * MiB)) * 2 * MiB;
      const to = Math.floor((m.address + 20 * MiB) / (2 * MiB)) * 2 * MiB;
      expect(m.thpAdvisedBytes).toBe(to - from);
      expect(m.thpMode).toBe(thp);
      expect(mapping.flags).toContain("hg");
    }
    const last = new Uint8Array(m.chunks[2]!);
    expect(last[last.length - 1]).toBe(0);
    last.fill(9);
    expect(new Uint8Array(m.chunks[1]!)[8 * MiB - 1]).toBe(0);
    expect(last[4 * MiB - 1]).toBe(9);
  });

  test("numa_node binds the mapping (numa_maps bind:N)", () => {
    const m = mapArena({ chunkBytes: [4 * MiB], hugepage: "none", numaNode: 0, shim: load });
    expect(m.warnings).toEqual([]);
    expect(m.numaNode).toBe(0);
    expect(numaMapsLine(process.pid, m.address)).toContain("bind:0");
  });

  test("a node the kernel refuses falls back to unbound with the errno", () => {
    const m = mapArena({ chunkBytes: [4 * MiB], hugepage: "none", numaNode: 1000, shim: load });
    expect(m.numaNode).toBe(-1);
    expect(m.warnings).toEqual([expect.stringMatching(/^numa_node = 1000: mbind failed \(E\w+\): fell back to no NUMA binding$/)]);
    expect(numaMapsLine(process.pid, m.address)).not.toContain("bind:");
  });

  test("too few 2 MiB pages: 4 KiB pages and the nr_hugepages to reserve", () => {
    const pool = hugepagePool("2mb")!;
    const pages = availablePages(pool) + 4;
    const m = mapArena({ chunkBytes: [pages * 2 * MiB - MiB], hugepage: "2mb", numaNode: -1, shim: load });
    expect(m.pageSize).toBe("4k");
    expect(m.mappedBy).toBe("shim");
    expect(m.warnings).toHaveLength(1);
    expect(m.warnings[0]).toContain(`${pages} pages needed, ${availablePages(pool)} free`);
    expect(m.warnings[0]).toContain(reserveCommand("2mb", nrHugepagesNeeded(pool, pages)));
  });

  test.skipIf(!isRoot)("enough 2 MiB pages: the arena is a hugetlb mapping (rounded up to whole pages)", () => {
    const old = Number(readFileSync(NR_HUGEPAGES, "utf8").trim());
    try {
      writeFileSync(NR_HUGEPAGES, String(old + 4));
      if (availablePages(hugepagePool("2mb")!) < 3) {
        console.warn("skipping: the kernel could not reserve 3 hugepages");
        return;
      }
      const m = mapArena({ chunkBytes: [4 * MiB, MiB], hugepage: "2mb", numaNode: 0, shim: load });
      expect(m.warnings).toEqual([]);
      expect(m.pageSize).toBe("2mb");
      expect(m.mappedBytes).toBe(6 * MiB);
      expect(m.thpAdvisedBytes).toBe(0);
      expect(m.thpWhy).toBe("the arena is on 2mb hugepages (MAP_HUGETLB)");
      expect(m.numaNode).toBe(0);
      expect(mappings("self").find((x) => x.start === m.address)!.kernelPageBytes).toBe(2 * MiB);
      new Uint8Array(m.chunks[1]!).fill(1);
      expect(numaMapsLine(process.pid, m.address)).toMatch(/bind:0 .*huge.*kernelpagesize_kB=2048/);
      // The server keeps its arena for life; the test gives the pages back now (nothing
      // touches the chunks after this).
      expect(shim!.crucible_unmap(m.address as never, m.mappedBytes)).toBe(0);
    } finally {
      writeFileSync(NR_HUGEPAGES, String(old));
    }
  });
});

describe.skipIf(shim === null)("pinning the calling thread", () => {
  test("read back, pin to one CPU, and restore", () => {
    const before = threadAffinity(shim!);
    if (typeof before === "string") throw new Error(before);
    expect(before.length).toBeGreaterThan(0);
    const status = () => /^Cpus_allowed_list:\s*(\S+)/m.exec(readFileSync(`/proc/self/task/${process.pid}/status`, "utf8"))![1];
    expect(status()).toBe(formatCpuList(before));
    try {
      const pin = pinThread(shim!, [before.at(-1)!]);
      expect(pin).toEqual({ pinned: true, cpus: [before.at(-1)!] });
      expect(status()).toBe(String(before.at(-1)));
    } finally {
      expect(pinThread(shim!, before)).toEqual({ pinned: true, cpus: before });
    }
    expect(status()).toBe(formatCpuList(before));
  });

  test("CPUs the kernel will not give are refused with the reason, and nothing changes", () => {
    const before = threadAffinity(shim!) as number[];
    const r = pinThread(shim!, [4000]);
    expect(r.pinned).toBe(false);
    if (!r.pinned) expect(r.why).toContain("EINVAL");
    expect(pinThread(shim!, [])).toEqual({ pinned: false, why: "no CPUs given" });
    expect(pinThread(shim!, [5000]).pinned).toBe(false);
    expect(threadAffinity(shim!)).toEqual(before);
  });
});

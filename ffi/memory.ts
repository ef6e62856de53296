// The store's arena memory: mapped by the shim (mmap), on explicit hugepages when asked
// (MAP_HUGETLB), bound to a NUMA node when asked (mbind), and handed to the store as one
// ArrayBuffer per arena chunk. Every request that cannot be met falls back to something
// that works and says why: too few hugepages -> 4 KiB pages with transparent hugepages
// advised and the nr_hugepages to reserve; no shim -> ordinary ArrayBuffers.
//
// The mapping is never unmapped: the store holds it for the life of the process.

import { readFileSync } from "node:fs";
import { errnoName } from "./errno.ts";
import { ptr as pointerOf, toArrayBuffer, type Pointer } from "bun:ffi";
import { adviseHugePages } from "./hugepages.ts";
import type { Shim, ShimLoad } from "./shim.ts";

export type HugepageRequest = "none" | "2mb" | "1gb";
/** The page size actually backing the arena. */
export type PageSize = "4k" | "2mb" | "1gb";

const KiB = 1024;
const MiB = 1024 * KiB;
const GiB = 1024 * MiB;

/** The shim's page kinds (liburing-shim/shim.h CRUCIBLE_PAGES_*). */
const PAGE_KIND = { "4k": 0, "2mb": 1, "1gb": 2 } as const;
const PAGE_BYTES = { "4k": 4 * KiB, "2mb": 2 * MiB, "1gb": GiB } as const;
/** Where the kernel keeps each hugepage pool's counters. */
export const HUGEPAGES_DIR = "/sys/kernel/mm/hugepages";
const POOL_DIR = { "2mb": "hugepages-2048kB", "1gb": "hugepages-1048576kB" } as const;

export interface ArenaMapping {
  /** The arena, one buffer per chunk, in order, each exactly the size asked for. */
  chunks: ArrayBuffer[];
  /** The page size backing it. */
  pageSize: PageSize;
  /** "shim": one mmap by the shim; "arraybuffer": ordinary ArrayBuffers (no shim, or mmap failed). */
  mappedBy: "shim" | "arraybuffer";
  /** Start and length of the shim's mapping (0 for ArrayBuffers). */
  address: number;
  mappedBytes: number;
  /** Bytes of the arena advised for transparent hugepages (4 KiB pages only). */
  thpAdvisedBytes: number;
  /** The THP mode when advised ("madvise", "always"), else "". */
  thpMode: string;
  /** Why nothing was advised, when nothing was; "" otherwise. */
  thpWhy: string;
  /** The NUMA node the arena is bound to, or -1. */
  numaNode: number;
  /** One line per request that was not met, saying what was done instead and how to fix it. */
  warnings: string[];
}

export interface MapArenaOptions {
  /** Byte size of each arena chunk (the store's arenaChunkBytes). */
  chunkBytes: readonly number[];
  hugepage: HugepageRequest;
  /** -1: no binding. */
  numaNode: number;
  /** The result of loadShim(). */
  shim: ShimLoad;
}

/** One hugepage pool's counters (/sys/kernel/mm/hugepages/hugepages-NkB). */
export interface HugepagePool {
  size: "2mb" | "1gb";
  pageBytes: number;
  /** nr_hugepages: pages in the pool. */
  total: number;
  /** free_hugepages: pages not in use (reserved ones included). */
  free: number;
  /** resv_hugepages: free pages promised to mappings that have not touched them yet. */
  reserved: number;
  surplus: number;
  /** The file to write nr_hugepages to. */
  sysfs: string;
}

function readCount(path: string): number | null {
  try {
    const n = Number(readFileSync(path, "utf8").trim());
    return Number.isSafeInteger(n) ? n : null;
  } catch {
    return null;
  }
}

/** The counters of the 2 MiB or 1 GiB pool, or null when this kernel has no such pool. */
export function hugepagePool(size: "2mb" | "1gb", root = HUGEPAGES_DIR): HugepagePool | null {
  const dir = `${root}/${POOL_DIR[size]}`;
  const total = readCount(`${dir}/nr_hugepages`);
  if (total === null) return null;
  return {
    size,
    pageBytes: PAGE_BYTES[size],
    total,
    free: readCount(`${dir}/free_hugepages`) ?? 0,
    reserved: readCount(`${dir}/resv_hugepages`) ?? 0,
    surplus: readCount(`${dir}/surplus_hugepages`) ?? 0,
    sysfs: `${dir}/nr_hugepages`,
  };
}

/** Pages of `pool` a new mapping of `pages` pages can still get. */
export function availablePages(pool: HugepagePool): number {
  return Math.max(0, pool.free - pool.reserved);
}

/** The nr_hugepages that leaves `pages` more pages available than now (what to reserve). */
export function nrHugepagesNeeded(pool: HugepagePool, pages: number): number {
  return pool.total + Math.max(0, pages - availablePages(pool));
}

/** The command that reserves `nr` pages in `pool`. */
export function reserveCommand(size: "2mb" | "1gb", nr: number): string {
  return size === "2mb"
    ? `echo ${nr} > /proc/sys/vm/nr_hugepages`
    : `echo ${nr} > ${HUGEPAGES_DIR}/${POOL_DIR["1gb"]}/nr_hugepages (or boot with: hugepagesz=1G hugepages=${nr})`;
}


function bytesText(bytes: number): string {
  if (bytes % GiB === 0) return `${bytes / GiB} GiB`;
  if (bytes % MiB === 0) return `${bytes / MiB} MiB`;
  return `${bytes} bytes`;
}

const roundUp = (n: number, to: number) => Math.ceil(n / to) * to;

/**
 * Map the arena as configured. Never throws for a request the host cannot meet: the
 * mapping falls back and `warnings` says what happened.
 */
export function mapArena(opts: MapArenaOptions): ArenaMapping {
  const total = opts.chunkBytes.reduce((a, b) => a + b, 0);
  if (total <= 0 || opts.chunkBytes.some((n) => !Number.isSafeInteger(n) || n <= 0)) {
    throw new Error(`mapArena: chunk sizes must be positive integers, got [${opts.chunkBytes.join(", ")}]`);
  }
  const warnings: string[] = [];
  if (!opts.shim.loaded) {
    warnings.push(`the native shim is not loaded (${opts.shim.why}): the heap is ordinary memory`);
    if (opts.hugepage !== "none") warnings.push(`hugepage = "${opts.hugepage}" needs the shim: fell back to 4 KiB pages with transparent hugepages advised`);
    if (opts.numaNode >= 0) warnings.push(`numa_node = ${opts.numaNode} needs the shim: fell back to no NUMA binding`);
    return plainArena(opts.chunkBytes, warnings);
  }
  const shim = opts.shim.shim;
  let pageSize: PageSize = "4k";
  let mapped: { address: number; bytes: number } | null = null;

  if (opts.hugepage !== "none") {
    const bytes = roundUp(total, PAGE_BYTES[opts.hugepage]);
    const got = shimMap(shim, bytes, opts.hugepage);
    if (typeof got === "number") {
      mapped = { address: got, bytes };
      pageSize = opts.hugepage;
    } else {
      warnings.push(hugepageShortfall(opts.hugepage, bytes, got));
    }
  }
  if (mapped === null) {
    const got = shimMap(shim, total, "4k");
    if (typeof got !== "number") {
      warnings.push(`mmap of ${bytesText(total)} failed (${errnoName(got.errno)}): the heap is ordinary memory`);
      if (opts.numaNode >= 0) warnings.push(`numa_node = ${opts.numaNode}: fell back to no NUMA binding (the mapping failed)`);
      return plainArena(opts.chunkBytes, warnings);
    }
    mapped = { address: got, bytes: total };
  }

  // Bind before anything touches the memory, so every page is allocated on the node.
  let numaNode = -1;
  if (opts.numaNode >= 0) {
    const rc = shim.crucible_bind_node(mapped.address as Pointer, mapped.bytes, opts.numaNode);
    if (rc === 0) numaNode = opts.numaNode;
    else warnings.push(`numa_node = ${opts.numaNode}: mbind failed (${errnoName(rc)}): fell back to no NUMA binding`);
  }

  const chunks: ArrayBuffer[] = [];
  let offset = 0;
  for (const n of opts.chunkBytes) {
    chunks.push(toArrayBuffer((mapped.address + offset) as Pointer, 0, n));
    offset += n;
  }

  let thpAdvisedBytes = 0;
  let thpMode = "";
  let thpWhy = `the arena is on ${pageSize} hugepages (MAP_HUGETLB)`;
  if (pageSize === "4k") {
    const advice = adviseHugePages(chunks.map((c) => new Uint8Array(c)));
    if (advice.advised) [thpAdvisedBytes, thpMode, thpWhy] = [advice.bytes, advice.mode, ""];
    else thpWhy = advice.why;
  }
  return { chunks, pageSize, mappedBy: "shim", address: mapped.address, mappedBytes: mapped.bytes, thpAdvisedBytes, thpMode, thpWhy, numaNode, warnings };
}

/** The shim's mmap: the address, or the errno it failed with. */
function shimMap(shim: Shim, bytes: number, kind: PageSize): number | { errno: number } {
  const err = new Int32Array(1);
  const p = shim.crucible_map(bytes, PAGE_KIND[kind], err);
  if (p === null || p === 0) return { errno: err[0] || 12 };
  return Number(p);
}

/** The warning for a hugepage mapping that failed: free pages, and the nr_hugepages needed. */
function hugepageShortfall(size: "2mb" | "1gb", bytes: number, failure: { errno: number }): string {
  const what = `hugepage = "${size}": could not map ${bytesText(bytes)} on ${size === "2mb" ? "2 MiB" : "1 GiB"} hugepages (${errnoName(failure.errno)})`;
  const fallback = "starting on 4 KiB pages with transparent hugepages advised";
  const pool = hugepagePool(size);
  if (pool === null) return `${what}: this kernel has no ${size} hugepage pool (${HUGEPAGES_DIR}/${POOL_DIR[size]} is missing); ${fallback}`;
  const pages = bytes / pool.pageBytes;
  const free = availablePages(pool);
  const needed = nrHugepagesNeeded(pool, pages);
  const counts = `${pages} pages needed, ${free} free (nr_hugepages = ${pool.total}, free_hugepages = ${pool.free}, resv_hugepages = ${pool.reserved})`;
  const fix = free < pages
    ? `reserve them (nr_hugepages needs to be ${needed}): ${reserveCommand(size, needed)}`
    : "enough pages look free: check the hugetlb cgroup limit and grep Huge /proc/meminfo";
  return `${what}: ${counts}; ${fix}; ${fallback}`;
}

/** Ordinary ArrayBuffers, advised for transparent hugepages through libc as before the shim. */
function plainArena(chunkBytes: readonly number[], warnings: string[]): ArenaMapping {
  const chunks = chunkBytes.map((n) => new ArrayBuffer(n));
  const advice = adviseHugePages(chunks.map((c) => new Uint8Array(c)));
  return {
    chunks,
    pageSize: "4k",
    mappedBy: "arraybuffer",
    address: 0,
    mappedBytes: 0,
    thpAdvisedBytes: advice.advised ? advice.bytes : 0,
    thpMode: advice.advised ? advice.mode : "",
    thpWhy: advice.advised ? "" : advice.why,
    numaNode: -1,
    warnings,
  };
}

/** The address of a buffer's first byte (tests compare it with /proc/PID/smaps). */
export function bufferAddress(buffer: ArrayBuffer): number {
  return pointerOf(new Uint8Array(buffer));
}

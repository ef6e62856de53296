import { readFileSync } from "node:fs";
import { ptr } from "bun:ffi";
import { errno, openLibc } from "./libc.ts";

const HUGE_PAGE_BYTES = 2 * 1024 * 1024;
const MADV_HUGEPAGE = 14;
export const THP_ENABLED_PATH = "/sys/kernel/mm/transparent_hugepage/enabled";

export type HugePageAdvice =
  | { advised: true; bytes: number; mode: string }
  | { advised: false; why: string };

/** The bracketed choice in THP's `enabled` file ("always", "madvise", "never"), or null without THP. */
export function transparentHugePageMode(path = THP_ENABLED_PATH): string | null {
  try {
    return /\[(\w+)\]/.exec(readFileSync(path, "utf8"))?.[1] ?? null;
  } catch {
    return null;
  }
}

/**
 * Ask the kernel to back the whole 2 MiB pages inside `views` with transparent hugepages
 * (madvise MADV_HUGEPAGE). Random reads across a big arena and index otherwise miss the
 * TLB on nearly every lookup: measured at pipeline 16 with 1 KiB SETs over a 1 GiB heap,
 * the two loads of a lookup took a quarter of the server's CPU on 4 KiB pages.
 */
export function adviseHugePages(views: readonly ArrayBufferView[]): HugePageAdvice {
  if (process.platform !== "linux") return { advised: false, why: `not on Linux (${process.platform})` };
  const mode = transparentHugePageMode();
  if (mode === null) return { advised: false, why: `this kernel has no transparent hugepages (${THP_ENABLED_PATH} unreadable)` };
  if (mode === "never") {
    return { advised: false, why: `transparent hugepages are off (${THP_ENABLED_PATH} is "never"); echo madvise > ${THP_ENABLED_PATH}` };
  }
  const libc = openLibc();
  if (typeof libc === "string") return { advised: false, why: libc };
  let bytes = 0;
  for (const view of views) {
    if (view.byteLength < HUGE_PAGE_BYTES) continue;
    const start = ptr(new DataView(view.buffer, view.byteOffset, view.byteLength));
    const from = Math.ceil(start / HUGE_PAGE_BYTES) * HUGE_PAGE_BYTES;
    const to = Math.floor((start + view.byteLength) / HUGE_PAGE_BYTES) * HUGE_PAGE_BYTES;
    if (to <= from) continue;
    if (libc.madvise(from, to - from, MADV_HUGEPAGE) !== 0) {
      return { advised: false, why: `madvise(MADV_HUGEPAGE) failed with errno ${errno(libc)}` };
    }
    bytes += to - from;
  }
  if (bytes === 0) return { advised: false, why: "no region spans a whole 2 MiB page" };
  return { advised: true, bytes, mode };
}

const MADV_DONTNEED = 4;
const PAGE_BYTES = 4096;

export type PageRelease = { released: number } | { released: 0; why: string };

/**
 * Hand the 4 KiB pages wholly inside each range of a view back to the kernel (madvise
 * MADV_DONTNEED), for memory that holds nothing any more (MEMORY PURGE: the arena's free
 * segments). The views must be private anonymous memory (the shim's mmap, or ordinary
 * ArrayBuffers), which reads back as zeros afterwards, as fresh memory does. Returns the
 * bytes released, or why none were.
 */
export function releasePages(ranges: readonly { view: Uint8Array; offset: number; length: number }[]): PageRelease {
  if (process.platform !== "linux") return { released: 0, why: `not on Linux (${process.platform})` };
  const libc = openLibc();
  if (typeof libc === "string") return { released: 0, why: libc };
  let released = 0;
  for (const r of ranges) {
    if (r.length <= 0 || r.offset < 0 || r.offset + r.length > r.view.byteLength) continue;
    const start = ptr(r.view) + r.offset;
    const from = Math.ceil(start / PAGE_BYTES) * PAGE_BYTES;
    const to = Math.floor((start + r.length) / PAGE_BYTES) * PAGE_BYTES;
    if (to <= from) continue;
    if (libc.madvise(from, to - from, MADV_DONTNEED) !== 0) return { released: 0, why: `madvise(MADV_DONTNEED) failed with errno ${errno(libc)}` };
    released += to - from;
  }
  return { released };
}

// CPU pinning through the shim: sched_setaffinity(0, ...) applies to the calling thread
// only, so each server thread (the main one, each Worker) pins itself.
//
// The cpu_affinity syntax is parsed in src/config (parseCpuList); this module takes CPU ids.
// The list text it writes ("0-3,8") is the same format, written here again because ffi
// imports nothing from src.

import type { Shim } from "./shim.ts";

/** Bytes of the affinity mask: 4096 CPUs (the shim caps at the kernel's CPU_SETSIZE). */
const MASK_BYTES = 512;

export type PinResult = { pinned: true; cpus: number[] } | { pinned: false; why: string };

/** The CPUs the calling thread may run on, or why they could not be read. */
export function threadAffinity(shim: Shim): number[] | string {
  const mask = new Uint8Array(MASK_BYTES);
  const rc = shim.crucible_get_affinity(mask, MASK_BYTES);
  if (rc < 0) return `sched_getaffinity failed (errno ${-rc})`;
  const cpus: number[] = [];
  for (let cpu = 0; cpu < rc * 8; cpu++) if (mask[cpu >> 3]! & (1 << (cpu & 7))) cpus.push(cpu);
  return cpus;
}

/**
 * Pin the calling thread to `cpus`; returns the CPUs it may run on afterwards (read back
 * from the kernel), or why it could not be pinned.
 */
export function pinThread(shim: Shim, cpus: readonly number[]): PinResult {
  if (cpus.length === 0) return { pinned: false, why: "no CPUs given" };
  const mask = new Uint8Array(MASK_BYTES);
  for (const cpu of cpus) {
    if (!Number.isInteger(cpu) || cpu < 0 || cpu >= MASK_BYTES * 8) return { pinned: false, why: `CPU ${cpu} is out of range (0-${MASK_BYTES * 8 - 1})` };
    mask[cpu >> 3]! |= 1 << (cpu & 7);
  }
  const rc = shim.crucible_set_affinity(mask, MASK_BYTES);
  if (rc !== 0) {
    const errno = -rc;
    const why =
      errno === 22 ? "EINVAL: none of these CPUs is online and allowed to this process (check: taskset -cp $$)"
      : errno === 1 ? "EPERM: not permitted to change this thread's affinity"
      : `errno ${errno}`;
    return { pinned: false, why: `sched_setaffinity failed: ${why}` };
  }
  const now = threadAffinity(shim);
  if (typeof now === "string") return { pinned: false, why: now };
  return { pinned: true, cpus: now };
}

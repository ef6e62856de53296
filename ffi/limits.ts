import { ptr } from "bun:ffi";
import { errnoName } from "./errno.ts";
import { errno, openLibc } from "./libc.ts";

const RLIMIT_NOFILE = 7;
const RLIM_INFINITY = 2n ** 64n - 1n;

/**
 * This process's open-file limit (per process: every thread, the data-plane Worker included,
 * shares it). Bun already raises the soft limit to the hard one at start-up, so the hard
 * limit is what maxclients can count on.
 */
export function openFileLimit(): { soft: number; hard: number } | { error: string } {
  if (process.platform !== "linux") return { error: `not on Linux (${process.platform})` };
  const libc = openLibc();
  if (typeof libc === "string") return { error: libc };
  const lim = new BigUint64Array(2);
  if (libc.getrlimit(RLIMIT_NOFILE, ptr(lim)) !== 0) return { error: `getrlimit failed (${errnoName(errno(libc))})` };
  const number = (v: bigint) => (v === RLIM_INFINITY ? Number.MAX_SAFE_INTEGER : Number(v));
  return { soft: number(lim[0]!), hard: number(lim[1]!) };
}

import { execve } from "./exec.ts";

/**
 * mimalloc (Bun's allocator) returns freed pages to the OS 10 ms after they empty. Bun hands
 * every socket read to JavaScript in a fresh buffer, so under write-heavy load those pages
 * are freed and faulted back in continuously: measured at pipeline 16 with 1 KiB SETs, 2-4x
 * Redis's system time, mostly TLB-shootdown IPIs and page zeroing. With a 1 s delay pages are
 * reused while traffic flows and still go back to the OS when it stops.
 *
 * mimalloc reads its options once at process start, so the only way to set it for ourselves
 * is to exec again with it in the environment. Same PID, before anything is opened.
 */
export const PURGE_DELAY_ENV = "MIMALLOC_PURGE_DELAY";
export const PURGE_DELAY_MS = "1000";

export type AllocatorTuning = { tuned: true; how: string } | { tuned: false; why: string };

/** Re-execs the process with the purge delay set; returns only when already set or when exec failed. */
export function tuneAllocator(argv: string[], env: Record<string, string | undefined>): AllocatorTuning {
  const current = env[PURGE_DELAY_ENV];
  if (current !== undefined) return { tuned: true, how: `${PURGE_DELAY_ENV}=${current}` };
  if (process.platform !== "linux") return { tuned: false, why: `not on Linux (${process.platform})` };
  const failure = execve(argv, { ...env, [PURGE_DELAY_ENV]: PURGE_DELAY_MS });
  return { tuned: false, why: failure };
}

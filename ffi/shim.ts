import { dlopen, FFIType } from "bun:ffi";
import { existsSync } from "node:fs";

/** The ABI version this code was written against: liburing-shim/shim.h's CRUCIBLE_SHIM_ABI. */
export const SHIM_ABI = 3;
/** Set to a path to load that library instead, or to "off" to run on the fallbacks. */
export const SHIM_ENV = "CRUCIBLE_SHIM";

const { i32, u32, u64, f64, ptr, void: none } = FFIType;

export const SHIM_SYMBOLS = {
  crucible_abi_version: { args: [], returns: i32 },
  crucible_tsc_invariant: { args: [], returns: i32 },
  crucible_ticks: { args: [], returns: f64 },
  crucible_map: { args: [u64, i32, ptr], returns: ptr },
  crucible_unmap: { args: [ptr, u64], returns: i32 },
  crucible_bind_node: { args: [ptr, u64, i32], returns: i32 },
  crucible_set_affinity: { args: [ptr, i32], returns: i32 },
  crucible_get_affinity: { args: [ptr, i32], returns: i32 },
  crucible_uring_probe: { args: [ptr], returns: i32 },
  crucible_uring_create: { args: [u32, u32, u32, i32, ptr], returns: ptr },
  crucible_uring_destroy: { args: [ptr], returns: none },
  crucible_uring_buffers: { args: [ptr], returns: ptr },
  crucible_listen_tcp: { args: [ptr, i32, i32], returns: i32 },
  crucible_listen_unix: { args: [ptr, i32], returns: i32 },
  crucible_local_port: { args: [i32], returns: i32 },
  crucible_sock_name: { args: [i32, i32, ptr, i32], returns: i32 },
  crucible_sock_setup: { args: [i32, i32], returns: i32 },
  crucible_uring_accept: { args: [ptr, i32], returns: i32 },
  crucible_uring_recv: { args: [ptr, i32, i32], returns: i32 },
  crucible_uring_send: { args: [ptr, i32, i32, ptr, u32], returns: i32 },
  crucible_uring_recycle: { args: [ptr, i32], returns: none },
  crucible_close: { args: [i32], returns: i32 },
  crucible_uring_run: { args: [ptr, i32, ptr, i32], returns: i32 },
  crucible_uring_wake: { args: [ptr], returns: i32 },
} as const;

export type Shim = ReturnType<typeof dlopen<typeof SHIM_SYMBOLS>>["symbols"];
export type ShimLoad = { loaded: true; shim: Shim; path: string } | { loaded: false; why: string };

let cached: ShimLoad | null = null;

/**
 * Find and open libcrucible_shim.so: $CRUCIBLE_SHIM, else the library built beside its
 * sources (development) or embedded in the compiled binary. Loaded once; every native
 * feature asks for it here and falls back, with this reason, when it is not there.
 */
export async function loadShim(env: Record<string, string | undefined> = process.env): Promise<ShimLoad> {
  if (cached !== null) return cached;
  cached = await open(env);
  return cached;
}

/** The shim if loadShim() already succeeded (synchronous callers on hot paths). */
export function loadedShim(): Shim | null {
  return cached?.loaded ? cached.shim : null;
}

async function open(env: Record<string, string | undefined>): Promise<ShimLoad> {
  if (process.platform !== "linux") return { loaded: false, why: `not on Linux (${process.platform})` };
  const override = env[SHIM_ENV];
  if (override === "off") return { loaded: false, why: `${SHIM_ENV}=off` };
  let path = override;
  if (path === undefined || path === "") {
    try {
      // A file import: `bun build --compile` embeds the library and dlopen reads it from there.
      path = (await import("../liburing-shim/build/libcrucible_shim.so", { with: { type: "file" } })).default as string;
    } catch {
      return { loaded: false, why: "liburing-shim is not built (run: make -C liburing-shim; it needs gcc and liburing-dev)" };
    }
  } else if (!existsSync(path)) {
    return { loaded: false, why: `${SHIM_ENV}=${path}: no such file` };
  }
  let shim: Shim;
  try {
    shim = dlopen(path, SHIM_SYMBOLS).symbols;
  } catch (e) {
    return { loaded: false, why: `${path} could not be loaded: ${(e as Error).message}` };
  }
  const abi = shim.crucible_abi_version();
  if (abi !== SHIM_ABI) {
    return { loaded: false, why: `${path} has ABI version ${abi}, this build needs ${SHIM_ABI} (rebuild it: make -C liburing-shim)` };
  }
  return { loaded: true, shim, path };
}

/** Tests: forget the loaded library so the next loadShim() looks again. */
export function resetShimForTests(): void {
  cached = null;
}

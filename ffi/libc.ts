import { dlopen, FFIType, read } from "bun:ffi";

/** The libc calls Crucible makes without the shim; opened once, on first use. */
const SYMBOLS = {
  execve: { args: [FFIType.ptr, FFIType.ptr, FFIType.ptr], returns: FFIType.i32 },
  madvise: { args: [FFIType.u64, FFIType.u64, FFIType.i32], returns: FFIType.i32 },
  __errno_location: { args: [], returns: FFIType.ptr },
  getrlimit: { args: [FFIType.i32, FFIType.ptr], returns: FFIType.i32 },
} as const;

export type Libc = ReturnType<typeof dlopen<typeof SYMBOLS>>["symbols"];

let libc: Libc | null = null;
let failure = "";

/** libc's symbols, or the reason they could not be loaded. */
export function openLibc(): Libc | string {
  if (libc !== null) return libc;
  if (failure !== "") return failure;
  try {
    libc = dlopen("libc.so.6", SYMBOLS).symbols;
    return libc;
  } catch (e) {
    failure = `libc.so.6 could not be loaded: ${(e as Error).message}`;
    return failure;
  }
}

/** errno after a failed call (this thread's). */
export function errno(lib: Libc): number {
  const where = lib.__errno_location();
  return where === null ? 0 : read.i32(where, 0);
}

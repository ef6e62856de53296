import { ptr } from "bun:ffi";
import { openLibc } from "./libc.ts";

/**
 * Replace the running process image (same PID) with `argv` under `env`, via libc's execve.
 * Returns only when that fails, with the reason.
 */
export function execve(argv: string[], env: Record<string, string | undefined>): string {
  const libc = openLibc();
  if (typeof libc === "string") return libc;
  const encoder = new TextEncoder();
  // Every buffer stays referenced from here until execve returns (or never does).
  const keep: ArrayBufferView[] = [];
  const cstring = (text: string) => {
    const bytes = encoder.encode(text + "\0");
    keep.push(bytes);
    return ptr(bytes);
  };
  const vector = (items: string[]) => {
    const pointers = new BigUint64Array(items.length + 1);
    items.forEach((item, i) => (pointers[i] = BigInt(cstring(item))));
    keep.push(pointers);
    return ptr(pointers);
  };
  const envList = Object.entries(env).filter(([, v]) => v !== undefined).map(([k, v]) => `${k}=${v}`);
  const rc = libc.execve(cstring(argv[0]), vector(argv), vector(envList));
  return `execve returned ${rc}`;
}

import { constants } from "node:os";

const errnoNames = new Map<number, string>(Object.entries(constants.errno).map(([name, n]) => [n, name]));

/** "EADDRINUSE" for 98 (or -98, as the shim returns errors). */
export function errnoName(errno: number): string {
  const n = Math.abs(errno);
  return errnoNames.get(n) ?? `errno ${n}`;
}

// The one place a handler reports that it changed a key. Redis does three things at this
// point (signalModifiedKey for WATCH, notifyKeyspaceEvent, and counting dirty writes for
// persistence); none is in scope yet, so this is a no-op the JIT inlines away. Every write
// handler in string/ and keyspace/ calls it after a successful change, so the later hooks
// land here and nowhere else.

import type { Ctx } from "../types.ts";

/** Keyspace event names, as Redis's notifyKeyspaceEvent sends them. */
export const KeyEvent = {
  set: "set",
  setrange: "setrange",
  append: "append",
  incrby: "incrby",
  incrbyfloat: "incrbyfloat",
  del: "del",
  expire: "expire",
  expired: "expired",
  persist: "persist",
  renameFrom: "rename_from",
  renameTo: "rename_to",
  copyTo: "copy_to",
  moveFrom: "move_from",
  moveTo: "move_to",
} as const;
export type KeyEvent = (typeof KeyEvent)[keyof typeof KeyEvent];

/**
 * A key of `db` was written, deleted or had its expiry changed. `key` is only valid during
 * the call (it is usually a slice of the receive buffer).
 */
export function keyModified(_c: Ctx, _db: number, _key: Uint8Array, _keyOff: number, _keyLen: number, _event: KeyEvent | string): void {
  // Intentionally empty until WATCH, keyspace notifications and propagation exist.
}

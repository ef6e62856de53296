// The one place a handler reports that it changed a key. Redis does three things at this
// point (signalModifiedKey for WATCH and blocked clients, notifyKeyspaceEvent, and counting
// dirty writes for persistence). Every write handler calls it after a successful change, so
// those hooks land here and nowhere else; the server implements them (KeySignals).

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
 * A key of `db` was written, deleted or had its expiry changed (`event`: the name Redis's
 * notifyKeyspaceEvent uses). `key` is only valid during the call (it is usually a slice of
 * the receive buffer).
 */
export function keyModified(c: Ctx, db: number, key: Uint8Array, keyOff: number, keyLen: number, event: KeyEvent | string): void {
  const signals = c.server.signals;
  if (signals.active !== 0) signals.keyModified(c, db, key, keyOff, keyLen, event);
}

/** Every key of `db` (-1: every db) is about to go or move: FLUSHDB, FLUSHALL, SWAPDB. */
export function dbChanging(c: Ctx, db: number): void {
  const signals = c.server.signals;
  if (signals.active !== 0) signals.dbChanging(c, db);
}

// The steps every collection command (hash, list, set, sorted set) shares: look a key up
// expecting one type, and after a change, store a new object, charge a grown one, or
// delete an emptied one (Redis removes a collection's key when its last element goes).

import type { Ctx } from "./types.ts";
import { type ItemType, SetStatus, type StoreObject } from "../store/index.ts";
import { OOM, WRONGTYPE } from "./errors.ts";
import { KeyEvent, keyModified } from "./keyspace/signal.ts";

/** A key's object and its side-table handle, as found by openObject (-1: a new object). */
export interface Opened<T extends StoreObject> {
  obj: T;
  handle: number;
}

/**
 * The object under argument `keyArg` when it has `type`; null when the key is missing;
 * undefined, with WRONGTYPE replied, when it holds another type. Read-only lookups pass
 * touch = true (find, which counts the access) unless they are introspection.
 */
export function readObject<T extends StoreObject>(c: Ctx, keyArg: number, type: ItemType): T | null | undefined {
  const a = c.argv;
  const s = c.store;
  if (!s.find(c.client.db, a.buf, a.off[keyArg], a.len[keyArg])) return null;
  if (s.itemType !== type) {
    c.reply.error(WRONGTYPE);
    return undefined;
  }
  return s.obj as T;
}

/**
 * For a write: the handle of the object under `keyArg` (its object in c.store.obj), -1 when
 * the key is missing, or -2 with WRONGTYPE replied.
 */
export function openObject(c: Ctx, keyArg: number, type: ItemType): number {
  const a = c.argv;
  const s = c.store;
  if (!s.find(c.client.db, a.buf, a.off[keyArg], a.len[keyArg])) return -1;
  if (s.itemType !== type) {
    c.reply.error(WRONGTYPE);
    return -2;
  }
  return s.itemHandle;
}

/**
 * After a change to `obj` (found at `handle`, or new when handle is -1) under argument
 * `keyArg` of database `db`: store it when new, charge it when it changed, delete the key
 * when it is now empty, and signal the change. False, with -OOM replied, when a new object
 * found no room; the caller then writes no reply of its own.
 */
export function commitObject(
  c: Ctx, db: number, keyArg: number, obj: StoreObject, handle: number, type: ItemType, event: KeyEvent | string,
): boolean {
  const a = c.argv;
  const s = c.store;
  const buf = a.buf;
  const off = a.off[keyArg];
  const len = a.len[keyArg];
  if (obj.size === 0) {
    if (handle >= 0) {
      s.delete(db, buf, off, len);
      keyModified(c, db, buf, off, len, event);
      keyModified(c, db, buf, off, len, KeyEvent.del);
    }
    return true;
  }
  if (handle < 0) {
    if (s.setObject(db, buf, off, len, obj, type, 0, 0) !== SetStatus.Stored) {
      c.reply.error(OOM);
      return false;
    }
  } else {
    s.recharge(handle);
  }
  keyModified(c, db, buf, off, len, event);
  return true;
}

/** Store `obj` as the new value of a key given by bytes (the STORE forms), replacing any value and its TTL. */
export function storeObject(
  c: Ctx, db: number, key: Uint8Array, keyOff: number, keyLen: number, obj: StoreObject, type: ItemType, event: KeyEvent | string,
): boolean {
  const s = c.store;
  if (obj.size === 0) {
    if (s.delete(db, key, keyOff, keyLen)) keyModified(c, db, key, keyOff, keyLen, event);
    return true;
  }
  if (s.setObject(db, key, keyOff, keyLen, obj, type, 0, 0) !== SetStatus.Stored) {
    c.reply.error(OOM);
    return false;
  }
  keyModified(c, db, key, keyOff, keyLen, event);
  return true;
}

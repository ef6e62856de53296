// WATCH (Redis's multi.c watch half): which sessions watch which keys, and marking them
// dirty when a watched key changes, so their next EXEC fails. A key that existed at WATCH
// time and is gone at EXEC (expired or evicted meanwhile) also fails the EXEC.

import { latin1 } from "../stdx/index.ts";
import type { StoreApi } from "../store/index.ts";
import type { Session } from "./session.ts";

/** One watched key of a session. */
export interface WatchedKey {
  db: number;
  /** The key's bytes as a latin1 string. */
  key: string;
  /** The key existed (and was not expired) when WATCH ran. */
  existed: boolean;
}

function slot(db: number, key: string): string {
  return `${db}\u0000${key}`;
}

export class Watches {
  private readonly byKey = new Map<string, Set<Session>>();

  /** Keys watched by anyone. */
  get size(): number {
    return this.byKey.size;
  }

  watch(s: Session, store: StoreApi, db: number, buf: Uint8Array, off: number, len: number): void {
    const key = latin1(buf, off, len);
    for (const w of s.watching) if (w.db === db && w.key === key) return;
    s.watching.push({ db, key, existed: store.peek(db, buf, off, len) });
    const k = slot(db, key);
    let set = this.byKey.get(k);
    if (set === undefined) this.byKey.set(k, (set = new Set()));
    set.add(s);
  }

  unwatchAll(s: Session): void {
    for (const w of s.watching) {
      const k = slot(w.db, w.key);
      const set = this.byKey.get(k);
      if (set === undefined) continue;
      set.delete(s);
      if (set.size === 0) this.byKey.delete(k);
    }
    s.watching.length = 0;
    s.watchDirty = false;
  }

  /** A key changed: every session watching it fails its next EXEC. */
  touch(db: number, buf: Uint8Array, off: number, len: number): void {
    const set = this.byKey.get(slot(db, latin1(buf, off, len)));
    if (set === undefined) return;
    for (const s of set) s.watchDirty = true;
  }

  /** FLUSHDB/FLUSHALL/SWAPDB of `db` (-1: all): watched keys of it that exist now are touched. */
  touchDb(store: StoreApi, db: number): void {
    for (const [k, set] of this.byKey) {
      const cut = k.indexOf("\u0000");
      const kdb = Number(k.slice(0, cut));
      if (db !== -1 && kdb !== db) continue;
      const key = Buffer.from(k.slice(cut + 1), "latin1");
      if (!store.peek(kdb, key, 0, key.length)) continue;
      for (const s of set) s.watchDirty = true;
    }
  }

  /** EXEC's check: a watched key changed, or one that existed at WATCH time is gone. */
  failed(s: Session, store: StoreApi): boolean {
    if (s.watchDirty) return true;
    for (const w of s.watching) {
      if (!w.existed) continue;
      const key = Buffer.from(w.key, "latin1");
      if (!store.peek(w.db, key, 0, key.length)) return true;
    }
    return false;
  }
}

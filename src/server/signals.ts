// The server's side of KeySignals: a changed key touches WATCHes, wakes clients blocked on
// it and sends keyspace notifications. `active` is 0 while none of those has anyone, so a
// write costs one comparison (see src/commands/keyspace/signal.ts).

import type { Ctx, KeySignals } from "../commands/index.ts";
import type { Server } from "./server.ts";

export class ServerSignals implements KeySignals {
  active = 0;

  constructor(private readonly server: Server) {}

  /** Recount after a WATCH, block or notify-keyspace-events change. */
  update(): void {
    const s = this.server;
    this.active = s.watches.size + s.blocking.size + (s.notify.flags !== 0 ? 1 : 0);
  }

  keyModified(c: Ctx, db: number, key: Uint8Array, keyOff: number, keyLen: number, event: string): void {
    const s = this.server;
    if (s.watches.size > 0) s.watches.touch(db, key, keyOff, keyLen);
    if (s.blocking.size > 0) s.blocking.keyChanged(db, key, keyOff, keyLen);
    if (s.notify.flags !== 0) s.notify.keyEvent(c, db, key, keyOff, keyLen, event);
  }

  dbChanging(c: Ctx, db: number): void {
    const s = this.server;
    if (s.watches.size > 0) s.watches.touchDb(c.store, db);
  }
}

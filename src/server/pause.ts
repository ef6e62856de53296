// CLIENT PAUSE and CLIENT UNPAUSE (Redis's pauseClients and blockPostponeClient). While a
// pause is on, a client whose next command the pause covers is held: that command stays
// unparsed in its input, with whatever the client pipelined behind it, the way a client in
// BLPOP keeps its pipeline (connection.ts bufferWhileBlocked), and the client counts as
// blocked (flag b, INFO blocked_clients), as in Redis. When the pause ends, by its timeout or
// CLIENT UNPAUSE, the held clients go on in the order they were held (Server.resumeSoon).
//
// Which commands a pause holds is decided where Redis's processCommand decides it: RESP in
// dispatch.ts (after the checks answered at once: unknown command, wrong arity, subscriber
// context, no_multi, OOM), memcache in memcache.ts. ALL holds every command, CLIENT UNPAUSE
// included (Redis 7.0 does the same: an ALL pause ends at its timeout). WRITE holds the
// commands flagged "write" or "may_replicate" (CommandBits.mayReplicate), an EXEC whose queue
// holds one, and memcache's storage commands; reads and admin commands still run. While
// paused the store's active expiry waits too (Server's store tick).

import type { Server } from "./server.ts";
import type { Session } from "./session.ts";

export const PauseMode = { off: 0, write: 1, all: 2 } as const;

/** setTimeout's longest delay; a longer pause re-arms its timer when it fires. */
const TIMER_MAX_MS = 2 ** 31 - 1;

export class ClientPause {
  /** PauseMode; dispatch.ts and memcache.ts test it for each command, and 0 costs nothing more. */
  mode: number = PauseMode.off;
  /** When the pause ends (wall clock ms); a later pause only extends it. */
  private endMs = 0;
  private timer: ReturnType<typeof setTimeout> | null = null;
  /** Held clients, in the order they were held. */
  private held: Session[] = [];

  constructor(private readonly server: Server) {}

  /** Clients held now. */
  get heldCount(): number {
    return this.held.length;
  }

  /** A new pause keeps the stricter mode and the later end of the two, as Redis's pauseClients. */
  pause(ms: number, all: boolean): void {
    const mode = all ? PauseMode.all : PauseMode.write;
    if (mode > this.mode) this.mode = mode;
    const end = Date.now() + ms;
    if (end > this.endMs || this.timer === null) {
      this.endMs = Math.max(end, this.endMs);
      this.arm();
    }
  }

  /** End the pause: every held client goes on, in order. */
  unpause(): void {
    this.mode = PauseMode.off;
    this.endMs = 0;
    if (this.timer !== null) clearTimeout(this.timer);
    this.timer = null;
    const held = this.held;
    if (held.length === 0) return;
    this.held = [];
    for (const s of held) {
      s.paused = false;
      this.server.blocking.clients--;
      if (!s.closed) this.server.resumeSoon(s);
    }
  }

  private arm(): void {
    if (this.timer !== null) clearTimeout(this.timer);
    const delay = Math.min(Math.max(0, this.endMs - Date.now()), TIMER_MAX_MS);
    this.timer = setTimeout(() => {
      this.timer = null;
      if (Date.now() >= this.endMs) this.unpause();
      else this.arm();
    }, delay);
  }

  /** Hold s: its input (from the held command on) waits until the pause ends. */
  postpone(s: Session): void {
    s.paused = true;
    this.held.push(s);
    this.server.blocking.clients++;
  }

  /** A held client closes or resets: it leaves the queue. */
  drop(s: Session): void {
    if (!s.paused) return;
    s.paused = false;
    const i = this.held.indexOf(s);
    if (i >= 0) this.held.splice(i, 1);
    this.server.blocking.clients--;
  }

  /** Shutting down: no timer keeps running. */
  stop(): void {
    if (this.timer !== null) clearTimeout(this.timer);
    this.timer = null;
  }
}

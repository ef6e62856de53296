// CLIENT PAUSE and CLIENT UNPAUSE (Redis's pauseClients and blockPostponeClient). While a
// pause is on, a client whose next command the pause covers is held: that command stays
// unparsed in its input, with whatever the client pipelined behind it, the way a client in
// BLPOP keeps its pipeline (connection.ts bufferWhileBlocked), and the client counts as
// blocked (flag b, INFO blocked_clients), as in Redis. When the pause ends, by its timeout or
// CLIENT UNPAUSE, the held clients go on in the order they were held (Server.resumeSoon).
//
// ALL holds every command, CLIENT UNPAUSE included (Redis 7.0 does the same: an ALL pause
// ends at its timeout). WRITE holds the commands flagged "write", those Redis flags
// "may_replicate" (PUBLISH, EVAL, PFCOUNT) and an EXEC whose queue holds one; reads and
// admin commands still run. What Redis answers before its pause check is answered at once:
// unknown commands, wrong arity, subscriber context, no_multi, OOM. While paused the store's
// active expiry waits too (Server's store tick).

import { CommandBits, type CommandTable } from "../commands/index.ts";
import type { Argv } from "../protocol/resp/index.ts";
import type { Server } from "./server.ts";
import type { Session } from "./session.ts";

export const PauseMode = { off: 0, write: 1, all: 2 } as const;

/** setTimeout's longest delay; a longer pause re-arms its timer when it fires. */
const TIMER_MAX_MS = 2 ** 31 - 1;

export class ClientPause {
  /** PauseMode; connection.ts tests it before each command, and 0 costs nothing more. */
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

  /**
   * Whether the pause holds the command just parsed into s.argv (only called while a pause is
   * on). A held command keeps its name in CLIENT LIST's cmd field, as in Redis.
   */
  holds(s: Session): boolean {
    const table = this.server.table;
    const argv = s.argv;
    const index = table.indexOf(argv.buf, argv.off[0], argv.len[0]);
    if (index === -1) return false;
    let spec = table.specs[index];
    let bits = table.bits[index];
    let write = table.mayWrite[index];
    let subIndex = -1;
    const sub = table.subtable(index);
    if (sub !== undefined) {
      if (argv.argc >= 2) subIndex = sub.indexOf(argv.buf, argv.off[1], argv.len[1]);
      if (subIndex === -1) {
        // The dispatcher answers these at once (unknown subcommand, or a bare container).
        if (spec.handler === undefined) return false;
      } else {
        spec = sub.specs[subIndex];
        bits = sub.bits[subIndex];
        write = sub.mayWrite[subIndex];
      }
    }
    const arity = spec.arity;
    if ((arity > 0 && argv.argc !== arity) || argv.argc < -arity) return false;
    if (s.proto === 2 && s.subscribed && (bits & CommandBits.subscriberOk) === 0) return false;
    if (s.multi !== null && (bits & CommandBits.noMulti) !== 0) return false;
    if ((bits & CommandBits.denyOom) !== 0 && s.store.overLimit()) return false;
    if (this.mode === PauseMode.write && write === 0) {
      // EXEC counts as a write when its queue holds one (Redis's mstate.cmd_flags).
      if (spec.name !== "exec" || s.multi === null || !s.multi.some((q) => mayWrite(table, q))) return false;
    }
    s.lastCommand = index;
    s.lastSubcommand = subIndex;
    return true;
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

/** Whether a queued command is one CLIENT PAUSE WRITE holds. */
function mayWrite(table: CommandTable, argv: Argv): boolean {
  const index = table.indexOf(argv.buf, argv.off[0], argv.len[0]);
  if (index === -1) return false;
  const sub = table.subtable(index);
  if (sub !== undefined && argv.argc >= 2) {
    const subIndex = sub.indexOf(argv.buf, argv.off[1], argv.len[1]);
    if (subIndex !== -1) return sub.mayWrite[subIndex] === 1;
  }
  return table.mayWrite[index] === 1;
}

// Clients blocked on keys (Redis's blocked.c): BLPOP and friends park a client here when
// every key is empty. A write to a waited-on key marks it ready; after the command that
// wrote it (after EXEC, for a transaction) the ready keys are served, each to its waiting
// clients in the order they blocked, for as long as it has data. A served or timed-out
// client then goes on with the commands it had pipelined behind the blocking one.

import { latin1 } from "../stdx/index.ts";
import type { Server } from "./server.ts";
import { type Session, settleReplyFlags } from "./session.ts";

/**
 * Serves a blocked client whose key may have data: writes the command's reply into the
 * shared reply (the session's protocol set) and returns true, or returns false, writing
 * nothing, when the key cannot serve it (missing, empty, wrong type).
 */
export type BlockedServe = (server: Server, s: Session, b: BlockedOn, keyIndex: number) => boolean;

/** What a blocked client waits for. */
export interface BlockedOn {
  db: number;
  /** The keys (copied bytes) in argument order, and their table slots. */
  keys: Uint8Array[];
  slots: string[];
  serve: BlockedServe;
  /** Reply written when the timeout passes (a null array or null bulk, per command). */
  timeoutReply: (s: Session) => void;
  /** Command-specific parameters (direction, count, destination). */
  args: BlockArgs;
  timer: ReturnType<typeof setTimeout> | null;
}

export interface BlockArgs {
  /** Pop from the left/min end. */
  left: boolean;
  /** Push to the left end of the destination (BLMOVE). */
  toLeft: boolean;
  count: number;
  /** Destination key (BLMOVE/BRPOPLPUSH), or null. */
  dst: Uint8Array | null;
  /** The reply shape: a command id from the serving module. */
  kind: number;
}

function slotOf(db: number, key: Uint8Array): string {
  return `${db}\u0000${latin1(key, 0, key.length)}`;
}

export class Blocking {
  /** Waiting clients per key slot, in the order they blocked. */
  private readonly waiting = new Map<string, Session[]>();
  /** Keys written since the last serve, that someone waits on. */
  private ready: string[] = [];
  private readySet = new Set<string>();

  constructor(private readonly server: Server) {}

  /** Keys someone waits on (KeySignals.active counts it). */
  get size(): number {
    return this.waiting.size;
  }

  /** Clients blocked now, and those CLIENT PAUSE holds (pause.ts), as Redis counts them (INFO blocked_clients). */
  clients = 0;

  get readyCount(): number {
    return this.ready.length;
  }

  block(s: Session, db: number, keyArgs: Uint8Array[], timeoutMs: number, serve: BlockedServe, timeoutReply: (s: Session) => void, args: BlockArgs): void {
    const b: BlockedOn = { db, keys: keyArgs, slots: keyArgs.map((k) => slotOf(db, k)), serve, timeoutReply, args, timer: null };
    s.blocked = b;
    this.clients++;
    for (const slot of b.slots) {
      let q = this.waiting.get(slot);
      if (q === undefined) this.waiting.set(slot, (q = []));
      if (!q.includes(s)) q.push(s);
    }
    if (timeoutMs > 0) b.timer = setTimeout(() => this.timeout(s), timeoutMs);
    this.server.signals.update();
  }

  /** Take a client out of every queue (served, timed out, disconnected, RESET). */
  unblock(s: Session): void {
    const b = s.blocked;
    if (b === null) return;
    s.blocked = null;
    this.clients--;
    if (b.timer !== null) clearTimeout(b.timer);
    for (const slot of b.slots) {
      const q = this.waiting.get(slot);
      if (q === undefined) continue;
      const i = q.indexOf(s);
      if (i >= 0) q.splice(i, 1);
      if (q.length === 0) this.waiting.delete(slot);
    }
    this.server.signals.update();
  }

  /** A key was written: if anyone waits on it, serve it after the current command. */
  keyChanged(db: number, key: Uint8Array, off: number, len: number): void {
    const slot = `${db}\u0000${latin1(key, off, len)}`;
    if (!this.waiting.has(slot) || this.readySet.has(slot)) return;
    this.readySet.add(slot);
    this.ready.push(slot);
  }

  /**
   * Serve every ready key (and keys made ready while serving, e.g. by BLMOVE's push). Each
   * served client's reply is queued for writing and its pipeline resumes on the next turn.
   */
  serveReady(): void {
    const server = this.server;
    const reply = server.reply;
    while (this.ready.length > 0) {
      const slot = this.ready.shift() as string;
      this.readySet.delete(slot);
      const q = this.waiting.get(slot);
      if (q === undefined) continue;
      // Clients in the order they blocked; stop at the first the key cannot serve.
      while (q.length > 0) {
        const s = q[0];
        const b = s.blocked as BlockedOn;
        const keyIndex = b.slots.indexOf(slot);
        const start = reply.pos;
        reply.proto = s.proto;
        if (!b.serve(server, s, b, keyIndex)) break;
        this.unblock(s);
        if (s.replyFlags !== 0) settleReplyFlags(s, reply, start);
        server.writes.add(s, start, reply.pos);
        server.resumeSoon(s);
        if (!this.waiting.has(slot)) break;
      }
    }
  }

  private timeout(s: Session): void {
    if (s.blocked === null || s.closed) return;
    const b = s.blocked;
    b.timer = null;
    this.unblock(s);
    const reply = this.server.reply;
    const start = reply.pos;
    reply.proto = s.proto;
    b.timeoutReply(s);
    if (s.replyFlags !== 0) settleReplyFlags(s, reply, start);
    this.server.writes.add(s, start, reply.pos);
    this.server.writes.flush();
    this.server.resumeSoon(s);
  }
}

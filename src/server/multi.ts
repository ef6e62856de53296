// MULTI, EXEC, DISCARD, WATCH, UNWATCH (Redis's multi.c). Queued commands are copied out of
// the receive buffer; EXEC runs them one after another through the dispatcher with nothing
// in between, so the transaction is atomic with respect to every other client. Blocked
// clients woken by its writes are served after EXEC returns, as in Redis.

import type { CommandSpec, Ctx } from "../commands/index.ts";
import type { Argv } from "../protocol/resp/index.ts";
import { dispatch } from "./dispatch.ts";
import type { Session } from "./session.ts";

/** A queued command: its arguments copied into one buffer. */
export class QueuedCommand implements Argv {
  readonly buf: Uint8Array;
  readonly argc: number;
  readonly off: Int32Array;
  readonly len: Int32Array;

  constructor(argv: Argv) {
    let total = 0;
    for (let i = 0; i < argv.argc; i++) total += argv.len[i];
    this.buf = new Uint8Array(total);
    this.argc = argv.argc;
    this.off = new Int32Array(argv.argc);
    this.len = new Int32Array(argv.argc);
    let o = 0;
    for (let i = 0; i < argv.argc; i++) {
      const n = argv.len[i];
      this.buf.set(argv.buf.subarray(argv.off[i], argv.off[i] + n), o);
      this.off[i] = o;
      this.len[i] = n;
      o += n;
    }
  }
}

/** Queue the current command of a session in MULTI; answers +QUEUED. */
export function queueCommand(s: Session): void {
  s.multi!.push(new QueuedCommand(s.argv));
  s.reply.simple("QUEUED");
}

/** Leave MULTI state: drop the queue and the error flag. */
export function discardTransaction(s: Session): void {
  s.multi = null;
  s.multiDirty = false;
  s.multiMayReplicate = false;
}

const base = { firstKey: 0, lastKey: 0, step: 0, group: "transactions" } as const;

function multi(c: Ctx): void {
  const s = c as Session;
  if (s.multi !== null) return c.reply.error("ERR MULTI calls can not be nested");
  s.multi = [];
  s.multiDirty = false;
  s.multiMayReplicate = false;
  c.reply.ok();
}

function exec(c: Ctx): void {
  const s = c as Session;
  const host = s.host;
  const queued = s.multi;
  if (queued === null) return c.reply.error("ERR EXEC without MULTI");
  if (s.multiDirty) {
    discardTransaction(s);
    host.watches.unwatchAll(s);
    return c.reply.error("EXECABORT Transaction discarded because of previous errors.");
  }
  const failed = host.watches.failed(s, c.store);
  discardTransaction(s);
  host.watches.unwatchAll(s);
  if (failed) return c.reply.nullArray();
  const command = s.lastCommand;
  c.reply.arrayHeader(queued.length);
  const argv = s.argv;
  s.inExec = true;
  for (const q of queued) {
    s.argv = q;
    dispatch(s, host.table);
    c.reply.proto = s.proto;
  }
  s.argv = argv;
  s.inExec = false;
  s.lastCommand = command;
  s.lastSubcommand = -1;
}

function discard(c: Ctx): void {
  const s = c as Session;
  if (s.multi === null) return c.reply.error("ERR DISCARD without MULTI");
  discardTransaction(s);
  s.host.watches.unwatchAll(s);
  c.reply.ok();
}

function watch(c: Ctx): void {
  const s = c as Session;
  if (s.multi !== null) return c.reply.error("ERR WATCH inside MULTI is not allowed");
  const a = c.argv;
  for (let i = 1; i < a.argc; i++) s.host.watches.watch(s, c.store, s.db, a.buf, a.off[i], a.len[i]);
  s.host.signals.update();
  c.reply.ok();
}

function unwatch(c: Ctx): void {
  const s = c as Session;
  s.host.watches.unwatchAll(s);
  s.host.signals.update();
  c.reply.ok();
}

export const transactionCommands: CommandSpec[] = [
  {
    ...base, name: "multi", arity: 1, flags: ["noscript", "loading", "stale", "fast", "allow_busy"], since: "1.2.0",
    acl: ["fast", "transaction"], summary: "Start a transaction block", complexity: "O(1)", handler: multi,
  },
  {
    ...base, name: "exec", arity: 1, flags: ["noscript", "loading", "stale", "skip_slowlog"], since: "1.2.0",
    acl: ["slow", "transaction"], summary: "Execute all commands issued after MULTI",
    complexity: "Depends on commands in the transaction", handler: exec,
  },
  {
    ...base, name: "discard", arity: 1, flags: ["noscript", "loading", "stale", "fast", "allow_busy"], since: "2.0.0",
    acl: ["fast", "transaction"], summary: "Discard all commands issued after MULTI", complexity: "O(N), when N is the number of queued commands",
    handler: discard,
  },
  {
    ...base, name: "watch", arity: -2, flags: ["noscript", "loading", "stale", "fast", "allow_busy"], firstKey: 1, lastKey: -1, step: 1,
    since: "2.2.0", acl: ["fast", "transaction"], summary: "Watch the given keys to determine execution of the MULTI/EXEC block",
    complexity: "O(1) for every key.", args: [{ name: "key", type: "key", multiple: true }], handler: watch,
  },
  {
    ...base, name: "unwatch", arity: 1, flags: ["noscript", "loading", "stale", "fast", "allow_busy"], since: "2.2.0",
    acl: ["fast", "transaction"], summary: "Forget about all watched keys", complexity: "O(1)", handler: unwatch,
  },
];

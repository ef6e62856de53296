// The server's side of CLIENT LIST, CLIENT INFO, CLIENT KILL and CLIENT UNBLOCK (Redis's
// networking.c): one line per client with Redis 7.0's fields in its order, the client
// classes, and closing the clients a kill matches.

import type { ClientKillFilter, ClientType } from "../commands/index.ts";
import type { Server } from "./server.ts";
import { type Session, settleReplyFlags } from "./session.ts";
import { utf8 } from "../stdx/index.ts";

const UNBLOCKED = "UNBLOCKED client unblocked via CLIENT UNBLOCK";
const UNBLOCKED_REPLY = utf8(`-${UNBLOCKED}\r\n`);

/** The only user until ACLs exist: every client is authenticated as it. */
export const DEFAULT_USER = "default";

/** Redis's getClientType: MONITOR clients count as normal ones; Crucible has no replication links yet. */
export function clientType(s: Session): ClientType {
  return s.subscribed ? "pubsub" : "normal";
}

/** CLIENT LIST: every client, those of one type, or the given ids in their order (unknown ones skipped). */
export function clientList(server: Server, caller: Session, ids?: number[], type?: ClientType): string {
  let out = "";
  if (ids !== undefined) {
    for (const id of ids) {
      const s = server.sessions.get(id);
      if (s !== undefined && !s.closed) out += clientLine(server, s, caller) + "\n";
    }
    return out;
  }
  for (const s of server.sessions.values()) {
    if (s.closed) continue;
    if (type !== undefined && clientType(s) !== type) continue;
    out += clientLine(server, s, caller) + "\n";
  }
  return out;
}

function commandName(server: Server, s: Session): string {
  if (s.lastCommand < 0) return "NULL";
  const table = server.table;
  if (s.lastSubcommand >= 0) return table.subtable(s.lastCommand)!.specs[s.lastSubcommand].name;
  return table.specs[s.lastCommand].name;
}

/**
 * CLIENT LIST's flags in Redis 7.0's order: O monitor, P subscriber, x in MULTI, b blocked
 * (in a blocking command or held by CLIENT PAUSE), d a watched key changed, c closing after
 * its reply, U unix socket, e no-evict; N when none.
 */
function clientFlags(server: Server, s: Session): string {
  let f = "";
  if (server.observer.monitors.has(s)) f += "O";
  if (s.subscribed) f += "P";
  if (s.multi !== null) f += "x";
  if (s.blocked !== null || s.paused) f += "b";
  if (s.watchDirty && s.watching.length > 0) f += "d";
  if (s.closeAfterReply) f += "c";
  if (s.addr === s.laddr) f += "U";
  if (s.noEvict) f += "e";
  return f === "" ? "N" : f;
}

/** Redis's argv_len_sum plus a pointer per argument, per queued command (multi-mem). */
function multiBytes(s: Session): number {
  if (s.multi === null) return 0;
  let n = 0;
  for (const q of s.multi) n += q.buf.length + 8 * q.argc;
  return n;
}

/**
 * One CLIENT LIST line with Redis 7.0.15's fields, in its order. Where Crucible's structure
 * differs from Redis's: replies are encoded into one shared buffer and written at the end of
 * the event-loop turn, so a client's own output buffer is only what its socket has not taken
 * (rbs its size, rbp the most it held, omem/oll the bytes and chunk waiting in it, obl 0);
 * qbuf is the input kept between reads; argv-mem is the running command's arguments (the
 * caller's own); fd is the socket's descriptor where the engine knows it (io_uring), else -1.
 */
export function clientLine(server: Server, s: Session, caller: Session | null = null): string {
  const now = Date.now();
  let argvMem = 0;
  if (s === caller) for (let i = 0; i < s.argv.argc; i++) argvMem += s.argv.len[i];
  const multiMem = multiBytes(s);
  const qbufSize = s.inBuf?.length ?? 0;
  const outSize = s.outBuf?.length ?? 0;
  return (
    `id=${s.id} addr=${s.addr} laddr=${s.laddr} fd=${s.socket.fd ?? -1} name=${s.name}` +
    ` age=${Math.floor(now / 1000) - Math.floor(s.createdMs / 1000)}` +
    ` idle=${Math.floor(now / 1000) - Math.floor(s.lastInteractionMs / 1000)}` +
    ` flags=${clientFlags(server, s)} db=${s.db} sub=${s.channels.size} psub=${s.patterns.size} ssub=0` +
    ` multi=${s.multi === null ? -1 : s.multi.length} qbuf=${s.inLen} qbuf-free=${Math.max(0, qbufSize - s.inLen)}` +
    ` argv-mem=${argvMem} multi-mem=${multiMem} rbs=${outSize} rbp=${s.outPeak}` +
    ` obl=0 oll=${s.outLen > 0 ? 1 : 0} omem=${s.outLen} tot-mem=${qbufSize + outSize + argvMem + multiMem}` +
    ` events=${s.outLen > 0 ? "rw" : "r"} cmd=${commandName(server, s)} user=${DEFAULT_USER} redir=-1 resp=${s.proto}`
  );
}

function matches(s: Session, f: ClientKillFilter, caller: Session, nowS: number): boolean {
  if (f.addr !== undefined && s.addr !== f.addr) return false;
  if (f.laddr !== undefined && s.laddr !== f.laddr) return false;
  if (f.type !== undefined && clientType(s) !== f.type) return false;
  if (f.id !== undefined && s.id !== f.id) return false;
  if (f.user !== undefined && f.user !== DEFAULT_USER) return false;
  // Redis 7.4's MAXAGE: only clients connected for more than that many whole seconds.
  if (f.maxAgeSecs !== undefined && nowS - Math.floor(s.createdMs / 1000) <= f.maxAgeSecs) return false;
  if (s === caller && f.skipMe) return false;
  return true;
}

/**
 * CLIENT KILL: every other matching client stops being served at once (its blocking command,
 * pause, subscriptions and transaction go) and closes once the replies already produced for it
 * are written; one whose socket is not taking output is cut at once, as Redis frees it. The
 * caller, when it matches, is left to the command (it closes after its reply).
 */
export function clientKill(server: Server, caller: Session, filter: ClientKillFilter): { killed: number; self: boolean } {
  const nowS = Math.floor(Date.now() / 1000);
  const victims: Session[] = [];
  let self = false;
  for (const s of server.sessions.values()) {
    if (s.closed || (s.closeAfterReply && s !== caller)) continue;
    if (!matches(s, filter, caller, nowS)) continue;
    if (s === caller) self = true;
    else victims.push(s);
  }
  for (const v of victims) kill(server, v);
  return { killed: victims.length + (self ? 1 : 0), self };
}

function kill(server: Server, v: Session): void {
  server.log.debug("client killed", { id: v.id, addr: v.addr });
  v.closeAfterReply = true;
  server.dropClientState(v);
  if (v.outLen > 0) {
    server.close(v, true);
    return;
  }
  // Closed by the next flush, after whatever this turn has queued for it.
  server.writes.add(v, server.reply.pos, server.reply.pos);
}

/**
 * CLIENT UNBLOCK: a client in a blocking command gets that command's timeout reply, or the
 * UNBLOCKED error, and goes on with its pipeline; 0 for any other client (a client held by
 * CLIENT PAUSE is not in a blocking command).
 */
export function clientUnblock(server: Server, caller: Session, id: number, withError: boolean): number {
  const s = server.sessions.get(id);
  if (s === undefined || s.closed || s.blocked === null) return 0;
  const b = s.blocked;
  server.blocking.unblock(s);
  // The caller's command owns the shared buffer: the reply goes out through the side writer.
  const reply = server.reply;
  const at = reply.pos;
  const proto = reply.proto;
  reply.proto = s.proto;
  // Written raw, since an error counted by the writer would fail the caller's CLIENT UNBLOCK;
  // it still counts in errorstats, as Redis counts it.
  if (withError) {
    reply.raw(UNBLOCKED_REPLY);
    server.errorStats.record(UNBLOCKED);
  }
  else b.timeoutReply(s);
  if (s.replyFlags !== 0) settleReplyFlags(s, reply, at);
  const bytes = reply.buf.slice(at, reply.pos);
  reply.pos = at;
  reply.proto = proto;
  const pushes = server.pushes;
  const w = pushes.writer(s, caller, reply);
  w.raw(bytes);
  pushes.done(s, w, caller);
  server.resumeSoon(s);
  return 1;
}

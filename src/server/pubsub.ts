// Pub/sub (Redis's pubsub.c): channel and pattern subscriptions, PUBLISH fan-out, PUBSUB
// introspection. Messages to other clients go through Pushes (push.ts); a subscriber that
// stops reading is cut off at client_output_buffer_limit_pubsub (connection.ts).

import type { CommandSpec, Ctx } from "../commands/index.ts";
import type { Reply } from "../protocol/resp/index.ts";
import { globMatch, latin1, utf8 } from "../stdx/index.ts";
import type { Server } from "./server.ts";
import type { Session } from "./session.ts";

const MESSAGE = utf8("message");
const PMESSAGE = utf8("pmessage");

interface PatternSubs {
  bytes: Uint8Array;
  sessions: Set<Session>;
}

export class PubSub {
  readonly channels = new Map<string, Set<Session>>();
  readonly patterns = new Map<string, PatternSubs>();

  constructor(private readonly server: Server) {}

  subscribe(s: Session, channel: string): boolean {
    if (s.channels.has(channel)) return false;
    s.channels.add(channel);
    let set = this.channels.get(channel);
    if (set === undefined) this.channels.set(channel, (set = new Set()));
    set.add(s);
    return true;
  }

  unsubscribe(s: Session, channel: string): boolean {
    if (!s.channels.delete(channel)) return false;
    const set = this.channels.get(channel);
    if (set !== undefined) {
      set.delete(s);
      if (set.size === 0) this.channels.delete(channel);
    }
    return true;
  }

  psubscribe(s: Session, pattern: string): boolean {
    if (s.patterns.has(pattern)) return false;
    s.patterns.add(pattern);
    let subs = this.patterns.get(pattern);
    if (subs === undefined) this.patterns.set(pattern, (subs = { bytes: Buffer.from(pattern, "latin1"), sessions: new Set() }));
    subs.sessions.add(s);
    return true;
  }

  punsubscribe(s: Session, pattern: string): boolean {
    if (!s.patterns.delete(pattern)) return false;
    const subs = this.patterns.get(pattern);
    if (subs !== undefined) {
      subs.sessions.delete(s);
      if (subs.sessions.size === 0) this.patterns.delete(pattern);
    }
    return true;
  }

  /** A closing or RESET client: every subscription goes, without replies. */
  dropAll(s: Session): void {
    for (const ch of [...s.channels]) this.unsubscribe(s, ch);
    for (const p of [...s.patterns]) this.punsubscribe(s, p);
  }

  /**
   * Deliver a message to every subscriber of the channel and of each matching pattern;
   * returns how many received it. `current`: the session running a command (null from a timer).
   */
  publish(current: Session | null, ch: Uint8Array, chOff: number, chLen: number, msg: Uint8Array, msgOff: number, msgLen: number): number {
    let receivers = 0;
    const server = this.server;
    const pushes = server.pushes;
    if (this.channels.size > 0) {
      const set = this.channels.get(latin1(ch, chOff, chLen));
      if (set !== undefined) {
        for (const t of set) {
          const w = pushes.writer(t, current, server.reply);
          w.pushHeader(3);
          w.bulk(MESSAGE, 0, MESSAGE.length);
          w.bulk(ch, chOff, chLen);
          w.bulk(msg, msgOff, msgLen);
          pushes.done(t, w, current);
          receivers++;
        }
      }
    }
    if (this.patterns.size > 0) {
      for (const subs of this.patterns.values()) {
        const p = subs.bytes;
        if (!globMatch(p, 0, p.length, ch, chOff, chLen)) continue;
        for (const t of subs.sessions) {
          const w = pushes.writer(t, current, server.reply);
          w.pushHeader(4);
          w.bulk(PMESSAGE, 0, PMESSAGE.length);
          w.bulk(p, 0, p.length);
          w.bulk(ch, chOff, chLen);
          w.bulk(msg, msgOff, msgLen);
          pushes.done(t, w, current);
          receivers++;
        }
      }
    }
    return receivers;
  }
}

/** ["subscribe", name, count]-style confirmation, a push in RESP3. */
function confirm(r: Reply, kind: string, name: string | null, count: number): void {
  r.pushHeader(3);
  r.bulkString(kind);
  if (name === null) r.nullBulk();
  else r.bulkLatin1(name);
  r.integer(count);
}

function subscriptions(s: Session): number {
  return s.channels.size + s.patterns.size;
}

function subscribe(c: Ctx): void {
  const s = c as Session;
  const ps = s.host.pubsub;
  const a = c.argv;
  for (let i = 1; i < a.argc; i++) {
    const ch = latin1(a.buf, a.off[i], a.len[i]);
    ps.subscribe(s, ch);
    confirm(c.reply, "subscribe", ch, subscriptions(s));
  }
}

function psubscribe(c: Ctx): void {
  const s = c as Session;
  const ps = s.host.pubsub;
  const a = c.argv;
  for (let i = 1; i < a.argc; i++) {
    const p = latin1(a.buf, a.off[i], a.len[i]);
    ps.psubscribe(s, p);
    confirm(c.reply, "psubscribe", p, subscriptions(s));
  }
}

function unsubscribeGeneric(c: Ctx, patterns: boolean): void {
  const s = c as Session;
  const ps = s.host.pubsub;
  const a = c.argv;
  const kind = patterns ? "punsubscribe" : "unsubscribe";
  const own = patterns ? s.patterns : s.channels;
  if (a.argc === 1) {
    if (own.size === 0) {
      confirm(c.reply, kind, null, subscriptions(s));
      return;
    }
    for (const name of [...own]) {
      if (patterns) ps.punsubscribe(s, name);
      else ps.unsubscribe(s, name);
      confirm(c.reply, kind, name, subscriptions(s));
    }
    return;
  }
  for (let i = 1; i < a.argc; i++) {
    const name = latin1(a.buf, a.off[i], a.len[i]);
    if (patterns) ps.punsubscribe(s, name);
    else ps.unsubscribe(s, name);
    confirm(c.reply, kind, name, subscriptions(s));
  }
}

function publish(c: Ctx): void {
  const s = c as Session;
  const a = c.argv;
  const n = s.host.pubsub.publish(s, a.buf, a.off[1], a.len[1], a.buf, a.off[2], a.len[2]);
  c.reply.integer(n);
}

function pubsubChannels(c: Ctx): void {
  const s = c as Session;
  const a = c.argv;
  if (a.argc > 3) return c.reply.error("ERR wrong number of arguments for 'pubsub|channels' command");
  const names: string[] = [];
  for (const ch of s.host.pubsub.channels.keys()) {
    if (a.argc === 3) {
      const b = Buffer.from(ch, "latin1");
      if (!globMatch(a.buf.subarray(a.off[2], a.off[2] + a.len[2]), 0, a.len[2], b, 0, b.length)) continue;
    }
    names.push(ch);
  }
  c.reply.arrayHeader(names.length);
  for (const n of names) c.reply.bulkLatin1(n);
}

function pubsubNumsub(c: Ctx): void {
  const s = c as Session;
  const a = c.argv;
  c.reply.arrayHeader((a.argc - 2) * 2);
  for (let i = 2; i < a.argc; i++) {
    c.reply.bulk(a.buf, a.off[i], a.len[i]);
    c.reply.integer(s.host.pubsub.channels.get(latin1(a.buf, a.off[i], a.len[i]))?.size ?? 0);
  }
}

function pubsubNumpat(c: Ctx): void {
  c.reply.integer((c as Session).host.pubsub.patterns.size);
}

const base = { firstKey: 0, lastKey: 0, step: 0, group: "pubsub" } as const;
const subFlags: CommandSpec["flags"] = ["pubsub", "noscript", "loading", "stale"];

export const pubsubCommands: CommandSpec[] = [
  {
    ...base, name: "subscribe", arity: -2, flags: subFlags, since: "2.0.0", acl: ["pubsub", "slow"],
    summary: "Listen for messages published to the given channels", complexity: "O(N) where N is the number of channels to subscribe to.",
    args: [{ name: "channel", type: "string", multiple: true }], handler: subscribe,
  },
  {
    ...base, name: "unsubscribe", arity: -1, flags: subFlags, since: "2.0.0", acl: ["pubsub", "slow"],
    summary: "Stop listening for messages posted to the given channels", complexity: "O(N) where N is the number of clients already subscribed to a channel.",
    args: [{ name: "channel", type: "string", optional: true, multiple: true }], handler: (c) => unsubscribeGeneric(c, false),
  },
  {
    ...base, name: "psubscribe", arity: -2, flags: subFlags, since: "2.0.0", acl: ["pubsub", "slow"],
    summary: "Listen for messages published to channels matching the given patterns", complexity: "O(N) where N is the number of patterns the client is already subscribed to.",
    args: [{ name: "pattern", type: "pattern", multiple: true }], handler: psubscribe,
  },
  {
    ...base, name: "punsubscribe", arity: -1, flags: subFlags, since: "2.0.0", acl: ["pubsub", "slow"],
    summary: "Stop listening for messages posted to channels matching the given patterns", complexity: "O(N+M) where N is the number of patterns the client is already subscribed and M is the number of total patterns subscribed in the system (by any client).",
    args: [{ name: "pattern", type: "pattern", optional: true, multiple: true }], handler: (c) => unsubscribeGeneric(c, true),
  },
  {
    ...base, name: "publish", arity: 3, flags: ["pubsub", "loading", "stale", "fast", "may_replicate"], since: "2.0.0", acl: ["pubsub", "fast"],
    summary: "Post a message to a channel", complexity: "O(N+M) where N is the number of clients subscribed to the receiving channel and M is the total number of subscribed patterns (by any client).",
    args: [{ name: "channel", type: "string" }, { name: "message", type: "string" }], handler: publish,
  },
  {
    ...base, name: "pubsub", arity: -2, flags: [], since: "2.8.0", acl: ["slow"], summary: "A container for Pub/Sub commands", complexity: "Depends on subcommand.",
    subcommands: [
      {
        ...base, name: "pubsub|channels", arity: -2, flags: ["pubsub", "loading", "stale"], since: "2.8.0", acl: ["pubsub", "slow"],
        summary: "List active channels", complexity: "O(N) where N is the number of active channels, and assuming constant time pattern matching (relatively short channels and patterns)",
        args: [{ name: "pattern", type: "pattern", optional: true }], handler: pubsubChannels,
      },
      {
        ...base, name: "pubsub|numsub", arity: -2, flags: ["pubsub", "loading", "stale"], since: "2.8.0", acl: ["pubsub", "slow"],
        summary: "Get the count of subscribers for channels", complexity: "O(N) for the NUMSUB subcommand, where N is the number of requested channels",
        args: [{ name: "channel", type: "string", optional: true, multiple: true }], handler: pubsubNumsub,
      },
      {
        ...base, name: "pubsub|numpat", arity: 2, flags: ["pubsub", "loading", "stale"], since: "2.8.0", acl: ["pubsub", "slow"],
        summary: "Get the count of unique patterns pattern subscriptions", complexity: "O(1)", handler: pubsubNumpat,
      },
    ],
  },
];

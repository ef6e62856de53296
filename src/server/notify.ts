// Keyspace notifications (Redis's notify.c): with notify-keyspace-events set, a changed key
// publishes its event on __keyspace@<db>__:<key> and __keyevent@<db>__:<event>.

import type { Ctx } from "../commands/index.ts";
import { utf8 } from "../stdx/index.ts";
import { REASON_EXPIRED } from "../store/index.ts";
import type { Server } from "./server.ts";
import type { Session } from "./session.ts";

const N = {
  keyspace: 1 << 0,
  keyevent: 1 << 1,
  generic: 1 << 2,
  string: 1 << 3,
  list: 1 << 4,
  set: 1 << 5,
  hash: 1 << 6,
  zset: 1 << 7,
  expired: 1 << 8,
  evicted: 1 << 9,
  stream: 1 << 10,
  keyMiss: 1 << 11,
  module: 1 << 12,
  newKey: 1 << 13,
} as const;
/** 'A': every class but key-miss and new-key (Redis's NOTIFY_ALL). */
const ALL = N.generic | N.string | N.list | N.set | N.hash | N.zset | N.expired | N.evicted | N.stream | N.module;

const CLASS_CHARS: [string, number][] = [
  ["g", N.generic], ["$", N.string], ["l", N.list], ["s", N.set], ["h", N.hash], ["z", N.zset],
  ["x", N.expired], ["e", N.evicted], ["t", N.stream], ["d", N.module],
];

/** The class of each event name the commands send (anything else is generic). */
const EVENT_CLASS = new Map<string, number>([
  ...["set", "setrange", "incrby", "incrbyfloat", "append", "setbit"].map((e) => [e, N.string] as [string, number]),
  ...["lpush", "rpush", "lpop", "rpop", "linsert", "lset", "lrem", "ltrim"].map((e) => [e, N.list] as [string, number]),
  ...["sadd", "srem", "spop", "sinterstore", "sunionstore", "sdiffstore"].map((e) => [e, N.set] as [string, number]),
  ...["hset", "hdel", "hincrby", "hincrbyfloat"].map((e) => [e, N.hash] as [string, number]),
  ...["zadd", "zincr", "zrem", "zpopmin", "zpopmax", "zremrangebyrank", "zremrangebyscore", "zremrangebylex",
    "zunionstore", "zinterstore", "zdiffstore", "zrangestore"].map((e) => [e, N.zset] as [string, number]),
  ["expired", N.expired],
  ["evicted", N.evicted],
]);

/** notify-keyspace-events text to flags; null for an unknown character. */
export function parseNotifyFlags(text: string): number | null {
  let flags = 0;
  for (const ch of text) {
    if (ch === "A") flags |= ALL;
    else if (ch === "K") flags |= N.keyspace;
    else if (ch === "E") flags |= N.keyevent;
    else if (ch === "m") flags |= N.keyMiss;
    else if (ch === "n") flags |= N.newKey;
    else {
      const c = CLASS_CHARS.find(([k]) => k === ch);
      if (c === undefined) return null;
      flags |= c[1];
    }
  }
  return flags;
}

/** Flags back to text, in Redis's order (keyspaceEventsFlagsToString). */
export function formatNotifyFlags(flags: number): string {
  let out = "";
  if ((flags & ALL) === ALL) out += "A";
  else for (const [ch, bit] of CLASS_CHARS) if ((flags & bit) !== 0) out += ch;
  if ((flags & N.keyspace) !== 0) out += "K";
  if ((flags & N.keyevent) !== 0) out += "E";
  if ((flags & N.keyMiss) !== 0) out += "m";
  if ((flags & N.newKey) !== 0) out += "n";
  return out;
}

export class Notifier {
  /** The parsed notify-keyspace-events; 0 when off (or when neither K nor E is set). */
  flags = 0;
  /** As configured, for CONFIG GET. */
  configured = 0;
  private channel = new Uint8Array(256);

  constructor(private readonly server: Server) {}

  configure(flags: number): void {
    this.configured = flags;
    this.flags = (flags & (N.keyspace | N.keyevent)) !== 0 ? flags : 0;
    this.server.signals.update();
    // Keys the store drops by itself (TTL passed, eviction) reach us only through its
    // listener, set only while someone may want them: otherwise removals cost nothing.
    this.server.store.onRemoved = (this.flags & (N.expired | N.evicted)) !== 0 ? this.removed : null;
  }

  /**
   * Store.onRemoved: "expired" or "evicted" (Redis's NOTIFY_EXPIRED / NOTIFY_EVICTED). It
   * runs inside a store call, maybe in the middle of a command's reply (an MGET's array) or
   * from the store tick, so it publishes with no current session: every message, the
   * running client's own included, goes through the side writer and is delivered after the
   * command's reply (Server.afterCommand) or after the tick (Server.deliverPushes), as
   * Redis 7.2 defers pushes to the current client. publish() only writes output.
   */
  private readonly removed = (db: number, key: Uint8Array, keyOff: number, keyLen: number, reason: number): void => {
    this.keyEvent(null, db, key, keyOff, keyLen, reason === REASON_EXPIRED ? "expired" : "evicted");
  };

  keyEvent(c: Ctx | null, db: number, key: Uint8Array, keyOff: number, keyLen: number, event: string): void {
    const cls = EVENT_CLASS.get(event) ?? N.generic;
    if ((this.flags & cls) === 0) return;
    const pubsub = this.server.pubsub;
    if (pubsub.channels.size === 0 && pubsub.patterns.size === 0) return;
    const current = c as Session | null;
    const ev = utf8(event);
    if ((this.flags & N.keyspace) !== 0) {
      const n = this.prefix("__keyspace@", db, keyLen);
      this.channel.set(key.subarray(keyOff, keyOff + keyLen), n);
      pubsub.publish(current, this.channel, 0, n + keyLen, ev, 0, ev.length);
    }
    if ((this.flags & N.keyevent) !== 0) {
      const n = this.prefix("__keyevent@", db, ev.length);
      this.channel.set(ev, n);
      pubsub.publish(current, this.channel, 0, n + ev.length, key, keyOff, keyLen);
    }
  }

  /** Write "<prefix><db>__:" into the channel buffer (room for `tail` more bytes); returns its length. */
  private prefix(prefix: string, db: number, tail: number): number {
    const head = utf8(`${prefix}${db}__:`);
    if (this.channel.length < head.length + tail) this.channel = new Uint8Array(head.length + tail + 256);
    this.channel.set(head, 0);
    return head.length;
  }
}

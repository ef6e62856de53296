// The blocking commands (t_list.c and t_zset.c's blocking forms, blocked.c): try once like
// the non-blocking command; when every key is empty, park the client (blocking.ts) until a
// write serves it or the timeout passes. Inside MULTI/EXEC they do not block: an empty
// result answers at once, as in Redis.

import type { CommandSpec, Ctx } from "../commands/index.ts";
import {
  End, endOrReply, moveKeyAndReply, mpopArgs, parseMpop, parseZmpop, popKeyAndReply, PopShape, zmpopArgs,
  zpopKeyAndReply, ZPopShape,
} from "../commands/index.ts";
import { ItemType } from "../store/index.ts";
import type { BlockArgs, BlockedOn } from "./blocking.ts";
import type { Server } from "./server.ts";
import type { Session } from "./session.ts";

const WRONGTYPE = "WRONGTYPE Operation against a key holding the wrong kind of value";
const ERR_TIMEOUT = "ERR timeout is not a float or out of range";
const ERR_TIMEOUT_NEGATIVE = "ERR timeout is negative";

/** Reply ids (BlockArgs.kind). */
const Kind = { Pop: 0, Mpop: 1, Move: 2, ZPop: 3, ZMpop: 4 } as const;

/** Redis's getTimeoutFromObjectOrReply: seconds as a float; ms, or NaN with the error replied. */
export function timeoutMsOrReply(c: Ctx, i: number): number {
  const a = c.argv;
  const text = Buffer.from(a.buf.subarray(a.off[i], a.off[i] + a.len[i])).toString("latin1");
  const secs = /^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/.test(text) ? Number(text) : Number.NaN;
  if (!Number.isFinite(secs)) {
    c.reply.error(ERR_TIMEOUT);
    return Number.NaN;
  }
  if (secs < 0) {
    c.reply.error(ERR_TIMEOUT_NEGATIVE);
    return Number.NaN;
  }
  return Math.ceil(secs * 1000);
}

function copyKey(c: Ctx, i: number): Uint8Array {
  const a = c.argv;
  return a.buf.slice(a.off[i], a.off[i] + a.len[i]);
}

function args(left: boolean, toLeft: boolean, count: number, dst: Uint8Array | null, kind: number): BlockArgs {
  return { left, toLeft, count, dst, kind };
}

/** The keys a blocked client waits on, or null (an empty result answered) inside EXEC. */
function park(c: Ctx, first: number, last: number, timeoutMs: number, a: BlockArgs, nullArray: boolean): void {
  const s = c as Session;
  if (s.inExec || s.multi !== null) {
    if (nullArray) c.reply.nullArray();
    else c.reply.nullBulk();
    return;
  }
  const keys: Uint8Array[] = [];
  for (let i = first; i <= last; i++) keys.push(copyKey(c, i));
  s.host.blocking.block(s, s.db, keys, timeoutMs, serve, nullArray ? replyNullArray : replyNullBulk, a);
}

function replyNullArray(s: Session): void {
  s.reply.nullArray();
}

function replyNullBulk(s: Session): void {
  s.reply.nullBulk();
}

/** Serve a blocked client from key `keyIndex`, as its command (BlockArgs.kind) would. */
function serve(_server: Server, s: Session, b: BlockedOn, keyIndex: number): boolean {
  const key = b.keys[keyIndex];
  return popKey(s, b.db, key, 0, key.length, b.args);
}

/** Pop (or move) from the key (db, bytes) as BlockArgs say; false, writing nothing, when it cannot serve. */
function popKey(c: Ctx, db: number, key: Uint8Array, off: number, len: number, a: BlockArgs): boolean {
  if (a.kind === Kind.ZPop || a.kind === Kind.ZMpop) {
    const shape = a.kind === Kind.ZMpop ? ZPopShape.KeyPairs : ZPopShape.KeyMemberScore;
    return zpopKeyAndReply(c, db, key, off, len, !a.left, a.count, shape);
  }
  if (a.kind === Kind.Move) {
    const dst = a.dst as Uint8Array;
    return moveKeyAndReply(c, db, key, off, len, dst, 0, dst.length, a.left, a.toLeft);
  }
  const shape = a.kind === Kind.Mpop ? PopShape.KeyElements : PopShape.KeyElement;
  return popKeyAndReply(c, db, key, off, len, a.left, a.count, shape);
}

/**
 * The pop commands' common step: pop from the first of keys first..last holding the type
 * they pop (BLPOP, BRPOP, BLMPOP a list; BZPOPMIN, BZPOPMAX, BZMPOP a sorted set), or park
 * the client on all of them; WRONGTYPE when the first key found holds another type.
 */
function popOrPark(c: Ctx, first: number, last: number, timeoutMs: number, a: BlockArgs): void {
  const type = a.kind === Kind.ZPop || a.kind === Kind.ZMpop ? ItemType.ZSet : ItemType.List;
  const i = firstReady(c, first, last, type);
  if (i === -2) return;
  const argv = c.argv;
  if (i >= 0) popKey(c, c.client.db, argv.buf, argv.off[i], argv.len[i], a);
  else park(c, first, last, timeoutMs, a, true);
}

/**
 * The first of keys first..last that exists (lists and zsets are never stored empty): its
 * index; -1 when none; -2 with WRONGTYPE replied when it holds another type than `type`.
 */
function firstReady(c: Ctx, first: number, last: number, type: number): number {
  const a = c.argv;
  const st = c.store;
  for (let i = first; i <= last; i++) {
    if (!st.find(c.client.db, a.buf, a.off[i], a.len[i])) continue;
    if (st.itemType !== type) {
      c.reply.error(WRONGTYPE);
      return -2;
    }
    return i;
  }
  return -1;
}

function bpop(c: Ctx, left: boolean): void {
  const timeoutMs = timeoutMsOrReply(c, c.argv.argc - 1);
  if (Number.isNaN(timeoutMs)) return;
  popOrPark(c, 1, c.argv.argc - 2, timeoutMs, args(left, false, 1, null, Kind.Pop));
}

function bmove(c: Ctx, left: boolean, toLeft: boolean, timeoutArg: number): void {
  const a = c.argv;
  const timeoutMs = timeoutMsOrReply(c, timeoutArg);
  if (Number.isNaN(timeoutMs)) return;
  const i = firstReady(c, 1, 1, ItemType.List);
  if (i === -2) return;
  if (i === 1) {
    moveKeyAndReply(c, c.client.db, a.buf, a.off[1], a.len[1], a.buf, a.off[2], a.len[2], left, toLeft);
    return;
  }
  park(c, 1, 1, timeoutMs, args(left, toLeft, 1, copyKey(c, 2), Kind.Move), false);
}

function blmove(c: Ctx): void {
  const from = endOrReply(c, 3);
  if (from === End.Invalid) return;
  const to = endOrReply(c, 4);
  if (to === End.Invalid) return;
  bmove(c, from === End.Left, to === End.Left, 5);
}

function blmpop(c: Ctx): void {
  const timeoutMs = timeoutMsOrReply(c, 1);
  if (Number.isNaN(timeoutMs) || !parseMpop(c, 2)) return;
  const { firstKey, numKeys, fromFront, count } = mpopArgs;
  popOrPark(c, firstKey, firstKey + numKeys - 1, timeoutMs, args(fromFront, false, count, null, Kind.Mpop));
}

function bzpop(c: Ctx, max: boolean): void {
  const timeoutMs = timeoutMsOrReply(c, c.argv.argc - 1);
  if (Number.isNaN(timeoutMs)) return;
  popOrPark(c, 1, c.argv.argc - 2, timeoutMs, args(!max, false, 1, null, Kind.ZPop));
}

function bzmpop(c: Ctx): void {
  const timeoutMs = timeoutMsOrReply(c, 1);
  if (Number.isNaN(timeoutMs) || !parseZmpop(c, 2)) return;
  const { firstKey, numKeys, max, count } = zmpopArgs;
  popOrPark(c, firstKey, firstKey + numKeys - 1, timeoutMs, args(!max, false, count, null, Kind.ZMpop));
}

const listBase = { group: "list", step: 1 } as const;
const zsetBase = { group: "sorted-set", step: 1 } as const;
const flags: CommandSpec["flags"] = ["write", "blocking"];
const popFlags: CommandSpec["flags"] = ["write", "noscript", "blocking"];
const moveFlags: CommandSpec["flags"] = ["write", "denyoom", "noscript", "blocking"];

export const blockingCommands: CommandSpec[] = [
  {
    ...listBase, name: "blpop", arity: -3, flags: popFlags, firstKey: 1, lastKey: -2, since: "2.0.0", acl: ["write", "list", "slow", "blocking"],
    summary: "Remove and get the first element in a list, or block until one is available",
    complexity: "O(N) where N is the number of provided keys.",
    args: [{ name: "key", type: "key", multiple: true }, { name: "timeout", type: "double" }],
    handler: (c) => bpop(c, true),
  },
  {
    ...listBase, name: "brpop", arity: -3, flags: popFlags, firstKey: 1, lastKey: -2, since: "2.0.0", acl: ["write", "list", "slow", "blocking"],
    summary: "Remove and get the last element in a list, or block until one is available",
    complexity: "O(N) where N is the number of provided keys.",
    args: [{ name: "key", type: "key", multiple: true }, { name: "timeout", type: "double" }],
    handler: (c) => bpop(c, false),
  },
  {
    ...listBase, name: "brpoplpush", arity: 4, flags: moveFlags, firstKey: 1, lastKey: 2, since: "2.2.0",
    acl: ["write", "list", "slow", "blocking"], summary: "Pop an element from a list, push it to another list and return it; or block until one is available",
    complexity: "O(1)",
    args: [{ name: "source", type: "key" }, { name: "destination", type: "key" }, { name: "timeout", type: "double" }],
    handler: (c) => bmove(c, false, true, 3),
  },
  {
    ...listBase, name: "blmove", arity: 6, flags: moveFlags, firstKey: 1, lastKey: 2, since: "6.2.0",
    acl: ["write", "list", "slow", "blocking"], summary: "Pop an element from a list, push it to another list and return it; or block until one is available",
    complexity: "O(1)",
    args: [
      { name: "source", type: "key" }, { name: "destination", type: "key" },
      { name: "wherefrom", type: "oneof", arguments: [{ name: "left", type: "pure-token", token: "LEFT" }, { name: "right", type: "pure-token", token: "RIGHT" }] },
      { name: "whereto", type: "oneof", arguments: [{ name: "left", type: "pure-token", token: "LEFT" }, { name: "right", type: "pure-token", token: "RIGHT" }] },
      { name: "timeout", type: "double" },
    ],
    handler: blmove,
  },
  {
    ...listBase, name: "blmpop", arity: -5, flags, firstKey: 0, lastKey: 0, step: 0, numKeysArg: 2, since: "7.0.0", acl: ["write", "list", "slow", "blocking"],
    summary: "Pop elements from a list, or block until one is available",
    complexity: "O(N+M) where N is the number of provided keys and M is the number of elements returned.",
    args: [
      { name: "timeout", type: "double" }, { name: "numkeys", type: "integer" }, { name: "key", type: "key", multiple: true },
      { name: "where", type: "oneof", arguments: [{ name: "left", type: "pure-token", token: "LEFT" }, { name: "right", type: "pure-token", token: "RIGHT" }] },
      { name: "count", type: "integer", token: "COUNT", optional: true },
    ],
    handler: blmpop,
  },
  {
    ...zsetBase, name: "bzpopmin", arity: -3, flags: ["write", "noscript", "blocking", "fast"], firstKey: 1, lastKey: -2, since: "5.0.0",
    acl: ["write", "sortedset", "fast", "blocking"],
    summary: "Remove and return the member with the lowest score from one or more sorted sets, or block until one is available",
    complexity: "O(log(N)) with N being the number of elements in the sorted set.",
    args: [{ name: "key", type: "key", multiple: true }, { name: "timeout", type: "double" }],
    handler: (c) => bzpop(c, false),
  },
  {
    ...zsetBase, name: "bzpopmax", arity: -3, flags: ["write", "noscript", "blocking", "fast"], firstKey: 1, lastKey: -2, since: "5.0.0",
    acl: ["write", "sortedset", "fast", "blocking"],
    summary: "Remove and return the member with the highest score from one or more sorted sets, or block until one is available",
    complexity: "O(log(N)) with N being the number of elements in the sorted set.",
    args: [{ name: "key", type: "key", multiple: true }, { name: "timeout", type: "double" }],
    handler: (c) => bzpop(c, true),
  },
  {
    ...zsetBase, name: "bzmpop", arity: -5, flags, firstKey: 0, lastKey: 0, step: 0, numKeysArg: 2, since: "7.0.0",
    acl: ["write", "sortedset", "slow", "blocking"],
    summary: "Remove and return members with scores in a sorted set or block until one is available",
    complexity: "O(K) + O(M*log(N)) where K is the number of provided keys, N being the number of elements in the sorted set, and M being the number of elements popped.",
    args: [
      { name: "timeout", type: "double" }, { name: "numkeys", type: "integer" }, { name: "key", type: "key", multiple: true },
      { name: "where", type: "oneof", arguments: [{ name: "min", type: "pure-token", token: "MIN" }, { name: "max", type: "pure-token", token: "MAX" }] },
      { name: "count", type: "integer", token: "COUNT", optional: true },
    ],
    handler: bzmpop,
  },
];

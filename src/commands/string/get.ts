// GET, GETDEL, GETSET: t_string.c getGenericCommand and friends.

import type { CommandSpec, Ctx } from "../types.ts";
import { ItemType, SetStatus } from "../../store/index.ts";
import { Counter, counters } from "../../metrics/index.ts";
import { replyStoreStatus, WRONGTYPE } from "../errors.ts";
import { KeyEvent, keyModified } from "../keyspace/signal.ts";

function get(c: Ctx): void {
  const a = c.argv;
  const s = c.store;
  if (!s.find(c.client.db, a.buf, a.off[1], a.len[1])) {
    counters[Counter.cacheMisses]++;
    c.reply.nullBulk();
    return;
  }
  counters[Counter.cacheHits]++;
  if (s.itemType !== ItemType.String) {
    c.reply.error(WRONGTYPE);
    return;
  }
  c.reply.bulk(s.buf, s.valueOffset, s.valueLength);
}

function getdel(c: Ctx): void {
  const a = c.argv;
  const s = c.store;
  const db = c.client.db;
  if (!s.find(db, a.buf, a.off[1], a.len[1])) {
    counters[Counter.cacheMisses]++;
    c.reply.nullBulk();
    return;
  }
  counters[Counter.cacheHits]++;
  if (s.itemType !== ItemType.String) {
    c.reply.error(WRONGTYPE);
    return;
  }
  c.reply.bulk(s.buf, s.valueOffset, s.valueLength);
  s.delete(db, a.buf, a.off[1], a.len[1]);
  counters[Counter.cacheDeletes]++;
  keyModified(c, db, a.buf, a.off[1], a.len[1], KeyEvent.del);
}

function getset(c: Ctx): void {
  const a = c.argv;
  const s = c.store;
  const r = c.reply;
  const db = c.client.db;
  const mark = r.pos;
  if (s.find(db, a.buf, a.off[1], a.len[1])) {
    counters[Counter.cacheHits]++;
    if (s.itemType !== ItemType.String) {
      r.error(WRONGTYPE);
      return;
    }
    r.bulk(s.buf, s.valueOffset, s.valueLength);
  } else {
    counters[Counter.cacheMisses]++;
    r.nullBulk();
  }
  // A plain set: GETSET discards any expiry, as Redis's setKey without KEEPTTL.
  const status = s.set(db, a.buf, a.off[1], a.len[1], a.buf, a.off[2], a.len[2], 0, 0, 0);
  if (status === SetStatus.Stored) {
    counters[Counter.cacheSets]++;
    keyModified(c, db, a.buf, a.off[1], a.len[1], KeyEvent.set);
    return;
  }
  r.pos = mark;
  replyStoreStatus(c, status);
}

export const GET: CommandSpec = {
  name: "get",
  arity: 2,
  flags: ["readonly", "fast"],
  firstKey: 1,
  lastKey: 1,
  step: 1,
  acl: ["read", "string", "fast"],
  group: "string",
  summary: "Get the value of a key",
  since: "1.0.0",
  complexity: "O(1)",
  args: [
    { name: "key", type: "key" },
  ],
  handler: get,
};

export const GETDEL: CommandSpec = {
  name: "getdel",
  arity: 2,
  flags: ["write", "fast"],
  firstKey: 1,
  lastKey: 1,
  step: 1,
  acl: ["write", "string", "fast"],
  group: "string",
  summary: "Get the value of a key and delete the key",
  since: "6.2.0",
  complexity: "O(1)",
  args: [
    { name: "key", type: "key" },
  ],
  handler: getdel,
};

export const GETSET: CommandSpec = {
  name: "getset",
  arity: 3,
  flags: ["write", "denyoom", "fast"],
  firstKey: 1,
  lastKey: 1,
  step: 1,
  acl: ["write", "string", "fast"],
  group: "string",
  summary: "Set the string value of a key and return its old value",
  since: "1.0.0",
  complexity: "O(1)",
  args: [
    { name: "key", type: "key" },
    { name: "value", type: "string" },
  ],
  handler: getset,
};

// MGET, MSET, MSETNX: t_string.c mgetCommand, msetGenericCommand.

import type { CommandSpec, Ctx } from "../types.ts";
import { ItemType, SetStatus } from "../../store/index.ts";
import { Counter, counters } from "../../metrics/index.ts";
import { errWrongArity, replyStoreStatus } from "../errors.ts";
import { KeyEvent, keyModified } from "../keyspace/signal.ts";

function mget(c: Ctx): void {
  const a = c.argv;
  const s = c.store;
  const r = c.reply;
  const db = c.client.db;
  const argc = a.argc;
  r.arrayHeader(argc - 1);
  for (let j = 1; j < argc; j++) {
    if (!s.find(db, a.buf, a.off[j], a.len[j])) {
      counters[Counter.cacheMisses]++;
      r.nullBulk();
    } else {
      counters[Counter.cacheHits]++;
      if (s.itemType === ItemType.String) r.bulk(s.buf, s.valueOffset, s.valueLength);
      else r.nullBulk();
    }
  }
}

function msetGeneric(c: Ctx, nx: boolean): void {
  const a = c.argv;
  const s = c.store;
  const db = c.client.db;
  const argc = a.argc;
  if (argc % 2 === 0) {
    c.reply.error(errWrongArity(nx ? "msetnx" : "mset"));
    return;
  }
  if (nx) {
    for (let j = 1; j < argc; j += 2) {
      if (s.find(db, a.buf, a.off[j], a.len[j])) {
        c.reply.integer(0);
        return;
      }
    }
  }
  for (let j = 1; j < argc; j += 2) {
    const status = s.set(db, a.buf, a.off[j], a.len[j], a.buf, a.off[j + 1], a.len[j + 1], 0, 0, 0);
    if (status !== SetStatus.Stored) {
      // Out of memory part-way: the pairs before stay written (Redis would have refused the
      // whole command up front; a log-structured store only learns it on the write).
      replyStoreStatus(c, status);
      return;
    }
    counters[Counter.cacheSets]++;
    keyModified(c, db, a.buf, a.off[j], a.len[j], KeyEvent.set);
  }
  if (nx) c.reply.integer(1);
  else c.reply.ok();
}

function mset(c: Ctx): void {
  msetGeneric(c, false);
}

function msetnx(c: Ctx): void {
  msetGeneric(c, true);
}

export const MGET: CommandSpec = {
  name: "mget",
  arity: -2,
  flags: ["readonly", "fast"],
  firstKey: 1,
  lastKey: -1,
  step: 1,
  acl: ["read", "string", "fast"],
  group: "string",
  summary: "Get the values of all the given keys",
  since: "1.0.0",
  complexity: "O(N) where N is the number of keys to retrieve.",
  args: [
    { name: "key", type: "key", multiple: true },
  ],
  handler: mget,
};

export const MSET: CommandSpec = {
  name: "mset",
  arity: -3,
  flags: ["write", "denyoom"],
  firstKey: 1,
  lastKey: -1,
  step: 2,
  acl: ["write", "string", "slow"],
  group: "string",
  summary: "Set multiple keys to multiple values",
  since: "1.0.1",
  complexity: "O(N) where N is the number of keys to set.",
  args: [
    { name: "key_value", type: "block", multiple: true, arguments: [{ name: "key", type: "key" }, { name: "value", type: "string" }] },
  ],
  handler: mset,
};

export const MSETNX: CommandSpec = {
  name: "msetnx",
  arity: -3,
  flags: ["write", "denyoom"],
  firstKey: 1,
  lastKey: -1,
  step: 2,
  acl: ["write", "string", "slow"],
  group: "string",
  summary: "Set multiple keys to multiple values, only if none of the keys exist",
  since: "1.0.1",
  complexity: "O(N) where N is the number of keys to set.",
  args: [
    { name: "key_value", type: "block", multiple: true, arguments: [{ name: "key", type: "key" }, { name: "value", type: "string" }] },
  ],
  handler: msetnx,
};

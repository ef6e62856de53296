// RENAME, RENAMENX, COPY, MOVE, SWAPDB: db.c renameGenericCommand, copyCommand, moveCommand,
// swapdbCommand.

import type { CommandSpec, Ctx } from "../types.ts";
import { Counter, counters } from "../../metrics/index.ts";
import { argIntOrReply, argIs, argsEqual, Tok } from "../args.ts";
import {
  ERR_DB_INDEX,
  ERR_INVALID_FIRST_DB,
  ERR_INVALID_SECOND_DB,
  ERR_NO_SUCH_KEY,
  ERR_SAME_OBJECT,
  ERR_SYNTAX,
} from "../errors.ts";
import { dbChanging, KeyEvent, keyModified } from "./signal.ts";

function renameGeneric(c: Ctx, nx: boolean): void {
  const a = c.argv;
  const s = c.store;
  const db = c.client.db;
  const sameKey = argsEqual(c, 1, 2);
  if (!s.find(db, a.buf, a.off[1], a.len[1])) {
    c.reply.error(ERR_NO_SUCH_KEY);
    return;
  }
  if (sameKey) {
    if (nx) c.reply.integer(0);
    else c.reply.ok();
    return;
  }
  if (!s.rename(db, a.buf, a.off[1], a.len[1], a.buf, a.off[2], a.len[2], nx)) {
    if (nx && s.renameTargetExisted) c.reply.integer(0);
    else c.reply.error(ERR_NO_SUCH_KEY);
    return;
  }
  keyModified(c, db, a.buf, a.off[1], a.len[1], KeyEvent.renameFrom);
  keyModified(c, db, a.buf, a.off[2], a.len[2], KeyEvent.renameTo);
  if (nx) c.reply.integer(1);
  else c.reply.ok();
}

function rename(c: Ctx): void {
  renameGeneric(c, false);
}

function renamenx(c: Ctx): void {
  renameGeneric(c, true);
}

/** A db index argument as SELECT/MOVE/COPY read it; NaN after replying the error. */
function dbIndexOrReply(c: Ctx, i: number, invalid?: string): number {
  const id = argIntOrReply(c, i, invalid);
  if (Number.isNaN(id)) return id;
  if (id < 0 || id >= c.store.options.databases) {
    c.reply.error(ERR_DB_INDEX);
    return Number.NaN;
  }
  return id;
}

function copy(c: Ctx): void {
  const a = c.argv;
  const s = c.store;
  const srcDb = c.client.db;
  let dstDb = srcDb;
  let replace = false;
  for (let j = 3; j < a.argc; j++) {
    const additional = a.argc - j - 1;
    if (argIs(c, j, Tok.replace)) replace = true;
    else if (argIs(c, j, Tok.db) && additional >= 1) {
      dstDb = dbIndexOrReply(c, j + 1);
      if (Number.isNaN(dstDb)) return;
      j++;
    } else {
      c.reply.error(ERR_SYNTAX);
      return;
    }
  }
  if (srcDb === dstDb && argsEqual(c, 1, 2)) {
    c.reply.error(ERR_SAME_OBJECT);
    return;
  }
  if (!s.find(srcDb, a.buf, a.off[1], a.len[1])) {
    counters[Counter.cacheMisses]++;
    c.reply.integer(0);
    return;
  }
  counters[Counter.cacheHits]++;
  if (!s.copy(srcDb, a.buf, a.off[1], a.len[1], dstDb, a.buf, a.off[2], a.len[2], replace)) {
    c.reply.integer(0);
    return;
  }
  counters[Counter.cacheSets]++;
  keyModified(c, dstDb, a.buf, a.off[2], a.len[2], KeyEvent.copyTo);
  c.reply.integer(1);
}

function move(c: Ctx): void {
  const a = c.argv;
  const s = c.store;
  const srcDb = c.client.db;
  const dstDb = dbIndexOrReply(c, 2);
  if (Number.isNaN(dstDb)) return;
  if (dstDb === srcDb) {
    c.reply.error(ERR_SAME_OBJECT);
    return;
  }
  // copy answers false both when the key is missing and when the target db has it.
  if (!s.copy(srcDb, a.buf, a.off[1], a.len[1], dstDb, a.buf, a.off[1], a.len[1], false)) {
    c.reply.integer(0);
    return;
  }
  s.delete(srcDb, a.buf, a.off[1], a.len[1]);
  keyModified(c, srcDb, a.buf, a.off[1], a.len[1], KeyEvent.moveFrom);
  keyModified(c, dstDb, a.buf, a.off[1], a.len[1], KeyEvent.moveTo);
  c.reply.integer(1);
}

function swapdb(c: Ctx): void {
  const first = argIntOrReply(c, 1, ERR_INVALID_FIRST_DB);
  if (Number.isNaN(first)) return;
  const second = argIntOrReply(c, 2, ERR_INVALID_SECOND_DB);
  if (Number.isNaN(second)) return;
  const n = c.store.options.databases;
  if (first < 0 || first >= n || second < 0 || second >= n) {
    c.reply.error(ERR_DB_INDEX);
    return;
  }
  dbChanging(c, first);
  if (second !== first) dbChanging(c, second);
  c.store.swapDb(first, second);
  c.reply.ok();
}

export const RENAME: CommandSpec = {
  name: "rename",
  arity: 3,
  flags: ["write"],
  firstKey: 1,
  lastKey: 2,
  step: 1,
  acl: ["keyspace", "write", "slow"],
  group: "generic",
  summary: "Rename a key",
  since: "1.0.0",
  complexity: "O(1)",
  args: [
    { name: "key", type: "key" },
    { name: "newkey", type: "key" },
  ],
  handler: rename,
};

export const RENAMENX: CommandSpec = {
  name: "renamenx",
  arity: 3,
  flags: ["write", "fast"],
  firstKey: 1,
  lastKey: 2,
  step: 1,
  acl: ["keyspace", "write", "fast"],
  group: "generic",
  summary: "Rename a key, only if the new key does not exist",
  since: "1.0.0",
  complexity: "O(1)",
  args: [
    { name: "key", type: "key" },
    { name: "newkey", type: "key" },
  ],
  handler: renamenx,
};

export const COPY: CommandSpec = {
  name: "copy",
  arity: -3,
  flags: ["write", "denyoom"],
  firstKey: 1,
  lastKey: 2,
  step: 1,
  acl: ["keyspace", "write", "slow"],
  group: "generic",
  summary: "Copy a key",
  since: "6.2.0",
  complexity: "O(N) worst case for collections, where N is the number of nested items. O(1) for string values.",
  args: [
    { name: "source", type: "key" },
    { name: "destination", type: "key" },
    { name: "destination-db", type: "integer", token: "DB", optional: true },
    { name: "replace", type: "pure-token", token: "REPLACE", optional: true },
  ],
  handler: copy,
};

export const MOVE: CommandSpec = {
  name: "move",
  arity: 3,
  flags: ["write", "fast"],
  firstKey: 1,
  lastKey: 1,
  step: 1,
  acl: ["keyspace", "write", "fast"],
  group: "generic",
  summary: "Move a key to another database",
  since: "1.0.0",
  complexity: "O(1)",
  args: [
    { name: "key", type: "key" },
    { name: "db", type: "integer" },
  ],
  handler: move,
};

export const SWAPDB: CommandSpec = {
  name: "swapdb",
  arity: 3,
  flags: ["write", "fast"],
  firstKey: 0,
  lastKey: 0,
  step: 0,
  acl: ["keyspace", "write", "fast", "dangerous"],
  group: "server",
  summary: "Swaps two Redis databases",
  since: "4.0.0",
  complexity: "O(N) where N is the count of clients watching or blocking on keys from both databases.",
  args: [
    { name: "index1", type: "integer" },
    { name: "index2", type: "integer" },
  ],
  handler: swapdb,
};

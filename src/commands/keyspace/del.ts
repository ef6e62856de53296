// DEL, UNLINK, EXISTS, TOUCH, TYPE: db.c delGenericCommand, existsCommand, touchCommand,
// typeCommand.

import type { CommandSpec, Ctx } from "../types.ts";
import { Counter, counters } from "../../metrics/index.ts";
import { KeyEvent, keyModified } from "./signal.ts";
import { TYPE_NAMES } from "./types.ts";

function delGeneric(c: Ctx): void {
  const a = c.argv;
  const s = c.store;
  const db = c.client.db;
  let deleted = 0;
  for (let j = 1; j < a.argc; j++) {
    if (s.delete(db, a.buf, a.off[j], a.len[j])) {
      deleted++;
      keyModified(c, db, a.buf, a.off[j], a.len[j], KeyEvent.del);
    }
  }
  counters[Counter.cacheDeletes] += deleted;
  c.reply.integer(deleted);
}

/** UNLINK frees memory lazily in Redis; the store reclaims whole segments anyway, so it is DEL. */
function unlink(c: Ctx): void {
  delGeneric(c);
}

/** Counts a key once per mention: EXISTS k k answers 2. */
function exists(c: Ctx): void {
  const a = c.argv;
  const s = c.store;
  const db = c.client.db;
  let n = 0;
  for (let j = 1; j < a.argc; j++) {
    if (s.peek(db, a.buf, a.off[j], a.len[j])) {
      counters[Counter.cacheHits]++;
      n++;
    } else {
      counters[Counter.cacheMisses]++;
    }
  }
  c.reply.integer(n);
}

/** Like EXISTS, but updates each key's access time and frequency. */
function touch(c: Ctx): void {
  const a = c.argv;
  const s = c.store;
  const db = c.client.db;
  let n = 0;
  for (let j = 1; j < a.argc; j++) {
    if (s.find(db, a.buf, a.off[j], a.len[j])) {
      counters[Counter.cacheHits]++;
      n++;
    } else {
      counters[Counter.cacheMisses]++;
    }
  }
  c.reply.integer(n);
}

function type(c: Ctx): void {
  const a = c.argv;
  const s = c.store;
  if (!s.peek(c.client.db, a.buf, a.off[1], a.len[1])) {
    counters[Counter.cacheMisses]++;
    c.reply.simple("none");
    return;
  }
  counters[Counter.cacheHits]++;
  c.reply.simple(TYPE_NAMES[s.itemType]);
}

export const DEL: CommandSpec = {
  name: "del",
  arity: -2,
  flags: ["write"],
  firstKey: 1,
  lastKey: -1,
  step: 1,
  acl: ["keyspace", "write", "slow"],
  group: "generic",
  summary: "Delete a key",
  since: "1.0.0",
  complexity: "O(N) where N is the number of keys that will be removed. When a key to remove holds a value other than a string, the individual complexity for this key is O(M) where M is the number of elements in the list, set, sorted set or hash. Removing a single key that holds a string value is O(1).",
  args: [
    { name: "key", type: "key", multiple: true },
  ],
  handler: delGeneric,
};

export const UNLINK: CommandSpec = {
  name: "unlink",
  arity: -2,
  flags: ["write", "fast"],
  firstKey: 1,
  lastKey: -1,
  step: 1,
  acl: ["keyspace", "write", "fast"],
  group: "generic",
  summary: "Delete a key asynchronously in another thread. Otherwise it is just as DEL, but non blocking.",
  since: "4.0.0",
  complexity: "O(1) for each key removed regardless of its size. Then the command does O(N) work in a different thread in order to reclaim memory, where N is the number of allocations the deleted objects where composed of.",
  args: [
    { name: "key", type: "key", multiple: true },
  ],
  handler: unlink,
};

export const EXISTS: CommandSpec = {
  name: "exists",
  arity: -2,
  flags: ["readonly", "fast"],
  firstKey: 1,
  lastKey: -1,
  step: 1,
  acl: ["keyspace", "read", "fast"],
  group: "generic",
  summary: "Determine if a key exists",
  since: "1.0.0",
  complexity: "O(N) where N is the number of keys to check.",
  args: [
    { name: "key", type: "key", multiple: true },
  ],
  handler: exists,
};

export const TOUCH: CommandSpec = {
  name: "touch",
  arity: -2,
  flags: ["readonly", "fast"],
  firstKey: 1,
  lastKey: -1,
  step: 1,
  acl: ["keyspace", "read", "fast"],
  group: "generic",
  summary: "Alters the last access time of a key(s). Returns the number of existing keys specified.",
  since: "3.2.1",
  complexity: "O(N) where N is the number of keys that will be touched.",
  args: [
    { name: "key", type: "key", multiple: true },
  ],
  handler: touch,
};

export const TYPE: CommandSpec = {
  name: "type",
  arity: 2,
  flags: ["readonly", "fast"],
  firstKey: 1,
  lastKey: 1,
  step: 1,
  acl: ["keyspace", "read", "fast"],
  group: "generic",
  summary: "Determine the type stored at key",
  since: "1.0.0",
  complexity: "O(1)",
  args: [
    { name: "key", type: "key" },
  ],
  handler: type,
};

// APPEND, STRLEN: t_string.c appendCommand, strlenCommand.

import type { CommandSpec, Ctx } from "../types.ts";
import { ItemType, SetMode, SetStatus } from "../../store/index.ts";
import { Counter, counters } from "../../metrics/index.ts";
import { replyStoreStatus, WRONGTYPE } from "../errors.ts";
import { KeyEvent, keyModified } from "../keyspace/signal.ts";
import { checkStringLength } from "./common.ts";

function append(c: Ctx): void {
  const a = c.argv;
  const s = c.store;
  const db = c.client.db;
  const addOff = a.off[2];
  const addLen = a.len[2];
  let status: number;
  let total: number;
  if (!s.find(db, a.buf, a.off[1], a.len[1])) {
    total = addLen;
    status = s.set(db, a.buf, a.off[1], a.len[1], a.buf, addOff, addLen, 0, 0, 0);
  } else {
    if (s.itemType !== ItemType.String) {
      c.reply.error(WRONGTYPE);
      return;
    }
    const oldLen = s.valueLength;
    total = oldLen + addLen;
    if (!checkStringLength(c, total)) return;
    // The store has no in-place append (items are immutable once written): build the new
    // value in scratch and write it as a new item that keeps the expiry.
    const out = c.scratch(total);
    out.set(s.buf.subarray(s.valueOffset, s.valueOffset + oldLen), 0);
    out.set(a.buf.subarray(addOff, addOff + addLen), oldLen);
    status = s.set(db, a.buf, a.off[1], a.len[1], out, 0, total, 0, 0, SetMode.KEEPTTL);
  }
  if (status !== SetStatus.Stored) {
    replyStoreStatus(c, status as SetStatus);
    return;
  }
  counters[Counter.cacheSets]++;
  keyModified(c, db, a.buf, a.off[1], a.len[1], KeyEvent.append);
  c.reply.integer(total);
}

function strlen(c: Ctx): void {
  const a = c.argv;
  const s = c.store;
  if (!s.find(c.client.db, a.buf, a.off[1], a.len[1])) {
    counters[Counter.cacheMisses]++;
    c.reply.integer(0);
    return;
  }
  counters[Counter.cacheHits]++;
  if (s.itemType !== ItemType.String) {
    c.reply.error(WRONGTYPE);
    return;
  }
  c.reply.integer(s.valueLength);
}

export const APPEND: CommandSpec = {
  name: "append",
  arity: 3,
  flags: ["write", "denyoom", "fast"],
  firstKey: 1,
  lastKey: 1,
  step: 1,
  acl: ["write", "string", "fast"],
  group: "string",
  summary: "Append a value to a key",
  since: "2.0.0",
  complexity: "O(1). The amortized time complexity is O(1) assuming the appended value is small and the already present value is of any size, since the dynamic string library used by Redis will double the free space available on every reallocation.",
  args: [
    { name: "key", type: "key" },
    { name: "value", type: "string" },
  ],
  handler: append,
};

export const STRLEN: CommandSpec = {
  name: "strlen",
  arity: 2,
  flags: ["readonly", "fast"],
  firstKey: 1,
  lastKey: 1,
  step: 1,
  acl: ["read", "string", "fast"],
  group: "string",
  summary: "Get the length of the value stored in a key",
  since: "2.2.0",
  complexity: "O(1)",
  args: [
    { name: "key", type: "key" },
  ],
  handler: strlen,
};

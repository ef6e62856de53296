// GETRANGE, SUBSTR, SETRANGE: t_string.c getrangeCommand, setrangeCommand.

import type { CommandSpec, Ctx } from "../types.ts";
import { ItemType, SetMode, SetStatus } from "../../store/index.ts";
import { Counter, counters } from "../../metrics/index.ts";
import { argLongLongOrReply } from "../args.ts";
import { ERR_OFFSET_OUT_OF_RANGE, replyStoreStatus, WRONGTYPE } from "../errors.ts";
import { KeyEvent, keyModified } from "../keyspace/signal.ts";
import { checkStringLength } from "./common.ts";

const EMPTY = new Uint8Array(0);

function getrange(c: Ctx): void {
  let start = argLongLongOrReply(c, 2);
  if (Number.isNaN(start)) return;
  let end = argLongLongOrReply(c, 3);
  if (Number.isNaN(end)) return;
  const a = c.argv;
  const s = c.store;
  const r = c.reply;
  if (!s.find(c.client.db, a.buf, a.off[1], a.len[1])) {
    counters[Counter.cacheMisses]++;
    r.bulk(EMPTY, 0, 0);
    return;
  }
  counters[Counter.cacheHits]++;
  if (s.itemType !== ItemType.String) {
    r.error(WRONGTYPE);
    return;
  }
  const len = s.valueLength;
  if (start < 0 && end < 0 && start > end) {
    r.bulk(EMPTY, 0, 0);
    return;
  }
  if (start < 0) start = len + start;
  if (end < 0) end = len + end;
  if (start < 0) start = 0;
  if (end < 0) end = 0;
  if (end >= len) end = len - 1;
  if (start > end || len === 0) r.bulk(EMPTY, 0, 0);
  else r.bulk(s.buf, s.valueOffset + start, end - start + 1);
}

function setrange(c: Ctx): void {
  const offset = argLongLongOrReply(c, 2);
  if (Number.isNaN(offset)) return;
  if (offset < 0) {
    c.reply.error(ERR_OFFSET_OUT_OF_RANGE);
    return;
  }
  const a = c.argv;
  const s = c.store;
  const db = c.client.db;
  const valOff = a.off[3];
  const valLen = a.len[3];
  let status: number;
  let total: number;
  if (!s.find(db, a.buf, a.off[1], a.len[1])) {
    if (valLen === 0) {
      c.reply.integer(0);
      return;
    }
    total = offset + valLen;
    if (!checkStringLength(c, total)) return;
    const out = c.scratch(total);
    out.fill(0, 0, offset);
    out.set(a.buf.subarray(valOff, valOff + valLen), offset);
    status = s.set(db, a.buf, a.off[1], a.len[1], out, 0, total, 0, 0, 0);
  } else {
    if (s.itemType !== ItemType.String) {
      c.reply.error(WRONGTYPE);
      return;
    }
    const oldLen = s.valueLength;
    if (valLen === 0) {
      c.reply.integer(oldLen);
      return;
    }
    if (!checkStringLength(c, offset + valLen)) return;
    total = offset + valLen > oldLen ? offset + valLen : oldLen;
    const out = c.scratch(total);
    out.set(s.buf.subarray(s.valueOffset, s.valueOffset + oldLen), 0);
    if (offset > oldLen) out.fill(0, oldLen, offset);
    out.set(a.buf.subarray(valOff, valOff + valLen), offset);
    status = s.set(db, a.buf, a.off[1], a.len[1], out, 0, total, 0, 0, SetMode.KEEPTTL);
  }
  if (status !== SetStatus.Stored) {
    replyStoreStatus(c, status as SetStatus);
    return;
  }
  counters[Counter.cacheSets]++;
  keyModified(c, db, a.buf, a.off[1], a.len[1], KeyEvent.setrange);
  c.reply.integer(total);
}

export const GETRANGE: CommandSpec = {
  name: "getrange",
  arity: 4,
  flags: ["readonly"],
  firstKey: 1,
  lastKey: 1,
  step: 1,
  acl: ["read", "string", "slow"],
  group: "string",
  summary: "Get a substring of the string stored at a key",
  since: "2.4.0",
  complexity: "O(N) where N is the length of the returned string. The complexity is ultimately determined by the returned length, but because creating a substring from an existing string is very cheap, it can be considered O(1) for small strings.",
  args: [
    { name: "key", type: "key" },
    { name: "start", type: "integer" },
    { name: "end", type: "integer" },
  ],
  handler: getrange,
};

export const SUBSTR: CommandSpec = {
  name: "substr",
  arity: 4,
  flags: ["readonly"],
  firstKey: 1,
  lastKey: 1,
  step: 1,
  acl: ["read", "string", "slow"],
  group: "string",
  summary: "Get a substring of the string stored at a key",
  since: "1.0.0",
  complexity: "O(N) where N is the length of the returned string. The complexity is ultimately determined by the returned length, but because creating a substring from an existing string is very cheap, it can be considered O(1) for small strings.",
  args: [
    { name: "key", type: "key" },
    { name: "start", type: "integer" },
    { name: "end", type: "integer" },
  ],
  handler: getrange,
};

export const SETRANGE: CommandSpec = {
  name: "setrange",
  arity: 4,
  flags: ["write", "denyoom"],
  firstKey: 1,
  lastKey: 1,
  step: 1,
  acl: ["write", "string", "slow"],
  group: "string",
  summary: "Overwrite part of a string at key starting at the specified offset",
  since: "2.2.0",
  complexity: "O(1), not counting the time taken to copy the new string in place. Usually, this string is very small so the amortized complexity is O(1). Otherwise, complexity is O(M) with M being the length of the value argument.",
  args: [
    { name: "key", type: "key" },
    { name: "offset", type: "integer" },
    { name: "value", type: "string" },
  ],
  handler: setrange,
};

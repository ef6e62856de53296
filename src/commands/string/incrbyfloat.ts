// INCRBYFLOAT: t_string.c incrbyfloatCommand, in emulated x87 long double (longdouble.ts) so
// that replies match redis-server byte for byte ("10.3", not "10.299999999999999").

import type { CommandSpec, Ctx } from "../types.ts";
import { ItemType, SetMode, SetStatus } from "../../store/index.ts";
import { Counter, counters } from "../../metrics/index.ts";
import { ERR_NAN_OR_INFINITY, ERR_NOT_FLOAT, replyStoreStatus, WRONGTYPE } from "../errors.ts";
import { KeyEvent, keyModified } from "../keyspace/signal.ts";
import { addLongDouble, formatLongDoubleHuman, type LongDouble, parseLongDouble } from "./longdouble.ts";

const ZERO: LongDouble = { negative: false, mant: 0n, exp: 0, infinite: false };

function incrbyfloat(c: Ctx): void {
  const a = c.argv;
  const s = c.store;
  const db = c.client.db;
  let value: LongDouble | null = ZERO;
  if (s.find(db, a.buf, a.off[1], a.len[1])) {
    if (s.itemType !== ItemType.String) {
      c.reply.error(WRONGTYPE);
      return;
    }
    value = parseLongDouble(s.buf, s.valueOffset, s.valueLength);
  }
  const incr = value === null ? null : parseLongDouble(a.buf, a.off[2], a.len[2]);
  if (value === null || incr === null) {
    c.reply.error(ERR_NOT_FLOAT);
    return;
  }
  const sum = addLongDouble(value, incr);
  if (sum.infinite) {
    c.reply.error(ERR_NAN_OR_INFINITY);
    return;
  }
  const text = formatLongDoubleHuman(sum);
  const out = c.scratch(text.length);
  for (let i = 0; i < text.length; i++) out[i] = text.charCodeAt(i);
  const status = s.set(db, a.buf, a.off[1], a.len[1], out, 0, text.length, 0, 0, SetMode.KEEPTTL);
  if (status !== SetStatus.Stored) {
    replyStoreStatus(c, status);
    return;
  }
  counters[Counter.cacheSets]++;
  keyModified(c, db, a.buf, a.off[1], a.len[1], KeyEvent.incrbyfloat);
  c.reply.bulk(out, 0, text.length);
}

export const INCRBYFLOAT: CommandSpec = {
  name: "incrbyfloat",
  arity: 3,
  flags: ["write", "denyoom", "fast"],
  firstKey: 1,
  lastKey: 1,
  step: 1,
  acl: ["write", "string", "fast"],
  group: "string",
  summary: "Increment the float value of a key by the given amount",
  since: "2.6.0",
  complexity: "O(1)",
  args: [
    { name: "key", type: "key" },
    { name: "increment", type: "double" },
  ],
  handler: incrbyfloat,
};

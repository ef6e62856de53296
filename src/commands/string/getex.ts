// GETEX: t_string.c getexCommand. Options are checked first, then the key, then the expiry
// value, so a missing key answers null even when the expiry is invalid.

import type { CommandSpec, Ctx } from "../types.ts";
import { ItemType } from "../../store/index.ts";
import { Counter, counters } from "../../metrics/index.ts";
import { WRONGTYPE } from "../errors.ts";
import { KeyEvent, keyModified } from "../keyspace/signal.ts";
import { expiryMsOrReply, hasExpiry, isRelative, isSeconds, Opt, parsed, parseStringOptions } from "./common.ts";

function getex(c: Ctx): void {
  const a = c.argv;
  let flags = 0;
  let expireIndex = 0;
  if (a.argc > 2) {
    if (!parseStringOptions(c, 2, false)) return;
    flags = parsed.flags;
    if (hasExpiry(flags)) expireIndex = parsed.expireIndex;
  }
  const s = c.store;
  const db = c.client.db;
  const keyOff = a.off[1];
  const keyLen = a.len[1];
  if (!s.find(db, a.buf, keyOff, keyLen)) {
    counters[Counter.cacheMisses]++;
    c.reply.nullBulk();
    return;
  }
  counters[Counter.cacheHits]++;
  if (s.itemType !== ItemType.String) {
    c.reply.error(WRONGTYPE);
    return;
  }
  const hadExpiry = s.itemExpiryMs !== 0;
  let when = 0;
  if (expireIndex !== 0) {
    // The value stays in the store's result registers: expiryMsOrReply makes no store call.
    when = expiryMsOrReply(c, expireIndex, isSeconds(flags), isRelative(flags), "getex");
    if (Number.isNaN(when)) return;
  }
  c.reply.bulk(s.buf, s.valueOffset, s.valueLength);
  if (expireIndex !== 0) {
    if (!isRelative(flags) && when <= c.nowMs()) {
      s.delete(db, a.buf, keyOff, keyLen);
      counters[Counter.cacheDeletes]++;
      keyModified(c, db, a.buf, keyOff, keyLen, KeyEvent.del);
    } else {
      s.expire(db, a.buf, keyOff, keyLen, when);
      keyModified(c, db, a.buf, keyOff, keyLen, KeyEvent.expire);
    }
  } else if (flags & Opt.PERSIST && hadExpiry) {
    s.expire(db, a.buf, keyOff, keyLen, 0);
    keyModified(c, db, a.buf, keyOff, keyLen, KeyEvent.persist);
  }
}

export const GETEX: CommandSpec = {
  name: "getex",
  arity: -2,
  flags: ["write", "fast"],
  firstKey: 1,
  lastKey: 1,
  step: 1,
  acl: ["write", "string", "fast"],
  group: "string",
  summary: "Get the value of a key and optionally set its expiration",
  since: "6.2.0",
  complexity: "O(1)",
  args: [
    { name: "key", type: "key" },
    { name: "expiration", type: "oneof", optional: true, arguments: [{ name: "seconds", type: "integer", token: "EX" }, { name: "milliseconds", type: "integer", token: "PX" }, { name: "unix-time-seconds", type: "unix-time", token: "EXAT" }, { name: "unix-time-milliseconds", type: "unix-time", token: "PXAT" }, { name: "persist", type: "pure-token", token: "PERSIST" }] },
  ],
  handler: getex,
};

// SETBIT, GETBIT: bitops.c setbitCommand, getbitCommand.

import type { CommandSpec, Ctx } from "../types.ts";
import { argInt } from "../args.ts";
import { keyModified } from "../keyspace/signal.ts";
import { BitEvent, ERR_BIT_VALUE } from "./errors.ts";
import { bitOffsetOrReply } from "./offset.ts";
import { beginRewrite, commitRewrite, Found, findString, rewrite } from "./string.ts";

function setbit(c: Ctx): void {
  const offset = bitOffsetOrReply(c, 2, 0);
  if (Number.isNaN(offset)) return;
  const on = argInt(c, 3);
  if (on !== 0 && on !== 1) {
    c.reply.error(ERR_BIT_VALUE);
    return;
  }
  const found = findString(c, 1, false);
  if (found === Found.WrongType) return;
  const s = c.store;
  const byte = (offset - (offset & 7)) / 8;
  const mask = 1 << (7 - (offset & 7));
  const a = c.argv;
  const db = c.client.db;
  if (found === Found.String && byte < s.valueLength) {
    const old = (s.buf[s.valueOffset + byte] & mask) !== 0 ? 1 : 0;
    if (old === on) {
      // Nothing to rewrite; Redis 7.0 still signals the write.
      keyModified(c, db, a.buf, a.off[1], a.len[1], BitEvent.setbit);
      c.reply.integer(old);
      return;
    }
  }
  if (!beginRewrite(c, found, byte + 1)) return;
  const out = rewrite.buf;
  const old = (out[byte] & mask) !== 0 ? 1 : 0;
  out[byte] = on === 1 ? out[byte] | mask : out[byte] & ~mask;
  if (!commitRewrite(c, 1)) return;
  keyModified(c, db, a.buf, a.off[1], a.len[1], BitEvent.setbit);
  c.reply.integer(old);
}

function getbit(c: Ctx): void {
  const offset = bitOffsetOrReply(c, 2, 0);
  if (Number.isNaN(offset)) return;
  const found = findString(c, 1, true);
  if (found === Found.WrongType) return;
  const s = c.store;
  const byte = (offset - (offset & 7)) / 8;
  if (found === Found.Missing || byte >= s.valueLength) {
    c.reply.integer(0);
    return;
  }
  c.reply.integer((s.buf[s.valueOffset + byte] >> (7 - (offset & 7))) & 1);
}

export const SETBIT: CommandSpec = {
  name: "setbit",
  arity: 4,
  flags: ["write", "denyoom"],
  firstKey: 1,
  lastKey: 1,
  step: 1,
  acl: ["write", "bitmap", "slow"],
  group: "bitmap",
  summary: "Sets or clears the bit at offset in the string value stored at key",
  since: "2.2.0",
  complexity: "O(1)",
  args: [
    { name: "key", type: "key" },
    { name: "offset", type: "integer" },
    { name: "value", type: "integer" },
  ],
  handler: setbit,
};

export const GETBIT: CommandSpec = {
  name: "getbit",
  arity: 3,
  flags: ["readonly", "fast"],
  firstKey: 1,
  lastKey: 1,
  step: 1,
  acl: ["read", "bitmap", "fast"],
  group: "bitmap",
  summary: "Returns the bit value at offset in the string value stored at key",
  since: "2.2.0",
  complexity: "O(1)",
  args: [
    { name: "key", type: "key" },
    { name: "offset", type: "integer" },
  ],
  handler: getbit,
};

// HINCRBY, HINCRBYFLOAT: t_hash.c hincrbyCommand, hincrbyfloatCommand. Integers are exact over
// the whole int64 range (a Number while within 2^53, a BigInt beyond); floats are x87 long
// double arithmetic as INCRBYFLOAT does it, so replies match redis-server byte for byte.

import type { CommandSpec, Ctx } from "../types.ts";
import { argInt, argInt64, INT64_MAX, INT64_MIN } from "../args.ts";
import { ERR_NAN_OR_INFINITY, ERR_NOT_FLOAT, ERR_NOT_INTEGER, ERR_OVERFLOW } from "../errors.ts";
import { writeLatin1 } from "../../stdx/index.ts";
import { addLongDouble, formatLongDoubleHuman, type LongDouble, parseLongDouble } from "../string/longdouble.ts";
import { commitHash, elementArg, openedHash, openHash } from "./common.ts";
import { ERR_HASH_VALUE_NOT_FLOAT, ERR_HASH_VALUE_NOT_INTEGER, ERR_VALUE_NAN_OR_INFINITY } from "./errors.ts";

/** Redis's string2ll over a latin1 string: exact int64 (Number within 2^53), null when not one. */
function stringToInt64(s: string): number | bigint | null {
  const n = s.length;
  if (n === 0 || n > 20) return null;
  let i = 0;
  const negative = s.charCodeAt(0) === 45;
  if (negative) {
    if (n === 1) return null;
    i = 1;
  }
  // "0" alone; no leading zeros, no "-0".
  if (s.charCodeAt(i) === 48) return n === 1 ? 0 : null;
  let v = 0;
  for (; i < n; i++) {
    const d = s.charCodeAt(i) - 48;
    if (d < 0 || d > 9) return null;
    v = v * 10 + d;
  }
  if (v <= Number.MAX_SAFE_INTEGER) return negative ? -v : v;
  const big = BigInt(s);
  return big > INT64_MAX || big < INT64_MIN ? null : big;
}

function hincrby(c: Ctx): void {
  let incr: number | bigint = argInt(c, 3);
  if (Number.isNaN(incr)) {
    const big = argInt64(c, 3);
    if (big === null) {
      c.reply.error(ERR_NOT_INTEGER);
      return;
    }
    incr = big;
  }
  const handle = openHash(c);
  if (handle === -2) return;
  const h = openedHash(c, handle);
  const field = elementArg(c, 2);
  const old = h.get(field);
  const current = old === undefined ? 0 : stringToInt64(old);
  if (current === null) {
    c.reply.error(ERR_HASH_VALUE_NOT_INTEGER);
    return;
  }
  let sum: number | bigint;
  if (typeof current === "number" && typeof incr === "number" && Number.isSafeInteger(current + incr)) {
    sum = current + incr;
  } else {
    sum = BigInt(current) + BigInt(incr);
    if (sum > INT64_MAX || sum < INT64_MIN) {
      c.reply.error(ERR_OVERFLOW);
      return;
    }
  }
  h.set(field, String(sum));
  if (!commitHash(c, h, handle, "hincrby")) return;
  if (typeof sum === "number") c.reply.integer(sum);
  else c.reply.bigInteger(sum);
}

const ZERO: LongDouble = { negative: false, mant: 0n, exp: 0, infinite: false };

function hincrbyfloat(c: Ctx): void {
  const a = c.argv;
  const incr = parseLongDouble(a.buf, a.off[3], a.len[3]);
  if (incr === null) {
    c.reply.error(ERR_NOT_FLOAT);
    return;
  }
  if (incr.infinite) {
    c.reply.error(ERR_VALUE_NAN_OR_INFINITY);
    return;
  }
  const handle = openHash(c);
  if (handle === -2) return;
  const h = openedHash(c, handle);
  const field = elementArg(c, 2);
  const old = h.get(field);
  let current: LongDouble | null = ZERO;
  if (old !== undefined) {
    const bytes = c.scratch(old.length);
    writeLatin1(bytes, 0, old);
    current = parseLongDouble(bytes, 0, old.length);
  }
  if (current === null) {
    c.reply.error(ERR_HASH_VALUE_NOT_FLOAT);
    return;
  }
  const sum = addLongDouble(current, incr);
  if (sum.infinite) {
    c.reply.error(ERR_NAN_OR_INFINITY);
    return;
  }
  const text = formatLongDoubleHuman(sum);
  h.set(field, text);
  if (!commitHash(c, h, handle, "hincrbyfloat")) return;
  c.reply.bulkLatin1(text);
}

export const HINCRBY: CommandSpec = {
  name: "hincrby",
  arity: 4,
  flags: ["write", "denyoom", "fast"],
  firstKey: 1,
  lastKey: 1,
  step: 1,
  acl: ["write", "hash", "fast"],
  group: "hash",
  summary: "Increment the integer value of a hash field by the given number",
  since: "2.0.0",
  complexity: "O(1)",
  args: [
    { name: "key", type: "key" },
    { name: "field", type: "string" },
    { name: "increment", type: "integer" },
  ],
  handler: hincrby,
};

export const HINCRBYFLOAT: CommandSpec = {
  name: "hincrbyfloat",
  arity: 4,
  flags: ["write", "denyoom", "fast"],
  firstKey: 1,
  lastKey: 1,
  step: 1,
  acl: ["write", "hash", "fast"],
  group: "hash",
  summary: "Increment the float value of a hash field by the given amount",
  since: "2.6.0",
  complexity: "O(1)",
  args: [
    { name: "key", type: "key" },
    { name: "field", type: "string" },
    { name: "increment", type: "double" },
  ],
  handler: hincrbyfloat,
};

// BITOP AND|OR|XOR|NOT: bitops.c bitopCommand. Missing sources are empty strings, shorter
// ones are zero-padded to the longest; the result replaces the destination (whatever its
// type, dropping its expiry), and an empty result deletes it.

import type { CommandSpec, Ctx } from "../types.ts";
import { Counter, counters } from "../../metrics/index.ts";
import { argIs } from "../args.ts";
import { ERR_SYNTAX, replyStoreStatus } from "../errors.ts";
import { keyModified } from "../keyspace/signal.ts";
import { SetStatus } from "../../store/index.ts";
import { utf8 } from "../../stdx/index.ts";
import { BitEvent, ERR_BITOP_NOT } from "./errors.ts";
import { Found, findString } from "./string.ts";

const Op = { And: 0, Or: 1, Xor: 2, Not: 3 } as const;
const OP_NAMES = [utf8("and"), utf8("or"), utf8("xor"), utf8("not")];

const EMPTY = new Uint8Array(0);
// The sources of the running BITOP (where each one's bytes lie), reused across calls.
const srcBuf: Uint8Array[] = [];
const srcOff: number[] = [];
const srcLen: number[] = [];

function opOf(c: Ctx): number {
  for (let op = 0; op < OP_NAMES.length; op++) if (argIs(c, 1, OP_NAMES[op])) return op;
  return -1;
}

/** Look every source up; its length, or -1 with WRONGTYPE replied. */
function collectSources(c: Ctx, numkeys: number): number {
  const s = c.store;
  let maxlen = 0;
  for (let j = 0; j < numkeys; j++) {
    const found = findString(c, j + 3, false);
    if (found === Found.WrongType) return -1;
    if (found === Found.Missing) {
      srcBuf[j] = EMPTY;
      srcOff[j] = 0;
      srcLen[j] = 0;
      continue;
    }
    srcBuf[j] = s.buf;
    srcOff[j] = s.valueOffset;
    srcLen[j] = s.valueLength;
    if (s.valueLength > maxlen) maxlen = s.valueLength;
  }
  return maxlen;
}

/** Drop the references to store memory collectSources took. */
function releaseSources(numkeys: number): void {
  for (let j = 0; j < numkeys && j < srcBuf.length; j++) srcBuf[j] = EMPTY;
}

/** The result of `op` over the sources, in out[0, maxlen). */
function compute(op: number, numkeys: number, out: Uint8Array, maxlen: number): void {
  const b0 = srcBuf[0];
  const o0 = srcOff[0];
  const l0 = srcLen[0];
  if (op === Op.Not) {
    for (let j = 0; j < l0; j++) out[j] = ~b0[o0 + j];
    return;
  }
  out.set(b0.subarray(o0, o0 + l0), 0);
  out.fill(0, l0, maxlen);
  for (let i = 1; i < numkeys; i++) {
    const b = srcBuf[i];
    const o = srcOff[i];
    const l = srcLen[i];
    if (op === Op.And) {
      for (let j = 0; j < l; j++) out[j] &= b[o + j];
      out.fill(0, l, maxlen);
    } else if (op === Op.Or) {
      for (let j = 0; j < l; j++) out[j] |= b[o + j];
    } else {
      for (let j = 0; j < l; j++) out[j] ^= b[o + j];
    }
  }
}

function bitop(c: Ctx): void {
  const op = opOf(c);
  if (op < 0) {
    c.reply.error(ERR_SYNTAX);
    return;
  }
  const argc = c.argv.argc;
  if (op === Op.Not && argc !== 4) {
    c.reply.error(ERR_BITOP_NOT);
    return;
  }
  const numkeys = argc - 3;
  const maxlen = collectSources(c, numkeys);
  if (maxlen < 0) {
    releaseSources(numkeys);
    return;
  }
  const a = c.argv;
  const s = c.store;
  const db = c.client.db;
  if (maxlen > 0) {
    const out = c.scratch(maxlen);
    compute(op, numkeys, out, maxlen);
    releaseSources(numkeys);
    const status = s.set(db, a.buf, a.off[2], a.len[2], out, 0, maxlen, 0, 0, 0);
    if (status !== SetStatus.Stored) {
      replyStoreStatus(c, status as SetStatus);
      return;
    }
    counters[Counter.cacheSets]++;
    keyModified(c, db, a.buf, a.off[2], a.len[2], BitEvent.set);
  } else {
    releaseSources(numkeys);
    if (s.delete(db, a.buf, a.off[2], a.len[2])) {
      counters[Counter.cacheDeletes]++;
      keyModified(c, db, a.buf, a.off[2], a.len[2], BitEvent.del);
    }
  }
  c.reply.integer(maxlen);
}

export const BITOP: CommandSpec = {
  name: "bitop",
  arity: -4,
  flags: ["write", "denyoom"],
  firstKey: 2,
  lastKey: -1,
  step: 1,
  acl: ["write", "bitmap", "slow"],
  group: "bitmap",
  summary: "Perform bitwise operations between strings",
  since: "2.6.0",
  complexity: "O(N)",
  args: [
    { name: "operation", type: "string" },
    { name: "destkey", type: "key" },
    { name: "key", type: "key", multiple: true },
  ],
  handler: bitop,
};

// BITFIELD, BITFIELD_RO: bitops.c bitfieldGeneric. Every operation is parsed (and every
// argument error reported) before the key is touched; a command with any SET or INCRBY
// creates the key and zero-pads it as far as the farthest write reaches, even when every
// write then fails under OVERFLOW FAIL.

import type { CommandSpec, Ctx } from "../types.ts";
import { argIs } from "../args.ts";
import { ERR_NOT_INTEGER, ERR_SYNTAX } from "../errors.ts";
import { keyModified } from "../keyspace/signal.ts";
import { parseDecimal, parseInt64, utf8 } from "../../stdx/index.ts";
import { readBits, writeBits } from "./bitmap.ts";
import { Overflow, SMALL_ARG_MAX, SMALL_BITS_MAX, updated, updateLarge, updateSmall } from "./bitfield-math.ts";
import { BitEvent, ERR_BITFIELD_OVERFLOW, ERR_BITFIELD_RO, ERR_BITFIELD_TYPE } from "./errors.ts";
import { bitOffsetOrReply } from "./offset.ts";
import { beginRewrite, commitRewrite, Found, findString, rewrite } from "./string.ts";

const Code = { Get: 0, Set: 1, Incrby: 2 } as const;
const EMPTY = new Uint8Array(0);

const T = {
  get: utf8("get"),
  set: utf8("set"),
  incrby: utf8("incrby"),
  overflow: utf8("overflow"),
  wrap: utf8("wrap"),
  sat: utf8("sat"),
  fail: utf8("fail"),
};

// The parsed operations of the running command, reused across calls. An argument beyond
// ±2^53 is NaN in opArg and exact in opArgBig.
const opCode: number[] = [];
const opSign: boolean[] = [];
const opBits: number[] = [];
const opOffset: number[] = [];
const opOverflow: number[] = [];
const opArg: number[] = [];
const opArgBig: bigint[] = [];

/** What parseOps found besides the operations. */
const parsed = { count: 0, writes: false, highestBit: 0 };

/** Field type "i<bits>" (1..64) or "u<bits>" (1..63): bits, negated for signed; 0 when invalid. */
function fieldType(c: Ctx, i: number): number {
  const a = c.argv;
  const off = a.off[i];
  let len = a.len[i];
  // Redis reads the type as a C string: it ends at the first NUL byte.
  for (let k = 0; k < len; k++) {
    if (a.buf[off + k] === 0) {
      len = k;
      break;
    }
  }
  if (len === 0) return 0;
  const first = a.buf[off];
  if (first !== 105 /* i */ && first !== 117 /* u */) return 0;
  const bits = parseDecimal(a.buf, off + 1, len - 1);
  if (!(bits >= 1) || bits > (first === 105 ? 64 : 63)) return 0;
  return first === 105 ? -bits : bits;
}

/** Parse every operation into the op arrays; false with the error replied. */
function parseOps(c: Ctx): boolean {
  const a = c.argv;
  const argc = a.argc;
  let count = 0;
  let writes = false;
  let highestBit = 0;
  let overflow: number = Overflow.Wrap;
  for (let j = 2; j < argc; j++) {
    const remaining = argc - j - 1;
    let code: number;
    if (remaining >= 2 && argIs(c, j, T.get)) code = Code.Get;
    else if (remaining >= 3 && argIs(c, j, T.set)) code = Code.Set;
    else if (remaining >= 3 && argIs(c, j, T.incrby)) code = Code.Incrby;
    else if (remaining >= 1 && argIs(c, j, T.overflow)) {
      j++;
      if (argIs(c, j, T.wrap)) overflow = Overflow.Wrap;
      else if (argIs(c, j, T.sat)) overflow = Overflow.Sat;
      else if (argIs(c, j, T.fail)) overflow = Overflow.Fail;
      else {
        c.reply.error(ERR_BITFIELD_OVERFLOW);
        return false;
      }
      continue;
    } else {
      c.reply.error(ERR_SYNTAX);
      return false;
    }
    const type = fieldType(c, j + 1);
    if (type === 0) {
      c.reply.error(ERR_BITFIELD_TYPE);
      return false;
    }
    const bits = type < 0 ? -type : type;
    const offset = bitOffsetOrReply(c, j + 2, bits);
    if (Number.isNaN(offset)) return false;
    let arg = 0;
    if (code !== Code.Get) {
      writes = true;
      if (offset + bits - 1 > highestBit) highestBit = offset + bits - 1;
      arg = parseDecimal(a.buf, a.off[j + 3], a.len[j + 3]);
      if (Number.isNaN(arg)) {
        const big = parseInt64(a.buf, a.off[j + 3], a.len[j + 3]);
        if (big === null) {
          c.reply.error(ERR_NOT_INTEGER);
          return false;
        }
        opArgBig[count] = big;
      }
    }
    opCode[count] = code;
    opSign[count] = type < 0;
    opBits[count] = bits;
    opOffset[count] = offset;
    opOverflow[count] = overflow;
    opArg[count] = arg;
    count++;
    j += code === Code.Get ? 2 : 3;
  }
  parsed.count = count;
  parsed.writes = writes;
  parsed.highestBit = highestBit;
  return true;
}

/** What runOps did: writes applied (not failed under FAIL), and whether any changed a bit. */
const ran = { writes: 0, changed: false };

/** Run the parsed operations on the field bytes buf[base .. base+len), replying to each. */
function runOps(c: Ctx, buf: Uint8Array, base: number, len: number): void {
  ran.writes = 0;
  ran.changed = false;
  for (let j = 0; j < parsed.count; j++) {
    const bits = opBits[j];
    const arg = opArg[j];
    if (bits <= SMALL_BITS_MAX && arg <= SMALL_ARG_MAX && arg >= -SMALL_ARG_MAX) runSmall(c, buf, base, len, j);
    else runLarge(c, buf, base, len, j);
  }
}

function runSmall(c: Ctx, buf: Uint8Array, base: number, len: number, j: number): void {
  const bits = opBits[j];
  const sign = opSign[j];
  const offset = opOffset[j];
  const span = 2 ** bits;
  const raw = readBits(buf, base, len, offset, bits);
  const old = sign && raw >= span / 2 ? raw - span : raw;
  const code = opCode[j];
  if (code === Code.Get) {
    c.reply.integer(old);
    return;
  }
  const isIncr = code === Code.Incrby;
  updateSmall(old, opArg[j], isIncr, sign, bits, opOverflow[j]);
  if (updated.failed) {
    c.reply.nullBulk();
    return;
  }
  const v = updated.value;
  c.reply.integer(isIncr ? v : old);
  writeBits(buf, base, offset, bits, v < 0 ? v + span : v);
  ran.writes++;
  if (v !== old) ran.changed = true;
}

function runLarge(c: Ctx, buf: Uint8Array, base: number, len: number, j: number): void {
  const bits = opBits[j];
  const sign = opSign[j];
  const offset = opOffset[j];
  // Read as two halves of at most 32 bits each.
  const hiBits = bits > 32 ? bits - 32 : 0;
  const hi = hiBits > 0 ? readBits(buf, base, len, offset, hiBits) : 0;
  const lo = readBits(buf, base, len, offset + hiBits, bits - hiBits);
  const raw = (BigInt(hi) << 32n) | BigInt(lo);
  const old = sign ? BigInt.asIntN(bits, raw) : raw;
  const code = opCode[j];
  if (code === Code.Get) {
    c.reply.bigInteger(old);
    return;
  }
  const isIncr = code === Code.Incrby;
  const arg = Number.isNaN(opArg[j]) ? opArgBig[j] : BigInt(opArg[j]);
  updateLarge(old, arg, isIncr, sign, bits, opOverflow[j]);
  if (updated.failed) {
    c.reply.nullBulk();
    return;
  }
  const v = updated.big;
  c.reply.bigInteger(isIncr ? v : old);
  const u = BigInt.asUintN(bits, v);
  if (hiBits > 0) writeBits(buf, base, offset, hiBits, Number(u >> 32n));
  writeBits(buf, base, offset + hiBits, bits - hiBits, Number(BigInt.asUintN(32, u)));
  ran.writes++;
  if (u !== raw) ran.changed = true;
}

function bitfieldGeneric(c: Ctx, readOnlyCommand: boolean): void {
  if (!parseOps(c)) return;
  if (!parsed.writes) {
    const found = findString(c, 1, true);
    if (found === Found.WrongType) return;
    const s = c.store;
    c.reply.arrayHeader(parsed.count);
    if (found === Found.String) runOps(c, s.buf, s.valueOffset, s.valueLength);
    else runOps(c, EMPTY, 0, 0);
    return;
  }
  if (readOnlyCommand) {
    c.reply.error(ERR_BITFIELD_RO);
    return;
  }
  const found = findString(c, 1, false);
  if (found === Found.WrongType) return;
  const h = parsed.highestBit;
  if (!beginRewrite(c, found, (h - (h & 7)) / 8 + 1)) return;
  const mark = c.reply.pos;
  c.reply.arrayHeader(parsed.count);
  runOps(c, rewrite.buf, 0, rewrite.len);
  // Unchanged bytes of an existing key need no new item.
  if (found === Found.Missing || rewrite.len > rewrite.oldLen || ran.changed) {
    if (!commitRewrite(c, 1, mark)) return;
  }
  if (ran.writes > 0) {
    const a = c.argv;
    keyModified(c, c.client.db, a.buf, a.off[1], a.len[1], BitEvent.setbit);
  }
}

function bitfield(c: Ctx): void {
  bitfieldGeneric(c, false);
}

function bitfieldRo(c: Ctx): void {
  bitfieldGeneric(c, true);
}

const ENCODING_OFFSET = [
  { name: "encoding", type: "string" },
  { name: "offset", type: "integer" },
] as const;

export const BITFIELD: CommandSpec = {
  name: "bitfield",
  arity: -2,
  flags: ["write", "denyoom"],
  firstKey: 1,
  lastKey: 1,
  step: 1,
  acl: ["write", "bitmap", "slow"],
  group: "bitmap",
  summary: "Perform arbitrary bitfield integer operations on strings",
  since: "3.2.0",
  complexity: "O(1) for each subcommand specified",
  args: [
    { name: "key", type: "key" },
    {
      name: "operation",
      type: "oneof",
      optional: true,
      multiple: true,
      arguments: [
        { name: "encoding_offset", type: "block", token: "GET", arguments: [...ENCODING_OFFSET] },
        {
          name: "write",
          type: "block",
          arguments: [
            {
              name: "wrap_sat_fail",
              type: "oneof",
              token: "OVERFLOW",
              optional: true,
              arguments: [
                { name: "wrap", type: "pure-token", token: "WRAP" },
                { name: "sat", type: "pure-token", token: "SAT" },
                { name: "fail", type: "pure-token", token: "FAIL" },
              ],
            },
            {
              name: "write_operation",
              type: "oneof",
              arguments: [
                {
                  name: "encoding_offset_value",
                  type: "block",
                  token: "SET",
                  arguments: [...ENCODING_OFFSET, { name: "value", type: "integer" }],
                },
                {
                  name: "encoding_offset_increment",
                  type: "block",
                  token: "INCRBY",
                  arguments: [...ENCODING_OFFSET, { name: "increment", type: "integer" }],
                },
              ],
            },
          ],
        },
      ],
    },
  ],
  handler: bitfield,
};

export const BITFIELD_RO: CommandSpec = {
  name: "bitfield_ro",
  arity: -2,
  flags: ["readonly", "fast"],
  firstKey: 1,
  lastKey: 1,
  step: 1,
  acl: ["read", "bitmap", "fast"],
  group: "bitmap",
  summary: "Perform arbitrary bitfield integer operations on strings. Read-only variant of BITFIELD",
  since: "6.0.0",
  complexity: "O(1) for each subcommand specified",
  args: [
    { name: "key", type: "key" },
    { name: "encoding_offset", type: "block", token: "GET", optional: true, multiple: true, arguments: [...ENCODING_OFFSET] },
  ],
  handler: bitfieldRo,
};

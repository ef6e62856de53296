// HRANDFIELD: t_hash.c hrandfieldCommand, hrandfieldWithCountCommand. A positive count gives
// distinct fields (all of them, in order, when it covers the hash), a negative one draws
// with repetition. With WITHVALUES RESP3 nests each pair in an array, RESP2 flattens.

import type { CommandSpec, Ctx } from "../types.ts";
import type { HashObject } from "../../store/index.ts";
import { argInt, argInt64, argIs, INT64_MIN } from "../args.ts";
import { ERR_NOT_INTEGER, ERR_SYNTAX } from "../errors.ts";
import { utf8 } from "../../stdx/index.ts";
import { readHash } from "./common.ts";
import { ERR_RANDFIELD_COUNT_RANGE, ERR_VALUE_OUT_OF_RANGE } from "./errors.ts";

const WITHVALUES = utf8("withvalues");
/** LONG_MAX / 2: WITHVALUES doubles the reply, so Redis bounds the count by it. */
const HALF_LONG_MAX = 4611686018427387903n;

/** Reused between calls: the slots of one distinct sample. */
const sample: number[] = [];

function hrandfield(c: Ctx): void {
  const a = c.argv;
  if (a.argc >= 3) {
    // getRangeLongFromObjectOrReply(-LONG_MAX, LONG_MAX), then the syntax, then the range.
    let count = argInt(c, 2);
    let big: bigint | null = null;
    if (Number.isNaN(count)) {
      big = argInt64(c, 2);
      if (big === null) {
        c.reply.error(ERR_NOT_INTEGER);
        return;
      }
      if (big === INT64_MIN) {
        c.reply.error(ERR_RANDFIELD_COUNT_RANGE);
        return;
      }
      count = Number(big);
    }
    if (a.argc > 4 || (a.argc === 4 && !argIs(c, 3, WITHVALUES))) {
      c.reply.error(ERR_SYNTAX);
      return;
    }
    const withValues = a.argc === 4;
    if (withValues && big !== null && (big > HALF_LONG_MAX || big < -HALF_LONG_MAX)) {
      c.reply.error(ERR_VALUE_OUT_OF_RANGE);
      return;
    }
    hrandfieldWithCount(c, count, withValues);
    return;
  }
  const h = readHash(c);
  if (h === undefined) return;
  if (h === null) c.reply.nullBulk();
  else c.reply.bulkLatin1(h.fieldAt(h.randomSlot()) as string);
}

function hrandfieldWithCount(c: Ctx, requested: number, withValues: boolean): void {
  const h = readHash(c);
  if (h === undefined) return;
  const r = c.reply;
  if (h === null || requested === 0) {
    r.arrayHeader(0);
    return;
  }
  const unique = requested > 0;
  let count = unique ? requested : -requested;
  const nested = withValues && r.proto === 3;
  const perEntry = withValues && !nested ? 2 : 1;
  if (!unique || count === 1) {
    r.arrayHeader(count * perEntry);
    for (; count > 0; count--) replyEntry(c, h, h.randomSlot(), withValues, nested);
    return;
  }
  const size = h.size;
  r.arrayHeader((count < size ? count : size) * perEntry);
  if (count >= size) {
    const slots = h.slotCount;
    for (let slot = 0; slot < slots; slot++) {
      if (h.fieldAt(slot) !== null) replyEntry(c, h, slot, withValues, nested);
    }
    return;
  }
  h.randomDistinctSlots(count, sample);
  for (let k = 0; k < sample.length; k++) replyEntry(c, h, sample[k], withValues, nested);
  sample.length = 0;
}

function replyEntry(c: Ctx, h: HashObject, slot: number, withValues: boolean, nested: boolean): void {
  const r = c.reply;
  if (nested) r.arrayHeader(2);
  r.bulkLatin1(h.fieldAt(slot) as string);
  if (withValues) r.bulkLatin1(h.valueAt(slot));
}

export const HRANDFIELD: CommandSpec = {
  name: "hrandfield",
  arity: -2,
  flags: ["readonly"],
  firstKey: 1,
  lastKey: 1,
  step: 1,
  acl: ["read", "hash", "slow"],
  group: "hash",
  summary: "Get one or multiple random fields from a hash",
  since: "6.2.0",
  complexity: "O(N) where N is the number of fields returned",
  args: [
    { name: "key", type: "key" },
    {
      name: "options",
      type: "block",
      optional: true,
      arguments: [
        { name: "count", type: "integer" },
        { name: "withvalues", type: "pure-token", token: "WITHVALUES", optional: true },
      ],
    },
  ],
  handler: hrandfield,
};

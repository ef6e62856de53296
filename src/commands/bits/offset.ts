// Bit offset arguments (bitops.c getBitOffsetFromArgument), shared by GETBIT, SETBIT and
// BITFIELD.

import type { Ctx } from "../types.ts";
import { parseDecimal, parseInt64 } from "../../stdx/index.ts";
import { PROTO_MAX_BULK_LEN } from "../string/common.ts";
import { ERR_BIT_OFFSET } from "./errors.ts";

/** The largest bit offset Redis accepts: (offset >> 3) must stay below proto-max-bulk-len. */
export const MAX_BIT_OFFSET = PROTO_MAX_BULK_LEN * 8 - 1;

const HASH = 35; // '#'

/**
 * Argument i as a bit offset: an integer in [0, MAX_BIT_OFFSET]. With `bits` > 0 (BITFIELD),
 * "#N" means N * bits, multiplied in int64 with C's wrap-around as Redis does. Replies
 * "ERR bit offset is not an integer or out of range" and returns NaN otherwise.
 */
export function bitOffsetOrReply(c: Ctx, i: number, bits: number): number {
  const a = c.argv;
  let off = a.off[i];
  let len = a.len[i];
  const hash = bits > 0 && len > 0 && a.buf[off] === HASH;
  if (hash) {
    off++;
    len--;
  }
  let v = parseDecimal(a.buf, off, len);
  if (Number.isNaN(v) || (hash && !Number.isSafeInteger(v * bits))) {
    // Beyond 2^53: exact int64 arithmetic (cold path).
    const big = parseInt64(a.buf, off, len);
    if (big === null) {
      c.reply.error(ERR_BIT_OFFSET);
      return Number.NaN;
    }
    v = Number(hash ? BigInt.asIntN(64, big * BigInt(bits)) : big);
  } else if (hash) {
    v *= bits;
  }
  if (v < 0 || v > MAX_BIT_OFFSET) {
    c.reply.error(ERR_BIT_OFFSET);
    return Number.NaN;
  }
  return v;
}

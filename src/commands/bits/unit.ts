// The BYTE|BIT index unit of BITCOUNT and BITPOS (Redis 7.0), and the range arithmetic
// they share.

import type { Ctx } from "../types.ts";
import { argIs } from "../args.ts";
import { ERR_SYNTAX } from "../errors.ts";
import { utf8 } from "../../stdx/index.ts";

const BIT = utf8("bit");
const BYTE = utf8("byte");

/** 1 for BIT, 0 for BYTE; -1 with "ERR syntax error" replied for anything else. */
export function indexUnitOrReply(c: Ctx, i: number): number {
  if (argIs(c, i, BIT)) return 1;
  if (argIs(c, i, BYTE)) return 0;
  c.reply.error(ERR_SYNTAX);
  return -1;
}

/** A range resolved by clampRange: [start, end] in the unit it was given in. */
export const range = { start: 0, end: 0 };

/**
 * Redis's conversion of a start/end pair against a length `total` (bytes or bits): negative
 * values count from the end, then both are clamped into the string. The range is empty when
 * range.start > range.end afterwards.
 */
export function clampRange(start: number, end: number, total: number): void {
  if (start < 0) start = total + start;
  if (end < 0) end = total + end;
  if (start < 0) start = 0;
  if (end < 0) end = 0;
  if (end >= total) end = total - 1;
  range.start = start;
  range.end = end;
}

// Shared by the string commands: SET/GETEX option parsing (t_string.c
// parseExtendedStringArgumentsOrReply), expiry validation (getExpireMillisecondsOrReply) and
// the size limit for values built by APPEND and SETRANGE (checkStringLength).

import type { Ctx } from "../types.ts";
import { argIs, argInt64, INT64_MAX, Tok } from "../args.ts";
import { errInvalidExpireTime, ERR_NOT_INTEGER, ERR_STRING_TOO_LONG, ERR_SYNTAX } from "../errors.ts";
import { parseDecimal } from "../../stdx/index.ts";

export const Opt = {
  NX: 1,
  XX: 2,
  GET: 4,
  KEEPTTL: 8,
  PERSIST: 16,
  EX: 32,
  PX: 64,
  EXAT: 128,
  PXAT: 256,
} as const;
const EXPIRY = Opt.EX | Opt.PX | Opt.EXAT | Opt.PXAT;

/** Result of parseStringOptions: the option bits and where the expiry value is. */
export const parsed = { flags: 0, expireIndex: 0 };

/**
 * Parse SET's (isSet) or GETEX's options from argument `start`, with Redis's rules for which
 * combinations are a syntax error (a repeated option is allowed; the last expiry wins).
 * Replies "ERR syntax error" and returns false on a bad option.
 */
export function parseStringOptions(c: Ctx, start: number, isSet: boolean): boolean {
  const argc = c.argv.argc;
  const len = c.argv.len;
  let f = 0;
  let expireIndex = 0;
  for (let j = start; j < argc; j++) {
    const hasNext = j < argc - 1;
    const l = len[j];
    if (l === 2) {
      if (isSet && argIs(c, j, Tok.nx) && !(f & Opt.XX)) {
        f |= Opt.NX;
        continue;
      }
      if (isSet && argIs(c, j, Tok.xx) && !(f & Opt.NX)) {
        f |= Opt.XX;
        continue;
      }
      if (argIs(c, j, Tok.ex) && !(f & (Opt.KEEPTTL | Opt.PERSIST | Opt.EXAT | Opt.PX | Opt.PXAT)) && hasNext) {
        f |= Opt.EX;
        expireIndex = ++j;
        continue;
      }
      if (argIs(c, j, Tok.px) && !(f & (Opt.KEEPTTL | Opt.PERSIST | Opt.EX | Opt.EXAT | Opt.PXAT)) && hasNext) {
        f |= Opt.PX;
        expireIndex = ++j;
        continue;
      }
    } else if (l === 3) {
      if (isSet && argIs(c, j, Tok.get)) {
        f |= Opt.GET;
        continue;
      }
    } else if (l === 4) {
      if (argIs(c, j, Tok.exat) && !(f & (Opt.KEEPTTL | Opt.PERSIST | Opt.EX | Opt.PX | Opt.PXAT)) && hasNext) {
        f |= Opt.EXAT;
        expireIndex = ++j;
        continue;
      }
      if (argIs(c, j, Tok.pxat) && !(f & (Opt.KEEPTTL | Opt.PERSIST | Opt.EX | Opt.EXAT | Opt.PX)) && hasNext) {
        f |= Opt.PXAT;
        expireIndex = ++j;
        continue;
      }
    } else if (l === 7) {
      if (isSet && argIs(c, j, Tok.keepttl) && !(f & (Opt.PERSIST | EXPIRY))) {
        f |= Opt.KEEPTTL;
        continue;
      }
      if (!isSet && argIs(c, j, Tok.persist) && !(f & (Opt.KEEPTTL | EXPIRY))) {
        f |= Opt.PERSIST;
        continue;
      }
    }
    c.reply.error(ERR_SYNTAX);
    return false;
  }
  parsed.flags = f;
  parsed.expireIndex = expireIndex;
  return true;
}

/** Whether the parsed flags carry an expiry value. */
export function hasExpiry(flags: number): boolean {
  return (flags & EXPIRY) !== 0;
}

/** Whether the expiry is relative to now (EX, PX) rather than absolute (EXAT, PXAT). */
export function isRelative(flags: number): boolean {
  return (flags & (Opt.EX | Opt.PX)) !== 0;
}

/** Whether the expiry is in seconds (EX, EXAT). */
export function isSeconds(flags: number): boolean {
  return (flags & (Opt.EX | Opt.EXAT)) !== 0;
}

const INT64_MAX_DIV_1000 = INT64_MAX / 1000n;

/**
 * The absolute expiry in ms for SET/SETEX/PSETEX/GETEX (getExpireMillisecondsOrReply):
 * the value must be a positive integer, and neither the unit conversion nor adding now may
 * overflow int64. Replies the error and returns NaN otherwise. `name` is the command's name
 * for "ERR invalid expire time in '<name>' command".
 */
export function expiryMsOrReply(c: Ctx, index: number, seconds: boolean, relative: boolean, name: string): number {
  const a = c.argv;
  const v = parseDecimal(a.buf, a.off[index], a.len[index]);
  if (!Number.isNaN(v)) {
    if (v <= 0) {
      c.reply.error(errInvalidExpireTime(name));
      return Number.NaN;
    }
    const ms = seconds ? v * 1000 : v;
    const when = relative ? ms + c.nowMs() : ms;
    if (Number.isSafeInteger(when)) return when;
  }
  // Slow path: beyond 2^53, decide overflow exactly with int64 arithmetic.
  const big = argInt64(c, index);
  if (big === null) {
    c.reply.error(ERR_NOT_INTEGER);
    return Number.NaN;
  }
  if (big <= 0n || (seconds && big > INT64_MAX_DIV_1000)) {
    c.reply.error(errInvalidExpireTime(name));
    return Number.NaN;
  }
  let when = seconds ? big * 1000n : big;
  if (relative) when += BigInt(c.nowMs());
  if (when > INT64_MAX) {
    c.reply.error(errInvalidExpireTime(name));
    return Number.NaN;
  }
  // Expiry times beyond 2^53 ms (year 287396) are kept to double precision by the store.
  return Number(when);
}

/** Redis's proto-max-bulk-len default: the largest string APPEND/SETRANGE may build. */
export const PROTO_MAX_BULK_LEN = 512 * 1024 * 1024;

/** checkStringLength: replies the error and returns false when `size` bytes is too big. */
export function checkStringLength(c: Ctx, size: number): boolean {
  const max = c.server.maxValueSizeBytes < PROTO_MAX_BULK_LEN ? c.server.maxValueSizeBytes : PROTO_MAX_BULK_LEN;
  if (size > max) {
    c.reply.error(ERR_STRING_TOO_LONG);
    return false;
  }
  return true;
}
